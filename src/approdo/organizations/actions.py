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
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from approdo.core.history import diff, record_history, snapshot
from approdo.organizations import permissions
from approdo.organizations.models import (
    ChangeRequest,
    Invitation,
    Membership,
    Organization,
    Role,
    User,
)
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
    "unione",
    "sds",
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
def create_organization(
    *, name: str, kind: str, by: User | None, territory_verified: bool = False, **fields
) -> Organization:
    """Create an organisation. Callers: regional roles (the view checks), commands, imports.

    Validates every field (tax code, e-mail, PEC) and records a "created" history entry. With
    `territory_verified`, the creator states that the organisation is the body of its territory
    link (Comune of its seat, Unione, SdS).
    """
    organization = Organization(name=name, kind=kind, **fields)
    if territory_verified:
        organization.territory_verified_at = timezone.now()
        organization.territory_verified_by = by if by is not None and by.is_authenticated else None
    organization.full_clean()
    organization.save()
    after = snapshot(organization, ORGANIZATION_FIELDS)
    record_history(organization, by=by, action="created", changes=diff({}, after))
    return organization


class LockedField(PermissionDenied):
    """Someone without a regional role tried to change a field that defines access."""


def _check_locked(by: User | None, stored: Organization, fields: dict) -> None:
    """Refuse a change to a locked field (or to the verification) by a non-regional `by`,
    whether the field is named `seat` or `seat_id`."""
    if by is None or permissions.can_edit_locked_fields(by):
        return
    probe = Organization(
        **{f.attname: getattr(stored, f.attname) for f in Organization._meta.concrete_fields}
    )
    for name, value in fields.items():
        if name != "territory_verified":
            setattr(probe, name, value)
    locked = [
        name
        for name in Organization.LOCKED_FIELDS
        if _text(getattr(probe, Organization._meta.get_field(name).attname))
        != _text(getattr(stored, Organization._meta.get_field(name).attname))
    ]
    if "territory_verified" in fields:
        locked.append("territory_verified")
    if locked:
        raise LockedField(
            _("Only coordinators can change these fields: %(fields)s. Request a change instead.")
            % {"fields": ", ".join(locked)}
        )


def _text(value) -> str | None:
    if isinstance(value, models.Model):
        value = value.pk
    return None if value is None else str(value)


@transaction.atomic
def update_organization(
    organization: Organization,
    *,
    by: User | None,
    territory_verified: bool | None = None,
    **fields,
) -> Organization:
    """Change an organisation's data. Callers: those it is `editable_by` (the view checks).

    The locked fields (Organization.LOCKED_FIELDS) and `territory_verified` are changed only by
    regional roles (checked here; others raise LockedField and request a change). Changing a
    territory field (kind, seat, Unione, SdS) clears the verified territory link unless the same
    call verifies it again. Records which fields changed, with old and new values; nothing is
    recorded for no change.
    """
    # Compare with the stored row: a bound ModelForm has already changed `organization`.
    stored = Organization.objects.select_for_update().get(pk=organization.pk)
    checked = dict(fields)
    if territory_verified is not None and territory_verified != stored.territory_verified:
        checked["territory_verified"] = territory_verified
    _check_locked(by, stored, checked)
    before = snapshot(stored, ORGANIZATION_FIELDS)
    before["territory_verified"] = str(stored.territory_verified)
    for name, value in fields.items():
        setattr(organization, name, value)
    after = snapshot(organization, ORGANIZATION_FIELDS)
    territory_changed = any(before[name] != after[name] for name in Organization.TERRITORY_FIELDS)
    verify = stored.territory_verified if territory_verified is None else territory_verified
    if territory_changed and territory_verified is None:
        verify = False
    if verify and (territory_changed or not stored.territory_verified):
        organization.territory_verified_at = timezone.now()
        organization.territory_verified_by = by
    elif not verify:
        organization.territory_verified_at = None
        organization.territory_verified_by = None
    after["territory_verified"] = str(organization.territory_verified)
    changes = diff(before, after)
    if changes:
        update_fields = [name for name in changes if name != "territory_verified"]
        if "territory_verified" in changes or (verify and territory_changed):
            update_fields += ["territory_verified_at", "territory_verified_by"]
        organization.save(update_fields=[*update_fields, "updated_at"])
        record_history(organization, by=by, action="updated", changes=changes)
    return organization


