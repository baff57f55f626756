import pytest
from django.urls import reverse

from approdo.organizations.models import User
from approdo.organizations.tests.factories import make_user

pytestmark = pytest.mark.django_db

PROFILE = reverse("organizations:profile")


def test_profile_shows_the_person_and_their_roles(
    client, zona_officer, django_assert_max_num_queries
):
    client.force_login(zona_officer)
    with django_assert_max_num_queries(12):
        response = client.get(PROFILE)
    assert response.status_code == 200
    html = response.content.decode()
    assert zona_officer.email in html
    assert "Società della Salute Area Pratese" in html
    assert "Territory officer" in html
    assert "Pratese" in html
    for name in ("account_change_password", "account_email", "mfa_index"):
        assert reverse(name) in html
    assert html.count("<h1") == 1


def test_profile_has_the_api_tokens_section(client, prato_member):
    client.force_login(prato_member)
    response = client.get(PROFILE)
    assert response.context["api_tokens_template"] == "api/profile_tokens.html"


def test_profile_says_when_two_factor_is_required(client, anci_coordinator):
    client.force_login(anci_coordinator)
    response = client.get(PROFILE)
    assert response.context["has_totp"] and response.context["requires_two_factor"]


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_rejects_post(client, prato_member):
    client.force_login(prato_member)
    assert client.post(PROFILE).status_code == 405


# Admin


@pytest.fixture
def admin_client_with_totp(client):
    root = make_user("root@regione.toscana.it", totp=True)
    root.is_staff = root.is_superuser = True
    root.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(root)
    return client


@pytest.mark.parametrize("model", ["user", "organization", "membership", "invitation"])
def test_admin_lists_and_forms_open(admin_client_with_totp, model, prato_member, prato):
    client = admin_client_with_totp
    assert client.get(reverse(f"admin:organizations_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:organizations_{model}_add")).status_code == 200


def test_admin_creates_a_user_by_email_with_a_verified_address(admin_client_with_totp):
    response = admin_client_with_totp.post(
        reverse("admin:organizations_user_add"),
        {
            "email": "Nuovo@Example.org",
            "usable_password": "true",
            "password1": "a-long-and-uncommon-passphrase",
            "password2": "a-long-and-uncommon-passphrase",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    user = User.objects.get(email="nuovo@example.org")
    assert user.emailaddress_set.get().verified
