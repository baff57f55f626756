"""Pages of the activation pipeline and of the meetings with institutions.

Every view asks governance/permissions.py what the person may see or do: staff manage or read
everything, territory officers read their own territory, a body's members read its own entry.
"""

import datetime
import mimetypes
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from approdo.core.decorators import public
from approdo.core.models import HistoryEntry
from approdo.governance import actions, permissions
from approdo.governance import calendar as feed
from approdo.governance import meetings as meeting_logic
from approdo.governance import pipeline as pipeline_logic
from approdo.governance.forms_institutions import (
    AttachmentForm,
    EntryForm,
    FollowUpActionFormSet,
    MeetingFilterForm,
    MeetingForm,
    MoveForm,
    PipelineFilterForm,
    SeedForm,
)
from approdo.governance.models import FollowUpAction, Meeting, MeetingAttachment, PipelineEntry
from approdo.reports.downloads import Download
from approdo.territory.models import Comune

BOARD_CARDS_PER_STATUS = 60
LIST_PAGE_SIZE = 50
OVERDUE_SHOWN = 20  # the oldest; the export lists them all


def _pipeline_crumb():
    return (_("Activation pipeline"), reverse("governance:pipeline-board"))


def _meetings_crumb():
    return (_("Meetings with institutions"), reverse("governance:meeting-list"))


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


# ---------------------------------------------------------------------------------------------
# Pipeline


def _filtered_entries(request):
    form = PipelineFilterForm(request.GET or None)
    entries = permissions.pipeline_entries_visible_to(request.user).with_bodies()
    if form.is_bound and form.is_valid():
        entries = pipeline_logic.filter_entries(
            entries,
            asl=form.cleaned_data["asl"],
            zona=form.cleaned_data["zona"],
            kind=form.cleaned_data["kind"],
        )
    return form, entries


@require_safe
def pipeline_board(request):
    _require(permissions.can_see_pipeline(request.user))
    form, entries = _filtered_entries(request)
    can_manage = permissions.can_manage_institutions(request.user)
    query = request.GET.urlencode()
    here = reverse("governance:pipeline-board") + (f"?{query}" if query else "")
    columns = []
    # One query for the counts, one per status for the cards shown: never every entry.
    for status, label, count in pipeline_logic.counts_by_status(entries):
        shown = []
        if count:
            shown = list(entries.filter(status=status).in_board_order()[:BOARD_CARDS_PER_STATUS])
        if can_manage:
            for entry in shown:
                entry.move_form = MoveForm(entry=entry, prefix=f"e{entry.pk}")
        columns.append(
            {
                "status": status,
                "label": label,
                "count": count,
                "entries": shown,
                "hidden": count - len(shown),
            }
        )
    moved = None
    if request.GET.get("moved", "").isdigit():
        moved = next(
            (e for c in columns for e in c["entries"] if e.pk == int(request.GET["moved"])), None
        )
    context = {
        "filter_form": form,
        "columns": columns,
        "can_manage": can_manage,
        "seed_form": SeedForm() if can_manage else None,
        "here": here,
        "moved": moved,
        "filter_query": urlencode(
            {k: v for k, v in request.GET.items() if k in {"asl", "zona", "kind"}}
        ),
        "breadcrumbs": [(_("Activation pipeline"), None)],
    }
    return render(request, "governance/pipeline/board.html", context)


@require_safe
def pipeline_list(request):
    _require(permissions.can_see_pipeline(request.user))
    form, entries = _filtered_entries(request)
    status = request.GET.get("status")
    if status in PipelineEntry.Status.values:
        entries = entries.filter(status=status)
    page = Paginator(entries.in_board_order(), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filter_form": form,
        "page": page,
        "status": status,
        "statuses": PipelineEntry.Status.choices,
        "page_query": params.urlencode(),
        "breadcrumbs": [_pipeline_crumb(), (_("List"), None)],
    }
    return render(request, "governance/pipeline/list.html", context)


def _visible_entry(request, pk) -> PipelineEntry:
    _require(permissions.can_see_pipeline(request.user))
    queryset = permissions.pipeline_entries_visible_to(request.user).with_bodies()
    return get_object_or_404(queryset, pk=pk)


