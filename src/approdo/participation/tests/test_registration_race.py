"""Registrations racing on PostgreSQL: the event row lock means no overbooking and no
duplicate address, whatever the timing."""

import pytest
from django.db import connection

from approdo.core.tests import racing
from approdo.participation import registration as reg
from approdo.participation.models import Registration
from approdo.participation.tests.factories import make_event, make_registration

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises every write anyway"
    ),
]


def test_fifty_people_for_the_last_ten_places():
    event = make_event(capacity=15)
    for n in range(5):
        make_registration(event, email=f"early{n}@example.org")

    results = racing.race(
        lambda i: reg.register(event, name=f"Persona {i}", email=f"persona{i}@example.org"),
        50,
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    rows = Registration.objects.filter(event=event, email__startswith="persona")
    assert rows.filter(status=Registration.Status.REGISTERED).count() == 10
    assert rows.filter(status=Registration.Status.WAITING).count() == 40
    assert Registration.objects.filter(event=event).holding_a_place().count() == 15


def test_the_same_address_at_once_registers_once():
    event = make_event(capacity=100)

    results = racing.race(
        lambda i: reg.register(event, name="Doppia", email="Doppia@Example.org"), 10
    )

    made = [r for r in results if isinstance(r, Registration)]
    refused = [r for r in results if isinstance(r, reg.RegistrationRefused)]
    assert len(made) == 1 and len(refused) == 9
    assert Registration.objects.filter(event=event, email="doppia@example.org").count() == 1


def test_cancellations_racing_give_each_freed_place_once():
    event = make_event(capacity=5)
    holders = [make_registration(event) for _ in range(5)]
    for _ in range(8):
        reg.register(event, name="In attesa", email=f"attesa{_}@example.org")

    racing.race(lambda i: reg.cancel(holders[i]), 5)

    assert Registration.objects.filter(event=event).holding_a_place().count() == 5
    assert Registration.objects.filter(event=event).waiting().count() == 3
