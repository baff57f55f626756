import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from approdo.core.models import HistoryEntry
from approdo.organizations import actions
from approdo.organizations.models import Invitation, Membership, Organization
from approdo.organizations.tests.factories import make_user
from approdo.territory.models import Zona

pytestmark = pytest.mark.django_db


def test_create_organization_records_who_and_what(regione_admin):
    organization = actions.create_organization(
        name="Comune di Empoli", kind="comune", tax_code="01329160483", by=regione_admin
    )
    entry = HistoryEntry.objects.for_object(organization).get()
    assert entry.action == "created"
    assert entry.actor == regione_admin
    assert entry.changes["name"] == [None, "Comune di Empoli"]
    assert entry.changes["tax_code"] == [None, "01329160483"]


def test_create_organization_rejects_a_bad_tax_code(regione_admin):
    with pytest.raises(ValidationError) as error:
        actions.create_organization(
            name="Comune di Nessuno", kind="comune", tax_code="12345", by=regione_admin
        )
    assert "tax_code" in error.value.message_dict
    assert not Organization.objects.filter(name="Comune di Nessuno").exists()


def test_update_organization_records_the_difference(prato, prato_member):
    actions.update_organization(
        prato, by=prato_member, phone="0574 1836", address="Piazza del Comune 2"
    )
    entry = HistoryEntry.objects.for_object(prato).get()
    assert entry.action == "updated"
    assert entry.actor == prato_member
    assert entry.changes == {"phone": ["", "0574 1836"], "address": ["", "Piazza del Comune 2"]}
    prato.refresh_from_db()
    assert prato.phone == "0574 1836"


def test_update_without_change_records_nothing(prato, prato_member):
    actions.update_organization(prato, by=prato_member, name=prato.name)
    assert not HistoryEntry.objects.for_object(prato).exists()


