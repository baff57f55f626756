"""Pages of a table's synthesis report: the report (public once published; its rapporteur
and the organisers see drafts), its PDF and Word versions, and the editing, review and
publication the rapporteur and the organisers do. Reading never writes: the report is
created by the first change saved from the edit page."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approdo.core.decorators import public
from approdo.core.models import HistoryEntry
from approdo.participation import permissions, synthesis
from approdo.participation.models import (
    Contribution,
    Statement,
    SynthesisReport,
    WorkingTable,
)
from approdo.participation.report_document import report_data, report_docx, report_pdf
from approdo.participation.report_forms import (
    CommentForm,
    MoveForm,
    StatementForm,
    SummaryForm,
    TransitionForm,
)


def _table(request, slug: str, number: int) -> WorkingTable:
    table = get_object_or_404(
        WorkingTable.objects.select_related("event"), event__slug=slug, number=number
    )
    if not permissions.can_see_event(request.user, table.event):
        raise Http404
    return table


def _existing_report(table: WorkingTable) -> SynthesisReport | None:
    try:
        report = table.report
    except SynthesisReport.DoesNotExist:
        return None
    report.table = table  # keep the event already read
    return report


def _seen_report(request, slug: str, number: int) -> SynthesisReport:
    """The report `request.user` may read, else 404 (a draft's existence is not disclosed)."""
    report = _existing_report(_table(request, slug, number))
    if report is None or not permissions.can_see_report(request.user, report):
        raise Http404
    return report


def _report_url(table: WorkingTable, name: str = "report-detail") -> str:
    return reverse(
        f"participation:{name}", kwargs={"slug": table.event.slug, "number": table.number}
    )


def _url_of(obj) -> str | None:
    # The event and table pages belong to another part of the app; until they are mounted
    # the crumbs show their names without a link.
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return None


def crumbs(table: WorkingTable, *items) -> list:
    return [(table.event.title, _url_of(table.event)), (str(table), _url_of(table)), *items]


@public
@require_safe
def report_detail(request, slug, number):
    table = _table(request, slug, number)
    if _existing_report(table) is None and permissions.can_write_report(
        request.user, SynthesisReport(table=table)
    ):
        return redirect(_report_url(table, "report-edit"))  # nothing to read yet
    report = _seen_report(request, slug, number)
    table = report.table
    user = request.user
    reviewer = permissions.can_review_report(user, report)
    context = {
        "report": report,
        "table": table,
        "event": table.event,
        "data": report_data(report),
        "can_edit": permissions.can_write_report(user, report),
        "can_submit": synthesis.can_submit(user, report),
        "can_review": reviewer and report.status == SynthesisReport.Status.IN_REVIEW,
        "history": (
            HistoryEntry.objects.for_object(report).select_related("actor")[:100]
            if reviewer
            else None
        ),
        "breadcrumbs": crumbs(table, (_("Synthesis report"), None)),
    }
    return render(request, "participation/report_detail.html", context)


def _file_name(report: SynthesisReport, extension: str) -> str:
    table = report.table
    return f"sintesi-{slugify(table.event.slug)}-tavolo-{table.number}.{extension}"


@public
@require_safe
def report_pdf_view(request, slug, number):
    report = _seen_report(request, slug, number)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_file_name(report, "pdf")}"'
    return response


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@public
@require_safe
def report_docx_view(request, slug, number):
    report = _seen_report(request, slug, number)
    response = HttpResponse(report_docx(report), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(report, "docx")}"'
    return response


def _writable(request, slug, number) -> tuple[WorkingTable, SynthesisReport | None]:
    """The table and its report (None before the first change) if `request.user` may write
    it; 404 for whoever may not see it, 403 for a reader who may not change it."""
    table = _table(request, slug, number)
    report = _existing_report(table)
    probe = report or SynthesisReport(table=table)
    if not permissions.can_write_report(request.user, probe):
        if permissions.can_see_report(request.user, probe):
            raise PermissionDenied
        raise Http404
    return table, report


def _citation_groups(table: WorkingTable, ticked: set[int]) -> list:
    """[(question, [(contribution, ticked)])] of the table's visible contributions."""
    contributions = (
        Contribution.objects.filter(question__table=table, hidden_at__isnull=True)
        .select_related("question")
        .order_by("question__order", "created_at", "pk")
    )
    return [
        (question, [(c, c.pk in ticked) for c in items])
        for question, items in groupby(contributions, key=lambda c: c.question)
    ]


