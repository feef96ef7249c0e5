"""The plan's report laid out as the office has always sent it: for each activity area the
columns Ref, Action, Lead, Summary of task, Milestones and timescale, RAG status and RAG status
comment, an action's ref and wording on its first task only, and the RAG key underneath.

Both the live report and an issued one are read from the same rows (services.report_rows, which
is what ReportSnapshot.rows freezes), so a report read again from its snapshot is laid out exactly
as the one sent, on the page, on paper and as a workbook.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .milestones import long_date
from .rag import DEFINITIONS, ORDER, Definition, definition_of

# (header, width in characters): the widths fit an A4 landscape page at 100% before Excel's
# fit-to-width scales it, the comment widest since it carries the most words.
COLUMNS = (
    ("Ref", 6),
    ("Action", 34),
    ("Lead", 16),
    ("Summary of task", 36),
    ("Milestones and timescale", 20),
    ("RAG status", 11),
    ("RAG status comment", 58),
)
HEADERS = tuple(header for header, _ in COLUMNS)
RAG_COLUMN = HEADERS.index("RAG status") + 1
KEY_HEADING = "RAG status"
# Sheet names: at most 31 characters and none of these (Excel refuses the workbook otherwise).
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

BOLD = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="DDDDDD", end_color="DDDDDD")
THIN = Side(style="thin", color="B1B4B6")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAPPED = Alignment(wrap_text=True, vertical="top")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ReportRow:
    """A task as the report prints it; the rows after an action's first leave its ref and
    wording blank, as the office's report does."""

    task: int | None
    ref: str
    commitment: str
    starts_action: bool
    leads: str
    summary: str
    milestones: str
    rag: Definition
    comment: str
    updated_on: date | None
    done: bool


@dataclass
class ReportArea:
    number: int | None
    name: str
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.number is None:
            return self.name
        return f"Activity area {self.number}: {self.name}"

    @property
    def sheet_name(self) -> str:
        name = f"{self.number}. {self.name}" if self.number is not None else self.name
        return " ".join(SHEET_NAME_FORBIDDEN.sub(" ", name).split())[:31].strip() or "Tasks"


def _updated_on(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def areas_of(rows: list[dict]) -> list[ReportArea]:
    """The report's rows (in the report's order) grouped by activity area, each action's ref and
    wording on its first task's row. Reads rows as an issued report stored them, so a key a
    later version adds is simply absent from an older report."""
    areas: list[ReportArea] = []
    last_action = None
    for row in rows:
        number = row.get("activity_area")
        if not areas or areas[-1].number != number:
            areas.append(ReportArea(number, row.get("activity_area_name") or ""))
            last_action = None
        action = row.get("action")
        areas[-1].rows.append(
            ReportRow(
                task=row.get("task"),
                ref=row.get("ref") or "",
                commitment=row.get("commitment") or "",
                starts_action=action is None or action != last_action,
                leads=", ".join(row.get("leads") or ()),
                summary=row.get("summary") or "",
                milestones=row.get("milestones") or "",
                rag=definition_of(row.get("status") or ""),
                comment=row.get("comment") or "",
                updated_on=_updated_on(row.get("updated_on")),
                done=bool(row.get("done")),
            )
        )
        last_action = action
    return areas


def key() -> list[Definition]:
    """The RAG key printed under the report, worst first."""
    return [DEFINITIONS[status] for status in ORDER]


# --- The workbook --------------------------------------------------------------------------------


def _fill(definition: Definition) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=definition.fill, end_color=definition.fill)


def _header_text(text: str) -> str:
    # Excel's page headers read "&" as the start of a code.
    return text.replace("&", "&&")


def _put(sheet: Worksheet, row: int, column: int, value):
    cell = sheet.cell(row=row, column=column, value=value)
    # A comment typed as "=..." stays words: a string cell is never run as a formula.
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    cell.alignment = WRAPPED
    cell.border = GRID
    return cell


def _set_up_for_printing(sheet: Worksheet, *, plan_name: str, title: str, as_at: str) -> None:
    for n, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddHeader.left.text = _header_text(plan_name)
    sheet.oddHeader.center.text = _header_text(title)
    sheet.oddHeader.right.text = _header_text(as_at)
    sheet.oddFooter.right.text = "Page &P of &N"


def _write_area(sheet: Worksheet, area: ReportArea) -> None:
    for column, header in enumerate(HEADERS, start=1):
        cell = _put(sheet, 1, column, header)
        cell.font = BOLD
        cell.fill = HEADER_FILL
    line = 1
    for row in area.rows:
        line += 1
        values = (
            row.ref if row.starts_action else "",
            row.commitment if row.starts_action else "",
            row.leads,
            row.summary,
            row.milestones,
            str(row.rag.staff_name),
            row.comment,
        )
        for column, value in enumerate(values, start=1):
            _put(sheet, line, column, value)
        status = sheet.cell(row=line, column=RAG_COLUMN)
        status.fill = _fill(row.rag)
        status.font = Font(bold=True, color=row.rag.ink)
    line += 2
    sheet.cell(row=line, column=1, value=KEY_HEADING).font = BOLD
    for definition in key():
        line += 1
        letter = sheet.cell(row=line, column=1, value=definition.letter)
        letter.fill = _fill(definition)
        letter.font = Font(bold=True, color=definition.ink)
        sheet.cell(row=line, column=2, value=f"{definition.label}: {definition.meaning}")


def write_xlsx(areas: list[ReportArea], *, plan_name: str, as_at: str) -> io.BytesIO:
    """The report as a workbook, a sheet for each activity area with the report's columns, each
    RAG cell filled in its status's colour, set up to print: A4 landscape, one page wide, the
    header row repeated on every page, text wrapped."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = plan_name
    used = set()
    for area in areas:
        name, n = area.sheet_name, 2
        while name in used:
            name, n = f"{area.sheet_name[:28]} {n}", n + 1
        used.add(name)
        sheet = workbook.create_sheet(title=name)
        _set_up_for_printing(sheet, plan_name=plan_name, title=area.title, as_at=as_at)
        _write_area(sheet, area)
    if not areas:
        sheet = workbook.create_sheet(title="Tasks")
        _set_up_for_printing(sheet, plan_name=plan_name, title="", as_at=as_at)
        _write_area(sheet, ReportArea(None, ""))
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    return output


def filename(plan, on: date) -> str:
    return f"{plan.slug}-report-{on.isoformat()}.xlsx"


def as_at_words(on: date) -> str:
    return long_date(on)
