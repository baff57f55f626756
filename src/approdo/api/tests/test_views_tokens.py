import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from approdo.api.actions import create_token, revoke_token
from approdo.api.models import ApiToken
from approdo.api.tests.conftest import bearer

pytestmark = pytest.mark.django_db


def test_token_urls():
    assert reverse("api:token-list") == "/api-tokens/"
    assert reverse("api:token-revoke", args=[7]) == "/api-tokens/7/revoke/"
    assert reverse("api:status") == "/api/v1/status"
    assert reverse("api:openapi") == "/api/v1/openapi.json"
    assert reverse("api:docs") == "/api/v1/docs/"


def test_token_page_lists_only_own_tokens(
    client, coop_member, other_coop_member, django_assert_max_num_queries
):
    for n in range(5):
        create_token(coop_member, name=f"coop script {n}")
    create_token(other_coop_member, name="other script")
    client.force_login(coop_member)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:token-list"))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<th scope="row">coop script') == 5
    assert "other script" not in content
    assert response["Cache-Control"].startswith("max-age=0")


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("api:token-list"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_creating_a_token_shows_it_once(client, coop_member):
    client.force_login(coop_member)

    response = client.post(reverse("api:token-list"), {"name": "Nightly export", "expires": "30"})

    assert response.status_code == 200
    token = ApiToken.objects.get(user=coop_member)
    assert token.name == "Nightly export"
    assert token.expires_at is not None
    plaintext = response.context["new_token"]
    assert plaintext.startswith(f"apd_{token.prefix}_")
    assert plaintext in response.content.decode()
    assert plaintext not in client.get(reverse("api:token-list")).content.decode()
    assert client.get("/api/v1/me", **bearer(plaintext)).status_code == 200


def test_token_without_expiry(client, coop_member):
    client.force_login(coop_member)

    client.post(reverse("api:token-list"), {"name": "Forever", "expires": "never"})

    assert ApiToken.objects.get(user=coop_member).expires_at is None


def test_creating_a_token_without_a_name_shows_the_error(client, coop_member):
    client.force_login(coop_member)

    response = client.post(reverse("api:token-list"), {"name": "", "expires": "30"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert response.context["new_token"] is None
    assert not ApiToken.objects.exists()


def test_owner_revokes_a_token(client, coop_member):
    token, plaintext = create_token(coop_member, name="Old script")
    client.force_login(coop_member)

    response = client.post(reverse("api:token-revoke", args=[token.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("api:token-list")
    token.refresh_from_db()
    assert token.is_revoked
    client.logout()
    assert client.get("/api/v1/me", **bearer(plaintext)).status_code == 401


def test_other_user_gets_404_on_revoke(client, coop_member, other_coop_member):
    token, _ = create_token(coop_member, name="Old script")
    client.force_login(other_coop_member)

    response = client.post(reverse("api:token-revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert not token.is_revoked


def test_revoke_rejects_get(client, coop_member):
    token, _ = create_token(coop_member, name="Old script")
    client.force_login(coop_member)

    response = client.get(reverse("api:token-revoke", args=[token.pk]))

    assert response.status_code == 405
    token.refresh_from_db()
    assert not token.is_revoked


def test_revoked_token_is_listed_without_revoke_button(client, coop_member):
    token, _ = create_token(coop_member, name="Old script")
    revoke_token(token, by=coop_member)
    client.force_login(coop_member)

    content = client.get(reverse("api:token-list")).content.decode()

    assert "Old script" in content
    assert reverse("api:token-revoke", args=[token.pk]) not in content


def test_profile_section_lists_active_tokens_and_links_to_the_page(coop_member):
    create_token(coop_member, name="Active script")
    revoked, _ = create_token(coop_member, name="Revoked script")
    revoke_token(revoked, by=coop_member)
    request = RequestFactory().get("/profilo/")
    request.user = coop_member

    html = render_to_string("api/profile_tokens.html", {"user": coop_member}, request=request)

    assert "Active script" in html
    assert "Revoked script" not in html
    assert reverse("api:token-list") in html
