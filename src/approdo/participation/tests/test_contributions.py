"""Contribution actions: a participant's own before the event, statements recorded at the
table, citations (funded projects, published practices only), tags, hiding and showing again
with the history they leave."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from approdo.core.models import HistoryEntry
from approdo.funding.models import Project
from approdo.funding.tests.factories import make_call, make_project
from approdo.participation import contributions
from approdo.participation.models import Contribution, Registration
from approdo.participation.tests.factories import make_event, make_registration, make_table
from approdo.practices.tests.factories import make_draft, make_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar():
    event = make_event()
    table = make_table(event, number=1)
    other = make_table(event, number=2)
    return event, table, other


def test_participant_contributes_before_the_event(seminar, coop, regione_admin):
    event, table, _other = seminar
    question = table.questions.first()
    registration = make_registration(event, name="Giulia Bianchi", organization=coop)
    project = make_project(make_call(), coop, status=Project.Status.FUNDED)
    practice = make_published(coop, by=regione_admin)
    contribution = contributions.contribute_before(
        registration=registration,
        question=question,
        text="  Serve un tavolo permanente con i comuni.  ",
        tags=["recommendation", "strength", "recommendation"],
        anonymous=True,
        projects=[project.pk],
        practices=[practice],
        table=table,
    )
    assert contribution.phase == Contribution.Phase.BEFORE
    assert contribution.text == "Serve un tavolo permanente con i comuni."
    assert contribution.tags == ["strength", "recommendation"]  # the Tag order, once each
    assert contribution.speaker == "Giulia Bianchi"
    assert contribution.speaker_organization == coop.name
    assert contribution.anonymous and contribution.registration == registration
    assert list(contribution.projects.all()) == [project]
    assert list(contribution.practices.all()) == [practice]
    assert HistoryEntry.objects.filter(object_id=contribution.pk, action="created").exists()


@pytest.mark.parametrize(
    "change",
    [
        {"status": Registration.Status.WAITING},
        {"status": Registration.Status.CANCELLED},
        {"confirmed_at": None},
    ],
)
def test_only_confirmed_registrations_holding_a_place_contribute(seminar, change):
    event, table, _other = seminar
    registration = make_registration(event, **change)
    with pytest.raises(ValidationError):
        contributions.contribute_before(
            registration=registration, question=table.questions.first(), text="Testo"
        )
    assert not Contribution.objects.exists()


def test_no_contribution_before_once_the_event_started(seminar):
    event, table, _other = seminar
    registration = make_registration(event)
    with pytest.raises(ValidationError):
        contributions.contribute_before(
            registration=registration,
            question=table.questions.first(),
            text="Testo",
            now=event.starts_at + datetime.timedelta(minutes=1),
        )


def test_registration_of_another_event_refused(seminar):
    _event, table, _other = seminar
    stranger = make_registration(make_event())
    with pytest.raises(ValidationError):
        contributions.contribute_before(
            registration=stranger, question=table.questions.first(), text="Testo"
        )


def test_bad_input_refused(seminar, coop, regione_admin):
    event, table, other = seminar
    registration = make_registration(event)
    question = table.questions.first()
    cases = [
        ({"text": "   "}, "text"),
        ({"text": "Testo", "question": other.questions.first()}, "question"),
        ({"text": "Testo", "tags": ["invented"]}, "tags"),
        ({"text": "Testo", "practices": [make_draft(coop, by=regione_admin)]}, "practices"),
        (
            {"text": "Testo", "projects": [make_project(make_call(), coop, code="P-9")]},
            "projects",
        ),
    ]
    for values, field in cases:
        values = {"question": question, **values}
        with pytest.raises(ValidationError) as error:
            contributions.contribute_before(registration=registration, table=table, **values)
        assert field in error.value.message_dict
    assert not Contribution.objects.exists()


def test_rapporteur_records_during_the_event(seminar, coop_member, other_coop_member):
    event, table, other = seminar
    table.rapporteur = coop_member
    table.save()
    started = event.starts_at + datetime.timedelta(hours=1)
    question = table.questions.last()
    contribution = contributions.record(
        table=table,
        question=question,
        by=coop_member,
        text="Mancano mediatori linguistici.",
        speaker="Luca",
        speaker_organization="Comune di Prato",
        tags=["weakness"],
        now=started,
    )
    assert contribution.phase == Contribution.Phase.DURING
    assert contribution.created_by == coop_member
    with pytest.raises(PermissionDenied):
        contributions.record(
            table=table, question=question, by=other_coop_member, text="x", now=started
        )
    with pytest.raises(ValidationError) as error:
        contributions.record(
            table=table, question=other.questions.first(), by=coop_member, text="x", now=started
        )
    assert "question" in error.value.message_dict
    with pytest.raises(ValidationError):  # before the start
        contributions.record(
            table=table, question=question, by=coop_member, text="x", now=timezone.now()
        )
    with pytest.raises(ValidationError) as error:
        contributions.record(table=table, question=question, by=coop_member, text="", now=started)
    assert "text" in error.value.message_dict
    assert Contribution.objects.count() == 1


def test_hide_and_unhide_keep_the_contribution_and_its_history(seminar, regione_admin, coop_member):
    event, table, _other = seminar
    contribution = contributions.contribute_before(
        registration=make_registration(event), question=table.questions.first(), text="Testo"
    )
    with pytest.raises(ValidationError) as error:
        contributions.hide(contribution, by=regione_admin, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        contributions.hide(contribution, by=coop_member, reason="Offensivo")

    contributions.hide(contribution, by=regione_admin, reason="Dati personali di terzi")
    contribution.refresh_from_db()
    assert contribution.is_hidden and contribution.hidden_by == regione_admin
    assert contribution.hidden_reason == "Dati personali di terzi"
    with pytest.raises(ValidationError):
        contributions.hide(contribution, by=regione_admin, reason="Di nuovo")

    contributions.unhide(contribution, by=regione_admin)
    contribution.refresh_from_db()
    assert not contribution.is_hidden and contribution.hidden_reason == ""
    entries = HistoryEntry.objects.filter(object_id=contribution.pk, action="updated")
    assert [e.changes["hidden_reason"] for e in entries.order_by("pk")] == [
        ["", "Dati personali di terzi"],
        ["Dati personali di terzi", ""],
    ]
    assert Contribution.objects.filter(pk=contribution.pk).exists()
