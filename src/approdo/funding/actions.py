"""Every change with consequences to calls, applications, reviews and reports.

Views and commands check permission and input; these functions assume both, enforce the
domain rules and write the history.
"""

import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from approdo.core.history import diff, record_history, save_tracked, snapshot
from approdo.funding import permissions
from approdo.funding.models import (
    Call,
    CallDocument,
    EvaluationCriterion,
    Indicator,
    Milestone,
    MonitoringReport,
    Project,
    ReportingDeadline,
    ReviewAssignment,
    Score,
)
from approdo.surveys.models import SurveyResponse
from approdo.territory.models import zona_ids_of

CALL_FIELDS = [
    "title",
    "description",
    "funding_source",
    "budget",
    "eligibility",
    "opens_at",
    "closes_at",
    "campaign",
    "statistics_public",
]
PROJECT_FIELDS = [
    "status",
    "title",
    "summary",
    "progress",
    "lead",
    "requested_amount",
    "granted_amount",
    "start_date",
    "end_date",
]
RELATIONS = ["partners", "comuni", "zone", "actions", "targets"]


class ReviewError(ValueError):
    """A review step out of order (scoring before declaring no conflict, scoring twice)."""


def set_territory(project: Project, *, comune_ids, zona_ids) -> None:
    """Store comuni and zone; zone always hold every zona touched, those of the comuni too,
    because statistics count zone directly."""
    comune_ids = set(comune_ids)
    project.comuni.set(comune_ids)
    project.zone.set(set(zona_ids) | zona_ids_of(comune_ids, project.start_date))


def _relations(project: Project) -> dict[str, list[str]]:
    return {
        name: sorted(str(pk) for pk in getattr(project, name).values_list("pk", flat=True))
        for name in RELATIONS
    }


@transaction.atomic
def create_call(*, by, **fields) -> Call:
    """Open a new call (coordinators) with the given fields; recorded in its history."""
    call = Call.objects.create(**fields)
    record_history(call, by=by, action="created")
    return call


@transaction.atomic
def update_call(call: Call, *, by, **fields) -> Call:
    """Change a call's fields (coordinators); records what changed. The old values are read
    from the database, so `call` may already carry the new ones."""
    save_tracked(call, fields, CALL_FIELDS, by=by)
    return call


# What a call asks and offers: evaluation criteria, documents, indicators (coordinators).
# Each addition and removal is recorded in the call's history; the reporting deadlines
# (below, with monitoring) also schedule the reports.


@transaction.atomic
def add_criterion(call: Call, *, by, **fields) -> EvaluationCriterion:
    criterion = EvaluationCriterion.objects.create(call=call, **fields)
    record_history(call, by=by, action="criterion_added", note=str(criterion))
    return criterion


@transaction.atomic
def add_call_document(call: Call, *, by, title: str, file) -> CallDocument:
    document = CallDocument.objects.create(call=call, title=title, file=file)
    record_history(call, by=by, action="attachment_added", note=str(document))
    return document


@transaction.atomic
def add_indicator(call: Call, *, by, **fields) -> Indicator:
    indicator = Indicator.objects.create(call=call, **fields)
    record_history(call, by=by, action="indicator_added", note=str(indicator))
    return indicator


REMOVED = {
    EvaluationCriterion: "criterion_removed",
    CallDocument: "attachment_removed",
    ReportingDeadline: "deadline_removed",
    Indicator: "indicator_removed",
}


@transaction.atomic
def remove_call_item(
    item: EvaluationCriterion | CallDocument | ReportingDeadline | Indicator, *, by
) -> None:
    """Remove a criterion, document, reporting deadline (with its reports) or indicator of a
    call. Raises ProtectedError (an IntegrityError) when scores or indicator values use it."""
    call = item.call
    note = str(item)
    item.delete()
    record_history(call, by=by, action=REMOVED[type(item)], note=note)


@transaction.atomic
def update_project(project: Project, *, by, fields: dict, relations: dict | None = None) -> dict:
    """Change a project's data (coordinators): plain fields and, when given, partners,
    comuni, zone (instances or ids), actions and targets. Records one history entry with
    every change and returns the changes (empty when the values were already those)."""
    before = snapshot(project, PROJECT_FIELDS) | _relations(project)
    for name, value in fields.items():
        setattr(project, name, value)
    project.save()
    # Read back as stored (30000 is saved as 30000.00), so that the same value is no change.
    project.refresh_from_db(fields=list(fields))
    relations = relations or {}
    for name in ("partners", "actions", "targets"):
        if name in relations:
            getattr(project, name).set(relations[name])
    if "comuni" in relations or "zone" in relations:
        set_territory(
            project,
            comune_ids=[getattr(c, "pk", c) for c in relations.get("comuni", project.comuni.all())],
            zona_ids=[getattr(z, "pk", z) for z in relations.get("zone", project.zone.all())],
        )
    changes = diff(before, snapshot(project, PROJECT_FIELDS) | _relations(project))
    if changes:
        record_history(project, by=by, action="updated", changes=changes)
    return changes


