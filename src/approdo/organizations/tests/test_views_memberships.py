import pytest
from django.urls import reverse

from approdo.core.models import HistoryEntry
from approdo.organizations.models import Invitation, Membership
from approdo.organizations.tests.factories import make_user
from approdo.territory.models import Zona

pytestmark = pytest.mark.django_db


def invite(organization):
    return reverse("organizations:organization-invite", args=[organization.pk])


def edit(membership):
    return reverse("organizations:membership-edit", args=[membership.pk])


def delete(membership):
    return reverse("organizations:membership-delete", args=[membership.pk])


@pytest.fixture
def colleague(prato):
    return make_user("collega@comune.prato.it", organization=prato, role="org_member")


# Invite


def test_org_manager_invites_a_colleague(
    client, prato_member, prato, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(prato_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invite(prato), {"email": "nuova@comune.prato.it", "role": "org_member"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organization, invitation.role) == (prato, "org_member")
    assert len(mailoutbox) == 1
    assert f"http://testserver/inviti/{invitation.token}/" in mailoutbox[0].body


def test_org_manager_posting_a_regional_role_is_refused(client, prato_member, prato, mailoutbox):
    client.force_login(prato_member)
    for role in ("regional_admin", "coordinator", "analyst"):
        response = client.post(invite(prato), {"email": "capo@example.org", "role": role})
        assert response.status_code == 422
        assert "role" in response.context["invite_form"].errors
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_invite_form_offers_only_grantable_roles(client, prato_member, prato):
    client.force_login(prato_member)
    form = client.get(reverse("organizations:organization-detail", args=[prato.pk])).context[
        "invite_form"
    ]
    assert [value for value, _ in form.fields["role"].choices] == ["org_manager", "org_member"]
    assert "zona" not in form.fields


def test_bad_invitation_email_is_a_field_error(client, prato_member, prato):
    client.force_login(prato_member)
    response = client.post(invite(prato), {"email": "not-an-address", "role": "org_member"})
    assert response.status_code == 422
    assert "email" in response.context["invite_form"].errors
    assert 'id="id_email-error"' in response.content.decode()


def test_territory_officer_invitation_needs_a_zona_or_asl(client, regione_admin, prato):
    client.force_login(regione_admin)
    data = {"email": "t@example.org", "role": "territory_viewer"}
    response = client.post(invite(prato), data)
    assert "zona" in response.context["invite_form"].errors
    pratese = Zona.objects.get(slug="pratese")
    response = client.post(invite(prato), {**data, "zona": pratese.pk})
    assert response.status_code == 302
    assert Invitation.objects.get().zona == pratese


def test_member_without_grants_cannot_invite(client, other_coop_member, other_coop):
    client.force_login(other_coop_member)
    response = client.post(invite(other_coop), {"email": "x@example.org", "role": "org_member"})
    assert response.status_code == 403


def test_other_organisation_cannot_invite(client, coop_member, prato):
    client.force_login(coop_member)
    response = client.post(invite(prato), {"email": "x@example.org", "role": "org_member"})
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_invite_rejects_get(client, prato_member, prato):
    client.force_login(prato_member)
    assert client.get(invite(prato)).status_code == 405


# Change role


def test_org_manager_promotes_a_colleague(client, prato_member, colleague):
    membership = colleague.memberships.get()
    client.force_login(prato_member)
    assert client.get(edit(membership)).status_code == 200
    response = client.post(edit(membership), {"role": "org_manager"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "org_manager"
    entry = HistoryEntry.objects.for_object(membership.organization).get()
    assert (entry.action, entry.actor) == ("member_changed", prato_member)


def test_org_manager_cannot_raise_a_colleague_above_their_own_role(client, prato_member, colleague):
    membership = colleague.memberships.get()
    client.force_login(prato_member)
    response = client.post(edit(membership), {"role": "regional_admin"})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    membership.refresh_from_db()
    assert membership.role == "org_member"


def test_other_organisation_cannot_change_roles(client, coop_member, colleague):
    client.force_login(coop_member)
    response = client.post(edit(colleague.memberships.get()), {"role": "org_manager"})
    assert response.status_code == 404


def test_coordinator_cannot_touch_a_regional_admin(client, anci_coordinator, regione_admin):
    client.force_login(anci_coordinator)
    membership = regione_admin.memberships.get()
    assert client.get(edit(membership)).status_code == 404
    assert client.post(delete(membership)).status_code == 404
    assert Membership.objects.filter(pk=membership.pk, role="regional_admin").exists()


def test_membership_edit_rejects_other_methods(client, prato_member, colleague):
    client.force_login(prato_member)
    assert client.put(edit(colleague.memberships.get())).status_code == 405


# Remove


def test_org_manager_removes_a_colleague(client, prato_member, colleague, prato):
    client.force_login(prato_member)
    response = client.post(delete(colleague.memberships.get()))
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:organization-detail", args=[prato.pk])
    assert not Membership.objects.filter(user=colleague).exists()


def test_remove_rejects_get(client, prato_member, colleague):
    client.force_login(prato_member)
    assert client.get(delete(colleague.memberships.get())).status_code == 405
    assert Membership.objects.filter(user=colleague).exists()


def test_other_organisation_cannot_remove(client, coop_member, colleague):
    client.force_login(coop_member)
    assert client.post(delete(colleague.memberships.get())).status_code == 404
    assert Membership.objects.filter(user=colleague).exists()


def test_plain_member_cannot_remove_colleagues(client, colleague, prato):
    other = make_user("altra@comune.prato.it", organization=prato, role="org_member")
    client.force_login(colleague)
    assert client.post(delete(other.memberships.get())).status_code == 404
