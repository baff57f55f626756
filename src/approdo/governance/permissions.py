"""Who may see and change what in the governance app: the one place for its object-level rules,
built on approdo.organizations.permissions. Views call these functions and nothing else."""

from __future__ import annotations

from django.db.models import Q

from approdo.organizations import permissions as base

# ---------------------------------------------------------------------------------------------
# Pipeline, meetings and ASL dashboards (institutions).
#
# Coordinators and regional administrators manage everything; analysts read everything;
# territory officers read the pipeline and the meetings of their own zona or ASL (minutes
# included: they are officials of that territory); members of a Comune, Unione or Società della
# Salute see their own body's pipeline entry, without internal notes, and no meetings. Nobody
# else sees any of it: meetings are never public.

BODY_KINDS = {"comune", "unione_comuni", "sds"}


def can_manage_institutions(user) -> bool:
    return base.is_regional(user)


def _scope_ids(user) -> tuple[set[int], set[int], set[str], set[str]]:
    """(zona ids, ASL ids, comune codes, province codes) a territory officer watches."""
    from approdo.territory.models import ComuneZona, Zona

    zona_ids, asl_ids = base.territory_scope(user)
    if not zona_ids and not asl_ids:
        return set(), set(), set(), set()
    zone = Zona.objects.filter(Q(pk__in=zona_ids) | Q(asl_id__in=asl_ids))
    all_zona_ids = set(zone.values_list("pk", flat=True))
    all_asl_ids = asl_ids | set(zone.values_list("asl_id", flat=True))
    links = ComuneZona.objects.valid_on().filter(zona_id__in=all_zona_ids)
    comuni = set(links.values_list("comune_id", flat=True))
    provinces = set(links.values_list("comune__province_id", flat=True))
    return all_zona_ids, all_asl_ids, comuni, provinces


def _own_bodies(user) -> Q | None:
    """Q on PipelineEntry for the bodies the user's organisations are (None: no such body).

    Only a territory link verified by a coordinator counts (Organization.territory_verified_at):
    a Comune is the comune of its seat, a Unione or a Società della Salute the one it is linked
    to. Names and self-declared kinds or seats never grant anything."""
    from approdo.organizations.models import Organization

    orgs = Organization.objects.filter(
        pk__in=base.organization_ids_of(user),
        kind__in=BODY_KINDS,
        territory_verified_at__isnull=False,
    ).values_list("kind", "seat_id", "unione_id", "sds_id")
    condition = None
    for kind, seat_id, unione_id, sds_id in orgs:
        if kind == "comune" and seat_id:
            part = Q(comune_id=seat_id)
        elif kind == "unione_comuni" and unione_id:
            part = Q(unione_id=unione_id)
        elif kind == "sds" and sds_id:
            part = Q(sds_id=sds_id)
        else:
            continue
        condition = part if condition is None else condition | part
    return condition


def pipeline_entries_visible_to(user, queryset=None):
    from approdo.governance.models import PipelineEntry

    queryset = PipelineEntry.objects.all() if queryset is None else queryset
    if base.can_read_everything(user):
        return queryset
    if user is None or not user.is_authenticated:
        return queryset.none()
    zona_ids, _asl_ids, comuni, _provinces = _scope_ids(user)
    condition = Q(pk__in=[])
    if zona_ids:
        from approdo.territory.models import UnioneComuni

        unioni = UnioneComuni.members.through.objects.filter(comune_id__in=comuni)
        condition |= (
            Q(comune_id__in=comuni)
            | Q(unione_id__in=unioni.values("unionecomuni_id"))
            | Q(sds__zona_id__in=zona_ids)
        )
    own = _own_bodies(user)
    if own is not None:
        condition |= own
    return queryset.filter(condition)


def can_see_pipeline(user) -> bool:
    """The board, list and map: anyone who can see at least their own body's entry."""
    return (
        base.can_read_everything(user)
        or any(base.territory_scope(user))
        or _own_bodies(user) is not None
    )


def can_see_entry_internals(user) -> bool:
    """Owner's notes, linked meetings and history: staff and territory officers, not the body."""
    return base.can_read_everything(user) or any(base.territory_scope(user))


def can_see_meetings(user) -> bool:
    return base.can_read_everything(user) or any(base.territory_scope(user))


def meetings_visible_to(user, queryset=None):
    from approdo.governance.models import Meeting

    queryset = Meeting.objects.all() if queryset is None else queryset
    if base.can_read_everything(user):
        return queryset
    zona_ids, asl_ids, comuni, provinces = _scope_ids(user)
    if not zona_ids:
        return queryset.none()
    entries = pipeline_entries_visible_to(user).values("pk")
    # Semi-joins on the link tables: no join fan-out, no DISTINCT.
    links = [
        (Meeting.zone.through, "zona_id__in", zona_ids),
        (Meeting.asls.through, "asl_id__in", asl_ids),
        (Meeting.comuni.through, "comune_id__in", comuni),
        (Meeting.provinces.through, "province_id__in", provinces),
        (Meeting.pipeline_entries.through, "pipelineentry_id__in", entries),
    ]
    condition = Q(pk__in=[])
    for through, lookup, values in links:
        condition |= Q(pk__in=through.objects.filter(**{lookup: values}).values("meeting_id"))
    return queryset.filter(condition)


def can_see_history(user) -> bool:
    return base.can_see_history(user)


def asls_visible_to(user):
    """The ASL dashboards a person may open: every ASL for staff, their own for officers."""
    from approdo.territory.models import ASL

    if base.can_read_everything(user):
        return ASL.objects.all()
    _zona_ids, asl_ids, _comuni, _provinces = _scope_ids(user)
    return ASL.objects.filter(pk__in=asl_ids)


# ---------------------------------------------------------------------------------------------
# SAI projects and coverage (sai_views).
#
# The SAI network is public information in Italy (projects, holders, managers, places per
# comune: aggregates, no addresses, no people), so lists, details, coverage, maps, gaps and the
# "what if" tool are public. Coordinators and regional administrators create and edit projects
# and import them; the change history is theirs to read, as for every other record.


def can_edit_sai(user) -> bool:
    return base.is_regional(user)


def can_see_sai_history(user) -> bool:
    return base.can_see_history(user)
