"""Event actions: create, update (history without the online link), programme, publish and
cancel; the menu entry."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from approdo.core.models import HistoryEntry
from approdo.participation import events, navigation
from approdo.participation.models import Event

pytestmark = pytest.mark.django_db


def history(event):
    return list(
        HistoryEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Event), object_id=event.pk
        ).order_by("pk")
    )


def new_event(by, **fields):
    starts = timezone.now() + datetime.timedelta(days=5)
    return events.create_event(
        slug="seminario-accoglienza",
        title="Seminario sull'accoglienza",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        by=by,
        **fields,
    )


def test_create_is_a_draft_with_organisers_and_history(regione_admin, prato):
    event = new_event(regione_admin, organizers=[prato], capacity=40, mode=Event.Mode.HYBRID)
    assert event.status == Event.Status.DRAFT
    assert list(event.organizers.all()) == [prato]
    assert [h.action for h in history(event)] == ["created"]
    with pytest.raises(TypeError):
        new_event(regione_admin, status="published")


def test_update_records_changes_but_never_the_online_link(regione_admin):
    event = new_event(regione_admin)
    changes = events.update_event(
        event, by=regione_admin, title="Nuovo titolo", online_link="https://meet.example.org/x"
    )
    assert "title" in changes and "online_link" not in changes
    event.refresh_from_db()
    assert event.online_link == "https://meet.example.org/x"
    assert all("meet.example.org" not in str(h.changes) for h in history(event))


def test_publish_and_cancel_are_recorded_once(regione_admin):
    event = new_event(regione_admin)
    events.publish_event(event, by=regione_admin)
    events.publish_event(event, by=regione_admin)
    events.cancel_event(event, by=regione_admin)
    events.cancel_event(event, by=regione_admin)
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert [h.action for h in history(event)] == ["created", "published", "status"]


def test_agenda_is_replaced(regione_admin):
    event = new_event(regione_admin)
    at = event.starts_at
    events.set_agenda(event, [{"starts_at": at, "title": "Saluti"}], by=regione_admin)
    events.set_agenda(
        event,
        [
            {"starts_at": at + datetime.timedelta(hours=1), "title": "Tavoli"},
            {"starts_at": at, "title": "Apertura", "speakers": "ANCI Toscana"},
        ],
        by=regione_admin,
    )
    assert [i.title for i in event.agenda.all()] == ["Apertura", "Tavoli"]


def test_menu_has_the_events_for_everybody(rf):
    from django.contrib.auth.models import AnonymousUser

    entries = navigation.menu(AnonymousUser())
    assert [(e.url_name, e.url) for e in entries] == [
        ("participation:event-list", "/partecipazione/eventi/")
    ]