@require_http_methods(["GET", "POST"])
def report_edit(request, slug, number):
    table, report = _writable(request, slug, number)
    statement = None
    wanted = request.POST.get("statement") or request.GET.get("statement")
    if wanted and report is not None:
        statement = get_object_or_404(
            Statement, pk=wanted if str(wanted).isdigit() else 0, report=report
        )
    elif wanted:
        raise Http404
    which = request.POST.get("form") if request.method == "POST" else None
    summary_form = SummaryForm(
        request.POST if which == "summary" else None,
        initial={"summary": report.summary if report else ""},
    )
    statement_initial = {"kind": Statement.Kind.FINDING}
    if statement is not None:
        statement_initial = {
            "kind": statement.kind,
            "text": statement.text,
            "citations": list(statement.citations.values_list("pk", flat=True)),
        }
    statement_form = StatementForm(
        request.POST if which == "statement" else None, initial=statement_initial
    )
    if which == "summary" and summary_form.is_valid():
        report = report or synthesis.report_for(table, by=request.user)
        synthesis.update_summary(
            report, by=request.user, summary=summary_form.cleaned_data["summary"]
        )
        messages.success(request, gettext("Summary saved."))
        return redirect(_report_url(table, "report-edit"))
    if which == "statement" and statement_form.is_valid():
        try:
            report = report or synthesis.report_for(table, by=request.user)
            synthesis.save_statement(
                report,
                by=request.user,
                statement=statement,
                **statement_form.cleaned_data,
            )
        except synthesis.SynthesisError as error:
            statement_form.add_error("citations", error)
        else:
            messages.success(request, gettext("Statement saved."))
            return redirect(_report_url(table, "report-edit"))
    if statement_form.is_bound:
        ticked = set(statement_form.data.getlist("citations"))
        ticked = {int(pk) for pk in ticked if pk.isdigit()}
    else:
        ticked = set(statement_initial.get("citations", []))
    statements = []
    if report is not None:
        statements = list(
            report.statements.prefetch_related("citations").order_by("kind", "order", "pk")
        )
    context = {
        "table": table,
        "event": table.event,
        "report": report,
        "statement": statement,
        "statements": statements,
        "summary_form": summary_form,
        "statement_form": statement_form,
        "groups": _citation_groups(table, ticked),
        "comments": report.comments.select_related("author") if report else [],
        "can_comment": report is not None and synthesis.can_comment(request.user, report),
        "comment_form": CommentForm(prefix="comment"),  # beside the statement form: ids apart
        "breadcrumbs": crumbs(
            table,
            (_("Synthesis report"), _report_url(table)),
            (_("Edit"), None),
        ),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/report_edit.html", context, status=status)


def _statement_of(request, slug, number, pk) -> Statement:
    table, report = _writable(request, slug, number)
    if report is None:
        raise Http404
    statement = get_object_or_404(Statement, pk=pk, report=report)
    statement.report = report
    return statement


@require_POST
def report_statement_delete(request, slug, number, pk):
    statement = _statement_of(request, slug, number, pk)
    synthesis.delete_statement(statement, by=request.user)
    messages.success(request, gettext("Statement deleted."))
    return redirect(_report_url(statement.report.table, "report-edit"))


@require_POST
def report_statement_move(request, slug, number, pk):
    statement = _statement_of(request, slug, number, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        synthesis.move_statement(
            statement, by=request.user, direction=form.cleaned_data["direction"]
        )
    else:
        messages.error(request, gettext("A statement moves up or down."))
    return redirect(_report_url(statement.report.table, "report-edit") + f"#statement-{pk}")


@require_POST
def report_transition(request, slug, number):
    report = _seen_report(request, slug, number)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose what to do with the report."))
        return redirect(_report_url(report.table))
    action = form.cleaned_data["action"]
    try:
        if action == "submit":
            synthesis.submit_for_review(report, by=request.user)
            messages.success(request, gettext("Report sent for review."))
        elif action == "send_back":
            synthesis.send_back(report, by=request.user, comment=form.cleaned_data["comment"])
            messages.success(request, gettext("Report sent back to the rapporteur."))
        else:
            synthesis.publish(report, by=request.user)
            messages.success(request, gettext("Report published."))
    except synthesis.SynthesisError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_report_url(report.table))


@require_POST
def report_comment(request, slug, number):
    report = _seen_report(request, slug, number)
    if not permissions.can_review_report(request.user, report):
        raise PermissionDenied
    form = CommentForm(request.POST, prefix="comment")
    if form.is_valid():
        try:
            synthesis.comment(report, by=request.user, text=form.cleaned_data["text"])
        except synthesis.SynthesisError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, gettext("Comment added."))
    else:
        messages.error(request, gettext("Write the comment."))
    return redirect(_report_url(report.table, "report-edit") + "#comments")
