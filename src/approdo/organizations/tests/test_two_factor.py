"""Two-factor authentication: who must have it, the login flow through allauth, the admin."""

import importlib

import pytest
from django.urls import reverse

from approdo.organizations.tests.factories import PASSWORD, make_user, totp_code

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
MFA_AUTHENTICATE = reverse("mfa_authenticate")
ACTIVATE_TOTP = reverse("mfa_activate_totp")
ORGANIZATIONS = reverse("organizations:organization-list")


@pytest.fixture
def coordinator_without_totp(anci):
    return make_user("nuovo.coordinatore@ancitoscana.it", organization=anci, role="coordinator")


# The middleware


def test_coordinator_without_totp_is_sent_to_activation(client, coordinator_without_totp):
    client.force_login(coordinator_without_totp)
    response = client.get(ORGANIZATIONS)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_TOTP
    response = client.get(reverse("organizations:profile"))
    assert response["Location"] == ACTIVATE_TOTP


def test_coordinator_with_totp_passes(client, anci_coordinator):
    client.force_login(anci_coordinator)
    assert client.get(ORGANIZATIONS).status_code == 200


def test_members_need_no_second_factor(client, prato_member):
    client.force_login(prato_member)
    assert client.get(ORGANIZATIONS).status_code == 200


def test_account_pages_logout_and_language_stay_reachable(client, coordinator_without_totp):
    client.force_login(coordinator_without_totp)
    # The activation page itself (allauth first asks to confirm the password).
    response = client.get(ACTIVATE_TOTP)
    if response.status_code != 200:
        assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response["Location"] != ACTIVATE_TOTP
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_htmx_requests_are_redirected_with_a_header(client, coordinator_without_totp):
    client.force_login(coordinator_without_totp)
    response = client.get(ORGANIZATIONS, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == ACTIVATE_TOTP


def test_api_tokens_are_not_affected(client, coordinator_without_totp):
    # The API sits above this app: reach it at run time, not as a module dependency.
    create_token = importlib.import_module("approdo.api.actions").create_token
    _, plaintext = create_token(coordinator_without_totp, name="script")
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 200


def test_api_with_a_session_needs_the_second_factor(client, coordinator_without_totp):
    client.force_login(coordinator_without_totp)
    response = client.get(reverse("api:me"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_setting_up_totp_lifts_the_redirect(client, coordinator_without_totp):
    from allauth.mfa.totp.internal.auth import TOTP

    from approdo.organizations.tests.factories import TOTP_SECRET

    client.force_login(coordinator_without_totp)
    assert client.get(ORGANIZATIONS).status_code == 302
    TOTP.activate(coordinator_without_totp, TOTP_SECRET)
    assert client.get(ORGANIZATIONS).status_code == 200


def test_activation_through_allauth(client, coordinator_without_totp):
    """Sign in with the password, confirm it, scan the secret, type the code: then pages open."""
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    response = client.post(LOGIN, {"login": coordinator_without_totp.email, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(ORGANIZATIONS)
    assert response["Location"] == ACTIVATE_TOTP
    response = client.get(ACTIVATE_TOTP)
    if response.status_code == 302:  # allauth asks to confirm the password first
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        client.post(response["Location"], {"password": PASSWORD})
        response = client.get(ACTIVATE_TOTP)
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(ACTIVATE_TOTP, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(ORGANIZATIONS).status_code == 200


# The login flow with a second factor


def test_login_with_password_then_totp(client, anci_coordinator):
    response = client.post(LOGIN, {"login": anci_coordinator.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == MFA_AUTHENTICATE
    assert "_auth_user_id" not in client.session
    page = client.get(MFA_AUTHENTICATE)
    assert page.status_code == 200
    response = client.post(MFA_AUTHENTICATE, {"code": totp_code()})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == anci_coordinator.pk
    assert client.get(ORGANIZATIONS).status_code == 200


def test_wrong_totp_code_keeps_the_door_closed(client, anci_coordinator):
    client.post(LOGIN, {"login": anci_coordinator.email, "password": PASSWORD})
    response = client.post(
        MFA_AUTHENTICATE, {"code": "000000" if totp_code() != "000000" else "111111"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_a_form_error(client, anci_coordinator):
    response = client.post(LOGIN, {"login": anci_coordinator.email, "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


# The Django admin goes through allauth and the second factor


@pytest.fixture
def superuser(db):
    user = make_user("root@regione.toscana.it", totp=True)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def test_admin_login_goes_through_allauth_and_totp(client, superuser):
    admin_index = reverse("admin:index")
    response = client.get(reverse("admin:login"), {"next": admin_index})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    response = client.post(
        LOGIN, {"login": superuser.email, "password": PASSWORD, "next": admin_index}
    )
    assert response["Location"] == MFA_AUTHENTICATE
    assert client.get(admin_index).status_code == 302  # not signed in yet
    response = client.post(MFA_AUTHENTICATE, {"code": totp_code()})
    assert response["Location"] == admin_index
    assert client.get(admin_index).status_code == 200


def test_admin_password_form_cannot_bypass_allauth(client, superuser):
    response = client.post(
        reverse("admin:login"), {"username": superuser.email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302


def test_superuser_without_totp_must_set_it_up(client):
    root = make_user("root2@regione.toscana.it")
    root.is_staff = root.is_superuser = True
    root.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(root)
    assert client.get(reverse("admin:index"))["Location"] == ACTIVATE_TOTP


def test_non_staff_cannot_use_the_admin(client, prato_member):
    client.force_login(prato_member)
    assert client.get(reverse("admin:login")).status_code == 403
