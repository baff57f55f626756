import datetime
import io
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from approdo.core.models import HistoryEntry
from approdo.funding import actions
from approdo.funding.models import InvalidTransition, MonitoringReport, Project, ReportingDeadline
from approdo.funding.tests.factories import make_project
from approdo.surveys import actions as survey_actions
from approdo.surveys.models import SurveyResponse

FORM = b"""| survey |
| | type | name | label | required |
| | text | project_title | Title | yes |
| | text | requested_amount | Amount | |
| settings |
| | form_id | form_title |
| | call_form | Domanda |
"""


def test_applications_move_along_the_workflow_with_history(prato_application, anci_coordinator):
    project = prato_application
    for status in ("admissible", "evaluated", "funded"):
        project = actions.change_status(project, status, by=anci_coordinator, note="ok")
    assert project.status == "funded"
    entries = HistoryEntry.objects.for_object(project).order_by("pk")
    assert [e.action for e in entries] == ["admissible", "evaluated", "funded"]
    assert entries.last().changes == {"status": ["evaluated", "funded"]}
    assert entries.last().actor == anci_coordinator


@pytest.mark.parametrize(
    ("start", "target"),
    [("submitted", "funded"), ("inadmissible", "admissible"), ("funded", "withdrawn")],
)
def test_forbidden_transitions_raise(call, prato, anci_coordinator, start, target):
    project = make_project(call, prato, status=start)
    with pytest.raises(InvalidTransition):
        actions.change_status(project, target, by=anci_coordinator)
    project.refresh_from_db()
    assert project.status == start


def test_withdrawal_is_possible_until_the_decision(prato_application, anci_coordinator):
    actions.change_status(prato_application, "withdrawn", by=anci_coordinator)
    assert Project.objects.get(pk=prato_application.pk).status == "withdrawn"


def test_applicant_labels_hide_internal_steps(prato_application):
    prato_application.status = "evaluated"
    assert prato_application.applicant_status_label == "Under evaluation"
    prato_application.status = "submitted"
    assert prato_application.applicant_status_label == "Application received"


def test_funding_schedules_the_reports(call, prato_application, anci_coordinator):
    ReportingDeadline.objects.create(
        call=call, title="Semestre", due_date=datetime.date(2030, 1, 1)
    )
    prato_application.status = "evaluated"
    prato_application.save()
    actions.change_status(prato_application, "funded", by=anci_coordinator)
    assert MonitoringReport.objects.filter(project=prato_application).count() == 1
    assert actions.schedule_reports(call) == 0  # idempotent


def _application_campaign(call, prato):
    campaign = survey_actions.import_xlsform(
        io.BytesIO(FORM),
        filename="form.md",
        campaign_slug="domanda",
        title="Domanda",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=5),
    )
    campaign.organizations.add(prato)
    call.campaign = campaign
    call.save()
    return campaign


def test_submitting_the_questionnaire_makes_one_application(call, prato, prato_member):
    campaign = _application_campaign(call, prato)
    draft = survey_actions.start_response(campaign, organization=prato, by=prato_member)
    assert not Project.objects.filter(source_response=draft).exists()  # drafts are not
    response, _ = survey_actions.submit_response(
        campaign,
        organization=prato,
        instance_id=draft.instance_id,
        answers={"project_title": "Casa comune", "requested_amount": "12.500,50"},
        by=prato_member,
    )
    project = Project.objects.get(source_response=response)  # made by the submission itself
    assert project.title == "Casa comune" and project.call == call
    assert str(project.requested_amount) == "12500.50"
    assert project.lead == prato and project.status == "submitted"
    assert actions.sync_applications(call) == []
    assert actions.create_application_from_response(response, call=call) == project
    # Sent back for changes and sent again: still one application.
    survey_actions.start_review(response, by=None)
    survey_actions.request_changes(response, by=None, note="Manca il budget")
    survey_actions.submit_response(
        campaign,
        organization=prato,
        instance_id=draft.instance_id,
        answers={"project_title": "Casa comune", "requested_amount": "12.500,50"},
        by=prato_member,
    )
    assert Project.objects.filter(source_response=response).count() == 1


