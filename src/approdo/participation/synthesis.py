"""The synthesis report of a working table: its actions (every change of a report, its
statements and its review goes through these functions, from the pages and the API alike).

A report is written by the table's rapporteur (while a draft) and the event's organisers; it
goes draft -> in review -> published, or back from review to draft with a comment. Every
change is recorded in the report's history. A statement cites only visible contributions of
its own table; a contribution hidden later stays linked but is left out of what is shown
(see report_document.report_data).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from approdo.core.history import record_history, save_tracked
from approdo.participation import permissions
from approdo.participation.models import (
    Contribution,
    ReviewComment,
    Statement,
    SynthesisReport,
    WorkingTable,
)

Status = SynthesisReport.Status


class SynthesisError(ValidationError):
    """A change the report's state or the given values do not allow (shown to the person)."""


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not change this report."))


def is_rapporteur(user, report: SynthesisReport) -> bool:
    return bool(
        user is not None and user.is_authenticated and report.table.rapporteur_id == user.pk
    )


def can_submit(user, report: SynthesisReport) -> bool:
    """The rapporteur or an organiser sends a draft for review."""
    return report.status == Status.DRAFT and permissions.can_write_report(user, report)


def can_send_back(user, report: SynthesisReport) -> bool:
    return report.status == Status.IN_REVIEW and permissions.can_review_report(user, report)


def can_publish(user, report: SynthesisReport) -> bool:
    return report.status == Status.IN_REVIEW and permissions.can_review_report(user, report)


def can_comment(user, report: SynthesisReport) -> bool:
    return can_send_back(user, report)


def _statement_label(statement: Statement, cited=None) -> str:
    """A statement as the history shows it; with `cited`, the ids of the contributions it
    cites, so a change of citations alone is recorded too."""
    label = f"{statement.get_kind_display()} {statement.order}: {statement.text[:120]}"
    if cited is not None:
        label += " [" + ", ".join(str(pk) for pk in sorted(cited)) + "]"
    return label


@transaction.atomic
def report_for(table: WorkingTable, *, by=None) -> SynthesisReport:
    """The table's report, created as an empty draft the first time."""
    report, created = SynthesisReport.objects.get_or_create(table=table)
    if created:
        record_history(report, by=by, action="created")
    return report


@transaction.atomic
def update_summary(report: SynthesisReport, *, by, summary: str) -> dict:
    _require(permissions.can_write_report(by, report))
    return save_tracked(report, {"summary": summary.strip()}, ["summary"], by=by)


def _citable(report: SynthesisReport, citations) -> list[Contribution]:
    ids = {getattr(item, "pk", item) for item in citations or ()}
    try:
        ids = {int(pk) for pk in ids}
    except (TypeError, ValueError) as error:
        raise SynthesisError(_("A cited contribution is not valid.")) from error
    found = list(
        Contribution.objects.filter(
            pk__in=ids, question__table_id=report.table_id, hidden_at__isnull=True
        )
    )
    if len(found) != len(ids):
        missing = sorted(ids - {c.pk for c in found})
        raise SynthesisError(
            _(
                "A statement may cite only visible contributions of its own table; "
                "these cannot be cited: %(ids)s."
            )
            % {"ids": ", ".join(str(pk) for pk in missing)},
            code="bad_citation",
        )
    return found


@transaction.atomic
def save_statement(
    report: SynthesisReport,
    *,
    by,
    kind: str,
    text: str,
    citations=(),
    statement: Statement | None = None,
) -> Statement:
    """Add a statement (at the end of its kind) or change `statement`; `citations` are
    contributions or their ids."""
    _require(permissions.can_write_report(by, report))
    if kind not in Statement.Kind.values:
        raise SynthesisError(_("Choose whether this is a finding or a recommendation."))
    text = (text or "").strip()
    if not text:
        raise SynthesisError(_("Write the statement."))
    if statement is not None and statement.report_id != report.pk:
        raise SynthesisError(_("This statement belongs to another report."))
    cited = _citable(report, citations)
    if statement is None:
        last = report.statements.filter(kind=kind).aggregate(n=Max("order"))["n"] or 0
        statement = Statement.objects.create(report=report, kind=kind, text=text, order=last + 1)
        statement.citations.set(cited)
        record_history(
            report,
            by=by,
            action="edited",
            changes={"statements": [None, _statement_label(statement, [c.pk for c in cited])]},
        )
        return statement
    before = _statement_label(statement, statement.citations.values_list("pk", flat=True))
    if statement.kind != kind:
        last = report.statements.filter(kind=kind).aggregate(n=Max("order"))["n"] or 0
        statement.order = last + 1
    statement.kind, statement.text = kind, text
    statement.save(update_fields=["kind", "text", "order"])
    statement.citations.set(cited)
    after = _statement_label(statement, [c.pk for c in cited])
    if before != after:
        record_history(report, by=by, action="edited", changes={"statements": [before, after]})
    return statement


