"""Events, tables and registrations for tests."""

import datetime
import itertools

from django.utils import timezone

from approdo.participation.models import (
    Event,
    GuidingQuestion,
    Registration,
    WorkingTable,
)

_numbers = itertools.count(1)


def make_event(**fields) -> Event:
    n = next(_numbers)
    starts = fields.pop("starts_at", timezone.now() + datetime.timedelta(days=10))
    values = {
        "slug": f"evento-{n}",
        "title": f"Seminario di prova {n}",
        "status": Event.Status.PUBLISHED,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=4),
        "mode": Event.Mode.ONLINE,
        "online_link": f"https://meet.example.org/riunione-privata-{n}",
    }
    values.update(fields)
    organizers = values.pop("organizers", [])
    event = Event.objects.create(**values)
    event.organizers.set(organizers)
    return event


def make_table(event: Event, number: int = 1, questions: int = 2, **fields) -> WorkingTable:
    values = {"title": f"Tavolo {number}"}
    values.update(fields)
    table = WorkingTable.objects.create(event=event, number=number, **values)
    for order in range(1, questions + 1):
        GuidingQuestion.objects.create(table=table, order=order, text=f"Domanda {order}?")
    return table


def make_registration(event: Event, email: str | None = None, **fields) -> Registration:
    n = next(_numbers)
    values = {
        "name": f"Partecipante {n}",
        "email": email or f"partecipante{n}@example.org",
        "confirmed_at": timezone.now(),
    }
    values.update(fields)
    return Registration.objects.create(event=event, **values)
