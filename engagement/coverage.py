"""Coverage: who are we reaching? The rules behind the staff page and its CSV, with no HTTP.

The 2008 joint engagement strategy asks the office to "target our engagement ... such that we
access those communities which have the lowest levels of public confidence": this report shows,
for a range of dates, how many contacts and people the ambassadors reached in each policing area
(per 10,000 residents, decision 3), in each activity area and in each group reached (decision 9),
and marks the ones least reached.

Every figure comes from a fixed number of aggregate queries, whatever the number of contacts.
Rates are worked out in Python from whole numbers, as Decimals rounded half up to one place, so a
report reads the same on SQLite and PostgreSQL.

Events whose policing area is empty belong to the whole force area: they are counted on a line
of their own (`whole_force_events`) and in the total, never shared out between the areas.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.db.models import Count, Q, Sum
from django.utils import timezone

from pcc_portal.models import LocalAuthority, PolicingArea

from .models import ActivityArea, Contact, Event, ReachedGroup

PER = 10_000
ONE_PLACE = Decimal("0.1")
Row = TypeVar("Row", "AreaRow", "ReachRow")


@dataclass(frozen=True)
class AreaRow:
    """One policing area's reach. The rates are None when the area's residents are unknown."""

    pk: int
    name: str
    contacts: int
    people_reached: int
    events: int
    residents: int | None
    people_per_10000: Decimal | None
    contacts_per_10000: Decimal | None
    least_reached: bool = False


@dataclass(frozen=True)
class ReachRow:
    """One activity area's or group's reach: a contact counts once in each row it names."""

    pk: int
    name: str
    contacts: int
    people_reached: int
    least_reached: bool = False


@dataclass(frozen=True)
class Totals:
    """Every contact in the range counted once, whatever its areas and groups.

    The rates are shown only when every policing area's residents are known: otherwise the
    people reached in an area with no population would be set against the others' residents.
    """

    contacts: int
    people_reached: int
    events: int
    residents: int | None
    people_per_10000: Decimal | None
    contacts_per_10000: Decimal | None


@dataclass(frozen=True)
class PopulationSource:
    source: str
    year: int | None


@dataclass(frozen=True)
class CoverageReport:
    first: date
    last: date
    policing_areas: list[AreaRow]
    whole_force_events: int
    activity_areas: list[ReachRow]
    groups_reached: list[ReachRow]
    totals: Totals
    population_sources: list[PopulationSource]

    @property
    def has_contacts(self) -> bool:
        return self.totals.contacts > 0


def per_10000(count: int, residents: int | None) -> Decimal | None:
    """count per 10,000 residents, rounded half up to one decimal place; None when unknown."""
    if not residents:
        return None
    return (Decimal(count) * PER / Decimal(residents)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def mark_least(
    rows: Sequence[Row], measure: Callable[[Row], object], *, has_data: bool
) -> list[Row]:
    """Mark as least reached every row sharing the lowest measure (ties all marked).

    Rows whose measure is None (no residents) take no part. Nothing is marked without data: with
    nobody reached anywhere, no row is "least" reached.
    """
    measured = [measure(row) for row in rows]
    known = [value for value in measured if value is not None]
    if not has_data or not known:
        return list(rows)
    lowest = min(known)
    return [
        replace(row, least_reached=value is not None and value == lowest)
        for row, value in zip(rows, measured, strict=True)
    ]


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The range as aware datetimes in the office's time zone: [first 00:00, the day after last)."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first, time.min), zone)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), zone)
    return start, end


def coverage_report(*, first: date, last: date) -> CoverageReport:
    """Reach between `first` and `last` (both included) by policing area, activity area and group.

    Contacts count by the day they happened (`occurred_on`); events by the day they start.
    Seven queries, whatever the number of contacts. Raises ValueError when `last` is before
    `first`.
    """
    if last < first:
        raise ValueError("The end date must be the same as or after the start date")

    contacts = Contact.objects.between(first, last).order_by()
    in_range = Q(contacts__occurred_on__gte=first, contacts__occurred_on__lte=last)

    # Per policing area: contacts and people (each contact names exactly one area) ...
    by_area = {
        row["policing_area"]: row
        for row in contacts.values("policing_area").annotate(
            contact_count=Count("id"), people=Sum("people_reached")
        )
    }
    # ... events that start in the range, the whole force area's under the key None ...
    start, end = _day_bounds(first, last)
    events = {
        row["policing_area"]: row["event_count"]
        for row in Event.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .order_by()
        .values("policing_area")
        .annotate(event_count=Count("id"))
    }
    # ... and residents: the sum of the area's local authorities (decision 3).
    area_rows = []
    for area in PolicingArea.objects.with_residents():
        counts = by_area.get(area.pk, {})
        contact_count = counts.get("contact_count", 0)
        people = counts.get("people") or 0
        area_rows.append(
            AreaRow(
                pk=area.pk,
                name=area.name,
                contacts=contact_count,
                people_reached=people,
                events=events.get(area.pk, 0),
                residents=area.residents,
                people_per_10000=per_10000(people, area.residents),
                contacts_per_10000=per_10000(contact_count, area.residents),
            )
        )

    # A contact with several activity areas (or groups) joins once to each: the join itself
    # counts it once per row, and the filter inside the aggregate keeps rows with no contacts.
    reach = {
        "contact_count": Count("contacts", filter=in_range),
        "people": Sum("contacts__people_reached", filter=in_range),
    }
    activity_rows = [
        ReachRow(
            pk=area.pk,
            name=area.name,
            contacts=area.contact_count,
            people_reached=area.people or 0,
        )
        for area in ActivityArea.objects.annotate(**reach).order_by("number")
    ]
    group_rows = [
        ReachRow(
            pk=group.pk,
            name=group.name,
            contacts=group.contact_count,
            people_reached=group.people or 0,
        )
        for group in ReachedGroup.objects.annotate(**reach).order_by("position", "name")
    ]

    overall = contacts.aggregate(contact_count=Count("id"), people=Sum("people_reached"))
    all_known = bool(area_rows) and all(row.residents for row in area_rows)
    residents = sum(row.residents for row in area_rows) if all_known else None
    whole_force_events = events.get(None, 0)
    totals = Totals(
        contacts=overall["contact_count"],
        people_reached=overall["people"] or 0,
        events=sum(events.values()),
        residents=residents,
        people_per_10000=per_10000(overall["people"] or 0, residents),
        contacts_per_10000=per_10000(overall["contact_count"], residents),
    )

    sources = [
        PopulationSource(source=row["residents_source"], year=row["residents_year"])
        for row in LocalAuthority.objects.filter(
            policing_area__isnull=False, residents__isnull=False
        )
        .exclude(residents_source="")
        .order_by("residents_source", "residents_year")
        .values("residents_source", "residents_year")
        .distinct()
    ]

    return CoverageReport(
        first=first,
        last=last,
        policing_areas=mark_least(
            area_rows, lambda row: row.people_per_10000, has_data=totals.contacts > 0
        ),
        whole_force_events=whole_force_events,
        activity_areas=mark_least(
            activity_rows,
            lambda row: row.contacts,
            has_data=any(row.contacts for row in activity_rows),
        ),
        groups_reached=mark_least(
            group_rows, lambda row: row.contacts, has_data=any(row.contacts for row in group_rows)
        ),
        totals=totals,
        population_sources=sources,
    )


CSV_COLUMNS = ("table", "name", "contacts", "people_reached", "events", "residents", "per_10000")
WHOLE_FORCE_AREA = "Whole force area"
ALL_CONTACTS = "All contacts"


def csv_rows(report: CoverageReport) -> list[tuple]:
    """The report as one long table (CSV_COLUMNS), every section's rows under its `table` name.

    `per_10000` is people reached per 10,000 residents; cells that do not apply are empty. The
    whole force area's line carries only its events, and the `total` line counts each contact
    once.
    """
    rows: list[tuple] = [
        (
            "policing_area",
            row.name,
            row.contacts,
            row.people_reached,
            row.events,
            row.residents,
            row.people_per_10000,
        )
        for row in report.policing_areas
    ]
    rows.append(
        ("policing_area", WHOLE_FORCE_AREA, None, None, report.whole_force_events, None, None)
    )
    for table, section in (
        ("activity_area", report.activity_areas),
        ("group_reached", report.groups_reached),
    ):
        rows += [
            (table, row.name, row.contacts, row.people_reached, None, None, None) for row in section
        ]
    totals = report.totals
    rows.append(
        (
            "total",
            ALL_CONTACTS,
            totals.contacts,
            totals.people_reached,
            totals.events,
            totals.residents,
            totals.people_per_10000,
        )
    )
    return rows
