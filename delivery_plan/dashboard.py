"""The office holder's dashboard of a delivery plan: how many tasks stand at each RAG status in
each activity area, what changed since the last report issued, which tasks are stale or overdue,
and the mix of statuses at each quarter end read back from the history of updates.

Every figure comes from a fixed number of queries whatever the size of the plan: the counts are
grouped in the database, the stale and overdue tasks are the querysets' own (querysets.py), and
the quarter ends are read from one query of the history, walked once in order.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.safestring import SafeString

from engagement.models import ActivityArea
from pcc_portal.fragments import render_each

from .milestones import long_date
from .models import Plan, RagUpdate, ReportSnapshot, Task
from .rag import DEFINITIONS, NOT_RATED, ORDER, Definition, definition_of
from .suggestions import Suggestion, suggestion_for

# Every status a count is given for, worst first, then the tasks not rated yet.
STATUSES: tuple[str, ...] = (*ORDER, "")
QUARTER_END_DAYS = ((3, 31), (6, 30), (9, 30), (12, 31))

# The chart's geometry, as templates/consultations/staff/_bar_chart.html draws it: a label above
# each bar, so long labels fit a phone's width, and the total after the bar.
BAR_ROW_HEIGHT = 44
BAR_SPACE = Decimal("85")  # per cent of the width; the rest is for the total


def definitions() -> list[Definition]:
    return [DEFINITIONS.get(status, NOT_RATED) for status in STATUSES]


@dataclass(frozen=True)
class Segment:
    rag: Definition
    count: int
    x: str  # where it starts, as an SVG percentage
    width: str


@dataclass(frozen=True)
class Cell:
    rag: Definition
    count: int


@dataclass
class Mix:
    """How many tasks stood at each status: one bar of a chart and one row of its table."""

    label: str
    counts: dict[str, int]
    key: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[Cell]:
        return [Cell(definition_of(status), self.counts.get(status, 0)) for status in STATUSES]

    def segments(self) -> list[Segment]:
        """The bar's parts, each as wide as its share of the tasks, ending at BAR_SPACE."""
        total = self.total
        if not total:
            return []
        drawn, start, done = [], Decimal(0), 0
        for cell in self.cells:
            if not cell.count:
                continue
            done += cell.count
            end = (BAR_SPACE * done / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            drawn.append(Segment(cell.rag, cell.count, str(start), str(end - start)))
            start = end
        return drawn

    @property
    def described(self) -> str:
        parts = [f"{cell.rag.staff_name} {cell.count}" for cell in self.cells]
        return f"{self.label}: " + ", ".join(parts)


@dataclass(frozen=True)
class Bar:
    mix: Mix
    segments: list[Segment]
    label_y: int
    bar_y: int
    total_x: str


@dataclass
class Chart:
    """A stacked bar for each mix, drawn on the server; its figures are in the table beside it."""

    title: str
    mixes: list[Mix]

    @property
    def bars(self) -> list[Bar]:
        return [
            Bar(
                mix,
                mix.segments(),
                label_y=n * BAR_ROW_HEIGHT + 15,
                bar_y=n * BAR_ROW_HEIGHT + 21,
                total_x=str(BAR_SPACE + 1),
            )
            for n, mix in enumerate(self.mixes)
        ]

    @property
    def height(self) -> int:
        return len(self.mixes) * BAR_ROW_HEIGHT

    @property
    def label(self) -> str:
        return f"Bar chart of {self.title[:1].lower()}{self.title[1:]}. " + "; ".join(
            mix.described for mix in self.mixes
        )


# --- Counts by activity area -----------------------------------------------------------------


def by_area(plan: Plan) -> list[Mix]:
    """Each activity area of the plan with its tasks' counts by current status, in two queries."""
    counts = Task.objects.in_plan(plan).status_counts()
    area_ids = {area for area, _ in counts}
    areas = ActivityArea.objects.filter(pk__in=area_ids).order_by("number")
    return [
        Mix(
            f"{area.number}. {area.name}",
            {status: counts.get((area.pk, status), 0) for status in STATUSES},
            key=str(area.number),
        )
        for area in areas
    ]


def all_areas(mixes: list[Mix]) -> Mix:
    return Mix(
        "All activity areas",
        {status: sum(mix.counts.get(status, 0) for mix in mixes) for status in STATUSES},
        key="all",
    )


# --- What changed since the last report ------------------------------------------------------


@dataclass(frozen=True)
class Change:
    task: Task
    before: Definition | None  # None: the task was added after the report was issued
    after: Definition
    comment: str
    updated_on: date | None


def last_report(plan: Plan) -> ReportSnapshot | None:
    return plan.snapshots.order_by("-issued_on", "-created_at", "-id").first()


def changes_since(snapshot: ReportSnapshot, tasks) -> list[Change]:
    """The tasks whose status differs from the one the report gave them, and those added since,
    in the report's order, each with the comment it has now."""
    reported = {row.get("task"): row.get("status") or "" for row in snapshot.rows}
    changes = []
    for task in tasks:
        if task.pk in reported and reported[task.pk] == task.rag_status:
            continue
        before = definition_of(reported[task.pk]) if task.pk in reported else None
        changes.append(Change(task, before, task.rag, task.rag_comment, task.rag_updated_on))
    return changes


# --- Stale and overdue ------------------------------------------------------------------------


@dataclass(frozen=True)
class Flagged:
    task: Task
    reason: str
    suggestion: Suggestion | None = None


def stale_tasks(plan: Plan, today: date) -> list[Flagged]:
    flagged = []
    for task in Task.objects.in_plan(plan).stale(today).for_report():
        if task.rag_updated_on is None:
            reason = "The status has never been updated"
        else:
            reason = f"The status was last updated on {long_date(task.rag_updated_on)}"
        flagged.append(Flagged(task, reason))
    return flagged


def overdue_tasks(plan: Plan, today: date) -> list[Flagged]:
    flagged = []
    for task in Task.objects.in_plan(plan).overdue(today).for_report():
        suggestion = suggestion_for(task)
        flagged.append(Flagged(task, suggestion.reason if suggestion else "", suggestion))
    return flagged


# --- The mix at each quarter end --------------------------------------------------------------


def quarter_ends(start: date, end: date) -> list[date]:
    """The last days of the calendar quarters (31 March, 30 June, 30 September, 31 December)
    from `start` to `end` inclusive: the days the office's quarterly reports speak for."""
    ends = []
    for year in range(start.year, end.year + 1):
        for month, day in QUARTER_END_DAYS:
            quarter_end = date(year, month, day)
            if start <= quarter_end <= end:
                ends.append(quarter_end)
    return ends


def quarter_ends_of(plan: Plan, today: date) -> list[date]:
    """The quarter ends of the plan's period that have passed (today included)."""
    return quarter_ends(plan.period_start, min(plan.period_end, today))


def mix_at(plan: Plan, ends: list[date]) -> list[Mix]:
    """The statuses the plan's tasks had at the end of each day in `ends`: each task's latest
    update dated on or before it (as RagUpdate's get_latest_by orders them), or not rated yet.
    A task counts from the day it was added, or from its first update if that is dated earlier
    (a plan brought in from a spreadsheet keeps the dates of its old statuses).

    Two queries whatever the size of the plan: the tasks, and the history up to the last day,
    ordered so that one walk reads each task's status at every day."""
    if not ends:
        return []
    ends = sorted(ends)
    counts = {end: dict.fromkeys(STATUSES, 0) for end in ends}
    tasks = dict(Task.objects.in_plan(plan).order_by().values_list("pk", "created_at__date"))
    history = (
        RagUpdate.objects.filter(task__action__plan=plan, on__lte=ends[-1])
        .order_by("task_id", "on", "created_at", "id")
        .values_list("task_id", "on", "status")
        .iterator(chunk_size=2000)
    )
    by_task: dict[int, list[tuple[date, str]]] = {}
    for task_id, on, status in history:
        by_task.setdefault(task_id, []).append((on, status))
    for task_id, added_on in tasks.items():
        updates = by_task.get(task_id, [])
        starts = min(added_on, updates[0][0]) if updates else added_on
        status, n = "", 0
        for end in ends:
            while n < len(updates) and updates[n][0] <= end:
                status = updates[n][1]
                n += 1
            if starts <= end:
                counts[end][status if status in counts[end] else ""] += 1
    return [Mix(long_date(end), counts[end], key=end.isoformat()) for end in ends]


# --- The whole page ---------------------------------------------------------------------------


@dataclass
class Dashboard:
    plan: Plan
    today: date
    areas: list[Mix]
    overall: Mix
    report: ReportSnapshot | None
    changes: list[Change] = field(default_factory=list)
    stale: list[Flagged] = field(default_factory=list)
    overdue: list[Flagged] = field(default_factory=list)
    quarters: list[Mix] = field(default_factory=list)

    @property
    def areas_chart(self) -> Chart:
        return Chart("Tasks by RAG status in each activity area", self.areas)

    @property
    def quarters_chart(self) -> Chart:
        return Chart("Tasks by RAG status at each quarter end", self.quarters)

    @property
    def statuses(self) -> list[Definition]:
        return definitions()

    @property
    def overdue_rows(self) -> list[SafeString]:
        return _flagged_rows(self.overdue, with_suggestion=True)

    @property
    def stale_rows(self) -> list[SafeString]:
        return _flagged_rows(self.stale, with_suggestion=False)


FLAGGED_ROW = "delivery_plan/staff/_flagged_row.html"


def flagged_signature(flagged: Flagged, with_suggestion: bool) -> tuple:
    """Every value `_flagged_row.html` reads."""
    task, suggestion = flagged.task, flagged.suggestion
    return (
        task.pk,
        task.summary,
        tuple(lead.name for lead in task.leads.all()),
        flagged.reason,
        task.rag_status,
        suggestion.status if with_suggestion and suggestion else None,
        with_suggestion,
    )


def _flagged_rows(flagged: list[Flagged], *, with_suggestion: bool) -> list[SafeString]:
    """The overdue or stale table's rows, each drawn once for what it shows (a plan of hundreds
    of tasks flags scores of them)."""
    return render_each(
        FLAGGED_ROW,
        flagged,
        context=lambda row: {"flagged": row, "with_suggestion": with_suggestion},
        signature=lambda row: flagged_signature(row, with_suggestion),
    )


def build_dashboard(plan: Plan, *, today: date) -> Dashboard:
    areas = by_area(plan)
    report = last_report(plan)
    changes = []
    if report is not None:
        tasks = Task.objects.in_plan(plan).select_related("action__activity_area")
        changes = changes_since(report, tasks)
    return Dashboard(
        plan=plan,
        today=today,
        areas=areas,
        overall=all_areas(areas),
        report=report,
        changes=changes,
        stale=stale_tasks(plan, today),
        overdue=overdue_tasks(plan, today),
        quarters=_from_the_first_task(mix_at(plan, quarter_ends_of(plan, today))),
    )


def _from_the_first_task(mixes: list[Mix]) -> list[Mix]:
    """The quarters from the first that had a task: a plan brought in with its history starts
    there, not at the beginning of its period."""
    first = next((n for n, mix in enumerate(mixes) if mix.total), len(mixes))
    return mixes[first:]
