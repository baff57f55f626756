"""The activation pipeline ("ricognizione"): which moves are allowed, filters and counts; the
moves themselves are recorded by governance/actions.py.

An entry moves forward along the chain one step or more (a body may skip a step, e.g. submit an
application without a separate design phase), may be marked "not interested" from any status,
and from "not interested" goes back to "contacted" when talks resume. Nothing moves backwards
otherwise: a project that is withdrawn is recorded as "not interested".
"""

import datetime

from django.db.models import Count, Q

from approdo.governance.models import PipelineEntry
from approdo.territory.models import ComuneZona

Status = PipelineEntry.Status

CHAIN = [
    Status.NOT_CONTACTED,
    Status.CONTACTED,
    Status.INTERESTED,
    Status.DESIGNING,
    Status.APPLICATION_SUBMITTED,
    Status.ACTIVE,
]
# Board and legend order: the chain, then the way out.
STATUSES = [*CHAIN, Status.NOT_INTERESTED]


class TransitionError(ValueError):
    """A move the pipeline does not allow from the entry's current status."""


def allowed_targets(status: str) -> list[str]:
    """The statuses an entry in `status` may move to, in board order."""
    if status == Status.NOT_INTERESTED:
        return [Status.CONTACTED]
    later = CHAIN[CHAIN.index(status) + 1 :]
    return [*later, Status.NOT_INTERESTED]


def status_dates(entry: PipelineEntry) -> list[tuple[str, datetime.date | None]]:
    """(label, date reached) for every status of the chain, in order, None where not reached."""
    rows = []
    for status in STATUSES:
        value = entry.status_dates.get(status)
        rows.append((Status(status).label, datetime.date.fromisoformat(value) if value else None))
    return rows


def filter_entries(queryset, *, asl=None, zona=None, kind=None):
    """Entries whose body lies in the ASL or zona (today), of one kind of body."""
    if zona is not None or asl is not None:
        links = ComuneZona.objects.valid_on()
        links = links.filter(zona=zona) if zona is not None else links.filter(zona__asl=asl)
        comuni = links.values("comune")
        sds = Q(sds__zona=zona) if zona is not None else Q(sds__zona__asl=asl)
        matching = PipelineEntry.objects.filter(
            Q(comune__in=comuni) | Q(unione__members__in=comuni) | sds
        ).values("pk")
        queryset = queryset.filter(pk__in=matching)
    if kind == PipelineEntry.BodyKind.COMUNE:
        queryset = queryset.filter(comune__isnull=False)
    elif kind == PipelineEntry.BodyKind.UNIONE:
        queryset = queryset.filter(unione__isnull=False)
    elif kind == PipelineEntry.BodyKind.SDS:
        queryset = queryset.filter(sds__isnull=False)
    return queryset


def counts_by_status(queryset) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status in board order, zeros included."""
    counted = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    return [(status, Status(status).label, counted.get(status, 0)) for status in STATUSES]
