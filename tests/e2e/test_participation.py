"""A participant registers for a seminar with the keyboard only, at phone width, and confirms
the address from the e-mail; on the day, the table's rapporteur records two statements and
writes a recommendation citing both; axe finds nothing on the event, table, report and uptake
pages."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.e2e.conftest import run_axe
from tests.e2e.test_accessibility import sign_in
from tests.e2e.test_survey_respond import tab_to

PHONE = {"width": 375, "height": 740}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def tab_to_button(page, msgid: str, limit: int = 250) -> None:
    """Press Tab until the focused element is the button or link reading `msgid` in Italian."""
    with translation.override("it"):
        text = gettext(msgid)
    for _ in range(limit):
        label = page.evaluate("document.activeElement && document.activeElement.innerText")
        if label and label.strip() == text:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{text!r} was never reached with Tab")


def no_violations(page) -> None:
    violations = run_axe(page)
    assert violations == [], [(page.url, v["id"], v["nodes"]) for v in violations]
    reachable = page.evaluate(
        "[...document.querySelectorAll('.table-responsive')]"
        ".every(w => w.scrollWidth <= w.clientWidth || w.tabIndex === 0)"
    )
    assert reachable, f"{page.url}: a scrolling table cannot be reached by keyboard"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


@pytest.fixture
def seminar(tuscany, settings):
    from approdo.organizations.tests.factories import make_organization, make_user
    from approdo.participation.tests.factories import make_event, make_table

    settings.TASKS = IMMEDIATE
    organiser = make_organization("ANCI Toscana", "associazione")
    event = make_event(
        slug="seminario-cittadinanza",
        title="Seminario su immigrazione e diritti di cittadinanza sociale",
        capacity=60,
        organizers=[organiser],
    )
    rapporteur = make_user("relatrice@example.org", organization=organiser, role="org_member")
    table = make_table(event, 1, title="Governance multilivello", rapporteur=rapporteur)
    return event, table, rapporteur


@pytest.mark.django_db(transaction=True)
def test_register_by_keyboard_then_record_and_cite(page, live_server, client, seminar):
    from approdo.participation.models import Contribution, Registration, SynthesisReport

    event, table, rapporteur = seminar
    page.set_viewport_size(PHONE)

    page.goto(f"/partecipazione/eventi/{event.slug}/")
    no_violations(page)
    assert event.online_link not in page.content()
    page.goto(f"/partecipazione/eventi/{event.slug}/iscrizione/")
    tab_to(page, "id_name")
    page.keyboard.type("Amina Diallo")
    tab_to(page, "id_email")
    page.keyboard.type("amina.diallo@example.org")
    tab_to(page, "id_organization_name")
    page.keyboard.type("Associazione Ponti")
    tab_to(page, "id_listed")
    page.keyboard.press("Space")
    no_violations(page)
    with page.expect_navigation():
        tab_to(page, "id_name", backwards=True)
        page.keyboard.press("Enter")  # implicit submission from a text field

    registration = Registration.objects.get(email="amina.diallo@example.org")
    assert registration.status == Registration.Status.REGISTERED
    assert registration.confirmed_at is None
    assert event.online_link not in page.content()  # not before the address is confirmed
    (message,) = [m for m in mail.outbox if "amina.diallo@example.org" in m.to]
    confirm = re.search(r"https?://\S+/conferma/", message.body)
    assert confirm, message.body
    page.goto("/" + confirm.group(0).split("://", 1)[1].split("/", 1)[1])  # on this server
    no_violations(page)
    with page.expect_navigation():
        tab_to_button(page, "Confirm my address")
        page.keyboard.press("Enter")
    registration.refresh_from_db()
    assert registration.confirmed_at is not None
    assert event.online_link in page.content()  # the participant's own page only

    # The day of the seminar: the rapporteur records what is said at the table.
    event.starts_at = timezone.now() - datetime.timedelta(minutes=30)
    event.save(update_fields=["starts_at"])
    sign_in(page, live_server, client, rapporteur)
    record = f"/partecipazione/eventi/{event.slug}/tavoli/{table.number}/contributi/registra/"
    page.goto(record)
    no_violations(page)
    for statement in [
        "Serve un tavolo di coordinamento stabile tra Comuni e Prefettura.",
        "Le Società della Salute devono entrare nella programmazione dell'accoglienza.",
    ]:
        tab_to(page, "id_text")
        page.keyboard.type(statement)
        with page.expect_navigation():
            tab_to_button(page, "Record and write the next one")
            page.keyboard.press("Enter")
    recorded = list(Contribution.objects.filter(question__table=table).order_by("pk"))
    assert len(recorded) == 2

    page.goto(f"/partecipazione/eventi/{event.slug}/tavoli/{table.number}/sintesi/modifica/")
    tab_to(page, "id_kind_0")  # a radio group: Tab enters it, the arrows choose
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#id_kind_1")  # recommendation
    tab_to(page, "id_text")
    page.keyboard.type("Istituire un tavolo zonale permanente con la Prefettura.")
    for contribution in recorded:
        tab_to(page, f"citation-{contribution.pk}")
        page.keyboard.press("Space")
    no_violations(page)
    with page.expect_navigation():
        tab_to_button(page, "Save the statement")
        page.keyboard.press("Enter")

    statement = SynthesisReport.objects.get(table=table).statements.get()
    assert statement.kind == "recommendation"
    assert set(statement.citations.all()) == set(recorded)

    page.goto(f"/partecipazione/eventi/{event.slug}/tavoli/{table.number}/")
    no_violations(page)
    page.goto(f"/partecipazione/eventi/{event.slug}/tavoli/{table.number}/sintesi/")
    no_violations(page)
    assert "Istituire un tavolo zonale permanente" in page.content()


@pytest.mark.django_db(transaction=True)
def test_the_demo_seminar_report_and_uptake_pages_are_clean(page, tuscany, settings):
    from django.core.management import call_command

    from approdo.participation.models import Guideline, SynthesisReport

    settings.TASKS = IMMEDIATE
    call_command("demo", verbosity=0)
    page.set_viewport_size(PHONE)
    report = SynthesisReport.objects.filter(status="published").select_related("table__event")
    report = report.first()
    assert report is not None
    table, event = report.table, report.table.event
    guideline = Guideline.objects.filter(status="published").first()
    assert guideline is not None
    for path in [
        "/partecipazione/eventi/",
        f"/partecipazione/eventi/{event.slug}/",
        f"/partecipazione/eventi/{event.slug}/tavoli/{table.number}/",
        f"/partecipazione/eventi/{event.slug}/tavoli/{table.number}/sintesi/",
        f"/partecipazione/linee-guida/{guideline.slug}/",
        f"/partecipazione/linee-guida/{guideline.slug}/recepimento/",
    ]:
        page.goto(path)
        no_violations(page)
        assert event.online_link not in page.content() or not event.online_link
