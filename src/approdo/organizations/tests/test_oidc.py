"""Sign-in through the regional SPID/CIE broker (OpenID Connect), against a fake broker that
answers discovery, token and userinfo in-process: no network."""

import json
import time
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from approdo.organizations.adapters import person_from_claims
from approdo.organizations.models import Membership, User
from approdo.organizations.tests.factories import make_user

pytestmark = pytest.mark.django_db

BROKER = "https://idp.regione.toscana.example"
CLIENT_ID = "approdo-test"
LOGIN = reverse("openid_connect_login", kwargs={"provider_id": "regione"})
CALLBACK = reverse("openid_connect_callback", kwargs={"provider_id": "regione"})


class FakeBroker(requests.adapters.BaseAdapter):
    """Answers the three requests allauth makes to an OpenID Connect provider."""

    def __init__(self, userinfo: dict, id_token_claims: dict | None = None):
        super().__init__()
        self.userinfo = userinfo
        self.id_token_claims = id_token_claims or {}
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.requests.append(request)
        path = urlparse(request.url).path
        if path == "/.well-known/openid-configuration":
            body = {
                "issuer": BROKER,
                "authorization_endpoint": f"{BROKER}/authorize",
                "token_endpoint": f"{BROKER}/token",
                "userinfo_endpoint": f"{BROKER}/userinfo",
                "jwks_uri": f"{BROKER}/jwks",
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            }
        elif path == "/token" and request.method == "POST":
            form = parse_qs(request.body)
            assert form["code"] == ["code-from-the-broker"]
            assert form["code_verifier"]  # PKCE
            claims = {
                "iss": BROKER,
                "aud": CLIENT_ID,
                "sub": self.userinfo["sub"],
                "exp": int(time.time()) + 300,
                "iat": int(time.time()),
                **self.id_token_claims,
            }
            body = {
                "access_token": "access-token",
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": jwt.encode(
                    claims, "not-checked-over-tls-" + "k" * 16, algorithm="HS256"
                ),
            }
        elif path == "/userinfo":
            assert request.headers["Authorization"] == "Bearer access-token"
            body = self.userinfo
        else:
            return self._answer(request, 404, {"error": "not_found"})
        return self._answer(request, 200, body)

    def _answer(self, request, status, body):
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


@pytest.fixture
def broker_settings(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "regione",
                    "name": "SPID / CIE",
                    "client_id": CLIENT_ID,
                    "secret": "a-client-secret-long-enough-for-hs256-signatures",
                    "settings": {"server_url": BROKER},
                }
            ],
        }
    }
    return settings


def sign_in_with_broker(client, userinfo: dict, id_token_claims: dict | None = None):
    broker = FakeBroker(userinfo, id_token_claims)

    def session(adapter_self):
        http = requests.Session()
        http.mount(BROKER, broker)
        return http

    with mock.patch.object(DefaultSocialAccountAdapter, "get_requests_session", session):
        redirect = client.post(LOGIN, {"process": "login"})
        assert redirect.status_code == 302
        authorize = urlparse(redirect["Location"])
        assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{BROKER}/authorize"
        query = parse_qs(authorize.query)
        assert query["client_id"] == [CLIENT_ID]
        assert query["code_challenge_method"] == ["S256"]
        response = client.get(
            CALLBACK, {"code": "code-from-the-broker", "state": query["state"][0]}
        )
    return response, broker


def signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


SPID_CLAIMS = {
    "sub": "spid-7f3a",
    "email": "Mario.Rossi@example.org",
    "email_verified": True,
    "name": "Mario",
    "familyName": "Rossi",
    "fiscalNumber": "TINIT-RSSMRA80A01H501U",
}


