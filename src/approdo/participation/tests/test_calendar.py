"""The public .ics of an event: Rome times, place and page, never the online link."""

import datetime
import zoneinfo

import pytest
from icalendar import Calendar

from approdo.participation.models import Event
from approdo.participation.tests.factories import make_event

pytestmark = pytest.mark.django_db
ROME = zoneinfo.ZoneInfo("Europe/Rome")


def test_ics_in_rome_time_without_the_online_link(client):
    starts = datetime.datetime(2030, 3, 14, 9, 30, tzinfo=ROME)
    event = make_event(
        slug="seminario-ics",
        starts_at=starts,
        mode=Event.Mode.HYBRID,
        place="Palazzo Strozzi Sacrati, Firenze",
        description="Accoglienza diffusa.",
    )

    response = client.get("/partecipazione/eventi/seminario-ics/calendario.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert event.online_link.encode() not in response.content
    assert b"meet.example.org" not in response.content
    entry = Calendar.from_ical(response.content).walk("VEVENT")[0]
    start = entry.decoded("dtstart")
    assert start == starts and str(start.tzinfo) == "Europe/Rome"
    assert (start.hour, start.minute) == (9, 30)
    assert str(entry["location"]) == "Palazzo Strozzi Sacrati, Firenze"
    assert "/partecipazione/eventi/seminario-ics/" in str(entry["url"])


def test_draft_event_has_no_public_ics(client):
    make_event(slug="bozza-ics", status=Event.Status.DRAFT)
    assert client.get("/partecipazione/eventi/bozza-ics/calendario.ics").status_code == 404


def test_cancelled_event_ics_says_so(client):
    make_event(slug="annullato-ics", status=Event.Status.CANCELLED)
    response = client.get("/partecipazione/eventi/annullato-ics/calendario.ics")
    assert b"STATUS:CANCELLED" in response.content
