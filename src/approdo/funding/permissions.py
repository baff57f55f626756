"""Who may do what with calls, applications, reviews and monitoring: the one place for it.

Built on `approdo.organizations.permissions`. Regional administrators and coordinators run
calls and see everything; analysts read everything; an organisation's members see and
report on the applications their organisation leads; a reviewer sees the applications
assigned to them and nothing else.
"""

from __future__ import annotations

from approdo.organizations import permissions as org_permissions

APPLICANT_ROLES = frozenset({org_permissions.ORG_MANAGER, org_permissions.ORG_MEMBER})
# Roles that read without judging: whoever holds one is never asked to score an application.
READ_ONLY_ROLES = frozenset({org_permissions.ANALYST, org_permissions.TERRITORY_VIEWER})


def is_call_manager(user) -> bool:
    """Creates and edits calls, moves applications, assigns reviewers, funds projects."""
    return org_permissions.is_regional(user)


def can_read_all(user) -> bool:
    """Reads every application, review total, ranking and monitoring report."""
    return org_permissions.can_read_everything(user)


def applicant_organization_ids(user) -> set[int]:
    """Organisations on whose behalf the user applies and reports."""
    return org_permissions.organization_ids_of(user, APPLICANT_ROLES)


def can_apply(user, call) -> bool:
    return bool(applicant_organization_ids(user)) and call.is_open()


def can_see_internal_status(user) -> bool:
    """Staff read the evaluation's internal statuses; applicants only plain labels."""
    return can_read_all(user)


def can_see_project(user, project) -> bool:
    if can_read_all(user):
        return True
    if project.lead_id in applicant_organization_ids(user):
        return True
    return is_assigned_reviewer(user, project)


def can_be_reviewer(user) -> bool:
    """Who may be assigned to score applications: any active account (external experts
    have no role at all) except holders of a read-only role (analysts, territory officers)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return not org_permissions.roles_of(user) & READ_ONLY_ROLES


def is_assigned_reviewer(user, project) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return project.review_assignments.filter(reviewer=user).exists()


def can_score(user, assignment) -> bool:
    """Only the assigned reviewer scores, and only once they declared no conflict."""
    return (
        user is not None
        and user.is_authenticated
        and assignment.reviewer_id == user.pk
        and assignment.no_conflict_declared_at is not None
    )


def can_report(user, project) -> bool:
    """Members of the lead organisation send the project's monitoring reports."""
    return project.lead_id in applicant_organization_ids(user) or is_call_manager(user)


def can_see_history(user) -> bool:
    return org_permissions.can_see_history(user)


def can_see_call_statistics(user, call) -> bool:
    """Statistics and the call report: public when the call says so, else staff only."""
    return bool(call.statistics_public) or can_read_all(user)
