"""Who may see and change what in the participation app: the one place for its object-level
rules, built on approdo.organizations.permissions. Views and the API call these functions and
nothing else.

Regional administrators and coordinators organise every event; members (managers or members)
of an event's organising organisations organise that event. Organisers see the registrations
(personal data), the authors of anonymous contributions and the hidden contributions. A
table's rapporteur records its contributions and writes its report. Everybody sees published
events, tables, published reports and published guidelines; a zona's territory officer (or one
of its ASL) records the uptake of the guidelines in that zona.
"""

from __future__ import annotations

from django.db.models import Q

from approdo.organizations import permissions as base

ORGANISER_ROLES = frozenset({base.ORG_MANAGER, base.ORG_MEMBER})


def can_create_events(user) -> bool:
    return base.is_regional(user)


def can_manage_event(user, event) -> bool:
    """Organisers: regional roles, and the members of the event's organising organisations."""
    if user is None or not user.is_authenticated:
        return False
    if base.is_regional(user):
        return True
    own = base.organization_ids_of(user, ORGANISER_ROLES)
    return bool(own) and event.organizers.filter(pk__in=own).exists()


def events_visible_to(user, queryset):
    """Published and cancelled events for everybody; drafts for their organisers."""
    from approdo.participation.models import Event

    shown = ~Q(status=Event.Status.DRAFT)
    if user is not None and user.is_authenticated:
        if base.is_regional(user):
            return queryset
        own = base.organization_ids_of(user, ORGANISER_ROLES)
        if own:
            shown |= Q(organizers__in=own)
    return queryset.filter(shown).distinct()


def can_see_event(user, event) -> bool:
    return event.status != event.Status.DRAFT or can_manage_event(user, event)


def can_record_contributions(user, table) -> bool:
    """The table's rapporteur and the event's organisers record what is said at a table."""
    if user is None or not user.is_authenticated:
        return False
    return table.rapporteur_id == user.pk or can_manage_event(user, table.event)


def can_moderate(user, event) -> bool:
    return can_manage_event(user, event)


def can_see_author(user, contribution, event) -> bool:
    """An anonymous contribution's author is known to the organisers only."""
    return not contribution.anonymous or can_manage_event(user, event)


def can_write_report(user, report) -> bool:
    """The rapporteur writes while the report is a draft; organisers at any stage."""
    if can_manage_event(user, report.table.event):
        return True
    return (
        user is not None
        and user.is_authenticated
        and report.table.rapporteur_id == user.pk
        and report.status == report.Status.DRAFT
    )


def can_review_report(user, report) -> bool:
    return can_manage_event(user, report.table.event)


def can_see_report(user, report) -> bool:
    if report.status == report.Status.PUBLISHED:
        return True
    if user is None or not user.is_authenticated:
        return False
    return report.table.rapporteur_id == user.pk or can_manage_event(user, report.table.event)


def can_manage_guidelines(user) -> bool:
    return base.is_regional(user)


def can_see_guideline(user, guideline) -> bool:
    return guideline.status == guideline.Status.PUBLISHED or can_manage_guidelines(user)


def uptake_zona_ids(user) -> set[int] | None:
    """The zone whose uptake `user` records: None for all of them (regional roles)."""
    from approdo.territory.models import Zona

    if user is None or not user.is_authenticated:
        return set()
    if base.is_regional(user):
        return None
    zona_ids, asl_ids = base.territory_scope(user)
    if asl_ids:
        zona_ids = zona_ids | set(
            Zona.objects.filter(asl_id__in=asl_ids).values_list("pk", flat=True)
        )
    return zona_ids


def can_record_uptake(user, zona) -> bool:
    allowed = uptake_zona_ids(user)
    return allowed is None or getattr(zona, "pk", zona) in allowed