@transaction.atomic
def delete_statement(statement: Statement, *, by) -> None:
    report = statement.report
    _require(permissions.can_write_report(by, report))
    label = _statement_label(statement)
    statement.delete()
    _renumber(report, statement.kind)
    record_history(report, by=by, action="edited", changes={"statements": [label, None]})


def _renumber(report: SynthesisReport, kind: str) -> None:
    for number, item in enumerate(report.statements.filter(kind=kind).order_by("order", "pk"), 1):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order"])


@transaction.atomic
def move_statement(statement: Statement, *, by, direction: str) -> None:
    """Move a statement one place "up" or "down" among those of its kind."""
    report = statement.report
    _require(permissions.can_write_report(by, report))
    if direction not in ("up", "down"):
        raise SynthesisError(_("A statement moves up or down."))
    _renumber(report, statement.kind)
    items = list(report.statements.filter(kind=statement.kind).order_by("order", "pk"))
    index = next(i for i, item in enumerate(items) if item.pk == statement.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return
    first, second = items[index], items[other]
    first.order, second.order = second.order, first.order
    first.save(update_fields=["order"])
    second.save(update_fields=["order"])
    statement.order = first.order
    record_history(
        report,
        by=by,
        action="edited",
        changes={"statements": [_statement_label(second), _statement_label(first)]},
    )


def _locked(report: SynthesisReport) -> SynthesisReport:
    # Two organisers pressing "publish" at once: the second one reads the new status.
    return (
        SynthesisReport.objects.select_for_update().select_related("table__event").get(pk=report.pk)
    )


def _move(report: SynthesisReport, *, by, to: str, note: str = "") -> SynthesisReport:
    old = report.status
    report.status = to
    fields = ["status", "updated_at"]
    if to == Status.PUBLISHED:
        report.published_at = timezone.now()
        fields.append("published_at")
    report.save(update_fields=fields)
    record_history(report, by=by, action=to, changes={"status": [old, to]}, note=note)
    return report


def _transition_refused(report: SynthesisReport) -> SynthesisError:
    return SynthesisError(
        _("This cannot be done while the report is “%(status)s”.")
        % {"status": report.get_status_display()},
        code="bad_transition",
    )


@transaction.atomic
def submit_for_review(report: SynthesisReport, *, by) -> SynthesisReport:
    current = _locked(report)
    _require(is_rapporteur(by, current) or permissions.can_manage_event(by, current.table.event))
    if current.status != Status.DRAFT:
        raise _transition_refused(current)
    if not current.statements.exists():
        raise SynthesisError(_("Write at least one finding or recommendation first."))
    _move(current, by=by, to=Status.IN_REVIEW)
    report.status = current.status
    return current


@transaction.atomic
def send_back(report: SynthesisReport, *, by, comment: str) -> SynthesisReport:
    current = _locked(report)
    _require(permissions.can_review_report(by, current))
    if current.status != Status.IN_REVIEW:
        raise _transition_refused(current)
    comment = (comment or "").strip()
    if not comment:
        raise SynthesisError(_("Say what the rapporteur should change."))
    ReviewComment.objects.create(report=current, author=by, text=comment)
    _move(current, by=by, to=Status.DRAFT, note=comment)
    report.status = current.status
    return current


@transaction.atomic
def publish(report: SynthesisReport, *, by) -> SynthesisReport:
    current = _locked(report)
    _require(permissions.can_review_report(by, current))
    if current.status != Status.IN_REVIEW:
        raise _transition_refused(current)
    _move(current, by=by, to=Status.PUBLISHED)
    report.status, report.published_at = current.status, current.published_at
    return current


@transaction.atomic
def comment(report: SynthesisReport, *, by, text: str) -> ReviewComment:
    current = _locked(report)
    _require(permissions.can_review_report(by, current))
    if current.status != Status.IN_REVIEW:
        raise SynthesisError(_("Comments are made while the report is in review."))
    text = (text or "").strip()
    if not text:
        raise SynthesisError(_("Write the comment."))
    made = ReviewComment.objects.create(report=current, author=by, text=text)
    record_history(current, by=by, action="commented", note=text)
    return made
