"""Pages coordinators use to run survey campaigns and review responses.

Regional administrators and coordinators change; analysts read (their POSTs get 403);
everyone else gets 403. Responses are fetched through `SurveyResponse.objects` scopes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from approdo.core.background import runs_in_background
from approdo.core.models import HistoryEntry
from approdo.organizations import permissions
from approdo.reports.actions import request_export
from approdo.reports.models import Export
from approdo.surveys import actions, review_panels
from approdo.surveys.expressions import text_in
from approdo.surveys.manage_forms import (
    BulkReviewForm,
    CampaignCreateForm,
    CampaignForm,
    CommentForm,
    InviteForm,
    ReopenForm,
    ResponseExportForm,
    ReviewFilterForm,
    ReviewForm,
    VersionUploadForm,
)
from approdo.surveys.models import (
    Campaign,
    InvalidTransition,
    SurveyResponse,
    campaign_figures,
)
from approdo.surveys.xlsform import walk
from approdo.territory.models import Zona

PAGE_SIZE = 25


def _history(obj, limit: int | None = None):
    """History entries of `obj`, newest first."""
    entries = HistoryEntry.objects.for_object(obj).select_related("actor")
    return entries[:limit] if limit else entries


def _check_can_read(user) -> None:
    if not permissions.can_read_everything(user):
        raise PermissionDenied


def _check_can_change(user) -> None:
    if not permissions.is_regional(user):
        raise PermissionDenied


def _campaigns_crumb() -> tuple[str, str]:
    return (_("Survey campaigns"), reverse("surveys:campaign-list"))


def _campaign_crumbs(campaign: Campaign, *last: tuple[str, str | None]) -> list:
    return [
        _campaigns_crumb(),
        (campaign.title, reverse("surveys:campaign-detail", args=[campaign.slug])),
        *last,
    ]


@require_safe
def campaign_list(request):
    _check_can_read(request.user)
    campaigns = Campaign.objects.with_status_counts().select_related("version__questionnaire")
    statuses = SurveyResponse.Status.values
    context = {
        "rows": [(c, [getattr(c, f"count_{status}") for status in statuses]) for c in campaigns],
        "statuses": SurveyResponse.Status.choices,
        "can_change": permissions.is_regional(request.user),
        "breadcrumbs": [(_("Survey campaigns"), None)],
    }
    return render(request, "surveys/manage/campaign_list.html", context)


@require_http_methods(["GET", "POST"])
def campaign_create(request):
    _check_can_change(request.user)
    form = CampaignCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["xlsform"]
        try:
            campaign = actions.create_campaign(
                upload,
                filename=upload.name,
                slug=form.cleaned_data["slug"],
                by=request.user,
                **form.values(),
            )
        except actions.FormImportError as error:
            for message in error.messages:
                form.add_error("xlsform", message)
        else:
            messages.success(request, _("Campaign created. Check the preview, then publish it."))
            return redirect("surveys:campaign-detail", slug=campaign.slug)
    context = {
        "form": form,
        "breadcrumbs": [_campaigns_crumb(), (_("New campaign"), None)],
    }
    return render(request, "surveys/manage/campaign_form.html", context)


@require_safe
def campaign_detail(request, slug):
    _check_can_read(request.user)
    campaign = get_object_or_404(
        Campaign.objects.select_related("version__questionnaire"), slug=slug
    )
    schema = campaign.version.schema
    language = schema.get("default_language")
    context = {
        "campaign": campaign,
        "questions": [
            _preview_row(element, language) for element in walk(schema.get("children", []))
        ],
        "versions": campaign.version.questionnaire.versions.all(),
        "audience_count": campaign.audience().count(),
        "invitations": campaign.invitations.select_related("organization").order_by(
            "organization__name"
        ),
        "history": _history(campaign, 20),
        "can_change": permissions.is_regional(request.user),
        "breadcrumbs": [_campaigns_crumb(), (campaign.title, None)],
    }
    return render(request, "surveys/manage/campaign_detail.html", context)


def _preview_row(element: dict, default_language: str | None) -> dict:
    path = element.get("path", "")
    required = element.get("required") or ""
    return {
        "path": path,
        "depth": max(path.count("/") - 2, 0),
        "type": element.get("type", ""),
        "label": text_in(element.get("labels"), translation.get_language(), default_language)
        or element.get("name", ""),
        "required": _("yes") if required == "true()" else required,
        "relevant": element.get("relevant", ""),
        "constraint": element.get("constraint", ""),
        "choices": len(element.get("choices") or []),
    }


@require_http_methods(["GET", "POST"])
def campaign_edit(request, slug):
    _check_can_change(request.user)
    campaign = get_object_or_404(Campaign, slug=slug)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        actions.update_campaign(campaign, by=request.user, **form.values())
        messages.success(request, _("Changes saved."))
        return redirect("surveys:campaign-detail", slug=campaign.slug)
    context = {
        "form": form,
        "campaign": campaign,
        "breadcrumbs": _campaign_crumbs(campaign, (_("Edit"), None)),
    }
    return render(request, "surveys/manage/campaign_form.html", context)


@require_http_methods(["GET", "POST"])
def campaign_version_upload(request, slug):
    _check_can_change(request.user)
    campaign = get_object_or_404(Campaign.objects.select_related("version"), slug=slug)
    form = VersionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["xlsform"]
        try:
            actions.upload_campaign_version(campaign, upload, filename=upload.name, by=request.user)
        except actions.FormImportError as error:
            for message in error.messages:
                form.add_error("xlsform", message)
        else:
            messages.success(request, _("New version uploaded."))
            return redirect("surveys:campaign-detail", slug=campaign.slug)
    context = {
        "form": form,
        "campaign": campaign,
        "breadcrumbs": _campaign_crumbs(campaign, (_("New version"), None)),
    }
    return render(request, "surveys/manage/version_form.html", context)


@require_POST
def campaign_publish(request, slug):
    _check_can_change(request.user)
    campaign = get_object_or_404(Campaign, slug=slug)
    actions.publish_campaign(campaign, by=request.user)
    messages.success(
        request, _("Campaign published: the organisations of its audience can see it.")
    )
    return redirect("surveys:campaign-detail", slug=campaign.slug)


@require_POST
def campaign_invite(request, slug):
    _check_can_change(request.user)
    campaign = get_object_or_404(Campaign, slug=slug)
    form = InviteForm(request.POST)
    resend = form.is_valid() and form.cleaned_data["resend"]
    try:
        invited = actions.invite_organizations(campaign, by=request.user, resend=resend)
    except actions.SurveyError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _invitations_message(len(invited)))
    return redirect("surveys:campaign-detail", slug=campaign.slug)


def _invitations_message(count: int) -> str:
    """What happened to the invitation e-mails: sent, waiting for the worker, or none due."""
    if not count:
        return _("Every organisation of the audience was already invited: no e-mail was sent.")
    if runs_in_background():
        return ngettext(
            "Invitation to %(count)s organisation queued: the background worker sends the "
            "e-mails within a few minutes.",
            "Invitations to %(count)s organisations queued: the background worker sends the "
            "e-mails within a few minutes.",
            count,
        ) % {"count": count}
    return ngettext(
        "Invitation e-mails sent to %(count)s organisation.",
        "Invitation e-mails sent to %(count)s organisations.",
        count,
    ) % {"count": count}


@require_safe
def campaign_dashboard(request, slug):
    _check_can_read(request.user)
    campaign = get_object_or_404(Campaign, slug=slug)
    figures = campaign_figures(campaign)
    context = {
        "campaign": campaign,
        "figures": figures,
        "zona_chart": _bar_chart(
            [(row["name"], row["rate"] or 0) for row in figures["zone"]], top=100
        ),
        "day_chart": _bar_chart([(day, count) for day, count in figures["per_day"]]),
        "has_map": Zona.objects.filter(
            slug__in=[row["slug"] for row in figures["zone"]], geometry__isnull=False
        ).exists(),
        "breadcrumbs": _campaign_crumbs(campaign, (_("Dashboard"), None)),
    }
    return render(request, "surveys/manage/campaign_dashboard.html", context)


@require_safe
def campaign_dashboard_geojson(request, slug):
    """The zone of the audience with their boundary and response rate, for the map."""
    _check_can_read(request.user)
    campaign = get_object_or_404(Campaign, slug=slug)
    rows = {row["slug"]: row for row in campaign_figures(campaign)["zone"] if row["slug"]}
    zone = Zona.objects.filter(slug__in=rows, geometry__isnull=False).values(
        "slug", "name", "geometry"
    )
    features = []
    for zona in zone:
        row = rows[zona["slug"]]
        label = _("%(zona)s: %(responded)s of %(invited)s responded (%(rate)s%%)") % {
            "zona": zona["name"],
            "responded": row["responded"],
            "invited": row["invited"],
            "rate": number_format(row["rate"] or 0, 1),
        }
        properties = {"name": zona["name"], "rate": row["rate"], "label": label}
        features.append({"type": "Feature", "geometry": zona["geometry"], "properties": properties})
    return JsonResponse(
        {"type": "FeatureCollection", "features": features}, content_type="application/geo+json"
    )


EXPORT_DATASET = "survey_responses"
EXPORTS_SHOWN = 20


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def campaign_exports(request, slug):
    """Export the campaign's responses in the background (format, codes or labels, language)
    and follow the export jobs: staff who read everything; each sees the jobs they may see."""
    _check_can_read(request.user)
    campaign = get_object_or_404(Campaign.objects.select_related("version"), slug=slug)
    languages = campaign.version.schema.get("languages") or []
    form = ResponseExportForm(request.POST or None, languages=languages)
    if request.method == "POST" and form.is_valid():
        export = request_export(
            by=request.user,
            dataset=EXPORT_DATASET,
            fmt=form.cleaned_data["fmt"],
            params=form.params(campaign),
        )
        export.refresh_from_db()
        messages.success(request, _export_message(export))
        return redirect("surveys:campaign-exports", slug=campaign.slug)
    exports = list(
        Export.objects.visible_to(request.user)
        .filter(dataset=EXPORT_DATASET, params__campaign=campaign.slug)
        .select_related("requested_by")[:EXPORTS_SHOWN]
    )
    context = {
        "campaign": campaign,
        "form": form,
        "exports": exports,
        "pending": any(not export.is_finished for export in exports),
        "breadcrumbs": _campaign_crumbs(campaign, (_("Export the responses"), None)),
    }
    template = "surveys/manage/campaign_exports.html" + ("#jobs" if request.htmx else "")
    return render(request, template, context, status=422 if form.errors else 200)


def _export_message(export: Export) -> str:
    if export.status == Export.Status.DONE:
        return _("The file is ready: download it from the list below.")
    if export.status == Export.Status.FAILED:
        return _("The export failed: see the reason in the list below.")
    if runs_in_background():
        return _(
            "Export queued: the background worker prepares the file, and the list below "
            "shows when it is ready."
        )
    return _("Export requested.")


def _bar_chart(rows: list[tuple], *, top: float | None = None, width: int = 300) -> dict:
    """Geometry of a horizontal bar chart drawn as SVG on the server: one bar per (label,
    value), scaled to `top` (default: the largest value)."""
    bar, gap = 18, 6
    scale = top or max((value for _label, value in rows), default=0) or 1
    bars = [
        {
            "label": label,
            "value": value,
            "y": index * (bar + gap),
            "text_y": index * (bar + gap) + bar - 4,
            "width": round(width * value / scale, 1),
        }
        for index, (label, value) in enumerate(rows)
    ]
    return {
        "bars": bars,
        "height": max(len(rows) * (bar + gap), bar),
        "width": width,
        "bar": bar,
    }


def _review_responses(user):
    """Responses staff may see in the review pages: reviewers and analysts, drafts excluded."""
    _check_can_read(user)
    return SurveyResponse.objects.visible_to(user).exclude(status=SurveyResponse.Status.DRAFT)


@require_safe
def review_queue(request):
    responses = _review_responses(request.user).in_review_queue()
    form = ReviewFilterForm(request.GET or None)
    if form.is_valid():
        responses = form.filter(responses)
    page = Paginator(
        responses.select_related("campaign", "organization", "organization__seat"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "bulk_form": ReviewForm(),
        "can_change": permissions.is_regional(request.user),
        "breadcrumbs": [_campaigns_crumb(), (_("Responses to review"), None)],
    }
    return render(request, "surveys/manage/review_queue.html", context)


def _review_context(request, response: SurveyResponse, **forms) -> dict:
    return {
        "response": response,
        "answers": _answer_rows(response),
        "comments": response.comments.select_related("author"),
        "history": _history(response),
        "can_change": permissions.is_regional(request.user),
        "review_form": forms.get("review_form") or ReviewForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "panels": review_panels.render(request, response),
        "breadcrumbs": [
            _campaigns_crumb(),
            (_("Responses to review"), reverse("surveys:review-queue")),
            (str(response.organization), None),
        ],
    }


def _answer_rows(response: SurveyResponse) -> list[dict]:
    """Headings and (label, answer) rows of the answered questions, in form order, in the
    page's language; choices shown by their label."""
    schema = response.version.schema
    language = translation.get_language()
    default = schema.get("default_language")
    rows: list[dict] = []

    def label_of(element: dict) -> str:
        return text_in(element.get("labels"), language, default) or element["name"]

    def add(elements: list[dict], answers: dict, depth: int) -> None:
        for element in elements:
            kind = element.get("type")
            if kind == "group":
                rows.append({"label": label_of(element), "heading": True, "depth": depth})
                add(element.get("children", []), answers, depth + 1)
            elif kind == "repeat":
                for number, entry in enumerate(answers.get(element["name"]) or [], start=1):
                    rows.append(
                        {"label": f"{label_of(element)} {number}", "heading": True, "depth": depth}
                    )
                    add(element.get("children", []), entry, depth + 1)
            elif kind != "note":
                value = answers.get(element["name"])
                if value in (None, "", []):
                    continue
                choices = {
                    choice["name"]: text_in(choice.get("labels"), language, default)
                    or choice["name"]
                    for choice in element.get("choices") or []
                }
                values = value if isinstance(value, list) else [value]
                if choices and kind == "select_multiple" and isinstance(value, str):
                    values = value.split()
                text = ", ".join(str(choices.get(v, v)) if choices else str(v) for v in values)
                rows.append({"label": label_of(element), "value": text, "depth": depth})

    add(schema.get("children", []), response.answers or {}, 0)
    return rows


