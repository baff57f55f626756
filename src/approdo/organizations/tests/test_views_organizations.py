import pytest
from django.urls import reverse

from approdo.core.models import HistoryEntry
from approdo.organizations import actions
from approdo.organizations.models import Organization
from approdo.organizations.tests.factories import make_organization

pytestmark = pytest.mark.django_db

LIST = reverse("organizations:organization-list")
CREATE = reverse("organizations:organization-create")

VALID = {
    "name": "Comune di Empoli",
    "kind": "comune",
    "tax_code": "01329160483",
    "seat": "048014",
    "email": "info@comune.empoli.example",
    "pec": "comune.empoli@postacert.example",
}


def detail(organization):
    return reverse("organizations:organization-detail", args=[organization.pk])


def edit(organization):
    return reverse("organizations:organization-edit", args=[organization.pk])


def history(organization):
    return reverse("organizations:organization-history", args=[organization.pk])


# List


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_coordinator_lists_every_organisation_in_few_queries(
    client, anci_coordinator, prato, coop, other_coop, django_assert_max_num_queries
):
    for number in range(30):
        make_organization(f"Associazione {number:02}", "aps")
    client.force_login(anci_coordinator)
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == Organization.objects.count()
    assert len(page.object_list) == 25
    assert response.content.decode().count("<h1") == 1


def test_member_lists_only_their_organisation(client, prato_member, prato, coop):
    client.force_login(prato_member)
    response = client.get(LIST)
    assert list(response.context["page"]) == [prato]
    assert b"Cooperativa Sociale Il Ponte" not in response.content


def test_list_filters_by_kind_sector_and_name(client, analyst, anci, prato, coop, other_coop):
    client.force_login(analyst)
    assert list(client.get(LIST, {"kind": "comune"}).context["page"]) == [prato]
    third_sector = set(client.get(LIST, {"sector": "third_sector"}).context["page"])
    assert third_sector == {anci, coop, other_coop}
    assert list(client.get(LIST, {"q": "ponte"}).context["page"]) == [coop]


def test_list_paginates_and_keeps_the_filters(client, analyst):
    for number in range(30):
        make_organization(f"Associazione {number:02}", "aps")
    client.force_login(analyst)
    response = client.get(LIST, {"kind": "aps", "page": 2})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 5
    assert "kind=aps&amp;page=1" in response.content.decode()


# Detail


def test_member_sees_their_organisation_and_colleagues(client, prato_member, prato):
    client.force_login(prato_member)
    response = client.get(detail(prato))
    assert response.status_code == 200
    assert prato_member.email in response.content.decode()
    # Managers can invite, but history is for coordinators.
    assert "invite_form" in response.context
    assert "history" not in response.context


def test_other_organisation_gets_404(client, coop_member, prato):
    client.force_login(coop_member)
    assert client.get(detail(prato)).status_code == 404


def test_analyst_sees_data_and_members_but_cannot_invite(client, analyst, prato, prato_member):
    client.force_login(analyst)
    response = client.get(detail(prato))
    assert response.status_code == 200
    assert prato_member.email in response.content.decode()
    assert "invite_form" not in response.context
    assert not response.context["can_edit"]


def test_territory_officer_sees_data_but_not_members(client, zona_officer, prato, prato_member):
    client.force_login(zona_officer)
    response = client.get(detail(prato))
    assert response.status_code == 200
    assert "memberships" not in response.context
    assert prato_member.email not in response.content.decode()


def test_coordinator_sees_the_latest_history(client, anci_coordinator, prato, prato_member):
    actions.update_organization(prato, by=prato_member, phone="0574 1836")
    client.force_login(anci_coordinator)
    response = client.get(detail(prato))
    assert [entry.action for entry in response.context["history"]] == ["updated"]
    assert "0574 1836" in response.content.decode()


def test_detail_rejects_post(client, prato_member, prato):
    client.force_login(prato_member)
    assert client.post(detail(prato), {"name": "Altro"}).status_code == 405
    assert client.post(LIST).status_code == 405


# Create