def test_invite_member_sends_the_link_after_commit(
    prato, prato_member, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.APPRODO_INVITATION_DAYS = 7
    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.invite_member(
            prato,
            email="Nuova@Comune.Prato.it",
            role="org_member",
            by=prato_member,
            site_url="https://approdo.example.org/",
        )
    assert invitation.email == "nuova@comune.prato.it"
    assert invitation.invited_by == prato_member
    expected_expiry = timezone.now() + datetime.timedelta(days=7)
    assert abs((invitation.expires_at - expected_expiry).total_seconds()) < 60
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nuova@comune.prato.it"]
    assert f"https://approdo.example.org/inviti/{invitation.token}/" in message.body
    assert "Comune di Prato" in message.subject
    entry = HistoryEntry.objects.for_object(prato).get()
    assert (entry.action, entry.actor) == ("member_invited", prato_member)
    assert entry.changes["email"] == [None, "nuova@comune.prato.it"]


def test_no_mail_if_the_transaction_is_rolled_back(
    prato, prato_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        actions.invite_member(prato, email="x@example.org", role="org_member", by=prato_member)
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_org_manager_cannot_invite_above_their_role(prato, prato_member):
    for role in ("regional_admin", "coordinator", "analyst", "territory_viewer"):
        with pytest.raises(actions.RoleNotGrantable):
            actions.invite_member(prato, email="boss@example.org", role=role, by=prato_member)
    assert not Invitation.objects.exists()


def test_org_manager_cannot_invite_into_another_organisation(coop, prato_member):
    with pytest.raises(actions.RoleNotGrantable):
        actions.invite_member(coop, email="x@example.org", role="org_member", by=prato_member)


def test_coordinator_cannot_invite_a_regional_admin(coop, anci_coordinator):
    with pytest.raises(actions.RoleNotGrantable):
        actions.invite_member(
            coop, email="x@example.org", role="regional_admin", by=anci_coordinator
        )
    invitation = actions.invite_member(
        coop, email="x@example.org", role="coordinator", by=anci_coordinator
    )
    assert invitation.role == "coordinator"


def test_territory_officer_invitation_needs_a_scope(prato, regione_admin):
    with pytest.raises(ValidationError):
        actions.invite_member(
            prato, email="t@example.org", role="territory_viewer", by=regione_admin
        )


def _invitation(organization, email="nuova@example.org", role="org_member", **fields):
    return Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        expires_at=fields.pop("expires_at", timezone.now() + datetime.timedelta(days=3)),
        **fields,
    )


def test_accept_invitation_makes_a_member(prato):
    invitation = _invitation(prato, role="org_member")
    person = make_user("nuova@example.org")
    membership = actions.accept_invitation(invitation, user=person)
    assert (membership.organization, membership.role) == (prato, "org_member")
    invitation.refresh_from_db()
    assert invitation.accepted_by == person and invitation.accepted_at is not None
    entry = HistoryEntry.objects.for_object(prato).get()
    assert (entry.action, entry.actor) == ("invitation_accepted", person)


def test_accepting_twice_is_refused_with_a_reason(prato):
    invitation = _invitation(prato)
    person = make_user("nuova@example.org")
    actions.accept_invitation(invitation, user=person)
    with pytest.raises(actions.InvitationError) as error:
        actions.accept_invitation(invitation, user=person)
    assert error.value.reason == "used"
    assert "already been used" in error.value.message
    assert Membership.objects.filter(user=person).count() == 1


def test_expired_invitation_is_refused_with_a_reason(prato):
    invitation = _invitation(prato, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    person = make_user("nuova@example.org")
    with pytest.raises(actions.InvitationError) as error:
        actions.accept_invitation(invitation, user=person)
    assert error.value.reason == "expired"
    assert "expired" in error.value.message
    assert not Membership.objects.filter(user=person).exists()


def test_invitation_for_someone_else_is_refused(prato, coop_member):
    invitation = _invitation(prato)
    with pytest.raises(actions.InvitationError) as error:
        actions.accept_invitation(invitation, user=coop_member)
    assert error.value.reason == "wrong_person"


def test_accepting_updates_an_existing_membership(prato, prato_member):
    invitation = _invitation(prato, email=prato_member.email, role="org_member")
    membership = actions.accept_invitation(invitation, user=prato_member)
    assert Membership.objects.filter(user=prato_member).count() == 1
    assert membership.role == "org_member"


def test_add_membership_refuses_a_second_membership(prato, prato_member):
    with pytest.raises(ValidationError):
        actions.add_membership(prato, user=prato_member, role="org_member", by=None)


def test_change_role_refuses_escalation(prato, prato_member):
    colleague = make_user("collega@comune.prato.it", organization=prato, role="org_member")
    membership = colleague.memberships.get()
    with pytest.raises(actions.RoleNotGrantable):
        actions.change_membership_role(membership, role="coordinator", by=prato_member)
    membership.refresh_from_db()
    assert membership.role == "org_member"
    actions.change_membership_role(membership, role="org_manager", by=prato_member)
    membership.refresh_from_db()
    assert membership.role == "org_manager"
    entry = HistoryEntry.objects.for_object(prato).get()
    assert entry.action == "member_changed"
    assert entry.actor == prato_member
    assert entry.changes["role"] == ["org_member", "org_manager"]
    assert entry.changes["user"] == [colleague.email, colleague.email]


def test_coordinator_cannot_demote_a_regional_admin(regione_admin, anci_coordinator):
    membership = regione_admin.memberships.get()
    with pytest.raises(actions.RoleNotGrantable):
        actions.change_membership_role(membership, role="analyst", by=anci_coordinator)
    with pytest.raises(actions.RoleNotGrantable):
        actions.remove_membership(membership, by=anci_coordinator)


def test_territory_scope_is_kept_only_for_territory_officers(prato, regione_admin):
    colleague = make_user("collega@comune.prato.it", organization=prato, role="org_member")
    membership = colleague.memberships.get()
    pratese = Zona.objects.get(slug="pratese")
    actions.change_membership_role(
        membership, role="territory_viewer", by=regione_admin, zona=pratese
    )
    membership.refresh_from_db()
    assert membership.zona == pratese
    actions.change_membership_role(membership, role="org_member", by=regione_admin, zona=pratese)
    membership.refresh_from_db()
    assert membership.zona is None


def test_remove_membership_records_who_was_removed(prato, prato_member):
    colleague = make_user("collega@comune.prato.it", organization=prato, role="org_member")
    actions.remove_membership(colleague.memberships.get(), by=prato_member)
    assert not Membership.objects.filter(user=colleague).exists()
    entry = HistoryEntry.objects.for_object(prato).get()
    assert (entry.action, entry.actor) == ("member_removed", prato_member)
    assert entry.changes == {"user": [colleague.email, None], "role": ["org_member", None]}


def test_org_manager_cannot_remove_members_of_another_organisation(coop_member, prato):
    colleague = make_user("collega@comune.prato.it", organization=prato, role="org_member")
    with pytest.raises(actions.RoleNotGrantable):
        actions.remove_membership(colleague.memberships.get(), by=coop_member)
    assert Membership.objects.filter(user=colleague).exists()


def test_create_account_has_a_verified_address(db):
    user = actions.create_account("Nuovo@Example.org", password="a-long-pass-phrase-1", by=None)
    address = user.emailaddress_set.get()
    assert (address.email, address.verified, address.primary) == ("nuovo@example.org", True, True)
    assert user.check_password("a-long-pass-phrase-1")
