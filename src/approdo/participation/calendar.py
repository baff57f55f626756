"""The public iCalendar file of an event. It never holds the online link: that is for the
registered participants only (their page and their reminder)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from approdo.participation.models import Event


def build_ics(event: Event, *, domain: str, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Approdo//Seminari partecipativi//IT")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    zone = timezone.get_default_timezone()
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@{domain}")
    entry.add("dtstamp", event.updated_at)
    entry.add("last-modified", event.updated_at)
    entry.add("dtstart", event.starts_at.astimezone(zone))
    entry.add("dtend", event.ends_at.astimezone(zone))
    entry.add("summary", event.title)
    if event.status == Event.Status.CANCELLED:
        entry.add("status", "CANCELLED")
    else:
        entry.add("status", "CONFIRMED")
    if event.place and event.mode != Event.Mode.ONLINE:
        entry.add("location", event.place)
    url = base_url + event.get_absolute_url()
    # Description and page address only: the online link stays on the participant's page.
    entry.add("description", f"{event.description.strip()}\n\n{url}".strip())
    entry.add("url", url)
    calendar.add_component(entry)
    return calendar.to_ical()
