"""Registration actions: places and the waiting list, refusals, the double opt-in,
cancellation and promotion, expiry, one-click registration and attendance."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from approdo.participation import registration as reg
from approdo.participation.models import Event, Registration
from approdo.participation.tests.factories import make_event, make_registration, make_table

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def register(event, email="Mario.Rossi@Example.org", **fields):
    return reg.register(event, name="Mario Rossi", email=email, **fields)


def test_registration_takes_a_place_and_sends_the_confirmation_link(
    django_capture_on_commit_callbacks,
):
    event = make_event(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, organization_name="Comitato di quartiere")

    assert registration.status == Registration.Status.REGISTERED
    assert registration.email == "mario.rossi@example.org"
    assert registration.confirmed_at is None
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert f"/partecipazione/iscrizioni/{registration.token}/conferma/" in body
    assert f"/partecipazione/iscrizioni/{registration.token}/annulla/" in body
    assert event.online_link not in body
    assert mail.outbox[0].to == ["mario.rossi@example.org"]


def test_a_full_event_puts_the_registration_on_the_waiting_list():
    event = make_event(capacity=1)
    register(event, email="primo@example.org")
    second = register(event, email="secondo@example.org")
    third = register(event, email="terzo@example.org")

    assert second.status == third.status == Registration.Status.WAITING
    assert reg.waiting_position(second) == 1
    assert reg.waiting_position(third) == 2
    assert reg.places_left(event) == 0


def test_no_capacity_means_no_waiting_list():
    event = make_event(capacity=None)
    assert all(
        register(event, email=f"p{n}@example.org").status == Registration.Status.REGISTERED
        for n in range(5)
    )
    assert reg.places_left(event) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"registration_deadline": "past"}, "deadline"),
        ({"status": Event.Status.DRAFT}, "closed"),
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        ({"started": True}, "started"),
    ],
)
def test_closed_registrations_are_refused_with_the_reason(change, reason):
    now = timezone.now()
    fields = {}
    if change.get("registration_deadline"):
        fields["registration_deadline"] = now - datetime.timedelta(hours=1)
    if "status" in change:
        fields["status"] = change["status"]
    if change.get("started"):
        fields["starts_at"] = now - datetime.timedelta(minutes=5)
    event = make_event(**fields)

    with pytest.raises(reg.RegistrationRefused) as refused:
        register(event)

    assert reason in str(refused.value.reason).lower()
    assert not Registration.objects.filter(event=event).exists()


def test_the_same_address_twice_is_refused_whatever_its_case():
    event = make_event()
    register(event, email="anna@example.org")
    with pytest.raises(reg.RegistrationRefused) as refused:
        register(event, email="  ANNA@example.org ")
    assert "already registered" in str(refused.value.reason)


def test_a_cancelled_address_may_register_again():
    event = make_event()
    first = register(event, email="anna@example.org")
    reg.cancel(first)
    again = register(event, email="anna@example.org")
    assert again.status == Registration.Status.REGISTERED


def test_an_integrity_error_from_a_race_is_a_refusal(monkeypatch):
    event = make_event()
    register(event, email="anna@example.org")
    # As if the other request's row arrived after this one looked: the constraint decides.
    monkeypatch.setattr(reg, "live_registration", lambda *a: None)
    with pytest.raises(reg.RegistrationRefused):
        register(event, email="anna@example.org")
    assert Registration.objects.filter(event=event).count() == 1


def test_a_table_of_another_event_is_not_kept():
    event, other = make_event(), make_event()
    table = make_table(other, questions=0)
    assert register(event, preferred_table=table).preferred_table is None
    own = make_table(event, questions=0)
    assert register(event, email="x@example.org", preferred_table=own).preferred_table == own


def test_confirmation_is_done_once_and_not_on_cancelled():
    event = make_event()
    registration = register(event)
    assert reg.confirm(registration) is True
    assert registration.confirmed_at is not None
    assert reg.confirm(registration) is False
    other = register(event, email="b@example.org")
    reg.cancel(other)
    assert reg.confirm(other) is False


def test_cancelling_a_place_promotes_the_first_waiting_and_tells_them(
    django_capture_on_commit_callbacks,
):
    event = make_event(capacity=1)
    holder = make_registration(event)
    first = register(event, email="attesa1@example.org")
    second = register(event, email="attesa2@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert reg.cancel(holder) is True

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.REGISTERED
    assert second.status == Registration.Status.WAITING
    assert reg.waiting_position(second) == 1
    assert [m.to for m in mail.outbox] == [["attesa1@example.org"]]
    assert "place" in mail.outbox[0].subject.lower() or "posto" in mail.outbox[0].subject.lower()
    assert event.online_link not in mail.outbox[0].body
    assert reg.cancel(holder) is False  # idempotent


def test_cancelling_a_waiting_registration_promotes_nobody():
    event = make_event(capacity=1)
    make_registration(event)
    waiting = register(event, email="w1@example.org")
    later = register(event, email="w2@example.org")
    reg.cancel(waiting)
    later.refresh_from_db()
    assert later.status == Registration.Status.WAITING


def test_raising_the_capacity_promotes_the_waiting():
    from approdo.participation import events

    event = make_event(capacity=1)
    make_registration(event)
    waiting = register(event, email="w1@example.org")
    events.update_event(event, by=None, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.REGISTERED


def test_unconfirmed_registrations_expire_and_free_their_place(settings):
    settings.APPRODO_REGISTRATION_CONFIRM_HOURS = 48
    event = make_event(capacity=1)
    unconfirmed = register(event, email="lento@example.org")
    waiting = register(event, email="attesa@example.org")
    reg.confirm(waiting)

    assert reg.expire_unconfirmed(now=timezone.now() + datetime.timedelta(hours=47)) == 0
    assert reg.expire_unconfirmed(now=timezone.now() + datetime.timedelta(hours=49)) == 1

    unconfirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert unconfirmed.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.REGISTERED


def test_one_click_takes_name_address_and_organisation_from_the_account(prato_member, prato):
    prato_member.first_name, prato_member.last_name = "Giulia", "Bianchi"
    prato_member.save()
    event = make_event()

    registration = reg.register_user(event, prato_member, listed=True)

    assert registration.name == "Giulia Bianchi"
    assert registration.email == prato_member.email.lower()
    assert registration.organization == prato
    assert registration.user == prato_member
    assert registration.confirmed_at is not None


def test_one_click_with_an_unverified_address_is_refused(prato_member):
    EmailAddress.objects.filter(user=prato_member).update(verified=False)
    with pytest.raises(reg.RegistrationRefused) as refused:
        reg.register_user(make_event(), prato_member)
    assert "not verified" in str(refused.value.reason)


def test_attendance_marks_exactly_the_ticked_places(regione_admin):
    event = make_event(capacity=2)
    a, b = make_registration(event), make_registration(event)
    waiting = register(event, email="w@example.org")

    assert reg.mark_attendance(event, [a.pk, waiting.pk], by=regione_admin) == 1
    assert reg.mark_attendance(event, [b.pk], by=regione_admin) == 1
    a.refresh_from_db()
    b.refresh_from_db()
    waiting.refresh_from_db()
    assert (a.attended, b.attended, waiting.attended) == (False, True, False)
