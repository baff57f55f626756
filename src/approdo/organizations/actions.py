"""Changes to organisations, people and roles. Each one keeps a history record.

`by` is the person making the change; `None` means the system itself (management commands,
data loads), for which the role rules are not checked.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from approdo.core.history import diff, record_history, snapshot
from approdo.organizations import permissions
from approdo.organizations.models import Invitation, Membership, Organization, Role, User
from approdo.territory.models import ASL, Zona

ORGANIZATION_FIELDS = [
    "name",
    "kind",
    "tax_code",
    "ipa_code",
    "runts_number",
    "seat",
    "address",
    "email",
    "pec",
    "phone",
    "website",
]


class RoleNotGrantable(PermissionDenied):
    """Someone tried to give a role above their own, or to change a membership they cannot."""


class InvitationError(Exception):
    """An invitation that cannot be accepted; `reason` is one of expired, used, wrong_person."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _check_grant(by: User | None, organization: Organization, role: str) -> None:
    if by is not None and not permissions.can_grant(by, organization, role):
        raise RoleNotGrantable(
            _("You cannot give the role “%(role)s”.") % {"role": Role(role).label}
        )


def _check_manageable(by: User | None, membership: Membership) -> None:
    if (
        by is not None
        and not Membership.objects.manageable_by(by).filter(pk=membership.pk).exists()
    ):
        raise RoleNotGrantable(_("You cannot change this membership."))


def _check_scope(role: str, zona: Zona | None, asl: ASL | None) -> None:
    if role == Role.TERRITORY_VIEWER and zona is None and asl is None:
        raise ValidationError(
            {"zona": _("A territory officer needs a zona distretto or an ASL.")},
            code="scope_required",
        )


def _scope_for(role: str, zona: Zona | None, asl: ASL | None) -> dict:
    # Only territory officers carry a scope.
    if role != Role.TERRITORY_VIEWER:
        return {"zona": None, "asl": None}
    return {"zona": zona, "asl": asl}


@transaction.atomic
def create_organization(*, name: str, kind: str, by: User | None, **fields) -> Organization:
    """Create an organisation. Callers: regional roles (the view checks), commands, imports.

    Validates every field (tax code, e-mail, PEC) and records a "created" history entry.
    """
    organization = Organization(name=name, kind=kind, **fields)
    organization.full_clean()
    organization.save()
    after = snapshot(organization, ORGANIZATION_FIELDS)
    record_history(organization, by=by, action="created", changes=diff({}, after))
    return organization


@transaction.atomic
def update_organization(organization: Organization, *, by: User | None, **fields) -> Organization:
    """Change an organisation's data. Callers: those it is `editable_by` (the view checks).

    Records which fields changed, with old and new values; nothing is recorded for no change.
    """
    # Compare with the stored row: a bound ModelForm has already changed `organization`.
    stored = Organization.objects.select_for_update().get(pk=organization.pk)
    before = snapshot(stored, ORGANIZATION_FIELDS)
    for name, value in fields.items():
        setattr(organization, name, value)
    changes = diff(before, snapshot(organization, ORGANIZATION_FIELDS))
    if changes:
        organization.save(update_fields=[*changes, "updated_at"])
        record_history(organization, by=by, action="updated", changes=changes)
    return organization


def invitation_link(invitation: Invitation, *, site_url: str | None = None) -> str:
    """The absolute address of the page where the invitation is accepted."""
    base = (site_url or settings.APPRODO_SITE_URL).rstrip("/")
    return f"{base}{invitation.get_absolute_url()}"


def send_invitation_email(invitation: Invitation, *, link: str) -> None:
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "role": Role(invitation.role).label,
        "link": link,
        "expires": date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"),
        "site_name": settings.APPRODO_SITE_NAME,
    }
    subject = render_to_string("organizations/email/invitation_subject.txt", context)
    message = render_to_string("organizations/email/invitation_message.txt", context)
    send_mail(" ".join(subject.split()), message, settings.DEFAULT_FROM_EMAIL, [invitation.email])


