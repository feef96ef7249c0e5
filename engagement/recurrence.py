"""Recurrence rules for standing meetings, as iCalendar RRULEs (RFC 5545)."""

from datetime import date, datetime, time

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError


def validate_rrule(value: str) -> None:
    if not value:
        return
    try:
        rrulestr(value, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError) as error:
        raise ValidationError(
            "Enter a recurrence rule such as FREQ=MONTHLY;INTERVAL=2 (%(error)s)",
            params={"error": error},
        ) from error


def occurrences(rule: str, start: date, between: tuple[date, date]) -> list[date]:
    """Dates the rule falls on from `start`, within the inclusive range `between`."""
    if not rule or start is None:
        return []
    recurrence = rrulestr(rule, dtstart=datetime.combine(start, time()))
    first, last = between
    return [
        moment.date()
        for moment in recurrence.between(
            datetime.combine(first, time()), datetime.combine(last, time.max), inc=True
        )
    ]
