import datetime
import hashlib

import pytest
from django.db import connection
from django.utils import timezone

from approdo.api.actions import create_token, revoke_token
from approdo.api.models import ApiToken
from approdo.api.tests.conftest import bearer
from approdo.core.models import HistoryEntry

pytestmark = pytest.mark.django_db


def test_create_token_returns_a_plaintext_of_the_documented_shape(coop_member):
    token, plaintext = create_token(coop_member, name="Reporting script")

    keyword, prefix, secret = plaintext.split("_", 2)
    assert keyword == "apd"
    assert prefix == token.prefix
    assert len(secret) >= 40
    assert token.user == coop_member
    assert token.name == "Reporting script"
    assert token.is_active


def test_only_the_hash_of_the_secret_is_stored(coop_member):
    token, plaintext = create_token(coop_member, name="Reporting script")
    secret = plaintext.split("_", 2)[2]

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert secret not in stored
    assert plaintext not in stored
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.key_hash in stored


def test_each_token_is_different(coop_member):
    first = create_token(coop_member, name="one")
    second = create_token(coop_member, name="two")

    assert first[1] != second[1]
    assert first[0].prefix != second[0].prefix


def test_creating_and_revoking_is_kept_in_history(coop_member):
    token, _ = create_token(coop_member, name="Reporting script")
    revoke_token(token, by=coop_member)

    actions = list(HistoryEntry.objects.for_object(token).values_list("action", flat=True))
    assert sorted(actions) == ["created", "revoked"]


def test_revoking_twice_keeps_the_first_time(coop_member):
    token, _ = create_token(coop_member, name="Reporting script")
    revoke_token(token, by=coop_member)
    first = token.revoked_at

    revoke_token(token, by=coop_member)

    token.refresh_from_db()
    assert token.revoked_at == first


def test_matching_finds_only_active_tokens_with_the_right_secret(coop_member):
    token, plaintext = create_token(coop_member, name="Reporting script")

    assert ApiToken.objects.matching(plaintext) == token
    assert ApiToken.objects.matching(plaintext + "x") is None
    assert ApiToken.objects.matching(f"apd_{token.prefix}_wrong") is None
    assert ApiToken.objects.matching("not-a-token") is None
    assert ApiToken.objects.matching("apd__") is None


def test_token_authenticates_api_requests(client, coop_token, coop_member):
    token, plaintext = coop_token

    response = client.get("/api/v1/me", **bearer(plaintext))

    assert response.status_code == 200
    assert response.json()["email"] == coop_member.email
    assert response.json()["token"]["prefix"] == token.prefix
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(client, coop_token):
    token, plaintext = coop_token
    recently = timezone.now() - datetime.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recently)

    client.get("/api/v1/me", **bearer(plaintext))
    token.refresh_from_db()
    assert token.last_used_at == recently

    long_ago = timezone.now() - datetime.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)
    client.get("/api/v1/me", **bearer(plaintext))
    token.refresh_from_db()
    assert token.last_used_at > long_ago + datetime.timedelta(minutes=1)


def assert_401_problem(response):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["instance"] == "/api/v1/me"


def test_revoked_token_gets_401(client, coop_token, coop_member):
    token, plaintext = coop_token
    revoke_token(token, by=coop_member)

    assert_401_problem(client.get("/api/v1/me", **bearer(plaintext)))


def test_expired_token_gets_401(client, coop_member):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    _token, plaintext = create_token(coop_member, name="old", expires_at=yesterday)

    assert_401_problem(client.get("/api/v1/me", **bearer(plaintext)))


def test_token_not_yet_expired_works(client, coop_member):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    _token, plaintext = create_token(coop_member, name="new", expires_at=tomorrow)

    assert client.get("/api/v1/me", **bearer(plaintext)).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer apd_0000000000_unknownsecret", "Bearer", "Bearer a b", "Bearer garbage"],
)
def test_unknown_or_malformed_token_gets_401(client, coop_token, header):
    assert_401_problem(client.get("/api/v1/me", HTTP_AUTHORIZATION=header))


def test_wrong_secret_for_a_real_prefix_gets_401(client, coop_token):
    token, _plaintext = coop_token

    assert_401_problem(client.get("/api/v1/me", **bearer(f"apd_{token.prefix}_guessed")))


def test_token_of_a_deactivated_user_gets_401(client, coop_token, coop_member):
    _token, plaintext = coop_token
    coop_member.is_active = False
    coop_member.save(update_fields=["is_active"])

    assert_401_problem(client.get("/api/v1/me", **bearer(plaintext)))


def test_request_without_credentials_gets_401(client):
    assert_401_problem(client.get("/api/v1/me"))


def test_signed_in_session_can_use_the_api(client, coop_member):
    client.force_login(coop_member)

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["token"] is None
