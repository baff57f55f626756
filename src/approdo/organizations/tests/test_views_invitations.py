import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from approdo.organizations.models import Invitation, Membership, User
from approdo.organizations.tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-uncommon-passphrase"


def accept(invitation):
    return reverse("organizations:invitation-accept", args=[invitation.token])


@pytest.fixture
def invitation(prato, prato_member):
    return Invitation.objects.create(
        organization=prato,
        email="nuova@comune.prato.it",
        role="org_member",
        invited_by=prato_member,
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )


def test_anonymous_sees_organisation_and_role(client, invitation):
    response = client.get(accept(invitation))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Comune di Prato" in html
    assert "Organisation member" in html
    assert 'value="nuova@comune.prato.it" readonly' in html
    assert html.count("<h1") == 1


def test_anonymous_creates_the_account_and_is_signed_in(client, invitation, prato):
    data = {
        "first_name": "Nuova",
        "last_name": "Collega",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    response = client.post(accept(invitation), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:organization-detail", args=[prato.pk])
    user = User.objects.get(email="nuova@comune.prato.it")
    assert (user.first_name, user.last_name) == ("Nuova", "Collega")
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    assert Membership.objects.get(user=user).role == "org_member"
    assert int(client.session["_auth_user_id"]) == user.pk
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_weak_or_mismatched_passwords_are_field_errors(client, invitation):
    response = client.post(
        accept(invitation),
        {
            "first_name": "Nuova",
            "last_name": "Collega",
            "password1": "123",
            "password2": "123",
        },
    )
    assert "password1" in response.context["form"].errors
    response = client.post(
        accept(invitation),
        {
            "first_name": "Nuova",
            "last_name": "Collega",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD + "x",
        },
    )
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(email=invitation.email).exists()


def test_existing_account_is_asked_to_sign_in(client, invitation):
    make_user(invitation.email)
    response = client.get(accept(invitation))
    assert response.status_code == 200
    assert response.context["login_url"].startswith(reverse("account_login"))
    # Posting a new password does not take over the existing account.
    client.post(
        accept(invitation),
        {"first_name": "X", "last_name": "Y", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert User.objects.get(email=invitation.email).check_password(PASSWORD)
    assert not Membership.objects.filter(user__email=invitation.email).exists()


def test_signed_in_person_accepts_with_one_click(client, invitation, prato):
    person = make_user(invitation.email)
    client.force_login(person)
    page = client.get(accept(invitation))
    assert "Accept the invitation" in page.content.decode()
    response = client.post(accept(invitation))
    assert response.status_code == 302
    assert Membership.objects.get(user=person).organization == prato


def test_signed_in_as_someone_else_is_refused(client, invitation, coop_member):
    client.force_login(coop_member)
    response = client.post(accept(invitation))
    assert response.status_code == 403
    assert "sent to nuova@comune.prato.it" in response.content.decode()
    assert not Membership.objects.filter(
        organization=invitation.organization, user=coop_member
    ).exists()


def test_expired_invitation_explains_why(client, invitation):
    invitation.expires_at = timezone.now() - datetime.timedelta(hours=1)
    invitation.save(update_fields=["expires_at"])
    response = client.get(accept(invitation))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    response = client.post(
        accept(invitation),
        {"first_name": "A", "last_name": "B", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 410
    assert not User.objects.filter(email=invitation.email).exists()


def test_used_invitation_explains_why(client, invitation):
    data = {
        "first_name": "Nuova",
        "last_name": "Collega",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    client.post(accept(invitation), data)
    client.logout()  # forgets every cookie, the language one too
    client.cookies["django_language"] = "en"
    response = client.get(accept(invitation))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_unknown_token_is_404_with_an_explanation(client):
    response = client.get(reverse("organizations:invitation-accept", args=["no-such-token"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_invitation_page_rejects_other_methods(client, invitation):
    assert client.delete(accept(invitation)).status_code == 405
