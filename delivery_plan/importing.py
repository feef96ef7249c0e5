"""Bringing a delivery plan in from a spreadsheet (XLSX or CSV) laid out as the office keeps it:
the template's columns are described in delivery_plan/data/README.md.

All or nothing: every row is read and checked first, every bad row is reported by its row number
(the header is row 1, as the spreadsheet shows it), and nothing is written unless every row is
good. The plan, its actions and tasks, the new leads, the milestones read from the office's
wording and each task's latest status are then written in one transaction.
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from engagement.models import ActivityArea
from pcc_portal.models import Objective, StaffMember

from . import rules
from .milestones import Occurrence, Timescale, long_date, parse_date, read_timescale
from .models import COMMENT_LIMIT, Action, Plan, Task
from .rag import read_status
from .services import create_milestones, unique_plan_slug, write_rag_update

DATA = Path(__file__).resolve().parent / "data"
MAX_ROWS = 5_000
HEADER_SEARCH_ROWS = 10  # a title or two may sit above the header row


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("area", "Activity area", required=True),
    Column("ref", "Ref"),
    Column("action", "Action", required=True),
    Column("objectives", "Objectives"),
    Column("lead", "Lead", required=True, aliases=("OPCC lead", "Leads", "Lead officer")),
    Column("summary", "Summary of task", required=True, aliases=("Task",)),
    Column(
        "milestones",
        "Milestones and timescale",
        aliases=("Milestones and timescale (completion date)", "Milestones"),
    ),
    Column("milestone_dates", "Milestone dates"),
    Column("review_on", "Review date"),
    Column("status", "RAG status"),
    Column("comment", "RAG status comment"),
    Column("status_on", "RAG status date"),
    Column("comment_public", "Comment is public"),
    Column("done", "Done"),
    Column("done_on", "Done date"),
)
LIMITS = {
    "ref": ("Ref", Action._meta.get_field("reference").max_length),
    "action": ("Action", Action._meta.get_field("commitment").max_length),
    "summary": ("Summary of task", Task._meta.get_field("summary").max_length),
    "milestones": ("Milestones and timescale", Task._meta.get_field("milestones_text").max_length),
    "comment": ("RAG status comment", COMMENT_LIMIT),
}
YES = {"yes", "y", "true", "1", "x", "done", "complete", "completed"}
NO = {"no", "n", "false", "0", ""}
# AG/GB, Jackie Irvin/AG/ GB, Glyn Edwards/ Chris Jensen, Paul Deneen & Emma Reynolds
LEAD_SEPARATORS = re.compile(r"\s*(?:/|,|;|&|\+|\band\b)\s*")
# AG, A G, G B: capitals, perhaps spaced out by the page they were copied from
INITIALS = re.compile(r"[A-Z](?:\s?[A-Z]){0,4}")
AREA_NUMBER = re.compile(r"^(?:activity\s+area\s*)?(\d+)\b", re.I)

UNREADABLE = "The file could not be read as {kind}: save it from the spreadsheet again"
WRONG_KIND = "The file must be a spreadsheet saved as .xlsx or .csv"
NO_HEADER = "The header row is missing: the first row must name the columns, such as {columns}"
MISSING_COLUMNS = "The header row has no {columns} column"
TOO_MANY_ROWS = "The file has more than {limit:,} rows: split it into smaller files"
NO_ROWS = "The file has no tasks in it"
PLAN_EXISTS = "A plan named “{name}” exists already: give the new plan another name"
ENTER = "Enter the {what}"
NO_SUCH_AREA = "“{text}” is not one of the office's activity areas"
NO_SUCH_OBJECTIVE = "There is no police and crime objective {number}"
NOT_OBJECTIVES = "Objectives must be numbers, such as 1, 4, 11, not “{text}”"
FIRST_ROW_ACTION = "Enter the action: the first task of an activity area starts an action"
REF_WITHOUT_ACTION = "Ref {ref} has no action: enter the action's words on this row"
AMBIGUOUS_LEAD = "The lead “{lead}” could be {count} people ({names}): give their full name"
BAD_STATUS = "RAG status must be Red, Amber or Green, not “{text}”"
COMMENT_WITHOUT_STATUS = "Enter the RAG status the comment is about"
STATUS_WITHOUT_COMMENT = "Enter the RAG status comment"
BAD_DATE = "{column} must be a date, like 31/01/2026, not “{text}”"
FUTURE_STATUS = "RAG status date must be today or in the past"
BAD_YES_NO = "{column} must be Yes or No, not “{text}”"
TOO_LONG = "{column} must be {limit:,} characters or fewer"


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole
    message: str

    def __str__(self):
        return f"Row {self.row}: {self.message}" if self.row else self.message


class ImportRefused(ValidationError):
    """Nothing was imported; `problems` lists every bad row, by row number."""

    def __init__(self, problems: list[RowError]):
        self.problems = problems
        super().__init__([str(problem) for problem in problems])


@dataclass
class ImportResult:
    plan: Plan
    areas: int = 0
    actions: int = 0
    tasks: int = 0
    updates: int = 0
    milestones: int = 0
    new_leads: list[StaffMember] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ShippedPlan:
    """A plan the portal ships as demo data, with what its file does not say."""

    file: Path
    name: str
    period_start: date
    period_end: date
    as_at: date
    is_current: bool


# The office's December 2015 report on its community engagement strategy, as it stood: a historic
# plan beside the current one (decision 23).
DECEMBER_2015 = ShippedPlan(
    file=DATA / "delivery-plan-dec-2015.csv",
    name="Community Engagement Strategy delivery plan, December 2015",
    period_start=date(2014, 1, 1),
    period_end=date(2016, 3, 31),
    as_at=date(2015, 12, 1),
    is_current=False,
)


# --- Reading the file ---------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" is saved in the Windows code page.
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ImportRefused([RowError(None, UNREADABLE.format(kind="CSV"))])
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as error:
        raise ImportRefused([RowError(None, UNREADABLE.format(kind="CSV"))]) from error


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
        book.close()
        return rows
    except Exception as error:  # a damaged or disguised file fails in many ways
        raise ImportRefused([RowError(None, UNREADABLE.format(kind="XLSX"))]) from error


def read_spreadsheet(data: bytes, filename: str) -> list[list[str]]:
    """Every row of the file's first sheet as text, row 1 first."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return _csv_rows(data)
    if suffix == ".xlsx":
        return _xlsx_rows(data)
    raise ImportRefused([RowError(None, WRONG_KIND)])


