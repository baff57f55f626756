"""The reminder the day before: once per person, only to confirmed participants holding a
place; the online link for online and hybrid events only; the command enqueues it."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from approdo.participation import tasks
from approdo.participation.models import AgendaItem, Event, Registration
from approdo.participation.tests.factories import make_event, make_registration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def tomorrow(**fields):
    starts = timezone.now() + datetime.timedelta(hours=20)
    return make_event(starts_at=starts, **fields)


def test_reminder_goes_once_to_confirmed_participants_with_the_link_and_programme():
    event = tomorrow(mode=Event.Mode.HYBRID, place="Sala Pegaso, Firenze")
    AgendaItem.objects.create(
        event=event, starts_at=event.starts_at, title="Apertura dei lavori", speakers="Assessora"
    )
    confirmed = make_registration(event, email="si@example.org")
    make_registration(event, email="noconf@example.org", confirmed_at=None)
    make_registration(event, email="attesa@example.org", status=Registration.Status.WAITING)
    make_registration(event, email="annullata@example.org", status=Registration.Status.CANCELLED)

    assert tasks.send_reminders.call() == 1
    assert tasks.send_reminders.call() == 0

    assert [m.to for m in mail.outbox] == [["si@example.org"]]
    body = mail.outbox[0].body
    assert event.online_link in body
    assert "Sala Pegaso, Firenze" in body
    assert "Apertura dei lavori" in body
    assert f"/iscrizioni/{confirmed.token}/annulla/" in body
    confirmed.refresh_from_db()
    assert confirmed.reminded_at is not None


def test_in_person_reminder_has_no_online_link():
    event = tomorrow(mode=Event.Mode.IN_PERSON, place="Prato")
    make_registration(event)
    tasks.send_reminders.call()
    assert event.online_link not in mail.outbox[0].body


def test_events_further_away_past_or_cancelled_get_no_reminder():
    now = timezone.now()
    make_registration(make_event(starts_at=now + datetime.timedelta(days=3)))
    make_registration(make_event(starts_at=now - datetime.timedelta(hours=1)))
    make_registration(tomorrow(status=Event.Status.CANCELLED))
    assert tasks.send_reminders.call() == 0
    assert mail.outbox == []


def test_reminder_due_at_a_given_moment():
    event = make_event(starts_at=timezone.now() + datetime.timedelta(days=3))
    make_registration(event)
    later = (event.starts_at - datetime.timedelta(hours=10)).isoformat()
    assert tasks.send_reminders.call(now=later) == 1


def test_the_command_enqueues_reminders_and_expiry(settings):
    event = tomorrow()
    make_registration(event)
    call_command("send_event_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1
