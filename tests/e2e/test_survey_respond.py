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


BUSY = (
    "() => !!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, "
    "form[data-autosave=pending], form[data-autosave=saving]')"
)


def settled(page) -> None:
    busy = BUSY
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
    # The draft opens again at the page that was left, the last one.
    assert re.search(r"\b9\D+9$", page.locator("#survey-step").inner_text().strip())
    page.goto(f"/questionari/risposte/{response.instance_id}/?page=1")
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


# -- autosave: nothing clicked is lost, the note tells the truth, the draft resumes where left --

CHECKBOXES = [f"q-data-destinatari-azioni-destinatari-{n}" for n in range(4)]


@pytest.fixture
def draft(tuscany, campaign, prato, prato_member):
    from approdo.surveys import actions

    return actions.start_response(campaign, organization=prato, by=prato_member)


def autosave_state(page) -> str:
    return page.locator("form[data-survey-form]").get_attribute("data-autosave") or ""


def wait_for_state(page, state: str) -> None:
    page.wait_for_selector(f"form[data-survey-form][data-autosave={state}]", timeout=30000)


@pytest.fixture
def slow_saves(monkeypatch):
    """Every draft save takes 800 ms more on the server (a slow network or database), in the
    live server's thread: the browser goes on clicking meanwhile."""
    import time

    from approdo.surveys import actions

    original = actions.save_draft

    def slow(*args, **kwargs):
        time.sleep(0.8)
        return original(*args, **kwargs)

    monkeypatch.setattr(actions, "save_draft", slow)


@pytest.mark.parametrize(("interval", "slow"), [(100, False), (100, True), (450, True)])
def test_fast_clicks_on_a_select_multiple_are_all_kept(
    page, live_server, client, tuscany, prato_member, draft, request, interval, slow
):
    from approdo.surveys.models import SurveyResponse

    if slow:
        request.getfixturevalue("slow_saves")
    sign_in(page, live_server, client, prato_member)
    page.goto(f"/questionari/risposte/{draft.instance_id}/?page=3")
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)

    for element_id in CHECKBOXES:
        page.click(f"label[for={element_id}]")
        page.wait_for_timeout(interval)
    wait_for_state(page, "saved")

    assert all(page.is_checked(f"#{element_id}") for element_id in CHECKBOXES)
    assert "Salvat" in page.locator("#survey-status").inner_text()
    chosen = SurveyResponse.objects.get(pk=draft.pk).answers["destinatari"].split()
    assert len(chosen) == 4
    page.reload()
    assert all(page.is_checked(f"#{element_id}") for element_id in CHECKBOXES)
    if slow and interval > 400:
        assert len(posts) >= 2  # clicks came while a save was on its way: merged, in order


def test_typing_fast_on_a_slow_server_keeps_every_character(
    page, live_server, client, tuscany, prato_member, draft, slow_saves
):
    from approdo.surveys.models import SurveyResponse

    sign_in(page, live_server, client, prato_member)
    page.goto(f"/questionari/risposte/{draft.instance_id}/?page=1")
    field = page.locator("#q-data-organizzazione-org-nome")
    field.click()
    page.keyboard.type("Comune di ", delay=30)
    page.wait_for_timeout(1600)  # a pause: a save leaves while the typing goes on
    page.keyboard.type("Prato e Vaiano", delay=30)
    page.keyboard.press("Tab")
    wait_for_state(page, "saved")

    assert field.input_value() == "Comune di Prato e Vaiano"
    assert SurveyResponse.objects.get(pk=draft.pk).answers["org_nome"] == "Comune di Prato e Vaiano"


def test_a_failed_save_says_not_saved_and_retry_saves(
    page, live_server, client, tuscany, prato_member, draft
):
    from approdo.surveys.models import SurveyResponse

    sign_in(page, live_server, client, prato_member)
    page.goto(f"/questionari/risposte/{draft.instance_id}/?page=3")
    url = f"**/questionari/risposte/{draft.instance_id}/"

    def fail(route):
        if route.request.method == "POST":
            route.fulfill(status=500, body="Server Error")
        else:
            route.continue_()

    page.route(url, fail)
    page.click(f"label[for={CHECKBOXES[0]}]")
    page.click(f"label[for={CHECKBOXES[1]}]")
    wait_for_state(page, "failed")

    status = page.locator("#survey-status").inner_text()
    form = page.locator("form[data-survey-form]")
    assert status == form.get_attribute("data-msg-failed")  # "Not saved ...", in the language
    assert "Salvat" not in status and "Saved" not in status
    assert page.locator("#survey-retry").is_visible()
    assert SurveyResponse.objects.get(pk=draft.pk).answers.get("destinatari") is None
    assert page.is_checked(f"#{CHECKBOXES[0]}") and page.is_checked(f"#{CHECKBOXES[1]}")
    assert_axe_clean(page, "the form with a failed save")

    page.unroute(url, fail)
    page.click("#survey-retry")
    wait_for_state(page, "saved")
    assert not page.locator("#survey-retry").is_visible()
    assert len(SurveyResponse.objects.get(pk=draft.pk).answers["destinatari"].split()) == 2


def test_a_draft_opens_again_at_the_page_left(
    page, live_server, client, tuscany, prato_member, draft
):
    def resume() -> str:
        page.goto("/questionari/")
        with page.expect_navigation():
            page.click(f"#resume-{draft.instance_id}")
        return page.locator("#survey-body").get_attribute("data-page")

    sign_in(page, live_server, client, prato_member)
    page.goto(f"/questionari/risposte/{draft.instance_id}/?page=3")
    page.click(f"label[for={CHECKBOXES[0]}]")  # an answer saved on page 3
    wait_for_state(page, "saved")
    assert resume() == "3"
    assert re.search(r"\b3\D+9$", page.locator("#survey-step").inner_text().strip())

    tab_to(page, "survey-previous")
    answered(page, "Enter")  # to page 2, changing nothing
    assert page.locator("#survey-body").get_attribute("data-page") == "2"
    assert resume() == "2"
