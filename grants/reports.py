"""The staff reports on grants: the awards by scheme, round, policing area, activity area and
objective, and what is committed against each budget (a round's, in whole awards; a scheme's
annual budget, by the financial year each instalment falls due in), on the page and as a
workbook with a sheet for each.

Every figure comes from the querysets the budget guard itself uses (grants/querysets.py), so a
report never disagrees with the refusal an officer meets when a budget is full.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .financial_years import financial_year_label, financial_year_of
from .models import Award, GrantRound, GrantScheme, Instalment
from .workflow import RoundStatus

ZERO = Decimal("0.00")
MONEY_FORMAT = '"£"#,##0.00'
PERCENT_FORMAT = "0.0%"
BOLD = Font(bold=True)
# A text a spreadsheet would run as a formula if it started a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SEVERAL_AREAS = (
    "An award serving more than one policing area counts in each, so these rows can add up to "
    "more than the total."
)
SEVERAL_OBJECTIVES = (
    "An award working towards more than one objective counts under each, so these rows can add "
    "up to more than the total."
)


@dataclass(frozen=True)
class Row:
    label: str
    awards: int
    total: Decimal


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    heading: str  # what the rows are: the first column's header
    rows: list[Row]
    note: str = ""


@dataclass(frozen=True)
class BudgetRow:
    label: str
    scheme: str
    budget: Decimal
    committed: Decimal
    year: str = ""

    @property
    def left(self) -> Decimal:
        return self.budget - self.committed

    @property
    def share(self) -> float | None:
        """The share of the budget committed, 0 to 1 (more when over); None without a budget."""
        return float(self.committed / self.budget) if self.budget else None

    @property
    def percent(self) -> str:
        share = self.share
        return "" if share is None else f"{share * 100:.1f}%"


@dataclass
class Report:
    year: int | None
    scheme: GrantScheme | None
    awards: int
    total: Decimal
    breakdowns: list[Breakdown] = field(default_factory=list)
    round_budgets: list[BudgetRow] = field(default_factory=list)
    scheme_budgets: list[BudgetRow] = field(default_factory=list)

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year) if self.year is not None else ""


def awards_for(*, year: int | None = None, scheme: GrantScheme | None = None):
    """The awards a report counts: every award that stands (an offer withdrawn commits
    nothing), hidden schemes' too, decided in the financial year and of the scheme chosen."""
    awards = Award.objects.live()
    if year is not None:
        awards = awards.decided_in_financial_year(year)
    if scheme is not None:
        awards = awards.in_scheme(scheme)
    return awards


def _rows(grouped: Iterable[dict], key: str, label, order) -> list[Row]:
    """Rows in order, those of awards with nothing given (`key` empty) last."""

    def position(row):
        return (1, ()) if row[key] is None else (0, order(row))

    return [
        Row(label(row), row["awards"], row["total"] or ZERO)
        for row in sorted(grouped, key=position)
    ]


def breakdowns(awards) -> list[Breakdown]:
    """The awards by scheme, round, policing area, activity area and objective: one grouped
    query each, whatever the number of awards."""
    scheme, round_, area = "application__scheme", "application__round", "beneficiary_areas"
    activity, objective = "application__activity_area", "application__objectives"
    by_scheme = awards.totals_by(scheme, f"{scheme}__name")
    by_round = awards.totals_by(round_, f"{round_}__name", f"{round_}__scheme__name")
    by_area = awards.totals_by(area, f"{area}__name", f"{area}__position")
    by_activity = awards.totals_by(activity, f"{activity}__number", f"{activity}__name")
    by_objective = awards.totals_by(objective, f"{objective}__number", f"{objective}__title")
    return [
        Breakdown(
            "scheme",
            "By scheme",
            "Scheme",
            _rows(
                by_scheme,
                scheme,
                label=lambda r: r[f"{scheme}__name"],
                order=lambda r: (r[f"{scheme}__name"],),
            ),
        ),
        Breakdown(
            "round",
            "By round",
            "Round",
            _rows(
                by_round,
                round_,
                label=lambda r: (
                    f"{r[f'{round_}__scheme__name']}: {r[f'{round_}__name']}"
                    if r[round_] is not None
                    else "Direct awards (no round)"
                ),
                order=lambda r: (r[f"{round_}__scheme__name"], r[f"{round_}__name"]),
            ),
        ),
        Breakdown(
            "policing_area",
            "By policing area",
            "Policing area",
            _rows(
                by_area,
                area,
                label=lambda r: r[f"{area}__name"] or "No policing area given",
                order=lambda r: (r[f"{area}__position"], r[f"{area}__name"]),
            ),
            SEVERAL_AREAS,
        ),
        Breakdown(
            "activity_area",
            "By activity area",
            "Activity area",
            _rows(
                by_activity,
                activity,
                label=lambda r: (
                    f"{r[f'{activity}__number']}. {r[f'{activity}__name']}"
                    if r[activity] is not None
                    else "No activity area given"
                ),
                order=lambda r: (r[f"{activity}__number"],),
            ),
        ),
        Breakdown(
            "objective",
            "By objective",
            "Objective",
            _rows(
                by_objective,
                objective,
                label=lambda r: (
                    f"Objective {r[f'{objective}__number']}: {r[f'{objective}__title']}"
                    if r[objective] is not None
                    else "No objective given"
                ),
                order=lambda r: (r[f"{objective}__number"],),
            ),
            SEVERAL_OBJECTIVES,
        ),
    ]


