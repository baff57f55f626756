"""Registrations to events: with or without an account, the double opt-in, cancellation by
the person's link, the waiting list, attendance and the anonymisation of personal data.

A place is given while the event has one: every action that gives or frees a place locks the
event row first (select_for_update) and counts the places held, so two people can never take
the last place at once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approdo.core.history import record_history
from approdo.organizations import permissions as org_permissions
from approdo.participation.models import Event, Registration, WorkingTable

DUPLICATE = _("This e-mail address is already registered for this event.")


class RegistrationRefused(Exception):
    """The registration cannot be made; `reason` says why, for the person."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def confirm_hours() -> int:
    return getattr(settings, "APPRODO_REGISTRATION_CONFIRM_HOURS", 48)


def retention_days() -> int:
    return getattr(settings, "APPRODO_REGISTRATION_RETENTION_DAYS", 180)


def refusal_reason(event: Event, now=None):
    """Why registrations are not taken now, or None when they are."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return _("This event has been cancelled.")
    if event.status != Event.Status.PUBLISHED:
        return _("Registration is closed.")
    if now >= event.starts_at:
        return _("Registration is closed: the event has already started.")
    if event.registration_deadline is not None and now >= event.registration_deadline:
        return _("Registration closed on the deadline.")
    return None


def places_left(event: Event) -> int | None:
    """Free places, or None without a limit."""
    if event.capacity is None:
        return None
    held = Registration.objects.filter(event=event).holding_a_place().count()
    return max(event.capacity - held, 0)


def waiting_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITING:
        return None
    ahead = Registration.objects.filter(event_id=registration.event_id).waiting()
    ahead = ahead.filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def live_registration(event: Event, email: str) -> Registration | None:
    return (
        Registration.objects.filter(event=event, email=normalise_email(email))
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )


@transaction.atomic
def register(
    event: Event,
    *,
    name: str,
    email: str,
    role: str = Registration.Role.OPERATOR,
    organization=None,
    organization_name: str = "",
    preferred_table: WorkingTable | None = None,
    accessibility_needs: str = "",
    listed: bool = False,
    user=None,
    confirmed: bool = False,
    now: datetime.datetime | None = None,
) -> Registration:
    """Register a person: a place while there is one, else the waiting list. Raises
    RegistrationRefused (closed, past the deadline, address already registered)."""
    now = now or timezone.now()
    email = normalise_email(email)
    # The lock serialises every registration to this event: the count below stays true
    # until this transaction ends.
    locked = Event.objects.select_for_update().get(pk=event.pk)
    reason = refusal_reason(locked, now)
    if reason:
        raise RegistrationRefused(reason)
    if live_registration(locked, email) is not None:
        raise RegistrationRefused(DUPLICATE)
    if preferred_table is not None and preferred_table.event_id != locked.pk:
        preferred_table = None
    held = Registration.objects.filter(event=locked).holding_a_place().count()
    full = locked.capacity is not None and held >= locked.capacity
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                event=locked,
                user=user,
                name=name.strip(),
                email=email,
                organization=organization,
                organization_name="" if organization is not None else organization_name.strip(),
                role=role,
                preferred_table=preferred_table,
                accessibility_needs=accessibility_needs.strip(),
                listed=listed,
                status=Registration.Status.WAITING if full else Registration.Status.REGISTERED,
                confirmed_at=now if confirmed else None,
            )
    except IntegrityError:
        # Another request registered the same address in between (the unique constraint).
        raise RegistrationRefused(DUPLICATE) from None
    record_history(registration, by=user, action="created", note=registration.status)
    _enqueue("send_registration_email", registration.pk)
    return registration


def email_is_verified(user) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def register_user(
    event: Event,
    user,
    *,
    role: str = Registration.Role.OPERATOR,
    preferred_table: WorkingTable | None = None,
    accessibility_needs: str = "",
    listed: bool = False,
    now: datetime.datetime | None = None,
) -> Registration:
    """One-click registration of a signed-in person: name, address and organisation from the
    account. Their verified address needs no confirmation link."""
    if not email_is_verified(user):
        raise RegistrationRefused(
            _("Your e-mail address is not verified yet: verify it from your account first.")
        )
    organization = org_permissions.organizations_of(user).order_by("name").first()
    return register(
        event,
        name=user.get_full_name() or user.email,
        email=user.email,
        role=role,
        organization=organization,
        preferred_table=preferred_table,
        accessibility_needs=accessibility_needs,
        listed=listed,
        user=user,
        confirmed=True,
        now=now,
    )


def by_token(token: str) -> Registration | None:
    if not token:
        return None
    return (
        Registration.objects.select_related("event", "organization")
        .filter(token=token, anonymised_at__isnull=True)
        .first()
    )


@transaction.atomic
def confirm(registration: Registration, *, now=None) -> bool:
    """Confirm the address; False when there is nothing to confirm (done or cancelled)."""
    row = Registration.objects.select_for_update().get(pk=registration.pk)
    if row.status == Registration.Status.CANCELLED or row.confirmed_at is not None:
        return False
    row.confirmed_at = now or timezone.now()
    row.save(update_fields=["confirmed_at", "updated_at"])
    registration.confirmed_at = row.confirmed_at
    record_history(row, action="confirmed")
    return True


@transaction.atomic
def cancel(registration: Registration, *, by=None, now=None, note: str = "") -> bool:
    """Cancel a registration and give its place to the first person waiting. False when it
    was already cancelled."""
    now = now or timezone.now()
    Event.objects.select_for_update().get(pk=registration.event_id)
    row = Registration.objects.select_for_update().get(pk=registration.pk)
    if row.status == Registration.Status.CANCELLED:
        return False
    held_a_place = row.status == Registration.Status.REGISTERED
    row.status = Registration.Status.CANCELLED
    row.cancelled_at = now
    row.save(update_fields=["status", "cancelled_at", "updated_at"])
    registration.status, registration.cancelled_at = row.status, row.cancelled_at
    record_history(row, by=by, action="status", changes={"status": ["", "cancelled"]}, note=note)
    if held_a_place:
        promote_waiting(registration.event, now=now)
    return True


@transaction.atomic
def promote_waiting(event: Event, *, now=None) -> list[Registration]:
    """Give the free places to the people waiting, first come first served, and tell them."""
    now = now or timezone.now()
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.status != Event.Status.PUBLISHED or now >= locked.starts_at:
        return []
    waiting = Registration.objects.filter(event=locked).waiting()
    if locked.capacity is not None:
        free = locked.capacity - Registration.objects.filter(event=locked).holding_a_place().count()
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for registration in promoted:
        registration.status = Registration.Status.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
        record_history(registration, action="status", changes={"status": ["waiting", "registered"]})
        _enqueue("send_promotion_notice", registration.pk)
    return promoted


def expire_unconfirmed(*, now=None) -> int:
    """Cancel the registrations whose address was not confirmed in time (their places go to
    the waiting list); returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=confirm_hours())
    expired = Registration.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff, anonymised_at__isnull=True
    ).exclude(status=Registration.Status.CANCELLED)
    count = 0
    for registration in expired.select_related("event"):
        count += cancel(registration, now=now, note="unconfirmed")
    return count