def locked_values(organization: Organization) -> dict[str, str | None]:
    """The organisation's locked fields as stored text (primary keys for related rows)."""
    return snapshot(organization, list(Organization.LOCKED_FIELDS))


@transaction.atomic
def request_change(
    organization: Organization, *, by: User, proposed: dict, reason: str = ""
) -> ChangeRequest:
    """Ask coordinators to change locked fields of `organization`.

    Callers: those the organisation is `editable_by` (the view checks). `proposed` maps locked
    field names to new values (model instances or values); unchanged values are dropped, and a
    request that changes nothing is refused with a ValidationError.
    """
    current = locked_values(organization)
    wanted = {
        name: _text(value)
        for name, value in proposed.items()
        if name in Organization.LOCKED_FIELDS and _text(value) != current[name]
    }
    if not wanted:
        raise ValidationError(_("The request changes nothing."), code="no_change")
    change = ChangeRequest.objects.create(
        organization=organization,
        proposed=wanted,
        current={name: current[name] for name in wanted},
        reason=reason.strip(),
        requested_by=by,
    )
    record_history(
        organization,
        by=by,
        action="change_requested",
        changes={name: [current[name], value] for name, value in wanted.items()},
    )
    return change


def _decided(change: ChangeRequest, by: User) -> ChangeRequest:
    if not permissions.can_decide_change_requests(by):
        raise PermissionDenied(_("Only coordinators decide on change requests."))
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."), code="decided")
    return change


def _proposed_values(change: ChangeRequest) -> dict:
    """The proposed values as model field values (related rows looked up by key)."""
    values = {}
    for name, value in change.proposed.items():
        field = Organization._meta.get_field(name)
        if field.is_relation:
            values[name] = None if value is None else field.related_model.objects.get(pk=value)
        else:
            values[name] = value or ""
    return values


@transaction.atomic
def approve_change_request(
    change: ChangeRequest, *, by: User, verify: bool = False, note: str = ""
) -> ChangeRequest:
    """Apply a pending change request. Callers: coordinators and regional administrators
    (checked here). The organisation is validated with the new values (tax code, uniqueness);
    with `verify`, the territory link is verified in the same change, otherwise a change of kind,
    seat, Unione or SdS leaves it unverified."""
    change = _decided(change, by)
    organization = Organization.objects.get(pk=change.organization_id)
    values = _proposed_values(change)
    for name, value in values.items():
        setattr(organization, name, value)
    organization.full_clean()
    update_organization(organization, by=by, territory_verified=True if verify else None, **values)
    change.status = ChangeRequest.Status.APPROVED
    change.decided_by, change.decided_at, change.decision_note = by, timezone.now(), note.strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_history(organization, by=by, action="change_approved", note=change.decision_note)
    return change


@transaction.atomic
def reject_change_request(change: ChangeRequest, *, by: User, note: str = "") -> ChangeRequest:
    """Refuse a pending change request; the organisation is left as it is. Callers:
    coordinators and regional administrators (checked here)."""
    change = _decided(change, by)
    change.status = ChangeRequest.Status.REJECTED
    change.decided_by, change.decided_at, change.decision_note = by, timezone.now(), note.strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_history(change.organization, by=by, action="change_rejected", note=change.decision_note)
    return change


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
    # get_or_create falls back to reading the row when a concurrent insert wins the race
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user,
        organization=invitation.organization,
        defaults={"role": invitation.role, **scope},
    )
    old_role = None if created else membership.role
    if not created:
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