@transaction.atomic
def add_milestone(project: Project, *, by, **fields) -> Milestone:
    milestone = Milestone.objects.create(project=project, **fields)
    record_history(project, by=by, action="milestone_added", note=milestone.title)
    return milestone


@transaction.atomic
def change_status(project: Project, status: str, *, by, note: str = "") -> Project:
    """Move an application along the workflow (coordinators). Raises InvalidTransition.
    A funded project starts as not started; its monitoring reports are scheduled."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    old = project.status
    project.move_to(status)
    project.save(update_fields=["status", "updated_at"])
    record_history(project, by=by, action=status, changes={"status": [old, status]}, note=note)
    if status == Project.Status.FUNDED:
        schedule_reports(project.call)
    return project


# Applications from the call's questionnaire ------------------------------------------------

TITLE_KEYS = ("project_title", "titolo_progetto", "title", "titolo")
SUMMARY_KEYS = ("project_summary", "summary", "sintesi", "descrizione")
AMOUNT_KEYS = ("requested_amount", "importo_richiesto", "importo")


def _first_answer(answers: dict, keys) -> str:
    for key in keys:
        value = answers.get(key)
        if value not in (None, ""):
            return str(value)
    return ""


def parse_amount(text: str) -> Decimal | None:
    """An amount in euro written the Italian way ("12.500,00 €") or plainly ("12500.00");
    None when it is not a non-negative number."""
    text = re.sub(r"[€\s]", "", str(text or ""))
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def create_application_from_response(response: SurveyResponse, *, call: Call, by=None) -> Project:
    """The application a submitted response of the call's questionnaire stands for; made
    once: the response links one project at most (a unique column), and two callers at the
    same moment get the same project, the loser of the insert reading the winner's row."""
    return _application(response, call=call, by=by)[0]


@transaction.atomic
def _application(response: SurveyResponse, *, call: Call, by=None) -> tuple[Project, bool]:
    answers = response.answers or {}
    title = _first_answer(answers, TITLE_KEYS) or gettext("Application of %(organization)s") % {
        "organization": response.organization
    }
    project, created = Project.objects.get_or_create(
        source_response=response,
        defaults={
            "call": call,
            "code": f"D-{response.pk:05d}",
            "title": title[:300],
            "summary": _first_answer(answers, SUMMARY_KEYS),
            "lead_id": response.organization_id,
            "requested_amount": parse_amount(_first_answer(answers, AMOUNT_KEYS)),
        },
    )
    if created:
        record_history(project, by=by, action="submitted", changes={"status": [None, "submitted"]})
    return project, created


def application_call(response: SurveyResponse) -> Call | None:
    """The call whose application questionnaire `response` answers (the latest opened, should
    several calls share one questionnaire), or None."""
    return Call.objects.filter(campaign_id=response.campaign_id).order_by("-opens_at").first()


def record_submission(response: SurveyResponse, *, by=None) -> None:
    """What a submitted questionnaire means to funding: the application it stands for, and
    the monitoring report whose content it is marked as sent. Connected to the surveys app's
    `response_submitted` signal, so it runs in the submission's transaction; idempotent."""
    call = application_call(response)
    if call is not None:
        create_application_from_response(response, call=call, by=by)
    reports = MonitoringReport.objects.filter(response=response, submitted_at__isnull=True)
    for report in reports.select_related("deadline", "project"):
        _mark_report_submitted(report, response.submitted_at)


def on_response_submitted(sender, *, response: SurveyResponse, by=None, **kwargs) -> None:
    record_submission(response, by=by)


def sync_applications(call: Call) -> list[Project]:
    """Create the applications of submitted responses of the call's questionnaire that have
    none yet, for responses sent before submissions created them (`approdo sync-applications`
    and the periodic command); returns the new ones. Safe alongside submissions."""
    if call.campaign_id is None:
        return []
    pending = SurveyResponse.objects.filter(
        campaign_id=call.campaign_id, funding_project__isnull=True
    ).exclude(status=SurveyResponse.Status.DRAFT)
    made = (_application(r, call=call) for r in pending.select_related("organization"))
    return [project for project, created in made if created]


# Review -------------------------------------------------------------------------------------


@transaction.atomic
def assign_reviewer(project: Project, reviewer, *, by) -> ReviewAssignment:
    """Ask `reviewer` to score the application (coordinators). Assigning twice is harmless.
    Raises ReviewError when the evaluation is closed or the person holds a read-only role."""
    if not permissions.can_be_reviewer(reviewer):
        raise ReviewError(
            gettext("%(name)s has a read-only role and cannot review applications.")
            % {"name": reviewer}
        )
    if not project.evaluation_is_open:
        raise ReviewError(gettext("The evaluation of this application is closed."))
    assignment, created = ReviewAssignment.objects.get_or_create(
        project=project, reviewer=reviewer, defaults={"assigned_by": by}
    )
    if created:
        record_history(project, by=by, action="reviewer_assigned", note=str(reviewer))
    return assignment