def _normalise_header(text: str) -> str:
    text = text.split("(")[0] if "(" in text and not text.lower().startswith("(") else text
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


HEADERS = {
    _normalise_header(name): column.key
    for column in COLUMNS
    for name in (column.header, *column.aliases)
}


def _find_header(rows: list[list[str]]) -> tuple[int, dict[str, int], list[str]]:
    """(index of the header row, {column key: position}, headers not used)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        positions: dict[str, int] = {}
        ignored = []
        for position, text in enumerate(row):
            key = HEADERS.get(_normalise_header(text))
            if key and key not in positions:
                positions[key] = position
            elif text:
                ignored.append(text)
        if "summary" in positions and "lead" in positions:
            missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
            if missing:
                message = MISSING_COLUMNS.format(columns=", ".join(f"“{m}”" for m in missing))
                raise ImportRefused([RowError(index + 1, message)])
            return index, positions, ignored
    columns = ", ".join(c.header for c in COLUMNS if c.required)
    raise ImportRefused([RowError(1, NO_HEADER.format(columns=columns))])


# --- Checking the rows --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LeadKey:
    """A lead as the file names them: initials or a name."""

    initials: str = ""
    name: str = ""

    def __hash__(self):
        return hash((self.initials, self.name.casefold()))

    def __eq__(self, other):
        return (self.initials, self.name.casefold()) == (other.initials, other.name.casefold())

    def __str__(self):
        return self.initials or self.name


class LeadFinder:
    """Finds each lead among the staff records, once per import; unknown ones are new."""

    def __init__(self):
        self.by_initials: dict[str, list[StaffMember]] = {}
        self.by_name: dict[str, list[StaffMember]] = {}
        for person in StaffMember.objects.all():
            if person.initials:
                # Read as the file's are, spaces dropped: "A G" on one record and "AG" on
                # another are two people the file's "AG" could mean.
                initials = "".join(person.initials.split()).upper()
                self.by_initials.setdefault(initials, []).append(person)
            self.by_name.setdefault(" ".join(person.name.split()).casefold(), []).append(person)

    def read(self, text: str) -> tuple[list[LeadKey], list[str]]:
        """(the leads the cell names, the problems with it)."""
        keys, problems = [], []
        for part in LEAD_SEPARATORS.split(text):
            part = " ".join(part.split())
            if not part:
                continue
            if INITIALS.fullmatch(part):
                key = LeadKey(initials=part.replace(" ", ""))
                found = self.by_initials.get(key.initials, [])
            else:
                key = LeadKey(name=part)
                found = self.by_name.get(part.casefold(), [])
            if len(found) > 1:
                names = ", ".join(sorted(person.name for person in found))
                problems.append(AMBIGUOUS_LEAD.format(lead=part, count=len(found), names=names))
            elif key not in keys:
                keys.append(key)
        return keys, problems

    def existing(self, key: LeadKey) -> StaffMember | None:
        found = (
            self.by_initials.get(key.initials, [])
            if key.initials
            else self.by_name.get(key.name.casefold(), [])
        )
        return found[0] if found else None


@dataclass
class TaskRow:
    row: int
    area: ActivityArea
    starts_action: bool
    ref: str
    action: str
    objectives: list[Objective]
    leads: list[LeadKey]
    summary: str
    milestones: str
    milestone_dates: list[date]
    review_on: date | None
    status: str | None
    comment: str
    status_on: date | None
    comment_public: bool
    done: bool
    done_on: date | None


class RowReader:
    """Checks the rows one by one, carrying the activity area and the action down the sheet as
    the office writes it (blank under the first row of each)."""

    def __init__(self, *, today: date):
        self.today = today
        self.leads = LeadFinder()
        self.areas = list(ActivityArea.objects.all())
        self.objectives = {objective.number: objective for objective in Objective.objects.all()}
        self.area: ActivityArea | None = None
        self.action_ref: str | None = None
        self.problems: list[RowError] = []

    def _area(self, text: str, problems: list[str]) -> ActivityArea | None:
        if not text:
            return self.area
        match = AREA_NUMBER.match(text)
        for area in self.areas:
            if (match and area.number == int(match[1])) or area.name.casefold() == text.casefold():
                return area
        problems.append(NO_SUCH_AREA.format(text=text))
        return None

    def _objectives(self, text: str, problems: list[str]) -> list[Objective]:
        found = []
        for part in re.split(r"[\s,;&]+|\band\b", text):
            part = part.strip().lower().removeprefix("objective").strip()
            if not part:
                continue
            if not part.isdigit():
                problems.append(NOT_OBJECTIVES.format(text=text))
                return []
            objective = self.objectives.get(int(part))
            if objective is None:
                problems.append(NO_SUCH_OBJECTIVE.format(number=part))
            elif objective not in found:
                found.append(objective)
        return found

    def _date(self, values, key: str, column: str, problems: list[str]) -> date | None:
        text = values.get(key, "")
        if not text:
            return None
        day = parse_date(text)
        if day is None:
            problems.append(BAD_DATE.format(column=column, text=text))
        return day

    def _yes(self, values, key: str, column: str, problems: list[str]) -> bool:
        text = values.get(key, "").strip().lower()
        if text in YES:
            return True
        if text not in NO:
            problems.append(BAD_YES_NO.format(column=column, text=values[key]))
        return False

    def read(self, number: int, values: dict[str, str]) -> TaskRow | None:
        problems: list[str] = []
        for key, (column, limit) in LIMITS.items():
            if len(values.get(key, "")) > limit:
                problems.append(TOO_LONG.format(column=column, limit=limit))
        area = self._area(values.get("area", ""), problems)
        if area is None and not problems:
            problems.append(ENTER.format(what="activity area"))
        action, ref = values.get("action", ""), values.get("ref", "")
        starts_action = bool(action)
        if not action and area is not None:
            if area != self.area:
                problems.append(FIRST_ROW_ACTION)
            elif ref and ref != self.action_ref:
                problems.append(REF_WITHOUT_ACTION.format(ref=ref))
            elif self.action_ref is None:
                problems.append(FIRST_ROW_ACTION)
        objectives = self._objectives(values.get("objectives", ""), problems)
        lead_text = values.get("lead", "")
        leads, lead_problems = self.leads.read(lead_text)
        problems += lead_problems
        if not leads and not lead_problems:
            problems.append(ENTER.format(what="lead"))
        summary = values.get("summary", "")
        if not summary:
            problems.append(ENTER.format(what="summary of the task"))
        milestone_dates = []
        for text in re.split(r"[;\n]+", values.get("milestone_dates", "")):
            if text.strip():
                day = parse_date(text)
                if day is None:
                    problems.append(BAD_DATE.format(column="Milestone dates", text=text.strip()))
                else:
                    milestone_dates.append(day)
        status_text, comment = values.get("status", ""), values.get("comment", "")
        status = read_status(status_text) if status_text else None
        if status_text and status is None:
            problems.append(BAD_STATUS.format(text=status_text))
        if comment and not status_text:
            problems.append(COMMENT_WITHOUT_STATUS)
        if status_text and not comment:
            problems.append(STATUS_WITHOUT_COMMENT)
        status_on = self._date(values, "status_on", "RAG status date", problems)
        if status_on and status_on > self.today:
            problems.append(FUTURE_STATUS)
        row = TaskRow(
            row=number,
            area=area,
            starts_action=starts_action,
            ref=ref,
            action=action,
            objectives=objectives,
            leads=leads,
            summary=summary,
            milestones=values.get("milestones", ""),
            milestone_dates=milestone_dates,
            review_on=self._date(values, "review_on", "Review date", problems),
            status=status,
            comment=comment,
            status_on=status_on,
            comment_public=self._yes(values, "comment_public", "Comment is public", problems),
            done=self._yes(values, "done", "Done", problems),
            done_on=self._date(values, "done_on", "Done date", problems),
        )
        # What the next rows carry down: the area and the action, even from a bad row, so one
        # mistake is reported once rather than on every row under it.
        if area is not None:
            if area != self.area:
                self.action_ref = None
            self.area = area
        if starts_action:
            self.action_ref = ref
        for message in problems:
            self.problems.append(RowError(number, message))
        return None if problems else row


def check_rows(rows: list[list[str]], *, today: date) -> tuple[list[TaskRow], RowReader, list]:
    """Every data row checked; raises ImportRefused listing every bad row."""
    header_index, positions, ignored = _find_header(rows)
    data = rows[header_index + 1 :]
    if len(data) > MAX_ROWS:
        raise ImportRefused([RowError(None, TOO_MANY_ROWS.format(limit=MAX_ROWS))])
    reader = RowReader(today=today)
    checked = []
    for offset, cells in enumerate(data):
        values = {
            key: (cells[position] if position < len(cells) else "").strip()
            for key, position in positions.items()
        }
        if not any(values.values()):
            continue
        task_row = reader.read(header_index + offset + 2, values)
        if task_row is not None:
            checked.append(task_row)
    if reader.problems:
        raise ImportRefused(reader.problems)
    if not checked:
        raise ImportRefused([RowError(None, NO_ROWS)])
    return checked, reader, ignored


# --- Writing the plan ---------------------------------------------------------------------------


def _timescale(task_row: TaskRow, plan: Plan) -> Timescale:
    timescale = read_timescale(task_row.milestones, start=plan.period_start, end=plan.period_end)
    if not task_row.milestone_dates:
        return timescale
    # Dates written out in their own column stand for the wording's.
    return Timescale(
        wording=task_row.milestones,
        occurrences=tuple(Occurrence(day, long_date(day)) for day in task_row.milestone_dates),
        ongoing=timescale.ongoing,
    )


def _write(rows: list[TaskRow], reader: RowReader, plan: Plan, *, as_at: date) -> ImportResult:
    result = ImportResult(plan=plan)
    people: dict[LeadKey, StaffMember] = {}
    for key in dict.fromkeys(key for task_row in rows for key in task_row.leads):
        person = reader.leads.existing(key)
        if person is None:
            person = StaffMember(initials=key.initials, name=key.initials or key.name)
            person.full_clean()
            person.save()
            result.new_leads.append(person)
        people[key] = person
    action = None
    positions: dict[int, int] = {}
    task_position = 0
    for task_row in rows:
        if task_row.starts_action:
            positions[task_row.area.pk] = positions.get(task_row.area.pk, 0) + 1
            action = Action(
                plan=plan,
                activity_area=task_row.area,
                reference=task_row.ref,
                position=positions[task_row.area.pk],
                commitment=task_row.action,
            )
            action.full_clean(validate_unique=False)
            action.save()
            result.actions += 1
            task_position = 0
        if task_row.objectives:
            action.objectives.add(*task_row.objectives)
        task_position += 1
        task = Task(
            action=action,
            position=task_position,
            summary=task_row.summary,
            milestones_text=task_row.milestones,
            review_on=task_row.review_on,
            is_done=task_row.done or task_row.done_on is not None,
            done_on=task_row.done_on,
        )
        task.full_clean(validate_unique=False)
        task.save()
        task.leads.set([people[key] for key in task_row.leads])
        result.tasks += 1
        result.milestones += len(create_milestones(task, _timescale(task_row, plan)))
        if task_row.status:
            write_rag_update(
                task=task,
                status=task_row.status,
                comment=task_row.comment,
                on=task_row.status_on or as_at,
                is_public=task_row.comment_public,
            )
            result.updates += 1
    return result


def import_plan(
    *,
    data: bytes,
    filename: str,
    name: str,
    period_start: date,
    period_end: date,
    by=None,
    owner=None,
    is_current: bool = True,
    as_at: date | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import a plan from a spreadsheet's bytes (`filename` says whether XLSX or CSV) as a new
    plan named `name` over its period. A status with no date of its own is as at `as_at` (today
    unless told). Leads are found among the staff records by initials or name; those not found
    are added and listed in the result.

    `by` is the person importing from a page (the rule delivery_plan.import_plan is asked); the
    command line, run by whoever runs the server, passes none.

    Raises ImportRefused (a ValidationError) listing every bad row by its row number, and
    PermissionDenied for a person the rule refuses; nothing is written then.
    """
    if by is not None and not by.has_perm(rules.IMPORT_PLAN):
        raise PermissionDenied("You cannot import delivery plans")
    today = today or timezone.localdate()
    name = " ".join((name or "").split())
    rows = read_spreadsheet(data, filename)
    problems = []
    if not name:
        problems.append(RowError(None, ENTER.format(what="name of the plan")))
    elif Plan.objects.filter(name__iexact=name).exists():
        problems.append(RowError(None, PLAN_EXISTS.format(name=name)))
    try:
        checked, reader, ignored = check_rows(rows, today=today)
    except ImportRefused as refused:
        raise ImportRefused(problems + refused.problems) from None
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        plan = Plan(
            name=name,
            slug=unique_plan_slug(name),
            period_start=period_start,
            period_end=period_end,
            owner=owner or by,
            is_current=is_current,
        )
        try:
            plan.full_clean()
        except ValidationError as error:
            raise ImportRefused([RowError(None, m) for m in error.messages]) from None
        plan.save()
        result = _write(checked, reader, plan, as_at=as_at or today)
    result.ignored_columns = ignored
    result.areas = len({task_row.area.pk for task_row in checked})
    return result