def _reviewable(request, instance_id) -> SurveyResponse:
    _check_can_change(request.user)
    return get_object_or_404(
        SurveyResponse.objects.reviewable_by(request.user).select_related(
            "campaign", "organization", "version"
        ),
        instance_id=instance_id,
    )


@require_safe
def review_detail(request, instance_id):
    response = get_object_or_404(
        _review_responses(request.user).select_related("campaign", "organization", "version"),
        instance_id=instance_id,
    )
    return render(request, "surveys/manage/review_detail.html", _review_context(request, response))


@require_POST
def review_transition(request, instance_id):
    response = _reviewable(request, instance_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.review(
                response,
                form.cleaned_data["action"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except InvalidTransition as error:
            form.add_error("action", str(error))
        else:
            messages.success(
                request,
                _("Status changed: %(status)s.") % {"status": response.get_status_display()},
            )
            return redirect("surveys:review-detail", instance_id=response.instance_id)
    context = _review_context(request, response, review_form=form)
    return render(request, "surveys/manage/review_detail.html", context, status=422)


@require_POST
def review_bulk(request):
    _check_can_change(request.user)
    queryset = SurveyResponse.objects.reviewable_by(request.user).select_related("organization")
    form = BulkReviewForm(request.POST, queryset=queryset)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("surveys:review-queue")
    done, refused = actions.review_many(
        form.cleaned_data["responses"],
        form.cleaned_data["action"],
        by=request.user,
        note=form.cleaned_data["note"],
    )
    if done:
        messages.success(
            request,
            _("Changed: %(names)s.") % {"names": ", ".join(str(r.organization) for r in done)},
        )
    for response, reason in refused:
        messages.error(
            request,
            _("Refused for %(name)s: %(reason)s")
            % {"name": response.organization, "reason": reason},
        )
    return redirect(reverse("surveys:review-queue") + _safe_query(request.POST.get("query", "")))


def _safe_query(query: str) -> str:
    return "?" + query if query and "\n" not in query and "/" not in query else ""


@require_POST
def response_reopen(request, instance_id):
    response = _reviewable(request, instance_id)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            actions.reopen_response(
                response,
                by=request.user,
                until=form.cleaned_data["until"],
                note=form.cleaned_data["note"],
            )
        except (InvalidTransition, actions.SurveyError) as error:
            form.add_error("until", str(error))
        else:
            messages.success(request, _("Response reopened."))
            return redirect("surveys:review-detail", instance_id=response.instance_id)
    context = _review_context(request, response, reopen_form=form)
    return render(request, "surveys/manage/review_detail.html", context, status=422)


@require_POST
def response_comment(request, instance_id):
    """Reviewers comment on any sent response; members of the responding organisation on
    their own. Comments cannot be changed afterwards."""
    response = get_object_or_404(
        SurveyResponse.objects.visible_to(request.user).select_related(
            "campaign", "organization", "version"
        ),
        instance_id=instance_id,
    )
    reviewer = permissions.is_regional(request.user)
    member = permissions.role_in(request.user, response.organization_id) in {
        permissions.ORG_MANAGER,
        permissions.ORG_MEMBER,
    }
    if not (reviewer or member):
        raise PermissionDenied
    if not member and response.status == SurveyResponse.Status.DRAFT:
        raise Http404  # drafts stay between the organisation's members
    form = CommentForm(request.POST)
    if not form.is_valid():
        if reviewer:
            context = _review_context(request, response, comment_form=form)
            return render(request, "surveys/manage/review_detail.html", context, status=422)
        messages.error(request, " ".join(form.errors.get("body", [])))
    else:
        actions.add_comment(
            response, by=request.user, body=form.cleaned_data["body"], from_reviewer=reviewer
        )
        messages.success(request, _("Comment added."))
    return redirect(_comment_return(request, response, reviewer))


def _comment_return(request, response: SurveyResponse, reviewer: bool) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    if reviewer:
        return reverse("surveys:review-detail", args=[response.instance_id])
    try:
        return reverse("surveys:response-detail", args=[response.instance_id])
    except NoReverseMatch:
        return "/"
