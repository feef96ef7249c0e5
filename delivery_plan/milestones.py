"""Reading the office's own wording of a task's milestones and timescale into dates.

The plan says "Ongoing (March, June, Aug, Oct, Dec)", "each September", "By 31 January 2014, then
ongoing" or "First podcast by Sep 14, then ongoing". Suggestions, stale flags and reminders read
milestones, never that text (decision 6), so the text is read once, when milestones are added,
into dated occurrences a person can then mark done one by one ("the June one was done"). The
wording itself is kept on the task for the report.

What the reader takes:
- a full date ("31 January 2014", "31 Jan 2014", "December 1 2015", "31/01/2014", "2014-01-31"):
  that day, even outside the plan's period, since the office wrote it down;
- a month and year ("October 2015", "Sep 14"): the last day of that month, "by the end of";
- a month on its own ("March, June, Aug", "each September", "(September)"), "quarterly" or
  "monthly": the last day of each such month within the plan's period;
- "ongoing", "on-going", "then subject to regular review": the task goes on, with a review date
  instead of an end;
- "complete" or "completed" on its own: nothing is due.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
MONTH_NAMES = [calendar.month_name[number] for number in range(13)]
QUARTER_ENDS = (6, 9, 12, 3)  # the financial year's quarters end in June, September ...

# "May" is a month only with its capital: "the PCC may be asked" is not a milestone.
_MONTH = (
    r"(?P<{name}>(?i:january|february|march|april|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)|May)(?![A-Za-z])\.?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
FULL_DATES = (
    # 31 January 2014, 1st Dec 2015
    re.compile(
        rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\s+{_MONTH.format(name='month')},?\s+(?P<year>\d{{4}})\b"
    ),
    # December 1 2015, December 1st, 2015
    re.compile(
        rf"\b{_MONTH.format(name='month')}\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})\b"
    ),
    # 31/01/2014, 31.1.14: the day first, as in the UK
    re.compile(r"\b(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>\d{4}|\d{2})\b"),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
)
# October 2015, Sep 14, Sept '15
MONTH_YEAR = re.compile(rf"\b{_MONTH.format(name='month')}\s+'?(?P<year>\d{{4}}|\d{{2}})\b")
# 31 March on its own: that day each year
DAY_MONTH = re.compile(rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\s+{_MONTH.format(name='month')}")
BARE_MONTH = re.compile(rf"\b{_MONTH.format(name='month')}")
ONGOING = re.compile(r"\b(?:on-?going|regular(?:ly)? review|continuous(?:ly)?)\b", re.I)
COMPLETE = re.compile(r"^\W*(?:complete|completed|done)\W*$", re.I)
QUARTERLY = re.compile(r"\bquarterly\b|\beach quarter\b|\bevery quarter\b", re.I)
MONTHLY = re.compile(r"\bmonthly\b|\beach month\b|\bevery month\b", re.I)


@dataclass(frozen=True)
class Occurrence:
    due_on: date
    description: str  # what the milestone is called: "June 2026", "31 January 2014"
    recurrence: str = ""  # the recurring milestone it is one of: "Each March, June and December"


@dataclass(frozen=True)
class Timescale:
    """What the wording says is due, and whether the task goes on after it."""

    wording: str
    occurrences: tuple[Occurrence, ...] = ()
    ongoing: bool = False
    complete: bool = False
    recurrence: str = ""  # the recurring part in words, empty for one-off dates
    unread: bool = field(default=False)  # nothing in the wording could be read as a date

    @property
    def due_dates(self) -> list[date]:
        return [occurrence.due_on for occurrence in self.occurrences]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def long_date(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}"


def _month_number(text: str) -> int | None:
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(text.lower().rstrip("."))


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _full_date(match: re.Match) -> date | None:
    month = _month_number(match["month"])
    if month is None:
        return None
    try:
        return date(_year(match["year"]), month, int(match["day"]))
    except ValueError:  # 31 February
        return None


def parse_date(text: str) -> date | None:
    """One full date as people write it in a spreadsheet ("31 January 2014", "31/01/2014",
    "2014-01-31"); None if the text is not exactly one."""
    text = (text or "").strip()
    for pattern in FULL_DATES:
        match = pattern.fullmatch(text)
        if match:
            return _full_date(match)
    return None


def _blank_out(text: str, match: re.Match) -> str:
    """The text with what was read replaced by spaces, so it is not read twice."""
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]


def _in_words(months: list[int]) -> str:
    names = [MONTH_NAMES[m] for m in months]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Each {listed}"


def read_timescale(wording: str, *, start: date, end: date) -> Timescale:
    """The occurrences the wording gives within the plan's period from `start` to `end`
    (inclusive), soonest first, and whether the task is ongoing or already complete."""
    text = wording or ""
    if COMPLETE.match(text):
        return Timescale(wording=wording, complete=True)
    found: dict[date, Occurrence] = {}

    def add(day: date, description: str, recurrence: str = "") -> None:
        found.setdefault(day, Occurrence(day, description, recurrence))

    for pattern in FULL_DATES:
        for match in list(pattern.finditer(text)):
            day = _full_date(match)
            if day is not None:
                add(day, long_date(day))
                text = _blank_out(text, match)
    for match in list(MONTH_YEAR.finditer(text)):
        month = _month_number(match["month"])
        day = month_end(_year(match["year"]), month)
        add(day, f"{MONTH_NAMES[month]} {day.year}")
        text = _blank_out(text, match)

    # What is left recurs each year: days of a month, then months on their own.
    yearly: dict[int, int | None] = {}
    for match in list(DAY_MONTH.finditer(text)):
        yearly[_month_number(match["month"])] = int(match["day"])
        text = _blank_out(text, match)
    for match in BARE_MONTH.finditer(text):
        yearly.setdefault(_month_number(match["month"]), None)
    if QUARTERLY.search(text):
        for month in QUARTER_ENDS:
            yearly.setdefault(month, None)
    if MONTHLY.search(text):
        for month in range(1, 13):
            yearly.setdefault(month, None)

    recurrence = _in_words(sorted(yearly)) if yearly else ""
    for year in range(start.year, end.year + 1):
        for month, day_of_month in yearly.items():
            last = month_end(year, month).day
            day = date(year, month, min(day_of_month or last, last))
            if start <= day <= end:
                add(day, f"{MONTH_NAMES[month]} {year}", recurrence)

    occurrences = tuple(sorted(found.values(), key=lambda o: o.due_on))
    ongoing = bool(ONGOING.search(wording or ""))
    return Timescale(
        wording=wording,
        occurrences=occurrences,
        ongoing=ongoing,
        recurrence=recurrence,
        unread=not occurrences and not ongoing and not yearly,
    )
