"""Calls, applications, reviews, ranking and monitoring: calls are public; applications are
seen by staff, by the lead organisation and by their assigned reviewers; ranking and
monitoring are for staff; changes are for regional roles."""

import datetime
import io
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone

from tests.policies.base import PUBLIC, private, regional_only

STAFF_READ = private(403, regione_admin=200, anci_coordinator=200, analyst=200)
POST_ONLY = private(405)


def extend_world(world: dict) -> None:
    from approdo.funding import actions
    from approdo.funding.models import (
        Call,
        CallDocument,
        MonitoringReport,
        Project,
        ReportingDeadline,
    )

    cast = world["cast"]
    call = Call.objects.create(
        slug="policy-call",
        title="Bando di prova",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    document = CallDocument(call=call, title="Avviso")
    document.file.save("avviso.pdf", ContentFile(b"%PDF-1.4"), save=True)
    funded = Project.objects.create(
        call=call, code="POL-1", title="Prato", lead=world["prato"], status="funded"
    )
    other = Project.objects.create(call=call, code="POL-2", title="Coop", lead=world["coop"])
    deadline = ReportingDeadline.objects.create(
        call=call, title="Semestre", due_date=datetime.date(2030, 1, 31)
    )
    report = MonitoringReport.objects.create(project=funded, deadline=deadline)
    # the other association's member reviews the cooperative's application
    assignment = actions.assign_reviewer(other, cast["other_coop_member"], by=None)
    _application_questionnaire(call, world)
    world.update(
        funding_call=call,
        funding_document=document,
        funding_project=funded,
        funding_report=report,
        funding_assignment=assignment,
    )


def _application_questionnaire(call, world: dict) -> None:
    """The call takes applications through a questionnaire, and the cooperative sent one
    before submissions created applications themselves: no page may create it on view."""
    from approdo.surveys import actions as survey_actions
    from approdo.surveys.models import SurveyResponse

    file = io.BytesIO(APPLICATION_FORM)
    file.name = "domanda.md"
    campaign = survey_actions.import_xlsform(
        file,
        campaign_slug="policy-domanda",
        opens_at=timezone.now() - datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    call.campaign = campaign
    call.save(update_fields=["campaign"])
    SurveyResponse.objects.create(
        campaign=campaign,
        version=campaign.version,
        organization=world["coop"],
        instance_id=uuid.uuid4(),
        status=SurveyResponse.Status.SUBMITTED,
        answers={"project_title": "Casa aperta"},
        submitted_at=timezone.now(),
    )


APPLICATION_FORM = b"""
| survey |
| | type | name | label |
| | text | project_title | Project title |
| settings |
| | form_id | form_title |
| | policy_domanda | Domanda |
"""


def _call(world):
    return {"slug": world["funding_call"].slug}


def _project(world):
    return {"slug": world["funding_call"].slug, "pk": world["funding_project"].pk}


POLICY = {
    "funding:call-list": (None, PUBLIC),
    "funding:call-create": (None, regional_only()),
    "funding:application-list": (None, private()),
    "funding:review-list": (None, private()),
    "funding:review-detail": (
        lambda w: {"pk": w["funding_assignment"].pk},
        private(404, other_coop_member=200),
    ),
    "funding:call-detail": (_call, PUBLIC),
    "funding:call-edit": (_call, regional_only()),
    "funding:call-setup": (lambda w: {**_call(w), "part": "criteri"}, regional_only()),
    "funding:call-setup-delete": (
        lambda w: {**_call(w), "part": "criteri", "pk": 1},
        POST_ONLY,
    ),
    "funding:call-document": (
        lambda w: {**_call(w), "pk": w["funding_document"].pk},
        PUBLIC,
    ),
    "funding:call-applications": (_call, private()),
    "funding:project-import": (_call, regional_only()),
    "funding:project-detail": (
        _project,
        private(404, prato_member=200, regione_admin=200, anci_coordinator=200, analyst=200),
    ),
    "funding:project-edit": (_project, regional_only()),
    "funding:project-status": (_project, POST_ONLY),
    "funding:project-assign": (_project, POST_ONLY),
    "funding:project-unassign": (
        lambda w: {**_project(w), "assignment_pk": w["funding_assignment"].pk},
        POST_ONLY,
    ),
    "funding:project-milestone-add": (_project, POST_ONLY),
    "funding:report-start": (
        lambda w: {**_project(w), "report_pk": w["funding_report"].pk},
        POST_ONLY,
    ),
    "funding:ranking": (_call, STAFF_READ),
    "funding:ranking-xlsx": (_call, STAFF_READ),
    "funding:ranking-pdf": (_call, STAFF_READ),
    "funding:monitoring": (_call, STAFF_READ),
    "funding:indicator-values-csv": (_call, STAFF_READ),
    "funding:indicator-values-upload": (_call, regional_only()),
}

PUBLIC_VIEWS = {"funding:call-list", "funding:call-detail", "funding:call-document"}
