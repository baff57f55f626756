"""The main menu is assembled per person from what the apps declare, with the permission
functions their views use."""

import pytest
from django.urls import reverse
from django.utils import translation

from approdo.core import registry
from approdo.portal.navigation import mark_current, menu_for


def names(groups) -> set[str]:
    return {entry.url_name for group in groups for entry in group.entries}


def test_the_public_sees_the_public_pages_as_plain_links(db):
    groups = menu_for(None)
    assert all(group.single for group in groups)
    assert names(groups) == {
        "territory:region",
        "practices:catalogue",
        "funding:call-list",
        "governance:coverage",
        "participation:event-list",
    }


def test_staff_see_their_work_grouped(anci_coordinator):
    groups = menu_for(anci_coordinator)
    assert [group.key for group in groups] == [
        "surveys",
        "practices",
        "calls",
        "governance",
        "participation",
        "administration",
    ]
    assert {
        "surveys:campaign-list",
        "surveys:review-queue",
        "practices:editorial-list",
        "funding:review-list",
        "governance:pipeline-board",
        "governance:meeting-list",
        "portal:feedback-list",
        "api:token-list",
    } <= names(groups)


def test_territory_officer_finds_the_pipeline_and_the_meetings(zona_officer):
    found = names(menu_for(zona_officer))
    assert {"governance:pipeline-board", "governance:meeting-list"} <= found
    assert "surveys:campaign-list" not in found


def test_organisation_member_finds_their_evaluations_but_no_staff_pages(coop_member):
    found = names(menu_for(coop_member))
    assert {"surveys:campaign-list-mine", "funding:review-list"} <= found
    assert not {"surveys:review-queue", "governance:meeting-list", "portal:feedback-list"} & found


def test_menu_costs_no_query_beyond_the_memberships(coop_member, django_assert_num_queries):
    with django_assert_num_queries(1):
        menu_for(coop_member)


def test_the_group_of_the_current_page_is_marked(anci_coordinator):
    groups = mark_current(menu_for(anci_coordinator), reverse("surveys:review-queue"))
    assert [group.key for group in groups if group.current] == ["surveys"]


def test_public_home_links_the_catalogue_the_calls_and_the_sai_coverage(client, db):
    content = client.get("/").content.decode()
    for name in ["practices:catalogue", "funding:call-list", "governance:coverage"]:
        assert f'class="read-more" href="{reverse(name)}"' in content


def test_signed_in_header_offers_language_and_sign_out_in_the_mobile_menu(client, coop_member):
    client.force_login(coop_member)
    content = client.get("/").content.decode()
    mobile = content[content.index('class="d-lg-none mobile-menu-extra"') :]
    assert 'id="mobile-language-form"' in mobile
    assert reverse("account_logout") in mobile


def test_header_forms_carry_the_csrf_token(client, coop_member):
    """The language and sign-out forms are components included with `only`: they still post."""
    client.force_login(coop_member)
    content = client.get("/").content.decode()
    for form_id in ["language-form", "mobile-language-form"]:
        form = content[content.index(f'id="{form_id}"') :]
        form = form[: form.index("</form>")]
        assert 'name="csrfmiddlewaretoken"' in form
    logout = content[content.index(reverse("account_logout")) :]
    assert 'name="csrfmiddlewaretoken"' in logout[: logout.index("</form>")]


def labels(groups) -> list[tuple[str, list[str]]]:
    return [(str(group.label), [str(entry.label) for entry in group.entries]) for group in groups]


def test_staff_menu_in_full(anci_coordinator):
    """Groups, labels and order, as the apps declare them; Django's admin only for is_staff."""
    anci_coordinator.is_staff = True
    with translation.override("en"):
        found = labels(menu_for(anci_coordinator))
    assert found == [
        ("Surveys", ["My questionnaires", "Campaigns", "Review of responses"]),
        (
            "Good practices",
            ["Catalogue", "Editorial work", "Update reports", "Questionnaire mappings"],
        ),
        ("Calls", ["Calls", "Applications", "My evaluations"]),
        (
            "Governance",
            [
                "Territory",
                "SAI network",
                "Activation pipeline",
                "Meetings with institutions",
                "ASL dashboards",
            ],
        ),
        ("Seminars", ["Events", "Guidelines for the zonal plans"]),
        (
            "Administration",
            ["Organisations", "API tokens", "Reports from readers", "Django administration"],
        ),
    ]


def test_member_menu_in_full(coop_member):
    with translation.override("en"):
        found = labels(menu_for(coop_member))
    assert found == [
        ("Surveys", ["My questionnaires"]),
        ("Good practices", ["Catalogue"]),
        ("Calls", ["Calls", "Applications", "My evaluations"]),
        ("Governance", ["Territory", "SAI network"]),
        ("Seminars", ["Events", "Guidelines for the zonal plans"]),
        ("Administration", ["My organisations", "API tokens"]),
    ]


def test_public_menu_in_full(db):
    with translation.override("en"):
        found = labels(menu_for(None))
    assert found == [
        ("Territory", ["Territory"]),
        ("Good practices", ["Good practices"]),
        ("Calls", ["Calls"]),
        ("SAI network", ["SAI network"]),
        ("Seminars", ["Events"]),
    ]


def test_an_entry_in_an_undeclared_group_fails_loudly(monkeypatch, db):
    from approdo.core.registry import MenuEntry

    stray = MenuEntry("nowhere", "Stray", "portal:home")
    monkeypatch.setattr(registry, "menu_entries", lambda user: [stray])
    with pytest.raises(LookupError, match="nowhere"):
        menu_for(None)
