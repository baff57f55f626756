import pytest
from django.core.cache import cache
from django.db import DatabaseError

from approdo.api.actions import create_token
from approdo.api.tests.conftest import bearer
from approdo.api.throttling import ApiRateThrottle
from approdo.organizations.tests.factories import make_user

pytestmark = pytest.mark.django_db

HEADERS = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
# A cheap public operation, counted by address like every anonymous request.
ANON = "/api/v1/territory/zones"


@pytest.fixture
def small_limit(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/3600s"},
    }
    return 3


@pytest.mark.parametrize(
    "path", [ANON, "/api/v1/me", "/api/v1/openapi.json", "/api/v1/nothing-here"]
)
def test_every_api_response_carries_the_rate_limit_headers(client, path):
    response = client.get(path)

    for header in HEADERS:
        assert int(response[header]) >= 0
    assert response["X-RateLimit-Limit"] == "1000"
    assert 0 < int(response["X-RateLimit-Reset"]) <= 3600


def test_remaining_counts_down(client, small_limit):
    remaining = [client.get(ANON)["X-RateLimit-Remaining"] for _ in range(3)]

    assert remaining == ["2", "1", "0"]


def test_over_the_limit_gets_429_with_retry_after(client, small_limit):
    for _ in range(small_limit):
        assert client.get(ANON).status_code == 200

    response = client.get(ANON)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 429
    assert response.json()["instance"] == ANON
    assert response["X-RateLimit-Remaining"] == "0"
    assert response["Retry-After"] == response["X-RateLimit-Reset"]
    assert 0 < int(response["Retry-After"]) <= 3600


def test_each_token_user_has_their_own_count(client, small_limit, coop_member, prato_member):
    _, coop_plaintext = create_token(coop_member, name="coop")
    _, prato_plaintext = create_token(prato_member, name="prato")
    for _ in range(small_limit + 1):
        client.get("/api/v1/me", **bearer(coop_plaintext))

    assert client.get("/api/v1/me", **bearer(coop_plaintext)).status_code == 429
    assert client.get("/api/v1/me", **bearer(prato_plaintext)).status_code == 200
    assert client.get(ANON).status_code == 200  # anonymous: counted by address


def test_token_and_session_of_one_user_share_the_count(client, small_limit, coop_member):
    _, plaintext = create_token(coop_member, name="coop")
    for _ in range(small_limit):
        client.get("/api/v1/me", **bearer(plaintext))
    client.force_login(coop_member)

    assert client.get("/api/v1/me").status_code == 429


def test_addresses_are_counted_apart(client, small_limit):
    for _ in range(small_limit):
        client.get(ANON, REMOTE_ADDR="10.0.0.1")

    assert client.get(ANON, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(ANON, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_behind_the_proxy_the_address_it_appended_is_counted(client, settings, small_limit):
    settings.APPRODO_TRUSTED_PROXIES = 1
    for _ in range(small_limit):
        client.get(ANON, HTTP_X_FORWARDED_FOR="1.1.1.1, 10.0.0.1")

    forged = client.get(ANON, HTTP_X_FORWARDED_FOR="9.9.9.9, 10.0.0.1")
    other = client.get(ANON, HTTP_X_FORWARDED_FOR="10.0.0.2")

    assert forged.status_code == 429
    assert other.status_code == 200


def test_without_a_proxy_a_forwarded_address_does_not_make_a_new_client(client, small_limit):
    """The address is core.client's, not DRF's own reading of X-Forwarded-For."""
    for n in range(small_limit):
        client.get(ANON, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    assert client.get(ANON, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429


def test_the_count_lives_in_the_shared_cache(client, small_limit):
    for _ in range(small_limit):
        client.get(ANON)
    assert client.get(ANON).status_code == 429

    cache.clear()  # what every process reads: emptied, every count starts again

    assert client.get(ANON)["X-RateLimit-Remaining"] == "2"


def test_a_request_refused_before_the_throttle_shows_the_figures_without_counting(client):
    client.get(ANON)

    refused = client.get("/api/v1/me")  # no credentials: 401 before the throttle runs

    assert refused.status_code == 401
    assert refused["X-RateLimit-Remaining"] == "999"
    assert client.get(ANON)["X-RateLimit-Remaining"] == "998"


class BrokenCache:
    def get(self, *args, **kwargs):
        raise DatabaseError("cache table unavailable")

    set = get


def test_a_counting_failure_does_not_stop_the_api(client, monkeypatch):
    monkeypatch.setattr(ApiRateThrottle, "cache", BrokenCache())

    response = client.get(ANON)

    assert response.status_code == 200
    assert response["X-RateLimit-Remaining"] == "1000"


def test_pages_outside_the_api_are_not_counted(client, coop_member):
    client.force_login(coop_member)

    response = client.get("/api-tokens/")

    assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response


def test_refusals_of_other_middleware_carry_the_headers_too(client, regione):
    admin_without_2fa = make_user(
        "nuovo@regione.toscana.it", organization=regione, role="regional_admin"
    )
    client.force_login(admin_without_2fa)

    response = client.get("/api/v1/me")

    assert response.status_code == 403
    assert response["X-RateLimit-Limit"] == "1000"


def test_the_status_endpoint_is_never_throttled(client, small_limit):
    """Health checks poll it: over the limit it still answers, and it is not counted."""
    for _ in range(small_limit):
        client.get(ANON)
    assert client.get(ANON).status_code == 429

    response = client.get("/api/v1/status")

    assert response.status_code == 200
    assert "X-RateLimit-Remaining" not in response