def test_regional_admin_creates_an_organisation(client, regione_admin):
    client.force_login(regione_admin)
    response = client.post(CREATE, VALID)
    organization = Organization.objects.get(name="Comune di Empoli")
    assert response.status_code == 302
    assert response["Location"] == detail(organization)
    assert organization.seat_id == "048014"
    entry = HistoryEntry.objects.for_object(organization).get()
    assert (entry.action, entry.actor) == ("created", regione_admin)


def test_org_manager_cannot_create_organisations(client, prato_member):
    client.force_login(prato_member)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, VALID).status_code == 403
    assert not Organization.objects.filter(name="Comune di Empoli").exists()


def test_analyst_cannot_create_organisations(client, analyst):
    client.force_login(analyst)
    assert client.post(CREATE, VALID).status_code == 403


def test_create_rejects_other_methods(client, regione_admin):
    client.force_login(regione_admin)
    assert client.put(CREATE).status_code == 405


def test_bad_tax_code_email_and_pec_are_field_errors(client, regione_admin):
    client.force_login(regione_admin)
    data = {**VALID, "tax_code": "01329160480", "email": "not-an-address", "pec": "pec@"}
    response = client.post(CREATE, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"tax_code", "email", "pec"}
    html = response.content.decode()
    assert 'id="id_tax_code-error"' in html
    assert 'aria-invalid="true"' in html
    assert "is not a valid codice fiscale or partita IVA" in html
    assert not Organization.objects.filter(name="Comune di Empoli").exists()


def test_personal_tax_code_is_accepted_and_normalised(client, regione_admin):
    client.force_login(regione_admin)
    data = {**VALID, "kind": "cooperativa_sociale", "tax_code": "rssmra80a01h501u "}
    response = client.post(CREATE, data)
    assert response.status_code == 302
    assert Organization.objects.get(name="Comune di Empoli").tax_code == "RSSMRA80A01H501U"


def test_duplicate_tax_code_is_an_error(client, regione_admin, prato):
    client.force_login(regione_admin)
    response = client.post(CREATE, {**VALID, "tax_code": prato.tax_code})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Organization.objects.filter(name="Comune di Empoli").exists()


# Edit


def test_org_manager_edits_their_organisation(client, prato_member, prato):
    client.force_login(prato_member)
    assert client.get(edit(prato)).status_code == 200
    data = {
        "name": prato.name,
        "kind": prato.kind,
        "tax_code": prato.tax_code,
        "seat": prato.seat_id,
        "phone": "0574 1836",
    }
    response = client.post(edit(prato), data)
    assert response.status_code == 302
    prato.refresh_from_db()
    assert prato.phone == "0574 1836"
    entry = HistoryEntry.objects.for_object(prato).get()
    assert entry.changes == {"phone": ["", "0574 1836"]}
    assert entry.actor == prato_member


def test_other_organisation_cannot_edit(client, coop_member, prato):
    client.force_login(coop_member)
    assert client.get(edit(prato)).status_code == 404
    assert client.post(edit(prato), {"name": "Preso"}).status_code == 404


def test_org_member_and_analyst_cannot_edit(client, other_coop_member, analyst, other_coop):
    client.force_login(other_coop_member)
    assert client.get(edit(other_coop)).status_code == 404
    client.force_login(analyst)
    assert client.get(edit(other_coop)).status_code == 404


def test_edit_rejects_other_methods(client, prato_member, prato):
    client.force_login(prato_member)
    assert client.delete(edit(prato)).status_code == 405


# History


def test_coordinator_reads_the_history(client, anci_coordinator, prato, prato_member):
    actions.update_organization(prato, by=prato_member, phone="0574 1836")
    client.force_login(anci_coordinator)
    response = client.get(history(prato))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(prato_member) in html
    assert "0574 1836" in html


def test_members_cannot_read_the_history(client, prato_member, prato):
    client.force_login(prato_member)
    assert client.get(history(prato)).status_code == 403


def test_other_organisation_gets_404_for_history(client, coop_member, prato):
    client.force_login(coop_member)
    assert client.get(history(prato)).status_code == 404