@transaction.atomic
def mark_attendance(event: Event, present_ids, *, by) -> int:
    """Mark present exactly the registrations in `present_ids` among those holding a place;
    returns how many are present."""
    present_ids = {int(pk) for pk in present_ids}
    places = Registration.objects.filter(event=event).holding_a_place()
    places.filter(pk__in=present_ids).update(attended=True, updated_at=timezone.now())
    places.exclude(pk__in=present_ids).update(attended=False)
    present = places.filter(attended=True).count()
    record_history(event, by=by, action="edited", note=f"attendance: {present}")
    return present


def due_for_purge(*, now=None):
    now = now or timezone.now()
    ended_before = now - datetime.timedelta(days=retention_days())
    return Registration.objects.filter(event__ends_at__lt=ended_before, anonymised_at__isnull=True)


@transaction.atomic
def purge(*, now=None, dry_run: bool = False) -> int:
    """Anonymise the registrations of events that ended more than the retention period ago:
    the person's name, address, needs, free-text organisation and account go; the
    organisation, role, status and attendance stay, so the figures stay. Idempotent."""
    now = now or timezone.now()
    due = due_for_purge(now=now)
    count = due.count()
    if dry_run or not count:
        return count
    due.update(
        name="",
        email="",
        accessibility_needs="",
        organization_name="",
        user=None,
        listed=False,
        anonymised_at=now,
        updated_at=now,
    )
    return count


def _enqueue(task_name: str, registration_id: int) -> None:
    from approdo.participation import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.enqueue(registration_id))