def test_responses_sent_before_are_caught_up_by_the_command(call, prato, prato_member):
    campaign = _application_campaign(call, prato)
    legacy = SurveyResponse.objects.create(  # stored before submissions made applications
        campaign=campaign,
        version=campaign.version,
        organization=prato,
        instance_id=uuid.uuid4(),
        status=SurveyResponse.Status.SUBMITTED,
        answers={"project_title": "Rete solidale"},
        submitted_at=timezone.now(),
    )
    out = io.StringIO()
    call_command("sync_applications", stdout=out)
    assert "1 application(s) created" in out.getvalue()
    assert Project.objects.get(source_response=legacy).title == "Rete solidale"
    call_command("sync_applications", "--call", call.slug, stdout=out)
    assert Project.objects.filter(source_response=legacy).count() == 1


def test_sending_a_report_questionnaire_marks_the_report_sent(call, prato, prato_member):
    campaign = _application_campaign(call, prato)
    call.campaign = None
    call.save()
    project = make_project(call, prato, code="P-REP", status="funded")
    deadline = ReportingDeadline.objects.create(
        call=call, title="Semestre", due_date=datetime.date(2030, 1, 1), campaign=campaign
    )
    report = MonitoringReport.objects.create(project=project, deadline=deadline)
    draft = survey_actions.start_response(campaign, organization=prato, by=prato_member)
    actions.link_report_response(report, draft, by=prato_member)
    response, _ = survey_actions.submit_response(
        campaign,
        organization=prato,
        instance_id=draft.instance_id,
        answers={"project_title": "Rapporto"},
        by=prato_member,
    )
    report.refresh_from_db()
    assert report.submitted_at == response.submitted_at
    assert not Project.objects.filter(source_response=response).exists()  # not a call's form
    assert actions.sync_report_submissions(call) == 0


def test_parse_amount():
    assert str(actions.parse_amount("12.500,00 €")) == "12500.00"
    assert str(actions.parse_amount("12500.5")) == "12500.5"
    assert actions.parse_amount("-3") is None
    assert actions.parse_amount("abc") is None
    assert actions.parse_amount("NaN") is None


# What a call asks and offers ------------------------------------------------------------------


def test_a_calls_setup_is_recorded_in_its_history(call, anci_coordinator, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    criterion = actions.add_criterion(call, by=anci_coordinator, title="Qualità", max_score=10)
    document = actions.add_call_document(
        call, by=anci_coordinator, title="Avviso", file=SimpleUploadedFile("avviso.pdf", b"%PDF")
    )
    indicator = actions.add_indicator(call, by=anci_coordinator, code="persone", name="Persone")
    for item in (criterion, document, indicator):
        actions.remove_call_item(item, by=anci_coordinator)

    entries = HistoryEntry.objects.for_object(call).order_by("pk")
    assert [(e.action, e.note) for e in entries] == [
        ("criterion_added", "Qualità"),
        ("attachment_added", "Avviso"),
        ("indicator_added", "Persone"),
        ("criterion_removed", "Qualità"),
        ("attachment_removed", "Avviso"),
        ("indicator_removed", "Persone"),
    ]
    assert {e.actor for e in entries} == {anci_coordinator}
    assert not call.criteria.exists() and not call.documents.exists()


def test_an_item_in_use_is_not_removed_nor_recorded(call, prato, anci_coordinator):
    from django.db import IntegrityError

    from approdo.funding.models import IndicatorValue

    indicator = actions.add_indicator(call, by=anci_coordinator, code="persone", name="Persone")
    project = make_project(call, prato)
    IndicatorValue.objects.create(
        project=project, indicator=indicator, period=datetime.date(2025, 12, 31)
    )

    with pytest.raises(IntegrityError):
        actions.remove_call_item(indicator, by=anci_coordinator)

    assert call.indicators.get() == indicator
    assert [e.action for e in HistoryEntry.objects.for_object(call)] == ["indicator_added"]


def test_a_call_is_updated_from_its_stored_values(call, anci_coordinator):
    old_title = call.title
    call.title = "Titolo già cambiato dal modulo"  # as a bound form leaves its instance

    actions.update_call(call, by=anci_coordinator, title="Bando 2026", budget=None)

    entry = HistoryEntry.objects.for_object(call).get()
    assert entry.changes == {"title": [old_title, "Bando 2026"]}
    call.refresh_from_db()
    assert call.title == "Bando 2026"
