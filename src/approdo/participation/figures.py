"""Who took part in an event: participants, organisations by kind, territories (ASL and zona of
each organisation's seat). Read by the event's organiser page, the synthesis report (page, PDF
and DOCX) and the API; counted in the database with GROUP BY."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, OuterRef, Q, Subquery
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


def participants(event: Event):
    """The registrations that count as participants of `event`."""
    places = Registration.objects.filter(event=event, status=Registration.Status.REGISTERED)
    if places.filter(attended=True).exists():
        return places.filter(attended=True)
    return places


def participation(event: Event, *, day: datetime.date | None = None) -> Figures:
    counted = participants(event)
    attendance_taken = counted.filter(attended=True).exists()
    day = day or timezone.localdate(min(event.starts_at, timezone.now()))
    zona_of_seat = ComuneZona.objects.valid_on(day).filter(comune_id=OuterRef("organization__seat"))
    rows = counted.annotate(
        zona_id=Subquery(zona_of_seat.values("zona_id")[:1]),
        zona_name=Subquery(zona_of_seat.values("zona__name")[:1]),
        asl_name=Subquery(zona_of_seat.values("zona__asl__name")[:1]),
    )
    kinds = dict(Organization.Kind.choices)
    by_kind = (
        counted.filter(organization__isnull=False)
        .values("organization__kind")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization__kind")
    )
    by_zona = (
        rows.filter(zona_id__isnull=False)
        .values("zona_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "zona_name")
    )
    by_asl = (
        rows.filter(zona_id__isnull=False)
        .values("asl_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "asl_name")
    )
    totals = counted.aggregate(
        n=Count("pk"),
        organisations=Count("organization", distinct=True),
        free_text=Count(
            "organization_name",
            distinct=True,
            filter=Q(organization__isnull=True) & ~Q(organization_name=""),
        ),
    )
    located = sum(row["n"] for row in by_zona)
    return Figures(
        participants=totals["n"],
        attendance_taken=attendance_taken,
        organisations=totals["organisations"] + totals["free_text"],
        by_kind=[(str(kinds.get(r["organization__kind"], "")), r["n"]) for r in by_kind],
        by_asl=[(r["asl_name"], r["n"]) for r in by_asl],
        by_zona=[(r["zona_name"], r["n"]) for r in by_zona],
        without_territory=totals["n"] - located,
    )
