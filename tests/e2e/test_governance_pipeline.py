"""Governance in Chromium: a coordinator moves a Comune through the activation pipeline with
the keyboard only, records a meeting with two follow-up actions; axe finds nothing on the
board, the meeting list, the calendar, the meeting form and the ASL dashboard."""

import pytest

from tests.e2e.conftest import run_axe
from tests.e2e.test_accessibility import sign_in
from tests.e2e.test_survey_respond import focused_id, tab_to


def no_violations(page, path: str | None = None) -> None:
    if path is not None:
        response = page.goto(path)
        assert response.status < 400, f"{path} answered {response.status}"
    violations = run_axe(page)
    assert violations == [], f"{page.url}: {violations}"


def wait_for_focus(page, element_id: str) -> None:
    for _ in range(100):
        if focused_id(page) == element_id:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"focus is on #{focused_id(page)}, not #{element_id}")


def move_with_keyboard(page, select_id: str, button_name: str, arrows: int = 0) -> None:
    tab_to(page, select_id)
    for _ in range(arrows):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith(button_name)
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Enter")
    # The board is swapped in place and the focus returns to the entry, in its new column.
    wait_for_focus(page, select_id)


@pytest.mark.django_db(transaction=True)
def test_move_a_comune_through_the_pipeline_by_keyboard(
    page, live_server, client, tuscany, anci_coordinator
):
    from approdo.core.models import HistoryEntry
    from approdo.governance.models import PipelineEntry

    entry = PipelineEntry.objects.create(comune_id="100005")
    sign_in(page, live_server, client, anci_coordinator)
    no_violations(page, "/governance/ricognizione/?zona=pratese")
    select_id = f"id_e{entry.pk}-status"

    move_with_keyboard(page, select_id, "Sposta")  # first choice: contacted
    entry.refresh_from_db()
    assert entry.status == "contacted"
    assert "Prato" in page.locator("#pipeline-announce").text_content()
    assert page.locator("#column-contacted").locator("..").locator(f"#entry-{entry.pk}").count()

    move_with_keyboard(page, select_id, "Sposta")  # first choice: interested
    move_with_keyboard(page, select_id, "Sposta", arrows=1)  # skip designing
    entry.refresh_from_db()
    assert entry.status == "application_submitted"
    assert HistoryEntry.objects.for_object(entry).filter(action="status").count() == 3
    assert "application_submitted" in entry.status_dates
    no_violations(page)


@pytest.mark.django_db(transaction=True)
def test_record_a_meeting_with_two_follow_up_actions(
    page, live_server, client, tuscany, anci_coordinator
):
    from approdo.governance.models import Meeting

    sign_in(page, live_server, client, anci_coordinator)
    no_violations(page, "/governance/incontri/nuovo/")
    page.select_option("#id_type", "incontro_sindaco")
    page.fill("#id_title", "Incontro con il Sindaco di Vaiano")
    page.fill("#id_starts_at", "2026-12-03T10:00")
    page.fill("#id_ends_at", "2026-12-03T11:30")
    page.fill("#id_place", "Vaiano, Municipio")
    page.select_option("#id_zone", label="Pratese")
    page.fill("#id_agenda", "Adesione al SAI tramite l'Unione")
    page.fill("#id_decisions", "Il Comune porta la proposta in Giunta")
    page.fill("#id_actions-0-description", "Inviare lo schema di progetto")
    page.fill("#id_actions-0-owner_name", "ANCI Toscana")
    page.fill("#id_actions-0-due_date", "2026-12-20")
    page.fill("#id_actions-1-description", "Delibera di Giunta")
    page.fill("#id_actions-1-owner_name", "Comune di Vaiano")
    page.fill("#id_actions-1-due_date", "2027-01-31")
    page.get_by_role("button", name="Salva l'incontro").click()
    page.wait_for_url("**/governance/incontri/*/")
    meeting = Meeting.objects.get()
    assert meeting.actions.count() == 2
    assert page.locator("table").filter(has_text="Delibera di Giunta").count() == 1
    no_violations(page)
    no_violations(page, "/governance/incontri/")
    no_violations(page, "/governance/incontri/calendario/?mese=2026-12")
    assert page.get_by_role("link", name="10:00 Incontro con il Sindaco di Vaiano").count() == 1
    no_violations(page, "/governance/asl/centro/")
    no_violations(page, "/governance/asl/")
    no_violations(page, "/governance/ricognizione/mappa/")
