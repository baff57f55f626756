"""The activation pipeline ("ricognizione"): which moves are allowed and how they are recorded.

An entry moves forward along the chain one step or more (a body may skip a step, e.g. submit an
application without a separate design phase), may be marked "not interested" from any status,
and from "not interested" goes back to "contacted" when talks resume. Nothing moves backwards
otherwise: a project that is withdrawn is recorded as "not interested".
"""

import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from approdo.core.history import record_history
from approdo.governance.models import PipelineEntry
from approdo.territory.models import ComuneZona, SocietaDellaSalute, UnioneComuni, Zona

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
    pass


def allowed_targets(status: str) -> list[str]:
    """The statuses an entry in `status` may move to, in board order."""
    if status == Status.NOT_INTERESTED:
        return [Status.CONTACTED]
    later = CHAIN[CHAIN.index(status) + 1 :]
    return [*later, Status.NOT_INTERESTED]


def move(
    entry: PipelineEntry, target: str, *, by=None, note: str = "", day: datetime.date | None = None
) -> PipelineEntry:
    """Move `entry` to `target`, date the new status and record the change in its history."""
    if target not in allowed_targets(entry.status):
        raise TransitionError(
            _("An entry cannot move from “%(old)s” to “%(new)s”.")
            % {"old": Status(entry.status).label, "new": _label(target)}
        )
    now = timezone.now()
    day = day or timezone.localdate()
    old = entry.status
    with transaction.atomic():
        entry.status = target
        entry.status_changed_at = now
        # The first date a status is reached stays; returning to "contacted" updates it.
        if target not in entry.status_dates or target == Status.CONTACTED:
            entry.status_dates = {**entry.status_dates, target: day.isoformat()}
        entry.save(update_fields=["status", "status_changed_at", "status_dates", "updated_at"])
        record_history(entry, by=by, action="status", changes={"status": [old, target]}, note=note)
    return entry


def _label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status


def status_dates(entry: PipelineEntry) -> list[tuple[str, datetime.date | None]]:
    """(label, date reached) for every status of the chain, in order, None where not reached."""
    rows = []
    for status in STATUSES:
        value = entry.status_dates.get(status)
        rows.append((Status(status).label, datetime.date.fromisoformat(value) if value else None))
    return rows


@transaction.atomic
def start_survey_for_zona(zona: Zona, *, by=None) -> int:
    """Create a "not contacted" entry for every Comune, Unione and SdS of the zona that has none
    yet; return how many were created. Running it twice creates nothing more."""
    today = timezone.localdate()
    comuni = ComuneZona.objects.valid_on().filter(zona=zona).values_list("comune_id", flat=True)
    comune_ids = set(comuni)
    unione_ids = set(
        UnioneComuni.objects.filter(members__in=comune_ids).values_list("pk", flat=True)
    )
    sds_ids = set(SocietaDellaSalute.objects.filter(zona=zona).values_list("pk", flat=True))
    existing = PipelineEntry.objects.filter(
        Q(comune_id__in=comune_ids) | Q(unione_id__in=unione_ids) | Q(sds_id__in=sds_ids)
    ).values_list("comune_id", "unione_id", "sds_id")
    have = {("comune", c) for c, _u, _s in existing if c}
    have |= {("unione", u) for _c, u, _s in existing if u}
    have |= {("sds", s) for _c, _u, s in existing if s}
    dates = {Status.NOT_CONTACTED: today.isoformat()}
    new = [
        PipelineEntry(**{field: pk}, status_dates=dates)
        for field, ids in (
            ("comune_id", comune_ids),
            ("unione_id", unione_ids),
            ("sds_id", sds_ids),
        )
        for pk in sorted(ids)
        if (field[:-3], pk) not in have
    ]
    created = PipelineEntry.objects.bulk_create(new)
    # bulk_create returns primary keys on PostgreSQL and SQLite 3.35+; history needs them.
    for entry in PipelineEntry.objects.filter(pk__in=[e.pk for e in created if e.pk]).with_bodies():
        record_history(entry, by=by, action="created", note=_("Survey started for the zona."))
    return len(created)


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