@require_safe
def pipeline_entry(request, pk):
    entry = _visible_entry(request, pk)
    internals = permissions.can_see_entry_internals(request.user)
    can_manage = permissions.can_manage_institutions(request.user)
    meetings = []
    if internals:
        meetings = permissions.meetings_visible_to(request.user, entry.meetings.all()).order_by(
            "-starts_at"
        )
    history = None
    if permissions.can_see_history(request.user):
        history = HistoryEntry.objects.for_object(entry).select_related("actor")[:100]
    context = {
        "entry": entry,
        "status_dates": pipeline_logic.status_dates(entry),
        "internals": internals,
        "can_manage": can_manage,
        "move_form": MoveForm(entry=entry, prefix=f"e{entry.pk}") if can_manage else None,
        "meetings": meetings,
        "history": history,
        "breadcrumbs": [_pipeline_crumb(), (str(entry), None)],
    }
    return render(request, "governance/pipeline/entry.html", context)


@require_POST
def pipeline_move(request, pk):
    _require(permissions.can_manage_institutions(request.user))
    entry = _visible_entry(request, pk)
    form = MoveForm(request.POST, entry=entry, prefix=f"e{entry.pk}")
    fallback = reverse("governance:pipeline-board")
    moved = form.is_valid()
    if moved:
        try:
            actions.move_pipeline_entry(entry, by=request.user, **form.cleaned_data)
        except pipeline_logic.TransitionError:  # moved by someone else since the form was read
            moved = False
            entry.refresh_from_db(fields=["status"])
    if not moved:
        # Submitted from a stale page (the entry moved meanwhile): say so, change nothing.
        messages.error(
            request,
            _("“%(entry)s” was not moved: the chosen status is not allowed from “%(status)s”.")
            % {"entry": entry, "status": entry.get_status_display()},
        )
        return redirect(_safe_next(request, fallback))
    messages.success(
        request,
        _("“%(entry)s” moved to “%(status)s”.")
        % {"entry": entry, "status": entry.get_status_display()},
    )
    target = _safe_next(request, fallback)
    separator = "&" if "?" in target else "?"
    if target.split("?")[0] == fallback:
        target = f"{target}{separator}moved={entry.pk}#entry-{entry.pk}"
    return redirect(target)


def pipeline_edit(request, pk):
    _require(permissions.can_manage_institutions(request.user))
    entry = _visible_entry(request, pk)
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        actions.update_pipeline_entry(entry, by=request.user, **form.cleaned_data)
        messages.success(request, _("Changes saved."))
        return redirect(entry)
    context = {
        "entry": entry,
        "form": form,
        "breadcrumbs": [
            _pipeline_crumb(),
            (str(entry), entry.get_absolute_url()),
            (_("Edit"), None),
        ],
    }
    return render(request, "governance/pipeline/edit.html", context)


@require_POST
def pipeline_seed(request):
    _require(permissions.can_manage_institutions(request.user))
    form = SeedForm(request.POST)
    if form.is_valid():
        zona = form.cleaned_data["zona"]
        created = actions.start_survey_for_zona(zona, by=request.user)
        messages.success(
            request,
            _("Survey started for %(zona)s: %(count)s new entries.")
            % {"zona": zona, "count": created},
        )
        return redirect(reverse("governance:pipeline-board") + "?" + urlencode({"zona": zona.slug}))
    messages.error(request, _("Choose a zona distretto."))
    return redirect("governance:pipeline-board")


@require_safe
def pipeline_map(request):
    _require(permissions.can_see_pipeline(request.user))
    entries = permissions.pipeline_entries_visible_to(request.user).filter(comune__isnull=False)
    by_comune = {e.comune_id: e for e in entries.select_related("comune").defer("comune__geometry")}
    comuni = Comune.objects.defer("geometry").filter(pk__in=by_comune).with_current_zona()
    rows = sorted(((comune, by_comune[comune.pk]) for comune in comuni), key=lambda r: r[0].name)
    counts = pipeline_logic.counts_by_status(entries)
    has_map = Comune.objects.filter(pk__in=by_comune, geometry__isnull=False).exists()
    context = {
        "rows": rows,
        "counts": counts,
        "has_map": has_map,
        "breadcrumbs": [_pipeline_crumb(), (_("Map by status"), None)],
    }
    return render(request, "governance/pipeline/map.html", context)