@transaction.atomic
def remove_reviewer(assignment: ReviewAssignment, *, by) -> None:
    record_history(
        assignment.project, by=by, action="reviewer_removed", note=str(assignment.reviewer)
    )
    assignment.delete()


@transaction.atomic
def declare_no_conflict(assignment: ReviewAssignment, *, by) -> ReviewAssignment:
    """The reviewer states they have no conflict of interest with the application, while its
    evaluation is open (else ReviewError)."""
    if not assignment.project.evaluation_is_open:
        raise ReviewError(gettext("The evaluation of this application is closed."))
    if assignment.no_conflict_declared_at is None:
        assignment.no_conflict_declared_at = timezone.now()
        assignment.save(update_fields=["no_conflict_declared_at"])
        record_history(assignment.project, by=by, action="no_conflict_declared")
    return assignment


@transaction.atomic
def save_scores(
    assignment: ReviewAssignment, *, by, scores: dict[int, tuple[Decimal, str]], submit: bool
) -> ReviewAssignment:
    """Store the reviewer's score and comment for each criterion (criterion id -> pair);
    `submit` sends them, after which they no longer change. Only after the declaration and
    while the evaluation is open: a closed evaluation is never re-scored (ReviewError)."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.project.evaluation_is_open:
        raise ReviewError(gettext("The evaluation of this application is closed."))
    if assignment.no_conflict_declared_at is None:
        raise ReviewError(gettext("Declare that you have no conflict of interest first."))
    if assignment.submitted_at is not None:
        raise ReviewError(gettext("These scores were already sent."))
    criteria = {c.pk: c for c in assignment.project.call.criteria.all()}
    for criterion_id, (score, comment) in scores.items():
        criterion = criteria[criterion_id]
        if not 0 <= score <= criterion.max_score:
            raise ReviewError(
                gettext("The score of “%(criterion)s” must be between 0 and %(max)s.")
                % {"criterion": criterion, "max": criterion.max_score}
            )
        Score.objects.update_or_create(
            assignment=assignment,
            criterion=criterion,
            defaults={"score": score, "comment": comment},
        )
    if submit:
        if set(criteria) - set(assignment.scores.values_list("criterion_id", flat=True)):
            raise ReviewError(gettext("Score every criterion before sending."))
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["submitted_at"])
        record_history(assignment.project, by=by, action="scores_sent", note=str(by))
    return assignment


# Monitoring -----------------------------------------------------------------------------------


def schedule_reports(call: Call) -> int:
    """A MonitoringReport row for every funded project and reporting deadline (idempotent);
    returns how many were created."""
    existing = set(
        MonitoringReport.objects.filter(deadline__call=call).values_list(
            "project_id", "deadline_id"
        )
    )
    rows = [
        MonitoringReport(project_id=project_id, deadline_id=deadline_id)
        for project_id in call.projects.funded().values_list("pk", flat=True)
        for deadline_id in call.reporting_deadlines.values_list("pk", flat=True)
        if (project_id, deadline_id) not in existing
    ]
    MonitoringReport.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def add_deadline(call: Call, *, by, **fields) -> ReportingDeadline:
    deadline = ReportingDeadline.objects.create(call=call, **fields)
    record_history(call, by=by, action="deadline_added", note=deadline.title)
    schedule_reports(call)
    return deadline


@transaction.atomic
def link_report_response(report: MonitoringReport, response: SurveyResponse, *, by) -> None:
    """Tie the survey response that holds the report's content to the report."""
    report.response = response
    report.save(update_fields=["response"])
    record_history(report.project, by=by, action="report_started", note=str(report.deadline))


def _mark_report_submitted(report: MonitoringReport, submitted_at) -> bool:
    """Copy the submission time onto the report unless already there (one UPDATE guarded by
    its own condition, so two callers never both record it)."""
    changed = MonitoringReport.objects.filter(pk=report.pk, submitted_at__isnull=True).update(
        submitted_at=submitted_at
    )
    if changed:
        record_history(report.project, action="report_submitted", note=str(report.deadline))
    return bool(changed)


def sync_report_submissions(call: Call) -> int:
    """Copy the submission time of the reports' survey responses onto the reports, for
    responses sent before submissions did it themselves; returns how many reports changed."""
    reports = MonitoringReport.objects.filter(
        deadline__call=call, submitted_at__isnull=True, response__submitted_at__isnull=False
    ).select_related("response", "deadline", "project")
    return sum(_mark_report_submitted(report, report.response.submitted_at) for report in reports)
