"""Recurrence rules for standing meetings, as iCalendar RRULEs (RFC 5545)."""

from datetime import date, datetime, time

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError

WEEKDAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}


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


def describe_recurrence(rule: str) -> str:
    """A recurrence rule in plain English: FREQ=MONTHLY;INTERVAL=2 is "Every 2 months".

    Covers what a schedule of meetings uses (frequency, interval, weekday, ordinal weekday,
    months, count, end date); returns "" for an empty or invalid rule so the caller can fall
    back to the frequency as written.
    """
    if not rule:
        return ""
    try:
        validate_rrule(rule)
        parts = dict(part.split("=", 1) for part in rule.upper().split(";") if part)
    except (ValidationError, ValueError):
        return ""
    unit = UNITS.get(parts.get("FREQ", ""))
    if unit is None:
        return ""
    try:
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return ""
    text = f"Every {interval} {unit}s" if interval > 1 else f"Every {unit}"
    if days := parts.get("BYDAY"):
        names = []
        for day in days.split(","):
            ordinal, code = day[:-2], day[-2:]
            name = WEEKDAYS.get(code, code)
            if ordinal:
                try:
                    position = int(ordinal)
                except ValueError:
                    return ""
                name = f"the {ORDINALS.get(position, f'number {position}')} {name}"
            names.append(name)
        text += " on " + and_join(names)
    if months := parts.get("BYMONTH"):
        try:
            text += " in " + and_join([MONTHS[int(m) - 1] for m in months.split(",")])
        except (ValueError, IndexError):
            return ""
    if count := parts.get("COUNT"):
        text += f", {count} times"
    if until := parts.get("UNTIL"):
        try:
            end = datetime.strptime(until[:8], "%Y%m%d")
        except ValueError:
            return ""
        text += f", until {end.day} {end:%B %Y}"
    return text


def and_join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