def round_budgets(*, year: int | None = None, scheme: GrantScheme | None = None):
    """Each round's budget beside what its live awards add up to (a round counts whole
    awards): the rounds opened in the financial year chosen, of the scheme chosen."""
    rounds = (
        GrantRound.objects.exclude(status=RoundStatus.DRAFT)
        .with_committed()
        .select_related("scheme")
        .order_by("-opens_at", "name")
    )
    if scheme is not None:
        rounds = rounds.filter(scheme=scheme)
    found = []
    for grant_round in rounds:
        opened = timezone.localtime(grant_round.opens_at).date()
        if year is not None and financial_year_of(opened) != year:
            continue
        found.append(
            BudgetRow(
                label=grant_round.name,
                scheme=grant_round.scheme.name,
                budget=grant_round.budget,
                committed=grant_round.committed,
                year=financial_year_label(financial_year_of(opened)),
            )
        )
    return found


def scheme_budgets(*, year: int | None = None, scheme: GrantScheme | None = None):
    """Each scheme's annual budget beside what its live instalments falling due in that
    financial year add up to, for the year chosen, or for every year with an instalment and
    the current one."""
    committed = {
        (row["scheme"], row["financial_year"]): row["committed"]
        for row in Instalment.objects.committed_by_scheme_and_year()
    }
    if year is not None:
        years = [year]
    else:
        current = financial_year_of(timezone.localdate())
        years = sorted({y for _, y in committed} | {current}, reverse=True)
    schemes = GrantScheme.objects.order_by("name")
    if scheme is not None:
        schemes = schemes.filter(pk=scheme.pk)
    rows = []
    for each in schemes:
        for start_year in years:
            rows.append(
                BudgetRow(
                    label=financial_year_label(start_year),
                    scheme=each.name,
                    budget=each.annual_budget,
                    committed=committed.get((each.pk, start_year), ZERO),
                    year=financial_year_label(start_year),
                )
            )
    return rows


def build_report(*, awards=None, year: int | None = None, scheme: GrantScheme | None = None):
    """The report of the awards given (by default those awards_for() the year and scheme) and
    of the budgets of that year and scheme."""
    awards = awards_for(year=year, scheme=scheme) if awards is None else awards
    totals = awards.order_by().aggregate(awards=Count("pk", distinct=True), total=Sum("amount"))
    return Report(
        year=year,
        scheme=scheme,
        awards=totals["awards"] or 0,
        total=totals["total"] or ZERO,
        breakdowns=breakdowns(awards),
        round_budgets=round_budgets(year=year, scheme=scheme),
        scheme_budgets=scheme_budgets(year=year, scheme=scheme),
    )


# --- The workbook --------------------------------------------------------------------------------

BREAKDOWN_COLUMNS = (("Awards", 10, None), ("Total (£)", 16, MONEY_FORMAT))
ROUND_BUDGET_COLUMNS = (
    ("Round", 30, None),
    ("Scheme", 34, None),
    ("Opened in", 12, None),
    ("Budget (£)", 16, MONEY_FORMAT),
    ("Committed (£)", 16, MONEY_FORMAT),
    ("Left (£)", 16, MONEY_FORMAT),
    ("Committed", 12, PERCENT_FORMAT),
)
SCHEME_BUDGET_COLUMNS = (
    ("Scheme", 34, None),
    ("Financial year", 14, None),
    ("Annual budget (£)", 18, MONEY_FORMAT),
    ("Committed (£)", 16, MONEY_FORMAT),
    ("Left (£)", 16, MONEY_FORMAT),
    ("Committed", 12, PERCENT_FORMAT),
)
LABEL_WIDTH = {"round": 50, "objective": 70}


def _text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def _sheet(workbook, title: str, columns, rows: Iterable[tuple]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([header for header, _, _ in columns])
    for cell in sheet[1]:
        cell.font = BOLD
    for n, (_, width, _) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    for row in rows:
        sheet.append([_text(value) for value in row])
        for cell, (_, _, number_format) in zip(sheet[sheet.max_row], columns, strict=True):
            if number_format:
                cell.number_format = number_format
    sheet.freeze_panes = "A2"


def write_xlsx(report: Report) -> io.BytesIO:
    """The report as a workbook: a sheet for each breakdown and each kind of budget, headers in
    bold, columns wide enough to read, money as pounds."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for breakdown in report.breakdowns:
        width = LABEL_WIDTH.get(breakdown.key, 34)
        columns = ((breakdown.heading, width, None), *BREAKDOWN_COLUMNS)
        rows = [(row.label, row.awards, row.total) for row in breakdown.rows]
        rows.append(("All awards", report.awards, report.total))
        _sheet(workbook, breakdown.title, columns, rows)
    _sheet(
        workbook,
        "Round budgets",
        ROUND_BUDGET_COLUMNS,
        [
            (b.label, b.scheme, b.year, b.budget, b.committed, b.left, b.share)
            for b in report.round_budgets
        ],
    )
    _sheet(
        workbook,
        "Scheme budgets",
        SCHEME_BUDGET_COLUMNS,
        [(b.scheme, b.year, b.budget, b.committed, b.left, b.share) for b in report.scheme_budgets],
    )
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    return output


def filename(report: Report) -> str:
    parts = ["grant-reports"]
    if report.scheme is not None:
        parts.append(report.scheme.slug)
    if report.year is not None:
        parts.append(report.year_label.replace("/", "-"))
    parts.append(timezone.localdate().isoformat())
    return "-".join(parts) + ".xlsx"
