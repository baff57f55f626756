"""Pages of calls, applications, reviews, ranking and monitoring.

Who may do what is decided in `funding/permissions.py`; objects are fetched through the
`visible_to` scopes, so an application outside the user's scope is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approdo.core.decorators import public
from approdo.core.models import HistoryEntry
from approdo.funding import actions, importing, monitoring, permissions, ranking
from approdo.funding.forms import (
    SETUP_FORMS,
    AssignReviewerForm,
    CallForm,
    IndicatorForm,
    IndicatorUploadForm,
    MilestoneForm,
    NoConflictForm,
    ProjectForm,
    ProjectImportForm,
    ScoreForm,
    StatusForm,
)
from approdo.funding.models import (
    Call,
    InvalidTransition,
    MonitoringReport,
    Project,
    ReviewAssignment,
)
from approdo.organizations.models import Organization
from approdo.reports.downloads import Download
from approdo.reports.tables import ImportFileError
from approdo.surveys import actions as survey_actions

# URL segment -> (setup part, related name on Call)
SETUP_PARTS = {
    "criteri": ("criteria", "criteria"),
    "documenti": ("documents", "documents"),
    "scadenze": ("deadlines", "reporting_deadlines"),
    "indicatori": ("indicators", "indicators"),
}
SETUP_ADD = {
    "criteria": actions.add_criterion,
    "documents": actions.add_call_document,
    "deadlines": actions.add_deadline,
    "indicators": actions.add_indicator,
}
SETUP_TITLES = {
    "criteria": gettext_lazy("Evaluation criteria"),
    "documents": gettext_lazy("Documents"),
    "deadlines": gettext_lazy("Reporting schedule"),
    "indicators": gettext_lazy("Indicators"),
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _history(obj):
    return HistoryEntry.objects.for_object(obj).select_related("actor")[:100]


def _call(request, slug) -> Call:
    return get_object_or_404(Call.objects.visible_to(request.user), slug=slug)


def _project(request, slug, pk) -> Project:
    projects = Project.objects.visible_to(request.user).select_related("call", "lead")
    return get_object_or_404(projects, call__slug=slug, pk=pk)


def _crumbs(call: Call | None = None, *more) -> list:
    crumbs = [(_("Calls"), reverse("funding:call-list"))]
    if call is not None:
        crumbs.append((call.title, call.get_absolute_url()))
    return crumbs + list(more)


# Calls ----------------------------------------------------------------------------------


@public
@require_safe
def call_list(request):
    calls = Call.objects.visible_to(request.user).order_by("-opens_at")
    context = {
        "open_calls": [c for c in calls if c.is_open()],
        "other_calls": [c for c in calls if not c.is_open()],
        "can_manage": permissions.is_call_manager(request.user),
        "breadcrumbs": [(_("Calls"), None)],
    }
    return render(request, "funding/workflow/call_list.html", context)


@public
@require_safe
def call_detail(request, slug):
    call = _call(request, slug)
    applicant_orgs = Organization.objects.filter(
        pk__in=permissions.applicant_organization_ids(request.user)
    )
    context = {
        "call": call,
        "criteria": call.criteria.all(),
        "documents": call.documents.all(),
        "deadlines": call.reporting_deadlines.all(),
        "can_manage": permissions.is_call_manager(request.user),
        "can_read_all": permissions.can_read_all(request.user),
        "can_see_statistics": permissions.can_see_call_statistics(request.user, call),
        "can_apply": call.campaign_id is not None and permissions.can_apply(request.user, call),
        "applicant_orgs": applicant_orgs,
        "history": _history(call) if permissions.can_see_history(request.user) else None,
        "breadcrumbs": _crumbs(None, (call.title, None)),
    }
    return render(request, "funding/workflow/call_detail.html", context)


@public
@require_safe
def call_document(request, slug, pk):
    call = _call(request, slug)
    document = get_object_or_404(call.documents, pk=pk)
    return FileResponse(document.file.open("rb"), as_attachment=True)


@require_http_methods(["GET", "POST"])
def call_create(request):
    _require(permissions.is_call_manager(request.user))
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = actions.create_call(by=request.user, **form.cleaned_data)
        messages.success(request, _("The call has been created."))
        return redirect(call)
    context = {"form": form, "breadcrumbs": _crumbs(None, (_("New call"), None))}
    return render(request, "funding/workflow/call_form.html", context)


@require_http_methods(["GET", "POST"])
def call_edit(request, slug):
    _require(permissions.is_call_manager(request.user))
    call = _call(request, slug)
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        actions.update_call(call, by=request.user, **form.cleaned_data)
        messages.success(request, _("The call has been saved."))
        return redirect(call)
    context = {"form": form, "call": call, "breadcrumbs": _crumbs(call, (_("Edit"), None))}
    return render(request, "funding/workflow/call_form.html", context)


@require_http_methods(["GET", "POST"])
def call_setup(request, slug, part):
    _require(permissions.is_call_manager(request.user))
    call = _call(request, slug)
    if part not in SETUP_PARTS:
        raise Http404
    name, related = SETUP_PARTS[part]
    form_class = SETUP_FORMS[name]
    extra = {"call": call} if form_class is IndicatorForm else {}
    form = form_class(request.POST or None, request.FILES or None, **extra)
    if request.method == "POST" and form.is_valid():
        SETUP_ADD[name](call, by=request.user, **form.cleaned_data)
        messages.success(request, _("Added."))
        return redirect("funding:call-setup", slug=slug, part=part)
    context = {
        "call": call,
        "part": part,
        "name": name,
        "title": SETUP_TITLES[name],
        "items": getattr(call, related).all(),
        "form": form,
        "parts": [(key, SETUP_TITLES[value[0]]) for key, value in SETUP_PARTS.items()],
        "breadcrumbs": _crumbs(call, (SETUP_TITLES[name], None)),
    }
    return render(request, "funding/workflow/call_setup.html", context)


@require_POST
def call_setup_delete(request, slug, part, pk):
    _require(permissions.is_call_manager(request.user))
    call = _call(request, slug)
    if part not in SETUP_PARTS:
        raise Http404
    item = get_object_or_404(getattr(call, SETUP_PARTS[part][1]), pk=pk)
    try:
        actions.remove_call_item(item, by=request.user)
    except IntegrityError:
        messages.error(request, _("This item is in use and cannot be removed."))
    else:
        messages.success(request, _("Removed."))
    return redirect("funding:call-setup", slug=slug, part=part)


# Applications and projects ----------------------------------------------------------------


@require_safe
def application_list(request, slug=None):
    """The applications the user may see: all for staff, their organisation's for applicants,
    those assigned to them for reviewers."""
    call = _call(request, slug) if slug else None
    projects = Project.objects.visible_to(request.user).select_related("call", "lead")
    if call is not None:
        projects = projects.filter(call=call)
    status = request.GET.get("status", "")
    show_internal = permissions.can_see_internal_status(request.user)
    if show_internal and status in Project.Status.values:
        projects = projects.filter(status=status)
    context = {
        "call": call,
        "projects": projects.order_by("call__slug", "code"),
        "show_internal": show_internal,
        "statuses": Project.Status.choices,
        "status": status,
        "can_manage": permissions.is_call_manager(request.user),
        "breadcrumbs": _crumbs(call, (_("Applications"), None)),
    }
    return render(request, "funding/workflow/application_list.html", context)


@require_safe
def project_detail(request, slug, pk):
    project = _project(request, slug, pk)
    user = request.user
    manage = permissions.is_call_manager(user)
    reports = (
        project.monitoring_reports.select_related("deadline__campaign", "response")
        if project.is_funded
        else []
    )
    context = {
        "project": project,
        "call": project.call,
        "partners": project.partners.all(),
        "comuni": project.comuni.defer("geometry"),
        "zone": project.zone.defer("geometry").select_related("asl"),
        "actions": project.actions.all(),
        "targets": project.targets.all(),
        "milestones": project.milestones.all(),
        "reports": reports,
        "progress": monitoring.project_progress(project) if project.is_funded else [],
        "shown_progress": project.progress_on() if project.is_funded else None,
        "beneficiaries": project.beneficiary_counts.select_related("category")
        if permissions.can_see_project(user, project)
        else [],
        "show_internal": permissions.can_see_internal_status(user),
        "can_manage": manage,
        "can_report": permissions.can_report(user, project),
        "assignments": project.review_assignments.select_related("reviewer")
        if permissions.can_read_all(user)
        else [],
        "my_assignment": project.review_assignments.filter(reviewer=user).first(),
        "status_form": StatusForm(project=project) if manage else None,
        "assign_form": AssignReviewerForm() if manage else None,
        "milestone_form": MilestoneForm(prefix="milestone") if manage else None,
        "history": _history(project) if permissions.can_see_history(user) else None,
        "breadcrumbs": _crumbs(
            project.call,
            (_("Applications"), reverse("funding:call-applications", args=[slug])),
            (project.code, None),
        ),
    }
    return render(request, "funding/workflow/project_detail.html", context)


@require_http_methods(["GET", "POST"])
def project_edit(request, slug, pk):
    _require(permissions.is_call_manager(request.user))
    project = _project(request, slug, pk)
    form = ProjectForm(request.POST or None, instance=Project.objects.get(pk=project.pk))
    if request.method == "POST" and form.is_valid():
        fields, relations = form.split()
        actions.update_project(project, by=request.user, fields=fields, relations=relations)
        messages.success(request, _("The project has been saved."))
        return redirect(project)
    context = {
        "form": form,
        "project": project,
        "breadcrumbs": _crumbs(
            project.call, (project.code, project.get_absolute_url()), (_("Edit"), None)
        ),
    }
    return render(request, "funding/workflow/project_form.html", context)


@require_POST
def project_status(request, slug, pk):
    _require(permissions.is_call_manager(request.user))
    project = _project(request, slug, pk)
    form = StatusForm(request.POST, project=project)
    if form.is_valid():
        try:
            actions.change_status(
                project,
                form.cleaned_data["status"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except InvalidTransition as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The status has been changed."))
    else:
        messages.error(request, _("Choose one of the statuses offered."))
    return redirect(project)


@require_POST
def project_assign(request, slug, pk):
    _require(permissions.is_call_manager(request.user))
    project = _project(request, slug, pk)
    form = AssignReviewerForm(request.POST)
    if form.is_valid():
        try:
            actions.assign_reviewer(project, form.cleaned_data["email"], by=request.user)
        except actions.ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The reviewer has been assigned."))
    else:
        messages.error(request, " ".join(form.errors.get("email", [])))
    return redirect(project)


@require_POST
def project_unassign(request, slug, pk, assignment_pk):
    _require(permissions.is_call_manager(request.user))
    project = _project(request, slug, pk)
    assignment = get_object_or_404(project.review_assignments, pk=assignment_pk)
    actions.remove_reviewer(assignment, by=request.user)
    messages.success(request, _("The reviewer has been removed."))
    return redirect(project)


@require_POST
def project_milestone_add(request, slug, pk):
    _require(permissions.is_call_manager(request.user))
    project = _project(request, slug, pk)
    form = MilestoneForm(request.POST, prefix="milestone")
    if form.is_valid():
        actions.add_milestone(project, by=request.user, **form.cleaned_data)
        messages.success(request, _("The milestone has been added."))
    else:
        messages.error(request, _("The milestone needs a title and a due date."))
    return redirect(project)


@require_POST
def report_start(request, slug, pk, report_pk):
    """Open (or reopen) the questionnaire of a monitoring report for the lead organisation."""
    project = _project(request, slug, pk)
    _require(project.lead_id in permissions.applicant_organization_ids(request.user))
    report = get_object_or_404(
        MonitoringReport.objects.select_related("deadline__campaign", "response"),
        project=project,
        pk=report_pk,
    )
    if report.response is not None:
        return redirect("surveys:response-edit", instance_id=report.response.instance_id)
    if report.deadline.campaign is None:
        raise Http404
    try:
        response = survey_actions.start_response(
            report.deadline.campaign, organization=project.lead, by=request.user
        )
    except survey_actions.SurveyError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(project)
    actions.link_report_response(report, response, by=request.user)
    return redirect("surveys:response-edit", instance_id=response.instance_id)


@require_http_methods(["GET", "POST"])
def project_import(request, slug):
    """The web form of `approdo import-projects` for one call."""
    _require(permissions.is_call_manager(request.user))
    call = _call(request, slug)
    form = ProjectImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = importing.ProjectImport.read(upload.read(), upload.name)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            dry_run = form.cleaned_data["dry_run"]
            importer = importing.ProjectImport(call_slug=call.slug, by=request.user)
            result = importer.run(rows, dry_run=dry_run)
            if not result.errors and not dry_run:
                messages.success(
                    request,
                    _("%(created)s projects created and %(updated)s updated.")
                    % {"created": len(result.created), "updated": len(result.updated)},
                )
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect("funding:call-applications", slug=slug)
    context = {
        "call": call,
        "form": form,
        "result": result,
        "columns": importing.COLUMNS,
        "breadcrumbs": _crumbs(call, (_("Import projects"), None)),
    }
    return render(request, "funding/workflow/project_import.html", context)


# Review -------------------------------------------------------------------------------------


@require_safe
def review_list(request):
    assignments = (
        ReviewAssignment.objects.filter(reviewer=request.user)
        .select_related("project__call", "project__lead")
        .order_by("submitted_at", "project__call__slug", "project__code")
    )
    context = {"assignments": assignments, "breadcrumbs": [(_("My reviews"), None)]}
    return render(request, "funding/workflow/review_list.html", context)


@require_http_methods(["GET", "POST"])
def review_detail(request, pk):
    """A reviewer declares no conflict of interest, then scores each criterion."""
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("project__call", "project__lead"),
        pk=pk,
        reviewer=request.user,
    )
    project = assignment.project
    criteria = list(project.call.criteria.all())
    scores = {s.criterion_id: s for s in assignment.scores.all()}
    conflict_form = NoConflictForm(prefix="coi")
    score_form = ScoreForm(criteria=criteria, scores=scores)
    status = 200
    if request.method == "POST" and not project.evaluation_is_open:
        messages.error(request, _("The evaluation of this application is closed."))
        status = 409  # a closed evaluation is never re-scored
    elif request.method == "POST":
        if request.POST.get("step") == "declare":
            conflict_form = NoConflictForm(request.POST, prefix="coi")
            if conflict_form.is_valid():
                actions.declare_no_conflict(assignment, by=request.user)
                messages.success(request, _("Declaration recorded: you may now score."))
                return redirect("funding:review-detail", pk=pk)
        else:
            _require(permissions.can_score(request.user, assignment))
            score_form = ScoreForm(request.POST, criteria=criteria, scores=scores)
            if score_form.is_valid():
                submit = "send" in request.POST
                try:
                    actions.save_scores(
                        assignment, by=request.user, scores=score_form.scores(), submit=submit
                    )
                except actions.ReviewError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(
                        request, _("Scores sent.") if submit else _("Scores saved as a draft.")
                    )
                    return redirect("funding:review-detail", pk=pk)
    context = {
        "assignment": assignment,
        "project": project,
        "criteria": criteria,
        "conflict_form": conflict_form,
        "score_form": score_form,
        "scores": [scores.get(c.pk) for c in criteria],
        "breadcrumbs": [
            (_("My reviews"), reverse("funding:review-list")),
            (project.code, None),
        ],
    }
    if score_form.errors:
        status = 422
    return render(request, "funding/workflow/review_detail.html", context, status=status)


# Ranking ------------------------------------------------------------------------------------


@require_safe
def ranking_view(request, slug):
    _require(permissions.can_read_all(request.user))
    call = _call(request, slug)
    criteria, rows, maximum = ranking.ranking(call)
    context = {
        "call": call,
        "criteria": criteria,
        "rows": rows,
        "maximum": maximum,
        "links": True,
        "can_manage": permissions.is_call_manager(request.user),
        "breadcrumbs": _crumbs(call, (_("Ranking"), None)),
    }
    return render(request, "funding/workflow/ranking.html", context)


@require_safe
def ranking_xlsx(request, slug):
    """The "ranking" dataset (exports.Ranking) of the call."""
    _require(permissions.can_read_all(request.user))
    call = _call(request, slug)
    return Download.prepare(request.user, "ranking", {"call": call.slug}).response("xlsx")


@require_safe
def ranking_pdf(request, slug):
    _require(permissions.can_read_all(request.user))
    call = _call(request, slug)
    pdf = ranking.ranking_pdf(call)
    if pdf is None:
        raise Http404
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="graduatoria-{call.slug}.pdf"'
    return response


# Monitoring ---------------------------------------------------------------------------------


@require_safe
def monitoring_view(request, slug):
    _require(permissions.can_read_all(request.user))
    call = _call(request, slug)
    reports = monitoring.report_rows(call)
    context = {
        "call": call,
        "reports": reports,
        "late_count": sum(1 for r in reports if r.late),
        "progress": monitoring.call_progress(call),
        "can_manage": permissions.is_call_manager(request.user),
        "breadcrumbs": _crumbs(call, (_("Monitoring"), None)),
    }
    return render(request, "funding/workflow/monitoring.html", context)


@require_safe
def indicator_values_csv(request, slug):
    _require(permissions.can_read_all(request.user))
    call = _call(request, slug)
    return Download.prepare(request.user, "indicator_values", {"call": call.slug}).response("csv")


@require_http_methods(["GET", "POST"])
def indicator_values_upload(request, slug):
    _require(permissions.is_call_manager(request.user))
    call = _call(request, slug)
    form = IndicatorUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = monitoring.read_indicator_csv(form.cleaned_data["file"].read())
        except (ValueError, UnicodeDecodeError) as error:
            form.add_error("file", str(error))
        else:
            result = monitoring.upload_indicator_values(call, rows, by=request.user)
            if not result.errors:
                messages.success(
                    request, _("%(count)s values updated.") % {"count": result.changed}
                )
                return redirect("funding:monitoring", slug=slug)
    context = {
        "call": call,
        "form": form,
        "result": result,
        "breadcrumbs": _crumbs(
            call,
            (_("Monitoring"), reverse("funding:monitoring", args=[slug])),
            (_("Upload indicator values"), None),
        ),
    }
    status = 422 if result is not None and result.errors else 200
    return render(request, "funding/workflow/indicator_upload.html", context, status=status)
