"""The private iCalendar feed of upcoming meetings.

Calendar programs cannot sign in, so each person gets a secret URL (a random token of their
own, stored in CalendarFeedToken); the feed holds the meetings that person may see, as of each
request, without minutes. Resetting the token invalidates every old subscription.
"""

import datetime
import secrets

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from approdo.governance import permissions
from approdo.governance.models import CalendarFeedToken, Meeting

FEED_PAST_DAYS = 7  # keep last week's meetings so a subscription does not drop them at once
DEFAULT_DURATION = datetime.timedelta(hours=2)


def token_for(user) -> CalendarFeedToken:
    token, _created = CalendarFeedToken.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return token


def existing_token(user) -> CalendarFeedToken | None:
    """The person's token if they made one (reading a page never creates it)."""
    return CalendarFeedToken.objects.filter(user=user).first()


def reset_token(user) -> CalendarFeedToken:
    CalendarFeedToken.objects.filter(user=user).delete()
    return token_for(user)


def user_for_token(raw: str):
    """The active user owning `raw`, or None."""
    found = (
        CalendarFeedToken.objects.select_related("user").filter(token=raw).first() if raw else None
    )
    if found is None or not found.user.is_active:
        return None
    return found.user


def feed_meetings(user):
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    meetings = permissions.meetings_visible_to(user).filter(starts_at__gte=since)
    return meetings.order_by("starts_at").prefetch_related("asls", "zone", "comuni")


def build_feed(user, *, domain: str, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Approdo//Incontri istituzionali//IT")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Approdo")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in feed_meetings(user):
        calendar.add_component(_event(meeting, domain=domain, base_url=base_url))
    return calendar.to_ical()


def _event(meeting: Meeting, *, domain: str, base_url: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{domain}")
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at or meeting.starts_at + DEFAULT_DURATION)
    event.add("summary", f"{meeting.get_type_display()}: {meeting.title}")
    if meeting.place:
        event.add("location", meeting.place)
    # Agenda only: minutes and decisions stay on the (signed-in) meeting page.
    description = meeting.agenda.strip()
    url = base_url + meeting.get_absolute_url()
    event.add("description", f"{description}\n\n{url}".strip())
    event.add("url", url)
    return event
