"""The calendar file (.ics, RFC 5545) of a consultation-table meeting."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from icalendar import Calendar, Event

from network.models import Meeting, MeetingStatus

PRODID = "-//Regione Campania//InterAzioni//IT"


def meeting_uid(meeting: Meeting) -> str:
    # Stable across downloads, so a calendar updates the event instead of adding a copy.
    return f"{meeting.uid}@interazioni"


def meeting_url(meeting: Meeting) -> str:
    return meeting.online_url or f"{settings.SITE_URL.rstrip('/')}{meeting.get_absolute_url()}"


def meeting_calendar(meeting: Meeting, *, now: datetime.datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", (now or timezone.now()).astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    event.add("dtend", meeting.ends_at.astimezone(datetime.UTC))
    event.add("summary", f"{meeting.table.name}: {meeting.title}")
    location = meeting.place or meeting.online_url
    if location:
        event.add("location", location)
    event.add("url", meeting_url(meeting))
    description = strip_tags(meeting.agenda or "").strip()
    if meeting.online_url and meeting.place:
        description = f"{description}\n\n{meeting.online_url}".strip()
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def calendar_filename(meeting: Meeting) -> str:
    return f"incontro-{timezone.localtime(meeting.starts_at):%Y-%m-%d}-{meeting.pk}.ics"
