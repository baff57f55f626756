"""Pages of events and registrations.

Events are public once published; a registration is reached by its secret token (the person's
own page, its confirmation and cancellation) or by the event's organisers. The online link
appears only on the page of a confirmed registration holding a place.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from approdo.core.decorators import public
from approdo.participation import events as event_actions
from approdo.participation import figures, permissions
from approdo.participation import registration as reg
from approdo.participation.calendar import build_ics
from approdo.participation.event_forms import (
    AgendaFormSet,
    AttendanceForm,
    EventForm,
    OneClickForm,
    RegistrationForm,
)
from approdo.participation.models import AgendaItem, Event, Registration
from approdo.reports.datasets import DatasetError
from approdo.reports.downloads import Download


def _events_crumb():
    return (_("Events"), reverse("participation:event-list"))


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _visible_event(request, slug) -> Event:
    event = get_object_or_404(Event, slug=slug)
    if not permissions.can_see_event(request.user, event):
        raise Http404
    return event


def _managed_event(request, slug) -> Event:
    event = _visible_event(request, slug)
    _require(permissions.can_manage_event(request.user, event))
    return event


def _private(response):
    # Token pages and personal data: never cached, never indexed.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _registration(token) -> Registration:
    found = reg.by_token(token)
    if found is None:
        raise Http404
    return found


@public
@require_safe
def event_list(request):
    visible = permissions.events_visible_to(request.user, Event.objects.all())
    now = timezone.now()
    context = {
        "title": _("Events"),
        "breadcrumbs": [(_("Events"), None)],
        "upcoming": visible.upcoming(now),
        "past": visible.past(now)[:50],
        "can_create": permissions.can_create_events(request.user),
    }
    return render(request, "participation/event_list.html", context)


def _own_registration(request, event) -> Registration | None:
    if not request.user.is_authenticated:
        return None
    mine = Registration.objects.filter(event=event).exclude(status=Registration.Status.CANCELLED)
    return mine.filter(Q(user=request.user) | Q(email=request.user.email.lower())).first()


def _tables_with_reports(event) -> list[tuple]:
    """(table, its published synthesis report or None) for each table."""
    tables = event.tables.select_related("report")
    return [
        (table, report if report and report.status == report.Status.PUBLISHED else None)
        for table in tables
        for report in [getattr(table, "report", None)]
    ]


def _registration_form(request, event, data=None):
    if request.user.is_authenticated:
        return OneClickForm(data, event=event)
    return RegistrationForm(data, event=event)


def _detail_context(request, event, form=None) -> dict:
    now = timezone.now()
    own = _own_registration(request, event)
    return {
        "title": event.title,
        "breadcrumbs": [_events_crumb(), (event.title, None)],
        "event": event,
        "agenda": event.agenda.all(),
        "tables": _tables_with_reports(event),
        "organizers": event.organizers.order_by("name"),
        "calls": event.calls.all(),
        "projects": event.projects.select_related("call"),
        "participants": Registration.objects.filter(
            event=event, listed=True, status=Registration.Status.REGISTERED
        ).select_related("organization"),
        "places_left": reg.places_left(event),
        "closed_reason": reg.refusal_reason(event, now),
        "own": own,
        "form": form or (_registration_form(request, event) if own is None else None),
        "can_manage": permissions.can_manage_event(request.user, event),
    }


@public
@require_safe
def event_detail(request, slug):
    event = _visible_event(request, slug)
    return render(request, "participation/event_detail.html", _detail_context(request, event))


@public
@require_safe
def event_calendar(request, slug):
    event = _visible_event(request, slug)
    body = build_ics(
        event,
        domain=request.get_host().split(":")[0],
        base_url=request.build_absolute_uri("/")[:-1],
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@public
def event_register(request, slug):
    event = _visible_event(request, slug)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    form = None
    if request.method == "POST":
        form = _registration_form(request, event, request.POST)
        if form.is_valid():
            try:
                registration = _register(request, event, form.cleaned_data)
            except reg.RegistrationRefused as refused:
                form.add_error(None, refused.reason)
            else:
                _say_registered(request, registration)
                return redirect("participation:registration-detail", token=registration.token)
    context = _detail_context(request, event, form)
    return render(request, "participation/registration_form.html", context, status=200)


def _register(request, event, data) -> Registration:
    common = {
        "role": data["role"],
        "preferred_table": data.get("preferred_table"),
        "accessibility_needs": data.get("accessibility_needs", ""),
        "listed": data.get("listed", False),
    }
    if request.user.is_authenticated:
        return reg.register_user(event, request.user, **common)
    return reg.register(
        event,
        name=data["name"],
        email=data["email"],
        organization=data.get("organization"),
        organization_name=data.get("organization_name", ""),
        **common,
    )


def _say_registered(request, registration) -> None:
    if registration.status == Registration.Status.WAITING:
        messages.warning(
            request,
            _(
                "The event is full: you are on the waiting list. "
                "We will write to you if a place frees up."
            ),
        )
    else:
        messages.success(request, _("You are registered: a place is reserved for you."))
    if registration.confirmed_at is None:
        messages.info(
            request,
            _("We sent you an e-mail: open its link to confirm your address."),
        )


@public
def registration_confirm(request, token):
    """GET shows a button; the POST confirms (mail scanners follow links, so a GET never does)."""
    registration = _registration(token)
    if request.method == "POST":
        if reg.confirm(registration):
            messages.success(request, _("Thank you: your e-mail address is confirmed."))
        return redirect("participation:registration-detail", token=token)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    context = {
        "title": _("Confirm your registration"),
        "breadcrumbs": [_events_crumb(), (_("Confirm your registration"), None)],
        "registration": registration,
        "event": registration.event,
    }
    return _private(render(request, "participation/registration_confirm.html", context))


@public
@require_safe
def registration_detail(request, token):
    registration = _registration(token)
    event = registration.event
    holds_place = (
        registration.status == Registration.Status.REGISTERED
        and registration.confirmed_at is not None
    )
    context = {
        "title": _("Your registration"),
        "breadcrumbs": [
            _events_crumb(),
            (event.title, event.get_absolute_url()),
            (_("Your registration"), None),
        ],
        "registration": registration,
        "event": event,
        "position": reg.waiting_position(registration),
        "online_link": event.online_link
        if holds_place and event.mode != Event.Mode.IN_PERSON
        else "",
        "can_cancel": registration.status != Registration.Status.CANCELLED
        and timezone.now() < event.ends_at,
    }
    return _private(render(request, "participation/registration_detail.html", context))


@public
def registration_cancel(request, token):
    registration = _registration(token)
    if request.method == "POST":
        if reg.cancel(registration):
            messages.success(request, _("Your registration is cancelled."))
        return redirect("participation:registration-detail", token=token)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    context = {
        "title": _("Cancel your registration"),
        "breadcrumbs": [_events_crumb(), (_("Cancel your registration"), None)],
        "registration": registration,
        "event": registration.event,
    }
    return _private(render(request, "participation/registration_cancel.html", context))


@public
@require_safe
def registration_certificate(request, token):
    """The attendance certificate of a person marked present; 404 for anyone else."""
    registration = _registration(token)
    if registration.status != Registration.Status.REGISTERED or not registration.attended:
        raise Http404
    pdf = certificate_pdf(registration)
    if pdf is None:
        raise Http404
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="attestato-{registration.event.slug}.pdf"'
    )
    return _private(response)


def certificate_pdf(registration: Registration) -> bytes | None:
    """The certificate as a PDF, or None where WeasyPrint cannot run."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        return None
    context = {
        "registration": registration,
        "event": registration.event,
        "site_name": settings.APPRODO_SITE_NAME,
        "owner_name": settings.APPRODO_OWNER_NAME,
        "today": timezone.localdate(),
    }
    html = render_to_string("participation/certificate_pdf.html", context)
    return HTML(string=html, base_url=settings.APPRODO_SITE_URL).write_pdf()


