import datetime
import io

import pytest
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


def test_a_submitted_questionnaire_becomes_one_application(call, prato, prato_member):
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
    survey_actions.start_response(campaign, organization=prato, by=prato_member)
    assert actions.sync_applications(call) == []  # drafts are not applications
    response, _ = survey_actions.submit_response(
        campaign,
        organization=prato,
        instance_id=SurveyResponse.objects.get().instance_id,
        answers={"project_title": "Casa comune", "requested_amount": "12.500,50"},
        by=prato_member,
    )
    [project] = actions.sync_applications(call)
    assert project.title == "Casa comune"
    assert str(project.requested_amount) == "12500.50"
    assert project.lead == prato and project.status == "submitted"
    assert actions.sync_applications(call) == []
    assert actions.create_application_from_response(response, call=call) == project


def test_parse_amount():
    assert str(actions.parse_amount("12.500,00 €")) == "12500.00"
    assert str(actions.parse_amount("12500.5")) == "12500.5"
    assert actions.parse_amount("-3") is None
    assert actions.parse_amount("abc") is None
    assert actions.parse_amount("NaN") is None