@require_safe
def pipeline_geojson(request):
    _require(permissions.can_see_pipeline(request.user))
    entries = permissions.pipeline_entries_visible_to(request.user).filter(comune__isnull=False)
    status_of = dict(entries.values_list("comune_id", "status"))
    labels = dict(PipelineEntry.Status.choices)
    features = []
    for code, name, geometry in Comune.objects.filter(
        pk__in=status_of, geometry__isnull=False
    ).values_list("istat_code", "name", "geometry"):
        status = status_of[code]
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": code,
                    "name": name,
                    "status": status,
                    "status_label": str(labels[status]),
                },
            }
        )
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
    )


# ---------------------------------------------------------------------------------------------
# Meetings


def _filtered_meetings(request):
    form = MeetingFilterForm(request.GET or None)
    meetings = permissions.meetings_visible_to(request.user)
    if form.is_bound and form.is_valid():
        meetings = meeting_logic.filter_meetings(meetings, **form.cleaned_data)
    return form, meetings


@require_safe
def meeting_list(request):
    _require(permissions.can_see_meetings(request.user))
    form, meetings = _filtered_meetings(request)
    today = timezone.localdate()
    meetings = meetings.annotate(
        overdue_count=Count(
            "actions",
            filter=Q(actions__status=FollowUpAction.Status.OPEN, actions__due_date__lt=today),
        ),
        open_count=Count("actions", filter=Q(actions__status=FollowUpAction.Status.OPEN)),
    ).prefetch_related("asls", "zone")
    page = Paginator(meetings.order_by("-starts_at", "-pk"), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    overdue = (
        FollowUpAction.objects.overdue(today)
        .filter(meeting__in=permissions.meetings_visible_to(request.user).values("pk"))
        .select_related("meeting", "owner")
        .order_by("due_date", "pk")
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filter_form": form,
        "page": page,
        "overdue": overdue[:OVERDUE_SHOWN],
        "overdue_count": overdue.count(),
        "can_manage": permissions.can_manage_institutions(request.user),
        "page_query": params.urlencode(),
        "breadcrumbs": [(_("Meetings with institutions"), None)],
    }
    return render(request, "governance/meetings/list.html", context)


@require_safe
def meeting_calendar(request):
    _require(permissions.can_see_meetings(request.user))
    today = timezone.localdate()
    try:
        month_start = datetime.datetime.strptime(request.GET.get("mese", ""), "%Y-%m").date()
    except ValueError:
        month_start = today.replace(day=1)
    year, month = month_start.year, month_start.month
    start, end = meeting_logic.month_bounds(year, month)
    meetings = (
        permissions.meetings_visible_to(request.user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at")
    )
    previous = datetime.date(*meeting_logic.shift_month(year, month, -1), 1)
    following = datetime.date(*meeting_logic.shift_month(year, month, 1), 1)
    context = {
        "month": month_start,
        "weeks": meeting_logic.month_grid(year, month, meetings),
        "today": today,
        "previous": previous,
        "following": following,
        "breadcrumbs": [_meetings_crumb(), (_("Calendar"), None)],
    }
    return render(request, "governance/meetings/calendar.html", context)


def _visible_meeting(request, pk) -> Meeting:
    _require(permissions.can_see_meetings(request.user))
    return get_object_or_404(permissions.meetings_visible_to(request.user), pk=pk)


@require_safe
def meeting_detail(request, pk):
    meeting = _visible_meeting(request, pk)
    meeting = (
        Meeting.objects.prefetch_related(
            "asls",
            "zone",
            "provinces",
            "comuni",
            "organizations",
            "attachments",
            Prefetch("actions", queryset=FollowUpAction.objects.select_related("owner")),
            Prefetch("pipeline_entries", queryset=PipelineEntry.objects.with_bodies()),
        )
        .select_related("created_by")
        .get(pk=meeting.pk)
    )
    can_manage = permissions.can_manage_institutions(request.user)
    history = None
    if permissions.can_see_history(request.user):
        history = HistoryEntry.objects.for_object(meeting).select_related("actor")[:100]
    visible_entries = set(
        permissions.pipeline_entries_visible_to(request.user)
        .filter(pk__in=[e.pk for e in meeting.pipeline_entries.all()])
        .values_list("pk", flat=True)
    )
    context = {
        "meeting": meeting,
        "entries": [e for e in meeting.pipeline_entries.all() if e.pk in visible_entries],
        "can_manage": can_manage,
        "attachment_form": AttachmentForm() if can_manage else None,
        "history": history,
        "breadcrumbs": [_meetings_crumb(), (meeting.title, None)],
    }
    return render(request, "governance/meetings/detail.html", context)


def _meeting_form(request, meeting: Meeting | None):
    _require(permissions.can_manage_institutions(request.user))
    instance = meeting or Meeting()
    form = MeetingForm(request.POST or None, instance=instance)
    formset = FollowUpActionFormSet(request.POST or None, instance=instance, prefix="actions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        follow_ups, removed = formset.changes()
        if meeting is None:
            saved = actions.create_meeting(
                by=request.user, follow_ups=follow_ups, **form.cleaned_data
            )
        else:
            saved = actions.update_meeting(
                meeting,
                by=request.user,
                follow_ups=follow_ups,
                removed_follow_ups=removed,
                **form.cleaned_data,
            )
        messages.success(request, _("Meeting saved."))
        return redirect(saved)
    crumbs = [_meetings_crumb()]
    if meeting is not None:
        crumbs += [(meeting.title, meeting.get_absolute_url()), (_("Edit"), None)]
    else:
        crumbs += [(_("New meeting"), None)]
    context = {"form": form, "formset": formset, "meeting": meeting, "breadcrumbs": crumbs}
    return render(request, "governance/meetings/form.html", context)


def meeting_create(request):
    return _meeting_form(request, None)


def meeting_edit(request, pk):
    _require(permissions.can_manage_institutions(request.user))
    return _meeting_form(request, _visible_meeting(request, pk))


@require_POST
def attachment_add(request, pk):
    _require(permissions.can_manage_institutions(request.user))
    meeting = _visible_meeting(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        actions.add_meeting_attachment(meeting, by=request.user, **form.cleaned_data)
        messages.success(request, _("Attachment added."))
    else:
        messages.error(request, _("The attachment was not added: give it a title and a file."))
    return redirect(meeting)


@require_safe
def attachment_download(request, pk):
    _require(permissions.can_see_meetings(request.user))
    attachment = get_object_or_404(
        MeetingAttachment.objects.filter(
            meeting__in=permissions.meetings_visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    name = attachment.file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def action_done(request, pk):
    _require(permissions.can_manage_institutions(request.user))
    follow_up = get_object_or_404(
        FollowUpAction.objects.select_related("meeting").filter(
            meeting__in=permissions.meetings_visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    if actions.mark_follow_up_done(follow_up, by=request.user):
        messages.success(request, _("Action marked as done: %(action)s") % {"action": follow_up})
    return redirect(_safe_next(request, follow_up.meeting.get_absolute_url()))


@require_safe
def meeting_export(request):
    """The "meetings" dataset (meetings.Meetings), filtered as the list is."""
    _require(permissions.can_see_meetings(request.user))
    params = {**request.GET.dict(), "user": request.user.pk}
    return Download.prepare(request.user, "meetings", params).response("xlsx")


def feed_settings(request):
    """The person's private calendar address, if they made one; POST makes it (or a new one,
    which stops the old one). Reading the page writes nothing."""
    _require(permissions.can_see_meetings(request.user))
    if request.method == "POST":
        had_one = feed.existing_token(request.user) is not None
        feed.reset_token(request.user)
        if had_one:
            messages.success(
                request, _("A new calendar address was created; the old one stopped working.")
            )
        else:
            messages.success(request, _("Your calendar address was created."))
        return redirect("governance:meeting-feed-settings")
    token = feed.existing_token(request.user)
    context = {
        "feed_url": token
        and request.build_absolute_uri(
            reverse("governance:meeting-feed", kwargs={"token": token.token})
        ),
        "breadcrumbs": [_meetings_crumb(), (_("Calendar subscription"), None)],
    }
    return render(request, "governance/meetings/feed_settings.html", context)


@public
@require_safe
def meeting_feed(request, token):
    """Open to calendar programs: the secret token in the URL stands for the person."""
    user = feed.user_for_token(token)
    if user is None or not permissions.can_see_meetings(user):
        raise Http404
    body = feed.build_feed(
        user, domain=request.get_host().split(":")[0], base_url=request.build_absolute_uri("/")[:-1]
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
