"""With REDIS_URL set (as compose.yaml sets it) the cache, and with it the API's rate-limit
counters and the form schemas, lives in a real Redis server: APPRODO_TEST_REDIS_URL, by
default the one on 127.0.0.1:6379 (database 15, emptied by each test). Skipped, with the
reason, on a machine without one."""

import os
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches

from approdo.api.actions import create_token
from approdo.api.tests.conftest import bearer

REDIS_URL = os.environ.get("APPRODO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_is_up() -> bool:
    address = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_is_up(), reason=f"no Redis server at {REDIS_URL}")


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_redis_url_selects_the_redis_cache():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**os.environ, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "approdo.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


@pytest.mark.django_db
def test_the_rate_limit_counts_in_redis(client, settings, redis_cache, coop_member):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "2/3600s"},
    }
    _, plaintext = create_token(coop_member, name="redis")

    codes = [client.get("/api/v1/me", **bearer(plaintext)).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    assert redis_cache.get(f"throttle_api_user:{coop_member.pk}") is not None


def test_values_outlive_the_client_that_wrote_them(redis_cache):
    redis_cache.set("approdo-test", {"schema": [1, 2, 3]}, 60)
    caches.close_all()  # another process would open its own connection

    assert caches["default"].get("approdo-test") == {"schema": [1, 2, 3]}
