"""Who may do what: one place for the role rules every app relies on.

A person's memberships are read once per request and cached on the user object, so calling
these functions many times costs one query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from approdo.organizations.models import Organization, Role

REGIONAL_ADMIN = "regional_admin"
COORDINATOR = "coordinator"
ANALYST = "analyst"
ORG_MANAGER = "org_manager"
ORG_MEMBER = "org_member"
TERRITORY_VIEWER = "territory_viewer"

REGIONAL_ROLES = frozenset({REGIONAL_ADMIN, COORDINATOR})
STAFF_ROLES = frozenset({REGIONAL_ADMIN, COORDINATOR, ANALYST})
TWO_FACTOR_ROLES = REGIONAL_ROLES

_CACHE_ATTRIBUTE = "_approdo_memberships"


class MembershipRow(NamedTuple):
    role: str
    organization_id: int
    zona_id: int | None
    asl_id: int | None


def memberships_of(user) -> list[MembershipRow]:
    """The user's memberships as plain rows, read once and cached on the user object."""
    if user is None or not user.is_authenticated:
        return []
    rows = getattr(user, _CACHE_ATTRIBUTE, None)
    if rows is None:
        from approdo.organizations.models import Membership

        rows = [
            MembershipRow(*values)
            for values in Membership.objects.filter(user=user).values_list(
                "role", "organization_id", "zona_id", "asl_id"
            )
        ]
        setattr(user, _CACHE_ATTRIBUTE, rows)
    return rows


def forget_memberships(user) -> None:
    """Drop the cached memberships (after a change to them within the same request)."""
    if user is not None and hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def roles_of(user) -> set[str]:
    """Every role the user holds, in any organisation."""
    return {row.role for row in memberships_of(user)}


def _is_superuser(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def is_regional(user) -> bool:
    """Regional administrators and network coordinators (and superusers): they run the network."""
    return _is_superuser(user) or bool(roles_of(user) & REGIONAL_ROLES)


def can_read_everything(user) -> bool:
    """Regional roles and analysts read every organisation's data."""
    return _is_superuser(user) or bool(roles_of(user) & STAFF_ROLES)


def requires_two_factor(user) -> bool:
    """Regional administrators, coordinators and superusers must sign in with a second factor."""
    return _is_superuser(user) or bool(roles_of(user) & TWO_FACTOR_ROLES)


def organization_ids_of(user, roles: set[str] | frozenset[str] | None = None) -> set[int]:
    """Ids of the organisations the user belongs to (optionally: with one of `roles`)."""
    return {
        row.organization_id for row in memberships_of(user) if roles is None or row.role in roles
    }


def organization_of_member(
    user, organization_id: int, roles: set[str] | frozenset[str]
) -> Organization | None:
    """The organisation `organization_id` when the user holds one of `roles` in it, else None."""
    from approdo.organizations.models import Organization

    if user is None or not user.is_authenticated:
        return None
    member_of = Organization.objects.filter(memberships__user=user, memberships__role__in=roles)
    try:
        return member_of.get(pk=organization_id)
    except Organization.DoesNotExist:
        return None


def organizations_of(user, roles: set[str] | frozenset[str] | None = None) -> QuerySet:
    """The organisations the user belongs to (optionally: with one of `roles`)."""
    from approdo.organizations.models import Organization

    return Organization.objects.filter(pk__in=organization_ids_of(user, roles))


def territory_scope(user) -> tuple[set[int], set[int]]:
    """(zona ids, ASL ids) the user watches as a territory officer."""
    zona_ids: set[int] = set()
    asl_ids: set[int] = set()
    for row in memberships_of(user):
        if row.role != TERRITORY_VIEWER:
            continue
        if row.zona_id:
            zona_ids.add(row.zona_id)
        if row.asl_id:
            asl_ids.add(row.asl_id)
    return zona_ids, asl_ids


def role_in(user, organization: Organization | int) -> str | None:
    """The user's role in one organisation, or None."""
    organization_id = getattr(organization, "pk", organization)
    for row in memberships_of(user):
        if row.organization_id == organization_id:
            return row.role
    return None


def grantable_roles(user, organization: Organization | int | None) -> list[Role]:
    """The roles `user` may give to someone in `organization`: never one above their own.

    Regional administrators grant every role; coordinators every role but regional
    administrator; an organisation manager grants manager and member in their own
    organisation; nobody else grants anything.
    """
    from approdo.organizations.models import Role

    roles = roles_of(user)
    if _is_superuser(user) or REGIONAL_ADMIN in roles:
        return list(Role)
    if COORDINATOR in roles:
        return [role for role in Role if role != Role.REGIONAL_ADMIN]
    if organization is not None and role_in(user, organization) == ORG_MANAGER:
        return [Role.ORG_MANAGER, Role.ORG_MEMBER]
    return []


def can_grant(user, organization: Organization | int | None, role: str) -> bool:
    return role in {r.value for r in grantable_roles(user, organization)}


def can_see_members(user, organization: Organization | int) -> bool:
    """Staff roles see every organisation's members; members see their own organisation's."""
    return can_read_everything(user) or role_in(user, organization) is not None


def can_edit_locked_fields(user) -> bool:
    """Name, kind, tax code, seat, Unione, SdS and the territory verification define access,
    audiences and statistics: only regional roles change them."""
    return is_regional(user)


def can_decide_change_requests(user) -> bool:
    """Coordinators and regional administrators approve or reject change requests."""
    return is_regional(user)


def can_see_history(user) -> bool:
    """Change histories are for coordinators and regional administrators."""
    return is_regional(user)