@transaction.atomic
def invite_member(
    organization: Organization,
    *,
    email: str,
    role: str,
    by: User | None,
    zona: Zona | None = None,
    asl: ASL | None = None,
    site_url: str | None = None,
) -> Invitation:
    """Invite someone by e-mail to join `organization` with `role`.

    Callers: anyone for whom `grantable_roles(by, organization)` contains `role` (checked here).
    The invitation expires after settings.APPRODO_INVITATION_DAYS days; the e-mail with the
    link is sent once the transaction commits.
    """
    _check_grant(by, organization, role)
    _check_scope(role, zona, asl)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email.strip().lower(),
        role=role,
        **_scope_for(role, zona, asl),
        invited_by=by if by is not None and by.is_authenticated else None,
        expires_at=timezone.now() + datetime.timedelta(days=settings.APPRODO_INVITATION_DAYS),
    )
    record_history(
        organization,
        by=by,
        action="member_invited",
        changes={"email": [None, invitation.email], "role": [None, role]},
    )
    link = invitation_link(invitation, site_url=site_url)
    transaction.on_commit(lambda: send_invitation_email(invitation, link=link))
    return invitation


def invitation_problem(invitation: Invitation) -> InvitationError | None:
    """Why the invitation cannot be accepted any more, or None if it still can."""
    if invitation.is_used:
        return InvitationError(
            "used",
            _("This invitation has already been used. Sign in with the account that accepted it."),
        )
    if invitation.is_expired:
        expired = date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT")
        return InvitationError(
            "expired",
            _("This invitation expired on %(date)s. Ask the person who invited you for a new one.")
            % {"date": expired},
        )
    return None


@transaction.atomic
def accept_invitation(invitation: Invitation, *, user: User) -> Membership:
    """`user` accepts `invitation` and becomes a member with the invited role.

    Callers: the invited person, signed in with the invited e-mail address. Refuses expired
    or already used invitations with an `InvitationError` that explains why.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_problem(invitation)
    if problem is not None:
        raise problem
    if user.email.lower() != invitation.email.lower():
        raise InvitationError(
            "wrong_person",
            _("This invitation was sent to another e-mail address."),
        )
    scope = _scope_for(invitation.role, invitation.zona, invitation.asl)
    membership = Membership.objects.filter(user=user, organization=invitation.organization).first()
    old_role = membership.role if membership else None
    if membership is None:
        membership = Membership.objects.create(
            user=user, organization=invitation.organization, role=invitation.role, **scope
        )
    else:
        membership.role = invitation.role
        membership.zona, membership.asl = scope["zona"], scope["asl"]
        membership.save(update_fields=["role", "zona", "asl"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_history(
        invitation.organization,
        by=user,
        action="invitation_accepted",
        changes={"user": [None, user.email], "role": [old_role, invitation.role]},
    )
    permissions.forget_memberships(user)
    return membership


@transaction.atomic
def create_account(
    email: str,
    *,
    password: str | None,
    by: User | None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a person's account with a verified e-mail address (invitations, commands).

    A `None` password makes an account that can only sign in after a password reset or
    through the regional identity broker.
    """
    email = email.strip().lower()
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    record_history(user, by=by, action="created", changes={"email": [None, email]})
    return user


@transaction.atomic
def add_membership(
    organization: Organization,
    *,
    user: User,
    role: str,
    by: User | None,
    zona: Zona | None = None,
    asl: ASL | None = None,
) -> Membership:
    """Make `user` a member of `organization` with `role`.

    Callers: anyone who may grant `role` in `organization` (checked here). Raises
    ValidationError if the person is already a member.
    """
    _check_grant(by, organization, role)
    _check_scope(role, zona, asl)
    if Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError(
            _("%(user)s is already a member of %(organization)s.")
            % {"user": user.email, "organization": organization.name},
            code="already_member",
        )
    membership = Membership.objects.create(
        user=user, organization=organization, role=role, **_scope_for(role, zona, asl)
    )
    record_history(
        organization,
        by=by,
        action="member_added",
        changes={"user": [None, user.email], "role": [None, role]},
    )
    permissions.forget_memberships(user)
    return membership


@transaction.atomic
def change_membership_role(
    membership: Membership,
    *,
    role: str,
    by: User | None,
    zona: Zona | None = None,
    asl: ASL | None = None,
) -> Membership:
    """Give a member another role (and scope, for territory officers).

    Callers: anyone who manages the membership now and may grant the new role (both checked
    here: nobody grants a role above their own).
    """
    _check_manageable(by, membership)
    _check_grant(by, membership.organization, role)
    _check_scope(role, zona, asl)
    scope = _scope_for(role, zona, asl)
    fields = ["role", "zona", "asl"]
    before = snapshot(membership, fields)
    membership.role = role
    membership.zona, membership.asl = scope["zona"], scope["asl"]
    changes = diff(before, snapshot(membership, fields))
    if changes:
        membership.save(update_fields=fields)
        record_history(
            membership.organization,
            by=by,
            action="member_changed",
            changes={"user": [membership.user.email, membership.user.email], **changes},
        )
        permissions.forget_memberships(membership.user)
    return membership


