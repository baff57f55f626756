"""The participation datasets: an event's registrations, for its organisers only. The online
link is never a column."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from approdo.participation import permissions
from approdo.participation.models import Event, Registration
from approdo.reports.datasets import Dataset, DatasetError, Sheet


class EventRegistrations(Dataset):
    """ "event_registrations": the registrations of one event (parameters: event, its slug;
    user, who exports). Personal data: only the event's organisers may export it."""

    title = "event_registrations"

    def clean_params(self, params: dict) -> dict:
        slug = str(params.get("event") or "")
        if not Event.objects.filter(slug=slug).exists():
            raise DatasetError(_("Say which event's registrations to export."))
        try:
            user = int(params["user"])
        except (KeyError, TypeError, ValueError):
            raise DatasetError(_("Say who exports the registrations.")) from None
        return {"event": slug, "user": user}

    def can_export(self, user, params: dict) -> bool:
        event = Event.objects.get(slug=params["event"])
        return user.pk == params["user"] and permissions.can_manage_event(user, event)

    def filename(self, params: dict) -> str:
        return f"iscrizioni-{params['event']}"

    def sheets(self, params: dict) -> list[Sheet]:
        event = Event.objects.get(slug=params["event"])
        rows = (
            Registration.objects.filter(event=event)
            .select_related("organization", "preferred_table", "table")
            .order_by("created_at", "pk")
        )
        return [
            Sheet(
                title=_("Registrations"),
                headers=[
                    _("Id"),
                    _("Name"),
                    _("E-mail"),
                    _("Organisation"),
                    _("Organisation kind"),
                    _("Role"),
                    _("Status"),
                    _("Address confirmed"),
                    _("Preferred table"),
                    _("Table"),
                    _("Accessibility needs"),
                    _("In the participants list"),
                    _("Present"),
                    _("Registered at"),
                ],
                rows=(_row(r) for r in rows.iterator(chunk_size=500)),
                expected=rows.count(),
            )
        ]


def _row(registration: Registration) -> list:
    org = registration.organization
    return [
        registration.pk,
        registration.name,
        registration.email,
        registration.organization_label,
        org.get_kind_display() if org else "",
        registration.get_role_display(),
        registration.get_status_display(),
        _local(registration.confirmed_at),
        str(registration.preferred_table or ""),
        str(registration.table or ""),
        registration.accessibility_needs,
        _("yes") if registration.listed else _("no"),
        _("yes") if registration.attended else _("no"),
        _local(registration.created_at),
    ]


def _local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def datasets() -> dict[str, Dataset]:
    """The participation datasets, by name (declared in ParticipationConfig)."""
    return {"event_registrations": EventRegistrations()}
