"""Background work of events: the registration e-mails (confirmation link, cancel link), the
notice of a place given from the waiting list, the reminder the day before and the expiry of
unconfirmed registrations. Tasks take ids.

The online link of an event goes only into the reminder, and only to confirmed participants
holding a place; every other e-mail points to the person's own registration page.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_tasks import task

from approdo.participation.models import Event, Registration

REMINDER_AHEAD = datetime.timedelta(hours=24)


def site_link(url_name: str, **kwargs) -> str:
    return f"{settings.APPRODO_SITE_URL}{reverse(url_name, kwargs=kwargs)}"


def _local(value: datetime.datetime | None) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def registration_context(registration: Registration) -> dict:
    event = registration.event
    token = registration.token
    return {
        "registration": registration,
        "event": event,
        "starts": _local(event.starts_at),
        "ends": _local(event.ends_at),
        "event_url": site_link("participation:event-detail", slug=event.slug),
        "page_url": site_link("participation:registration-detail", token=token),
        "confirm_url": site_link("participation:registration-confirm", token=token),
        "cancel_url": site_link("participation:registration-cancel", token=token),
        "site_name": settings.APPRODO_SITE_NAME,
        "confirm_hours": getattr(settings, "APPRODO_REGISTRATION_CONFIRM_HOURS", 48),
    }


def _send(template: str, context: dict, to: str) -> None:
    subject = render_to_string(f"participation/email/{template}_subject.txt", context)
    message = render_to_string(f"participation/email/{template}_message.txt", context)
    send_mail(" ".join(subject.split()), message, settings.DEFAULT_FROM_EMAIL, [to])


def _live(registration_id: int) -> Registration | None:
    registration = (
        Registration.objects.select_related("event")
        .filter(pk=registration_id, anonymised_at__isnull=True)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )
    return registration if registration and registration.email else None


@task()
def send_registration_email(registration_id: int) -> None:
    """The confirmation link (or, for an address already verified, the receipt) with the
    person's page and cancel link."""
    registration = _live(registration_id)
    if registration is None:
        return
    _send("registration", registration_context(registration), registration.email)


@task()
def send_promotion_notice(registration_id: int) -> None:
    registration = _live(registration_id)
    if registration is None or registration.status != Registration.Status.REGISTERED:
        return
    _send("promoted", registration_context(registration), registration.email)


def reminders_due(now: datetime.datetime | None = None):
    now = now or timezone.now()
    return Registration.objects.filter(
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_AHEAD,
        status=Registration.Status.REGISTERED,
        confirmed_at__isnull=False,
        reminded_at__isnull=True,
        anonymised_at__isnull=True,
    ).select_related("event")


def send_reminder(registration: Registration, now: datetime.datetime) -> bool:
    # Claimed by a conditional update first: two runs at once never send it twice.
    claimed = Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
        reminded_at=now
    )
    if not claimed:
        return False
    event = registration.event
    context = registration_context(registration)
    context["agenda"] = [
        {"starts": _local(item.starts_at), "item": item} for item in event.agenda.all()
    ]
    if event.mode in (Event.Mode.ONLINE, Event.Mode.HYBRID):
        context["online_link"] = event.online_link
    _send("reminder", context, registration.email)
    return True


@task()
def send_reminders(now: str | None = None) -> int:
    """Remind the confirmed participants holding a place of the events of the next 24 hours,
    once each (Registration.reminded_at); returns how many were sent."""
    moment = datetime.datetime.fromisoformat(now) if isinstance(now, str) else now
    moment = moment or timezone.now()
    return sum(send_reminder(r, moment) for r in reminders_due(moment))


@task()
def expire_registrations() -> int:
    from approdo.participation.registration import expire_unconfirmed

    return expire_unconfirmed()