@transaction.atomic
def remove_membership(membership: Membership, *, by: User | None) -> None:
    """Remove a person from an organisation. Callers: those who manage the membership."""
    _check_manageable(by, membership)
    organization, user, role = membership.organization, membership.user, membership.role
    membership.delete()
    record_history(
        organization,
        by=by,
        action="member_removed",
        changes={"user": [user.email, None], "role": [role, None]},
    )
    permissions.forget_memberships(user)


DEFAULT_ORGANIZATIONS = {
    Role.REGIONAL_ADMIN: ("Regione Toscana", Organization.Kind.REGIONE),
    Role.COORDINATOR: ("ANCI Toscana", Organization.Kind.ASSOCIAZIONE),
    Role.ANALYST: ("ANCI Toscana", Organization.Kind.ASSOCIAZIONE),
}


@dataclass
class Provisioned:
    """What `provision_account` did."""

    organization: Organization
    organization_created: bool
    user: User | None = None
    user_created: bool = False
    membership: Membership | None = None
    password: str | None = None
    invitation: Invitation | None = None
    link: str = ""


def find_or_create_organization(
    name: str | None, kind: str | None, *, role: str, by: User | None
) -> tuple[Organization, bool]:
    """The organisation named `name` (created with `kind` when missing); without a name, the
    default organisation for `role` (Regione Toscana, ANCI Toscana)."""
    if not name:
        if role not in DEFAULT_ORGANIZATIONS:
            raise ValidationError(
                _("Give the organisation for the role “%(role)s”.") % {"role": role}
            )
        name, kind = DEFAULT_ORGANIZATIONS[role]
    matches = Organization.objects.filter(name__iexact=name.strip())
    if kind:
        matches = matches.filter(kind=kind)
    found = list(matches[:2])
    if len(found) == 1:
        return found[0], False
    if len(found) > 1:
        raise ValidationError(
            _("More than one organisation is called %(name)s: give its kind.") % {"name": name}
        )
    if not kind:
        raise ValidationError(
            _("There is no organisation called %(name)s: give its kind to create it.")
            % {"name": name}
        )
    return create_organization(name=name.strip(), kind=kind, by=by), True


@transaction.atomic
def provision_account(
    email: str,
    *,
    role: str,
    organization_name: str | None = None,
    organization_kind: str | None = None,
    zona: Zona | None = None,
    asl: ASL | None = None,
    password: str | None = None,
    invite: bool = False,
) -> Provisioned:
    """Give `email` a role in an organisation, for operators bootstrapping an installation
    (`approdo create-user`). Creates the organisation and the account when missing; for an
    existing account, adds or updates the membership. With `invite`, sends an invitation
    instead of creating the account. Runs as the system (no role checks).
    """
    if role not in Role.values:
        raise ValidationError(_("Unknown role: %(role)s.") % {"role": role})
    _check_scope(role, zona, asl)
    organization, organization_created = find_or_create_organization(
        organization_name, organization_kind, role=role, by=None
    )
    result = Provisioned(organization=organization, organization_created=organization_created)
    email = email.strip().lower()
    if invite:
        result.invitation = invite_member(
            organization, email=email, role=role, by=None, zona=zona, asl=asl
        )
        result.link = invitation_link(result.invitation)
        return result
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        result.password = password or secrets.token_urlsafe(12)
        user = create_account(email, password=result.password, by=None)
        result.user_created = True
    else:
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email__iexact=email, defaults={"email": email, "verified": True}
        )
        if not EmailAddress.objects.filter(user=user, primary=True).exists():
            EmailAddress.objects.filter(user=user, email=email).update(primary=True)
    result.user = user
    membership = Membership.objects.filter(user=user, organization=organization).first()
    if membership is None:
        membership = add_membership(organization, user=user, role=role, by=None, zona=zona, asl=asl)
    else:
        membership = change_membership_role(membership, role=role, by=None, zona=zona, asl=asl)
    result.membership = membership
    return result
