import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read the messages in the source language, English, not in Italian."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and used TOTP codes live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()
