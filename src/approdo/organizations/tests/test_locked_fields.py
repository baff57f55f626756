"""Fields that define access, audiences and statistics are changed only by regional roles,
directly or by approving a change request; governance scope follows a verified link."""

import pytest
from django.urls import reverse
from django.utils import timezone

from approdo.governance import permissions as governance
from approdo.governance.models import PipelineEntry
from approdo.organizations import actions
from approdo.organizations.models import ChangeRequest, Organization
from approdo.organizations.tests.factories import make_organization, make_user
from approdo.territory.models import SocietaDellaSalute, UnioneComuni

pytestmark = pytest.mark.django_db

FIRENZE = "048017"


def edit(client, organization, **data):
    defaults = {"name": organization.name, "kind": organization.kind}
    return client.post(
        reverse("organizations:organization-edit", args=[organization.pk]), {**defaults, **data}
    )


def test_manager_cannot_turn_a_cooperative_into_a_comune(client, coop_member, coop):
    PipelineEntry.objects.create(comune_id=FIRENZE)
    client.force_login(coop_member)
    response = edit(
        client,
        coop,
        name="Comune di Firenze",
        kind="comune",
        seat=FIRENZE,
        tax_code="01307110484",
        territory_verified="on",
        address="Via Nuova 1",
    )
    assert response.status_code == 302
    coop.refresh_from_db()
    assert (coop.name, coop.kind, coop.seat_id, coop.tax_code) == (
        "Cooperativa Sociale Il Ponte",
        "cooperativa_sociale",
        None,
        "",
    )
    assert coop.address == "Via Nuova 1"  # the fields that are not locked still change
    assert not coop.territory_verified
    assert not governance.can_see_pipeline(coop_member)


def test_manager_form_shows_locked_fields_read_only_with_a_request_link(client, coop_member, coop):
    client.force_login(coop_member)
    html = client.get(reverse("organizations:organization-edit", args=[coop.pk])).content.decode()
    assert 'name="kind"' in html and "disabled" in html
    assert 'name="territory_verified"' not in html
    assert reverse("organizations:change-request-create", args=[coop.pk]) in html


def test_the_action_refuses_locked_fields_whatever_the_caller(coop_member, coop):
    with pytest.raises(actions.LockedField):
        actions.update_organization(coop, by=coop_member, kind="comune")
    with pytest.raises(actions.LockedField):
        actions.update_organization(coop, by=coop_member, seat_id=FIRENZE)
    with pytest.raises(actions.LockedField):
        actions.update_organization(coop, by=coop_member, territory_verified=True)
    actions.update_organization(coop, by=coop_member, phone="055 123")  # not locked


def test_coordinator_edits_locked_fields_and_verifies(client, anci_coordinator, coop):
    client.force_login(anci_coordinator)
    edit(client, coop, kind="comune", seat=FIRENZE, territory_verified="on")
    coop.refresh_from_db()
    assert coop.kind == "comune" and coop.seat_id == FIRENZE
    assert coop.territory_verified_by == anci_coordinator and coop.territory_verified


def test_changing_the_territory_clears_the_verification(anci_coordinator, prato):
    assert prato.territory_verified
    actions.update_organization(prato, by=anci_coordinator, seat_id=FIRENZE)
    prato.refresh_from_db()
    assert not prato.territory_verified


def test_change_request_is_applied_only_when_approved(client, coop_member, anci_coordinator, coop):
    client.force_login(coop_member)
    url = reverse("organizations:change-request-create", args=[coop.pk])
    response = client.post(
        url,
        {
            "name": "Cooperativa Sociale Il Ponte Nuovo",
            "kind": "cooperativa_sociale",
            "seat": FIRENZE,
            "tax_code": "",
            "reason": "Cambio di denominazione",
        },
    )
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.proposed == {"name": "Cooperativa Sociale Il Ponte Nuovo", "seat": FIRENZE}
    coop.refresh_from_db()
    assert coop.name == "Cooperativa Sociale Il Ponte"  # nothing applied yet

    # The manager cannot approve it.
    approve = reverse("organizations:change-request-approve", args=[change.pk])
    assert client.post(approve).status_code == 404
    coop.refresh_from_db()
    assert coop.name == "Cooperativa Sociale Il Ponte"

    client.force_login(anci_coordinator)
    listing = client.get(reverse("organizations:change-request-list")).content.decode()
    assert "Cooperativa Sociale Il Ponte Nuovo" in listing and "Firenze" in listing
    assert client.post(approve, {"note": "ok"}).status_code == 302
    coop.refresh_from_db()
    change.refresh_from_db()
    assert coop.name == "Cooperativa Sociale Il Ponte Nuovo" and coop.seat_id == FIRENZE
    assert change.status == "approved" and change.decided_by == anci_coordinator
    assert change.decided_at is not None
    history = client.get(reverse("organizations:organization-history", args=[coop.pk]))
    assert "Change request approved" in history.content.decode()
    # Decided once: a second decision is refused.
    client.post(reverse("organizations:change-request-reject", args=[change.pk]))
    change.refresh_from_db()
    assert change.status == "approved"


