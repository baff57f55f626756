import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _plain_http(settings):
    """Production defaults redirect to HTTPS; the test client speaks plain HTTP."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and used TOTP codes live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()
