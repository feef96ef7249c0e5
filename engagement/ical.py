"""The engagement calendar as iCalendar (RFC 5545), for calendar apps to subscribe to."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as CalendarEvent
from icalendar.prop import vRecur

from .models import Event, StandingMeeting

PRODID = "-//Engagement Portal//Engagement calendar//EN"
# Subscribers keep seeing what happened recently (a meeting they went to last month), not the
# whole archive: a feed that grows for ever makes every calendar app slower to refresh it.
FEED_PAST_DAYS = 90
FEED_REFRESH = timedelta(hours=6)  # keep X-PUBLISHED-TTL below in step
UTC = ZoneInfo("UTC")


def build_calendar(name: str, description: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", "Europe/London")
    # How often subscribers should fetch it again (RFC 7986, and Outlook's older property).
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    return calendar


def event_entry(
    event: Event, *, url: str, host: str, stamp: datetime, internal: bool
) -> CalendarEvent:
    """One event; `event.area_name` and `event.attending` come from calendar_text."""
    lines = [event.description.strip()] if event.description.strip() else []
    lines.append(f"Area: {event.area_name}")
    if event.attending:
        lines.append("Who attends: " + "; ".join(event.attending))
    if event.booking_url:
        lines.append(f"Book a place: {event.booking_url}")
    lines.append(f"Details: {url}")

    entry = CalendarEvent()
    entry.add("uid", f"{event.uid}@{host}")
    entry.add("dtstamp", stamp)
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", f"Internal: {event.title}" if internal else event.title)
    venue = event.venue.strip()
    location = (
        venue if event.area_name in venue else ", ".join(filter(None, (venue, event.area_name)))
    )
    entry.add("location", location)
    entry.add("description", "\n\n".join(lines))
    entry.add("url", url)
    entry.add("categories", [event.get_kind_display()])
    entry.add("class", "PRIVATE" if internal else "PUBLIC")
    entry.add("last-modified", event.updated_at.astimezone(UTC))
    return entry


def meeting_entry(meeting: StandingMeeting, *, host: str, stamp: datetime) -> CalendarEvent:
    """A standing meeting as an all-day recurring event from its first meeting."""
    lines = [
        f"{label}: {value}"
        for label, value in (
            ("Category", meeting.get_category_display()),
            ("Chair or lead officer", meeting.chair),
            ("Frequency", meeting.frequency_text),
            ("Office attendance", meeting.opcc_attendance),
            ("Office lead", meeting.opcc_lead),
            ("Notes", meeting.notes),
        )
        if value
    ]
    entry = CalendarEvent()
    entry.add("uid", f"standing-meeting-{meeting.pk}@{host}")
    entry.add("dtstamp", stamp)
    entry.add("dtstart", meeting.first_meeting_on)
    entry.add("dtend", meeting.first_meeting_on + timedelta(days=1))
    entry.add("rrule", vRecur.from_ical(meeting.recurrence))
    entry.add("summary", meeting.name)
    entry.add("description", "\n".join(lines))
    entry.add("categories", ["Standing meeting", meeting.get_category_display()])
    entry.add("class", "PRIVATE")
    # The date is where counting starts, not a confirmed booking: show the time as free.
    entry.add("transp", "TRANSPARENT")
    return entry