def test_rejected_request_changes_nothing(coop_member, anci_coordinator, coop):
    change = actions.request_change(coop, by=coop_member, proposed={"kind": "comune"})
    actions.reject_change_request(change, by=anci_coordinator, note="Non è un Comune")
    coop.refresh_from_db()
    change.refresh_from_db()
    assert coop.kind == "cooperativa_sociale"
    assert change.status == "rejected" and change.decision_note == "Non è un Comune"


def test_request_that_changes_nothing_is_refused(coop_member, coop):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.request_change(coop, by=coop_member, proposed={"name": coop.name})


def test_approval_validates_the_new_values(coop_member, anci_coordinator, coop, prato):
    from django.core.exceptions import ValidationError

    change = actions.request_change(coop, by=coop_member, proposed={"tax_code": prato.tax_code})
    with pytest.raises(ValidationError):
        actions.approve_change_request(change, by=anci_coordinator)
    change.refresh_from_db()
    assert change.status == "pending"


# Governance scope -----------------------------------------------------------------------------


def test_unverified_comune_sees_no_pipeline_entry(db):
    comune = make_organization("Comune di Firenze", "comune", seat_id=FIRENZE)
    member = make_user("ufficio@comune.fi.example", organization=comune, role="org_member")
    entry = PipelineEntry.objects.create(comune_id=FIRENZE)
    assert not governance.pipeline_entries_visible_to(member).filter(pk=entry.pk).exists()
    assert not governance.can_see_pipeline(member)
    Organization.objects.filter(pk=comune.pk).update(territory_verified_at=timezone.now())
    assert governance.pipeline_entries_visible_to(member).filter(pk=entry.pk).exists()


def test_sds_and_unione_scope_follows_the_link_not_the_name(db):
    sds_area = SocietaDellaSalute.objects.get(zona__slug="pratese")
    unione = UnioneComuni.objects.create(slug="bisenzio", name="Unione Val di Bisenzio")
    sds_entry = PipelineEntry.objects.create(sds=sds_area)
    unione_entry = PipelineEntry.objects.create(unione=unione)
    # Same names as the bodies, verified, but not linked: nothing.
    named = make_organization(sds_area.name, "sds", territory_verified_at=timezone.now())
    named_unione = make_organization(
        unione.name, "unione_comuni", territory_verified_at=timezone.now()
    )
    member = make_user("a@sds.example", organization=named, role="org_member")
    unione_member = make_user("b@unione.example", organization=named_unione, role="org_member")
    assert not governance.pipeline_entries_visible_to(member).exists()
    assert not governance.pipeline_entries_visible_to(unione_member).exists()
    # Linked and verified: the body's own entry only.
    Organization.objects.filter(pk=named.pk).update(sds=sds_area)
    Organization.objects.filter(pk=named_unione.pk).update(unione=unione)
    assert list(governance.pipeline_entries_visible_to(member)) == [sds_entry]
    assert list(governance.pipeline_entries_visible_to(unione_member)) == [unione_entry]


def test_link_must_match_the_kind(client, anci_coordinator, coop):
    unione = UnioneComuni.objects.create(slug="u", name="Unione U")
    client.force_login(anci_coordinator)
    response = edit(client, coop, unione=unione.pk)
    assert response.status_code == 200 and "unione" in response.context["form"].errors