def _save_event(request, form, event=None) -> Event:
    data = dict(form.cleaned_data)
    organizers = data.pop("organizers")
    calls = data.pop("calls")
    slug = data.pop("slug")
    if event is None:
        return event_actions.create_event(
            slug=slug, by=request.user, organizers=organizers, calls=calls, **data
        )
    event_actions.update_event(event, by=request.user, organizers=organizers, calls=calls, **data)
    return event


def event_create(request):
    _require(permissions.can_create_events(request.user))
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = _save_event(request, form)
        messages.success(request, _("Event created as a draft."))
        return redirect("participation:event-edit", slug=event.slug)
    context = {
        "title": _("New event"),
        "breadcrumbs": [_events_crumb(), (_("New event"), None)],
        "form": form,
    }
    return render(request, "participation/event_form.html", context)


def event_edit(request, slug):
    event = _managed_event(request, slug)
    form = EventForm(request.POST or None, instance=event)
    if "slug" in form.fields:
        form.fields["slug"].disabled = True
    agenda = AgendaFormSet(
        request.POST or None, queryset=AgendaItem.objects.filter(event=event), prefix="agenda"
    )
    if request.method == "POST" and form.is_valid() and agenda.is_valid():
        _save_event(request, form, event)
        items = [
            f.cleaned_data
            for f in agenda.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("title")
        ]
        event_actions.set_agenda(event, items, by=request.user)
        messages.success(request, _("Event saved."))
        return redirect(event.get_absolute_url())
    context = {
        "title": _("Edit the event"),
        "breadcrumbs": [
            _events_crumb(),
            (event.title, event.get_absolute_url()),
            (_("Edit"), None),
        ],
        "form": form,
        "agenda": agenda,
        "event": event,
    }
    return render(request, "participation/event_form.html", context)