def test_spid_person_gets_name_email_and_tax_code(client, broker_settings):
    response, broker = sign_in_with_broker(client, SPID_CLAIMS)
    assert response.status_code == 302, response.content[:500]
    user = signed_in_user(client)
    assert user is not None
    assert user.email == "mario.rossi@example.org"
    assert (user.first_name, user.last_name) == ("Mario", "Rossi")
    assert user.tax_code == "RSSMRA80A01H501U"
    assert user.emailaddress_set.get().verified
    assert SocialAccount.objects.get(user=user).uid == "spid-7f3a"
    # No organisation comes from the broker: roles come by invitation.
    assert not Membership.objects.filter(user=user).exists()
    paths = [urlparse(r.url).path for r in broker.requests]
    # Discovery at the login and again at the callback, then the code for a token, then userinfo.
    assert paths[0] == "/.well-known/openid-configuration"
    assert paths[-2:] == ["/token", "/userinfo"]


def test_standard_claims_are_mapped_too(client, broker_settings):
    userinfo = {
        "sub": "cie-42",
        "email": "anna.bianchi@example.org",
        "email_verified": True,
        "given_name": "Anna",
        "family_name": "Bianchi",
        "fiscal_number": "BNCNNA85M41D612X",
    }
    response, _ = sign_in_with_broker(client, userinfo)
    assert response.status_code == 302
    user = signed_in_user(client)
    assert (user.first_name, user.last_name, user.tax_code) == (
        "Anna",
        "Bianchi",
        "BNCNNA85M41D612X",
    )


def test_existing_verified_account_is_linked(client, broker_settings, prato_member):
    claims = {**SPID_CLAIMS, "email": prato_member.email.upper()}
    response, _ = sign_in_with_broker(client, claims)
    assert response.status_code == 302
    assert signed_in_user(client) == prato_member
    prato_member.refresh_from_db()
    assert prato_member.tax_code == "RSSMRA80A01H501U"
    assert prato_member.last_name == "Rossi"  # was empty
    assert prato_member.first_name == "operatore"  # kept
    assert SocialAccount.objects.get(uid="spid-7f3a").user == prato_member
    assert Membership.objects.filter(user=prato_member).count() == 1


def test_unverified_address_here_is_not_linked(client, broker_settings):
    person = User.objects.create_user(email="mario.rossi@example.org", password="x" * 20)
    person.emailaddress_set.create(email=person.email, verified=False, primary=True)
    sign_in_with_broker(client, SPID_CLAIMS)
    assert signed_in_user(client) != person
    assert not SocialAccount.objects.filter(user=person).exists()


def test_address_not_verified_by_the_broker_is_not_linked(client, broker_settings, prato_member):
    claims = {**SPID_CLAIMS, "email": prato_member.email, "email_verified": False}
    sign_in_with_broker(client, claims)
    assert signed_in_user(client) != prato_member
    assert not SocialAccount.objects.filter(user=prato_member).exists()


def test_second_sign_in_finds_the_same_account(client, broker_settings):
    sign_in_with_broker(client, SPID_CLAIMS)
    first = signed_in_user(client)
    client.logout()
    sign_in_with_broker(client, SPID_CLAIMS)
    assert signed_in_user(client) == first
    assert User.objects.filter(email="mario.rossi@example.org").count() == 1


def test_login_page_offers_the_broker(client, broker_settings):
    html = client.get(reverse("account_login")).content.decode()
    assert "SPID / CIE" in html
    assert LOGIN in html


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        (
            {"name": "Mario", "familyName": "Rossi", "fiscalNumber": "TINIT-rssmra80a01h501u"},
            ("Mario", "Rossi", "RSSMRA80A01H501U"),
        ),
        (
            {"given_name": "Anna", "family_name": "Bianchi", "fiscal_number": "BNCNNA85M41D612X"},
            ("Anna", "Bianchi", "BNCNNA85M41D612X"),
        ),
        ({"name": "Anna Maria Verdi"}, ("Anna", "Maria Verdi", "")),
        (
            {"https://attributes.eid.gov.it/fiscal_number": "TINIT-VRDNNA70A41G702K"},
            ("", "", "VRDNNA70A41G702K"),
        ),
    ],
)
def test_person_from_claims(claims, expected):
    person = person_from_claims(claims)
    assert (person["first_name"], person["last_name"], person["tax_code"]) == expected


def test_no_broker_configured_means_404(client):
    make_user("x@example.org")
    assert client.get(LOGIN).status_code == 404
