"""Changes to events and their programme: create, update, publish, cancel. Each action takes
plain values, runs in one transaction and records its history."""

from __future__ import annotations

import datetime

from django.db import transaction

from approdo.core.history import record_history, save_tracked
from approdo.participation.models import AgendaItem, Event

EVENT_FIELDS = [
    "title",
    "description",
    "kind",
    "starts_at",
    "ends_at",
    "mode",
    "place",
    "online_link",
    "capacity",
    "registration_deadline",
]


@transaction.atomic
def create_event(
    *,
    slug: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    by,
    organizers=(),
    calls=(),
    projects=(),
    **fields,
) -> Event:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown event fields: {sorted(unknown)}")
    event = Event.objects.create(
        slug=slug, title=title, starts_at=starts_at, ends_at=ends_at, created_by=by, **fields
    )
    event.organizers.set(organizers)
    event.calls.set(calls)
    event.projects.set(projects)
    record_history(event, by=by, action="created")
    return event


@transaction.atomic
def update_event(event: Event, *, by, organizers=None, calls=None, projects=None, **fields) -> dict:
    """Change the given fields; returns what changed. Capacity raised frees places for the
    waiting list."""
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown event fields: {sorted(unknown)}")
    # The online link is tracked without its value: history is read by more people.
    tracked = [name for name in fields if name != "online_link"]
    changes = save_tracked(event, fields, tracked, by=by) if fields else {}
    for name, values in (("organizers", organizers), ("calls", calls), ("projects", projects)):
        if values is not None:
            getattr(event, name).set(values)
    if "capacity" in changes:
        from approdo.participation.registration import promote_waiting

        promote_waiting(event)
    return changes


@transaction.atomic
def publish_event(event: Event, *, by) -> Event:
    if event.status != Event.Status.PUBLISHED:
        event.status = Event.Status.PUBLISHED
        event.save(update_fields=["status", "updated_at"])
        record_history(event, by=by, action="published")
    return event


@transaction.atomic
def cancel_event(event: Event, *, by, note: str = "") -> Event:
    if event.status != Event.Status.CANCELLED:
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        record_history(
            event, by=by, action="status", changes={"status": ["", "cancelled"]}, note=note
        )
    return event


@transaction.atomic
def set_agenda(event: Event, items: list[dict], *, by) -> list[AgendaItem]:
    """Replace the programme with `items` (dicts of starts_at, ends_at, title, speakers,
    description)."""
    event.agenda.all().delete()
    created = [
        AgendaItem.objects.create(
            event=event,
            starts_at=item["starts_at"],
            ends_at=item.get("ends_at"),
            title=item["title"],
            speakers=item.get("speakers", ""),
            description=item.get("description", ""),
        )
        for item in items
    ]
    record_history(event, by=by, action="edited", note="agenda")
    return created
