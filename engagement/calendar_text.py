"""Events and meetings in plain English, as the pages and feeds show them."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from pcc_portal.models import OfficeProfile
from pcc_portal.registry import OpenItem

from .models import Event

# The office works in UK time whatever the server's zone; feeds carry UTC, pages London time.
LONDON = ZoneInfo("Europe/London")
WHOLE_FORCE_AREA = "Whole force area"


def format_time(moment: datetime) -> str:
    """GOV.UK style: 10am, 6:30pm, midday, midnight."""
    if moment.minute == 0 and moment.hour == 12:
        return "midday"
    if moment.minute == 0 and moment.hour == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def format_day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def describe_when(starts_at: datetime, ends_at: datetime) -> str:
    """ "Tuesday 1 December 2026, 6:30pm to 8:30pm" in London time."""
    start, end = timezone.localtime(starts_at, LONDON), timezone.localtime(ends_at, LONDON)
    if start.date() == end.date():
        if start == end:
            return f"{format_day(start)}, {format_time(start)}"
        return f"{format_day(start)}, {format_time(start)} to {format_time(end)}"
    return f"{format_day(start)}, {format_time(start)} to {format_day(end)}, {format_time(end)}"


def and_join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def who_attends(event: Event, office: OfficeProfile) -> list[str]:
    """Who from the office attends, in the office's own titles (never written into code)."""
    people = []
    if event.holder_attends:
        people.append(_titled(office.holder_title or "Commissioner", office.holder_name))
    if event.deputy_attends:
        people.append(_titled(office.deputy_title or "Deputy", office.deputy_name))
    for ambassador in event.ambassadors.all():
        remit = (
            f"community ambassador for {ambassador.policing_area}"
            if ambassador.policing_area_id
            else "community ambassador"
        )
        # Never fall back to the email address: this list is shown to the public.
        people.append(
            _titled(ambassador.user.full_name, remit)
            if ambassador.user.full_name
            else remit[0].upper() + remit[1:]
        )
    for officer in event.officers.all():
        people.append(f"{officer.name}, {officer.job_title}" if officer.job_title else officer.name)
    return people


def _titled(title: str, name: str) -> str:
    return f"{title}, {name}" if name else title


def upcoming_public_events(*, now, limit: int = 3) -> list[OpenItem]:
    """The home page's "Events": the next few public events."""
    events = Event.objects.public().upcoming(now).select_related("policing_area")[:limit]
    return [
        OpenItem(
            title=event.title,
            url=reverse("engagement:event_detail", args=[event.uid]),
            summary=event.policing_area.name if event.policing_area_id else WHOLE_FORCE_AREA,
            dates=describe_when(event.starts_at, event.ends_at),
        )
        for event in events
    ]
