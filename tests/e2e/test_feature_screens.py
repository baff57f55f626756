"""The screens that make every feature reachable, in Chromium with axe: a campaign's export
screen (a coordinator starts an export and downloads the file), a validated response's
practice-draft section and the copy of a field mapping, an organisation member's home with
the questionnaires waiting for it, the call page with its statistics and report, and the
review page of a closed evaluation."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.e2e.conftest import run_axe
from tests.e2e.test_accessibility import sign_in

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
FORM = b"""| survey |
| | type | name | label |
| | text | titolo | Titolo |
| | text | descrizione | Descrizione |
| | select_multiple parti | parti | Parti pubblicabili |
| choices |
| | list_name | name | label |
| | parti | descrizione | Descrizione |
| settings |
| | form_id | form_title |
| | {form_id} | {form_id} |
"""


@pytest.fixture(autouse=True)
def _patient_page(page):
    """The machine is shared: a page may take long to load, never to decide what it shows."""
    page.set_default_timeout(60_000)


def no_violations(page, path: str | None = None) -> None:
    if path is not None:
        response = page.goto(path)
        assert response.status < 400, f"{path} answered {response.status}"
    violations = run_axe(page)
    assert violations == [], f"{page.url}: {violations}"


def _campaign(slug: str, organizations, *, closes_in: int = 20):
    from approdo.surveys.actions import import_xlsform

    now = timezone.now()
    campaign = import_xlsform(
        io.BytesIO(FORM.replace(b"{form_id}", slug.replace("-", "_").encode())),
        filename="form.md",
        campaign_slug=slug,
        title=f"Rilevazione {slug}",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=closes_in),
    )
    campaign.organizations.add(*organizations)
    return campaign


@pytest.mark.django_db(transaction=True)
def test_coordinator_exports_responses_from_the_dashboard(
    page, live_server, client, tuscany, prato, anci_coordinator, settings
):
    from approdo.surveys.actions import submit_response

    settings.TASKS = IMMEDIATE
    campaign = _campaign("esporta", [prato])
    submit_response(
        campaign,
        organization=prato,
        instance_id=uuid.uuid4(),
        answers={"titolo": "Casa", "parti": "descrizione"},
        by=None,
    )
    sign_in(page, live_server, client, anci_coordinator)
    page.goto(f"/questionari/gestione/{campaign.slug}/cruscotto/")
    with page.expect_navigation():
        page.click(f'a[href="/questionari/gestione/{campaign.slug}/esportazioni/"]')
    no_violations(page)
    page.select_option("#id_fmt", "csv")
    page.select_option("#id_labels", "labels")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    no_violations(page)  # with the message and the finished job in the list
    link = page.locator("#export-jobs a", has_text="CSV")
    with page.expect_download() as download:
        link.click()
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert "Titolo" in content and "Casa" in content


@pytest.mark.django_db(transaction=True)
def test_practice_draft_section_and_mapping_copy_pass_axe(
    page, live_server, client, tuscany, prato, anci_coordinator
):
    from approdo.practices.models import FieldMapping
    from approdo.surveys.models import SurveyResponse

    old = _campaign("vecchia", [prato])
    new = _campaign("nuova", [prato])
    rules = [
        {"question": "titolo", "field": "title"},
        {"question": "assente", "field": "results"},
    ]
    source = FieldMapping.objects.create(
        questionnaire=old.version.questionnaire, consent_question="parti", rules=rules
    )
    responses = [
        SurveyResponse.objects.create(
            campaign=campaign,
            version=campaign.version,
            organization=prato,
            status=SurveyResponse.Status.VALIDATED,
            answers={"titolo": "Sportello", "parti": "descrizione"},
            submitted_at=timezone.now(),
        )
        for campaign in (old, new)
    ]
    sign_in(page, live_server, client, anci_coordinator)
    # A mapped questionnaire: the button makes the draft from the response's own page.
    no_violations(page, f"/questionari/gestione/risposte/{responses[0].instance_id}/")
    with page.expect_navigation():
        page.click("#practice-draft button[type=submit]")
    assert "/buone-pratiche/redazione/" in page.url
    # An unmapped one: the page says so and leads to the copy screen.
    no_violations(page, f"/questionari/gestione/risposte/{responses[1].instance_id}/")
    with page.expect_navigation():
        page.click('#practice-draft a[href$="/copia/"]')
    no_violations(page)
    page.select_option("#id_source", str(source.pk))
    with page.expect_navigation():
        page.click("main form[method=get] button[type=submit]")
    no_violations(page)  # the preview with the field that does not match
    assert page.locator("code", has_text="assente").count() == 1
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert page.url.endswith("/redazione/mappature/nuova/")
    no_violations(page)
    mapping = FieldMapping.objects.get(questionnaire=new.version.questionnaire)
    assert mapping.rules == [{"question": "titolo", "field": "title"}]


@pytest.mark.django_db(transaction=True)
def test_member_home_lists_the_waiting_questionnaires(
    page, live_server, client, tuscany, prato, prato_member
):
    _campaign("in-scadenza", [prato], closes_in=3)
    sign_in(page, live_server, client, prato_member)
    no_violations(page, "/")
    row = page.locator("#waiting-title ~ div table tbody tr").first
    assert "Rilevazione in-scadenza" in row.inner_text()
    with page.expect_navigation():
        row.get_by_role("button").click()
    assert "/questionari/risposte/" in page.url


@pytest.mark.django_db(transaction=True)
def test_call_pages_link_statistics_and_closed_reviews_pass_axe(
    page, live_server, client, tuscany, coop, anci_coordinator
):
    from approdo.funding import actions
    from approdo.funding.models import Call, EvaluationCriterion, Project
    from approdo.organizations.tests.factories import make_user

    call = Call.objects.create(
        slug="bando-statistiche",
        title="Bando con statistiche",
        opens_at=timezone.now() - datetime.timedelta(days=30),
        closes_at=timezone.now() - datetime.timedelta(days=1),
        statistics_public=True,
    )
    criterion = EvaluationCriterion.objects.create(call=call, title="Qualità", max_score=10)
    project = Project.objects.create(call=call, code="S-1", title="Casa", lead=coop)
    reviewer = make_user("esperta@valutazioni.example")
    assignment = actions.assign_reviewer(project, reviewer, by=anci_coordinator)
    actions.declare_no_conflict(assignment, by=reviewer)
    actions.save_scores(
        assignment, by=reviewer, scores={criterion.pk: (Decimal(6), "")}, submit=False
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.EVALUATED)

    no_violations(page, f"/bandi/{call.slug}/")  # anonymous reader
    with page.expect_navigation():
        page.click(f'a[href="/bandi/{call.slug}/statistiche/"]')
    assert page.url.endswith(f"/bandi/{call.slug}/statistiche/")

    sign_in(page, live_server, client, anci_coordinator)
    no_violations(page, f"/bandi/{call.slug}/")
    tabs = page.locator("nav.call-nav a")
    hrefs = [tabs.nth(i).get_attribute("href") for i in range(tabs.count())]
    assert f"/bandi/{call.slug}/statistiche/" in hrefs and f"/bandi/{call.slug}/rapporto/" in hrefs

    sign_in(page, live_server, client, reviewer)
    no_violations(page, f"/bandi/valutazioni/{assignment.pk}/")
    assert page.locator("main form").count() == 0