def import_shipped(shipped: ShippedPlan = DECEMBER_2015, *, today: date | None = None):
    """Import a plan the portal ships (the December 2015 plan unless told), as it stood."""
    return import_plan(
        data=shipped.file.read_bytes(),
        filename=shipped.file.name,
        name=shipped.name,
        period_start=shipped.period_start,
        period_end=shipped.period_end,
        is_current=shipped.is_current,
        as_at=shipped.as_at,
        today=today,
    )


def template_headers() -> list[str]:
    return [column.header for column in COLUMNS]


def financial_year_around(day: date) -> tuple[date, date]:
    """The financial year (1 April to 31 March) the day falls in."""
    start_year = day.year if day.month >= 4 else day.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def describe(result: ImportResult) -> Iterable[str]:
    """What the import did, in lines for the command line or a page."""
    counts = (
        (result.areas, "activity area", "activity areas"),
        (result.actions, "action", "actions"),
        (result.tasks, "task", "tasks"),
        (result.updates, "RAG status", "RAG statuses"),
        (result.milestones, "milestone", "milestones"),
    )
    made = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts)
    yield f"Imported “{result.plan.name}”: {made}."
    if result.new_leads:
        yield "New leads added (check their names and link their user accounts in the admin):"
        for person in result.new_leads:
            yield f"  {person}"
    if result.ignored_columns:
        yield "Columns not read: " + ", ".join(f"“{c}”" for c in result.ignored_columns)


__all__ = [
    "COLUMNS",
    "DECEMBER_2015",
    "ImportRefused",
    "ImportResult",
    "RowError",
    "describe",
    "financial_year_around",
    "import_plan",
    "import_shipped",
    "template_headers",
]
