"""What the engagement work offers a newsletter issue (decision 19): the public events of the
issue's days. Registered from apps.py; consultations and grants use `day_bounds` for their own.
"""

from datetime import date, datetime, time, timedelta

from django.urls import reverse

from pcc_portal.registry import SectionItem

from .calendar_text import LONDON, WHOLE_FORCE_AREA, describe_when
from .models import Event

# An issue lists at most this many entries of a section; the rest are a click away.
SECTION_LIMIT = 10


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The moments the days from `start` to `end` (both included) begin and end, in UK time."""
    return (
        datetime.combine(start, time.min, tzinfo=LONDON),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=LONDON),
    )


def public_events(start: date, end: date) -> list[SectionItem]:
    """Public events starting on the issue's days, soonest first."""
    first, after = day_bounds(start, end)
    events = (
        Event.objects.public()
        .filter(starts_at__gte=first, starts_at__lt=after)
        .select_related("policing_area")
        .order_by("starts_at", "pk")[:SECTION_LIMIT]
    )
    return [
        SectionItem(
            title=event.title,
            summary=event.policing_area.name if event.policing_area_id else WHOLE_FORCE_AREA,
            url=reverse("engagement:event_detail", args=[event.uid]),
            when=describe_when(event.starts_at, event.ends_at),
        )
        for event in events
    ]