@require_POST
def event_publish(request, slug):
    event = _managed_event(request, slug)
    event_actions.publish_event(event, by=request.user)
    messages.success(request, _("The event is published."))
    return redirect(event.get_absolute_url())


@require_POST
def event_cancel(request, slug):
    event = _managed_event(request, slug)
    event_actions.cancel_event(event, by=request.user)
    messages.success(request, _("The event is cancelled."))
    return redirect(event.get_absolute_url())


@require_safe
def event_registrations(request, slug):
    event = _managed_event(request, slug)
    registrations = Registration.objects.filter(event=event).select_related(
        "organization", "preferred_table"
    )
    counts = registrations.aggregate(
        registered=Count("pk", filter=Q(status=Registration.Status.REGISTERED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
        cancelled=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
        unconfirmed=Count(
            "pk",
            filter=Q(confirmed_at__isnull=True) & ~Q(status=Registration.Status.CANCELLED),
        ),
    )
    context = {
        "title": _("Registrations"),
        "breadcrumbs": [
            _events_crumb(),
            (event.title, event.get_absolute_url()),
            (_("Registrations"), None),
        ],
        "event": event,
        "registrations": registrations.order_by("status", "created_at", "pk"),
        "counts": counts,
        "figures": figures.participation(event),
    }
    return _private(render(request, "participation/event_registrations.html", context))


@require_safe
def event_registrations_export(request, slug):
    event = _managed_event(request, slug)
    fmt = request.GET.get("formato", "xlsx")
    params = {"event": event.slug, "user": request.user.pk}
    try:
        return _private(Download.prepare(request.user, "event_registrations", params).response(fmt))
    except DatasetError as error:
        raise Http404 from error


def event_attendance(request, slug):
    event = _managed_event(request, slug)
    places = list(
        Registration.objects.filter(event=event)
        .holding_a_place()
        .select_related("organization")
        .order_by("name", "pk")
    )
    form = AttendanceForm(request.POST or None, registrations=places)
    if request.method == "POST" and form.is_valid():
        present = reg.mark_attendance(event, form.cleaned_data["present"], by=request.user)
        messages.success(request, _("Attendance saved: %(n)s present.") % {"n": present})
        return redirect("participation:event-attendance", slug=event.slug)
    context = {
        "title": _("Attendance"),
        "breadcrumbs": [
            _events_crumb(),
            (event.title, event.get_absolute_url()),
            (_("Attendance"), None),
        ],
        "event": event,
        "form": form,
        "places": places,
    }
    return _private(render(request, "participation/attendance.html", context))
