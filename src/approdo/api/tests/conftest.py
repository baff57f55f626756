import pytest
from django.core.cache import cache

from approdo.api.actions import create_token


@pytest.fixture(autouse=True)
def _clear_cache():
    """Used TOTP codes and other state live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coop_token(coop_member):
    """(token, plaintext) of an API token of coop_member."""
    return create_token(coop_member, name="Reporting script")


def bearer(plaintext: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
