"""Who took part in an event: participants, organisations by kind, territories (ASL and zona of
each organisation's seat). Read by the event's organiser page, the synthesis report (page, PDF
and DOCX) and the API; counted in the database with GROUP BY."""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone

from approdo.organizations.models import Organization
from approdo.participation.models import Event, Registration
from approdo.territory.models import ComuneZona


@dataclasses.dataclass(frozen=True)
class Figures:
    participants: int  # present when attendance was taken, else registered with a place
    attendance_taken: bool
    organisations: int
    by_kind: list[tuple[str, int]]  # (kind label, participants), most first
    by_asl: list[tuple[str, int]]
    by_zona: list[tuple[str, int]]
    without_territory: int  # participants whose organisation has no known seat


def _participants(event: Event) -> tuple:
    """(the registrations that count as participants of `event`, whether attendance was
    taken): those present once attendance is taken, else those holding a place."""
    places = Registration.objects.filter(event=event, status=Registration.Status.REGISTERED)
    present = places.filter(attended=True)
    if present.exists():
        return present, True
    return places, False


def participants(event: Event):
    """The registrations that count as participants of `event`."""
    return _participants(event)[0]


def participation(event: Event, *, day: datetime.date | None = None) -> Figures:
    counted, attendance_taken = _participants(event)
    day = day or timezone.localdate(min(event.starts_at, timezone.now()))
    kinds = dict(Organization.Kind.choices)
    by_kind = (
        counted.filter(organization__isnull=False)
        .values("organization__kind")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization__kind")
    )
    # Participants per seat in the database, then the few hundred seats to their zona and
    # ASL (one row each): a correlated lookup per participant would cost a join per row.
    by_seat = dict(
        counted.filter(organization__seat__isnull=False)
        .values_list("organization__seat")
        .annotate(n=Count("pk"))
        .order_by()
    )
    links = ComuneZona.objects.valid_on(day).filter(comune_id__in=by_seat)
    zona_counts: Counter = Counter()
    asl_counts: Counter = Counter()
    for comune_id, zona, asl in links.values_list("comune_id", "zona__name", "zona__asl__name"):
        zona_counts[zona] += by_seat[comune_id]
        asl_counts[asl] += by_seat[comune_id]
    totals = counted.aggregate(
        n=Count("pk"),
        organisations=Count("organization", distinct=True),
        free_text=Count(
            "organization_name",
            distinct=True,
            filter=Q(organization__isnull=True) & ~Q(organization_name=""),
        ),
    )

    def ranked(counts: Counter) -> list[tuple[str, int]]:
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))

    return Figures(
        participants=totals["n"],
        attendance_taken=attendance_taken,
        organisations=totals["organisations"] + totals["free_text"],
        by_kind=[(str(kinds.get(r["organization__kind"], "")), r["n"]) for r in by_kind],
        by_asl=ranked(asl_counts),
        by_zona=ranked(zona_counts),
        without_territory=totals["n"] - sum(zona_counts.values()),
    )
