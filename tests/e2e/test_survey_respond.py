"""A member fills in the good-practice questionnaire with the keyboard only, leaves, comes
back to the draft, submits it and gets the receipt; axe finds nothing on the way."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests.e2e.conftest import run_axe
from tests.e2e.test_accessibility import sign_in

GOOD_PRACTICE = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "approdo"
    / "surveys"
    / "forms"
    / "buone_pratiche.md"
)


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, *, backwards: bool = False, limit: int = 250) -> None:
    """Press Tab (or Shift+Tab) until the element with `element_id` has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if focused_id(page) == element_id:
            return
        page.keyboard.press(key)
    raise AssertionError(f"#{element_id} was never reached with {key}")


def settled(page) -> None:
    busy = "() => !!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    for _ in range(100):
        if not page.evaluate(busy):
            return
        page.wait_for_timeout(50)
    raise AssertionError("the page did not settle")


def answered(page, key: str | None = None, text: str | None = None) -> None:
    """Press `key` or type `text`; the change goes to the server, wait for the new page."""
    with page.expect_response(lambda r: r.request.method == "POST"):
        if text is not None:
            page.keyboard.type(text)
        else:
            page.keyboard.press(key)
    settled(page)


def type_and_leave(page, element_id: str, text: str) -> None:
    tab_to(page, element_id)
    page.keyboard.type(text)
    answered(page, "Tab")


def choose(page, element_id: str) -> None:
    """Tick a checkbox or radio button with the space bar."""
    tab_to(page, element_id)
    answered(page, "Space")


def next_page(page, step: int) -> None:
    tab_to(page, "survey-next")
    answered(page, "Enter")
    assert re.search(rf"\b{step}\D+9$", page.locator("#survey-step").inner_text().strip())


def assert_axe_clean(page, where: str) -> None:
    violations = run_axe(page)
    assert violations == [], f"{where}: {violations}"


@pytest.fixture
def campaign(tuscany, prato):
    from approdo.surveys import actions

    file = io.BytesIO(GOOD_PRACTICE.read_bytes())
    file.name = "buone_pratiche.md"
    campaign = actions.import_xlsform(
        file,
        campaign_slug="buone-pratiche",
        title="Rilevazione delle buone pratiche",
        opens_at=timezone.now() - datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    campaign.organizations.add(prato)
    return campaign


def test_member_fills_in_by_keyboard_resumes_and_submits(
    page, live_server, client, tuscany, prato_member, campaign
):
    from approdo.surveys.models import SurveyResponse

    sign_in(page, live_server, client, prato_member)
    page.goto("/questionari/")
    tab_to(page, f"start-{campaign.slug}-{prato_member.memberships.get().organization_id}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    response = SurveyResponse.objects.get(campaign=campaign)
    assert page.locator("h1").inner_text() == "Rilevazione delle buone pratiche"
    assert_axe_clean(page, "the form")

    # 1. Organisation and contact, with a constraint error corrected.
    type_and_leave(page, "q-data-organizzazione-org-nome", "Comune di Prato")
    tab_to(page, "q-data-organizzazione-org-tipo")
    answered(page, text="Comune")
    type_and_leave(page, "q-data-organizzazione-referente-nome", "Anna Rossi")
    type_and_leave(page, "q-data-organizzazione-referente-email", "anna-at-example")
    email = page.locator("#q-data-organizzazione-referente-email")
    assert email.get_attribute("aria-invalid") == "true"
    assert "Indirizzo e-mail non valido." in page.locator("#error-summary").inner_text()
    assert_axe_clean(page, "the form with an error")
    tab_to(page, "q-data-organizzazione-referente-email", backwards=True)
    page.keyboard.press("Control+A")
    page.keyboard.type("anna@example.org")
    answered(page, "Tab")
    assert email.get_attribute("aria-invalid") is None
    assert page.locator("#error-summary").count() == 0
    next_page(page, 2)

    # 2. The project: choosing FAMI makes the FAMI period relevant; zona -> comune.
    type_and_leave(page, "q-data-progetto-titolo", "Casa comune")
    choose(page, "q-data-progetto-stato-0")
    tab_to(page, "q-data-progetto-data-inizio")
    answered(page, text="10012024")
    assert page.locator("#q-data-progetto-fami-programma-0").count() == 0
    choose(page, "q-data-progetto-fonti-0")
    choose(page, "q-data-progetto-fami-programma-0")
    answered(page, "ArrowDown")  # arrows move the choice within a group of radio buttons
    tab_to(page, "q-data-progetto-zona")
    answered(page, text="Pratese")
    prato_choice = page.locator("input[name='/data/progetto/comuni'][value='100005']")
    choose(page, prato_choice.get_attribute("id"))
    next_page(page, 3)

    # 3. Target groups and actions.
    choose(page, "q-data-destinatari-azioni-destinatari-0")
    choose(page, "q-data-destinatari-azioni-azioni-0")
    next_page(page, 4)

    # 4. Description.
    type_and_leave(page, "q-data-descrizione-progetto-descrizione", "Accoglienza diffusa.")
    next_page(page, 5)

    # 5. Partnership: a repeat entry, added with the keyboard.
    choose(page, "q-data-partenariato-ha-partner-0")
    tab_to(page, "q-data-partenariato-partner-add")
    answered(page, "Enter")
    type_and_leave(page, "q-data-partenariato-partner-1-partner-nome", "Cooperativa Il Ponte")
    tab_to(page, "q-data-partenariato-partner-1-partner-tipo")
    answered(page, text="Cooperativa")
    choose(page, "q-data-partenariato-partner-1-partner-ruolo-0")
    next_page(page, 6)

    # 6.-8. Beneficiaries, results, publication.
    type_and_leave(page, "q-data-beneficiari-beneficiari-totale", "12")
    next_page(page, 7)
    type_and_leave(page, "q-data-risultati-valutazione-risultati", "Dieci famiglie accolte.")
    choose(page, "q-data-risultati-valutazione-evidenze-0")
    choose(page, "q-data-risultati-valutazione-metodo-valutazione-0")
    choose(page, "q-data-risultati-valutazione-sostenibilita-dopo-0")
    next_page(page, 8)
    choose(page, "q-data-pubblicazione-parti-pubblicabili-0")
    choose(page, "q-data-pubblicazione-dichiarazione")
    next_page(page, 9)

    # Close the page; come back later from the list of questionnaires.
    context = page.context
    page.close()
    page = context.new_page()
    page.goto("/questionari/")
    tab_to(page, f"resume-{response.instance_id}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#q-data-organizzazione-org-nome").input_value() == "Comune di Prato"
    assert page.locator("#q-data-organizzazione-referente-email").input_value() == (
        "anna@example.org"
    )
    for step in range(2, 10):
        next_page(page, step)
        if step == 5:
            partner = page.locator("#q-data-partenariato-partner-1-partner-nome")
            assert partner.input_value() == "Cooperativa Il Ponte"

    tab_to(page, "survey-submit")
    with page.expect_navigation(url="**/ricevuta/"):
        page.keyboard.press("Enter")
    assert str(response.instance_id) in page.locator("main").inner_text()
    assert "Casa comune" in page.locator("main").inner_text()
    assert_axe_clean(page, "the receipt")
    response.refresh_from_db()
    assert response.status == SurveyResponse.Status.SUBMITTED
    assert [p["partner_nome"] for p in response.answers["partner"]] == ["Cooperativa Il Ponte"]
    assert response.answers["fami_programma"] == "fami_2021_2027"
