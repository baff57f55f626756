"""A reader searches the catalogue, selects a facet and opens a practice, with the keyboard
only; axe finds nothing on the catalogue and on the practice page."""

import pytest

from tests.e2e.conftest import run_axe
from tests.e2e.test_survey_respond import focused_id, settled, tab_to


@pytest.fixture
def practices(tuscany):
    from approdo.organizations.tests.factories import make_organization
    from approdo.practices.tests.test_catalogue_fixtures import make_practice

    prato = make_organization("Comune di Prato", "comune", tax_code="84006890481")
    coop = make_organization("Cooperativa Sociale Il Ponte", "cooperativa_sociale")
    make_practice(
        "Sportello per l'abitare",
        prato,
        code="E2E-1",
        summary="Orientamento alla ricerca della casa.",
        zone=["pratese"],
        actions=["supporto_abitare"],
    )
    make_practice(
        "Casa e lavoro a Firenze",
        coop,
        code="E2E-2",
        summary="Accompagnamento abitativo e tirocini.",
        zone=["firenze"],
        actions=["supporto_abitare", "formazione_lavoro"],
    )
    make_practice("Corso di italiano", coop, code="E2E-3", zone=["pisana"])


def test_search_filter_and_open_by_keyboard(page, practices):
    page.goto("/buone-pratiche/")
    assert run_axe(page) == []
    tab_to(page, "catalogue-q")
    page.keyboard.type("abitativo")
    with page.expect_response(lambda r: "q=abitativo" in r.url):
        page.keyboard.press("Enter")
    settled(page)
    results = page.locator("#results-title")
    assert "2" in results.inner_text()
    assert "q=abitativo" in page.url

    # The zona facet: Pratese is one of the values; Space ticks it and htmx updates in place.
    checkbox = page.locator("input[name=zone][value=pratese]")
    box_id = checkbox.get_attribute("id")
    tab_to(page, box_id)
    with page.expect_response(lambda r: "zone=pratese" in r.url):
        page.keyboard.press("Space")
    settled(page)
    assert focused_id(page) == box_id  # the focus survives the swap
    assert "1" in page.locator("#results-title").inner_text()
    assert "zone=pratese" in page.url
    assert page.locator(".catalogue-results h3 a").all_inner_texts() == ["Sportello per l'abitare"]
    assert run_axe(page) == []

    link = page.locator(".catalogue-results h3 a").first
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Sportello per l'abitare"
    assert page.locator("text=Casa e lavoro a Firenze").count() == 1  # similar practice
    assert run_axe(page) == []
