"""The client's address comes from one function (core.client) for every per-client limit:
allauth's sign-in and password reset, the API, the contact relay and the feedback form."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from approdo.core.client import client_hash, client_ip

PROXY = "10.0.0.2"  # the reverse proxy, as the app sees the connection


def request_from(forwarded: str | None = None, remote: str = PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.fixture(autouse=True)
def _fresh_limits(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def one_proxy(settings):
    settings.APPRODO_TRUSTED_PROXIES = 1


@pytest.fixture
def no_proxy(settings):
    settings.APPRODO_TRUSTED_PROXIES = 0


def test_behind_one_proxy_the_client_is_the_last_address(one_proxy):
    assert client_ip(request_from("198.51.100.7")) == "198.51.100.7"
    assert client_ip(request_from("203.0.113.9")) == "203.0.113.9"


def test_spoofed_addresses_to_the_left_are_ignored(one_proxy):
    assert client_ip(request_from("6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(request_from("1.1.1.1,2.2.2.2 , 198.51.100.7")) == "198.51.100.7"
    assert client_hash(request_from("6.6.6.6, 198.51.100.7")) == client_hash(
        request_from("7.7.7.7, 198.51.100.7")
    )


def test_two_trusted_proxies_take_the_second_from_the_right(settings):
    settings.APPRODO_TRUSTED_PROXIES = 2
    assert client_ip(request_from("6.6.6.6, 198.51.100.7, 10.0.0.1")) == "198.51.100.7"
    # Fewer hops than trusted proxies: the request skipped a proxy, trust only the connection.
    assert client_ip(request_from("198.51.100.7")) == PROXY


def test_without_proxy_x_forwarded_for_is_ignored(no_proxy):
    assert client_ip(request_from("198.51.100.7", remote="192.0.2.1")) == "192.0.2.1"


def test_garbage_and_ports_are_handled(one_proxy):
    assert client_ip(request_from("not-an-address")) == PROXY
    assert client_ip(request_from("")) == PROXY
    assert client_ip(request_from("198.51.100.7:5123")) == "198.51.100.7"
    assert client_ip(request_from("[2001:db8::1]:443")) == "2001:db8::1"
    assert client_ip(request_from("2001:DB8::1")) == "2001:db8::1"


def test_only_core_client_reads_the_forwarded_header():
    """One parser of X-Forwarded-For: any other reader would give a second answer."""
    root = Path(__file__).resolve().parents[2]
    readers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "HTTP_X_FORWARDED_FOR" in path.read_text(encoding="utf-8") and "tests" not in path.parts
    )
    assert readers == ["core/client.py"]


# Sign-in (allauth) ----------------------------------------------------------------------------


def _failed_logins(client, forwarded: str, count: int, email: str) -> list[int]:
    url = reverse("account_login")
    return [
        client.post(
            url,
            {"login": email, "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code
        for _ in range(count)
    ]


@pytest.fixture
def tight_login_limit(settings):
    # The sign-in limit per address (allauth answers 429 over it).
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/5m/ip"}


@pytest.mark.django_db
def test_failed_logins_of_different_clients_do_not_share_a_limit(
    client, one_proxy, tight_login_limit
):
    first = _failed_logins(client, "198.51.100.1", 4, "a@example.org")
    assert first[:3] == [200, 200, 200] and first[3] == 429
    # Another client behind the same proxy is not locked out.
    assert _failed_logins(client, "198.51.100.2", 1, "b@example.org") == [200]


@pytest.mark.django_db
def test_spoofed_left_addresses_do_not_escape_the_login_limit(client, one_proxy, tight_login_limit):
    statuses = [
        _failed_logins(client, f"6.6.6.{n}, 198.51.100.1", 1, f"{n}@example.org")[0]
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
def test_without_proxy_forwarded_addresses_share_the_connection_limit(
    client, no_proxy, tight_login_limit
):
    statuses = [
        _failed_logins(client, f"198.51.100.{n}", 1, f"{n}@example.org")[0] for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
def test_password_reset_limit_is_per_client(client, settings, one_proxy):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/h/ip"}
    url = reverse("account_reset_password")

    def reset(forwarded: str, n: int) -> int:
        return client.post(
            url, {"email": f"{n}@example.org"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    assert [reset("198.51.100.1", n) for n in range(3)][2] == 429
    assert reset("198.51.100.2", 9) != 429


# API ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_limit_is_per_client_behind_the_proxy(client, settings, one_proxy):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "2/h"}}
    url = reverse("api:territory-zones")

    def get(forwarded: str) -> int:
        return client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [get("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert get("6.6.6.6, 198.51.100.1") == 429  # spoofing the left does not help
    assert get("198.51.100.2") == 200


# Feedback form ("Segnala un problema") -----------------------------------------------------------


@pytest.mark.django_db
def test_feedback_form_has_the_public_forms_rate_limit(client, one_proxy):
    from approdo.portal.actions import FEEDBACK_LIMIT_PER_IP
    from approdo.portal.models import FeedbackReport

    url = reverse("portal:feedback")

    def send(forwarded: str) -> int:
        data = {"message": "Il link non funziona", "page_url": "/"}
        return client.post(url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [send("198.51.100.1") for _ in range(FEEDBACK_LIMIT_PER_IP)] == [302] * (
        FEEDBACK_LIMIT_PER_IP
    )
    assert send("6.6.6.6, 198.51.100.1") == 429
    assert send("198.51.100.2") == 302
    assert FeedbackReport.objects.count() == FEEDBACK_LIMIT_PER_IP + 1


@pytest.mark.django_db
def test_feedback_form_honeypot_refuses_bots(client):
    from approdo.portal.models import FeedbackReport

    response = client.post(
        reverse("portal:feedback"), {"message": "spam", "leave_empty": "http://spam.example"}
    )
    assert response.status_code == 200
    assert FeedbackReport.objects.count() == 0
