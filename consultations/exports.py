"""The raw answers as a spreadsheet: one row per response, one column per question.

Both formats stream: the responses and their answers are read in chunks side by side (each
ordered by response), so a consultation of 100,000 responses never sits in memory. Cells typed by
the public are guarded against spreadsheet formulas. Email addresses are personal data and are
written only when the caller says the person may see them. Equality-monitoring answers are kept
apart from the answers and never written here.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .models import Answer, Consultation, Question, Response
from .results import TEXT, Selection, questions_of

CHUNK = 2000
BOLD = Font(bold=True)
# A spreadsheet runs a cell that starts with one of these as a formula; the public type them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Answers kept on the response itself rather than as answer rows.
ON_THE_RESPONSE = (Question.Kind.RESPONDENT_TYPE, Question.Kind.WHERE_YOU_LIVE, Question.Kind.EMAIL)


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """A value as a CSV cell: a formula-like text is written with a leading apostrophe, which
    spreadsheets read as "this is text"."""
    if value is None:
        return ""
    if looks_like_formula(value):
        return f"'{value}"
    return value


def filename(consultation: Consultation, extension: str) -> str:
    return f"{consultation.slug}-responses-{timezone.localdate().isoformat()}.{extension}"


class _Columns:
    def __init__(self, consultation: Consultation, *, include_emails: bool):
        self.include_emails = include_emails
        self.questions = [
            q for q in questions_of(consultation) if include_emails or q.kind != Question.Kind.EMAIL
        ]
        # Each free-text question's column is followed by a column of its answer's themes.
        self.themed = {q.pk for q in self.questions if q.kind in TEXT}
        self.labels = {}  # (kind, pk) -> label, for options and scale points
        for question in self.questions:
            for option in question.options.all():
                self.labels[("option", option.pk)] = (option.position, option.label)
            if question.scale_id:
                for point in question.scale.points.all():
                    self.labels[("point", point.pk)] = (point.position, point.label)
        # Each choice's label, translated once: get_FOO_display() translates and hashes the
        # whole list of choices again for every cell, which was most of the time an export of
        # 100,000 responses took.
        self.shown = {
            name: {value: str(label) for value, label in choices}
            for name, choices in (
                ("channel", Response.Channel.choices),
                ("respondent_type", Response.RespondentType.choices),
                ("whereabouts", Response.Whereabouts.choices),
            )
        }

    def _display(self, response: Response, name: str) -> str:
        value = getattr(response, name)
        return self.shown[name].get(value, value)

    def header(self) -> list[str]:
        fixed = [
            "Response",
            "Submitted",
            "How it reached us",
            "Policing area",
            "Local authority",
            "Who is responding",
            "Organisation",
        ]
        if self.include_emails:
            fixed.append("Email address")
        fixed += ["Suspect", "Why it is suspect"]
        for n, question in enumerate(self.questions, start=1):
            fixed.append(f"Q{n}. {question.text}")
            if question.pk in self.themed:
                fixed.append(f"Q{n}. Themes")
        return fixed

    def row(self, response: Response, answers: list[tuple], themes: list[tuple] = ()) -> list:
        by_question: dict[int, list[tuple]] = {}
        for answer in answers:
            by_question.setdefault(answer[0], []).append(answer[1:])
        area = response.policing_area.name if response.policing_area_id else ""
        if not area and response.whereabouts:
            area = self._display(response, "whereabouts")
        row = [
            response.pk,
            timezone.localtime(response.submitted_at).replace(tzinfo=None, microsecond=0),
            self._display(response, "channel"),
            area,
            response.local_authority.name if response.local_authority_id else "",
            self._display(response, "respondent_type"),
            response.organisation_name,
        ]
        if self.include_emails:
            row.append(response.email)
        row += ["Yes" if response.suspect else "No", "; ".join(response.suspect_reasons or [])]
        for question in self.questions:
            row.append(self._answer(question, response, by_question.get(question.pk, [])))
            if question.pk in self.themed:
                row.append("; ".join(name for asked, name in themes if asked == question.pk))
        return row

    def _answer(self, question: Question, response: Response, answers: list[tuple]):
        shown = []
        for option_id, point_id, yes, number, text in answers:
            if option_id is not None:
                shown.append(self.labels.get(("option", option_id), (0, "")))
            elif point_id is not None:
                shown.append(self.labels.get(("point", point_id), (0, "")))
            elif yes is not None:
                shown.append((0, "Yes" if yes else "No"))
            elif number is not None:
                # A lone number stays a number, so the spreadsheet can add it up.
                return number if len(answers) == 1 else str(number)
            elif text:
                shown.append((0, text))
        if not shown and question.kind in ON_THE_RESPONSE:
            if question.kind == Question.Kind.RESPONDENT_TYPE:
                return self._display(response, "respondent_type")
            if question.kind == Question.Kind.WHERE_YOU_LIVE:
                return self._whereabouts(response)
            return response.email
        return "; ".join(label for _, label in sorted(shown, key=lambda item: item[0]))

    def _whereabouts(self, response: Response) -> str:
        if response.local_authority_id:
            return response.local_authority.name
        if response.policing_area_id:
            return response.policing_area.name
        return self._display(response, "whereabouts") if response.whereabouts else ""


def response_rows(
    *, consultation: Consultation, selection: Selection, include_emails: bool
) -> Iterator[list]:
    """The header, then one row per response in the order they came in.

    Chunked reads are merged on the response: the responses, and all their answers and the
    answers' themes ordered by response. Memory stays at a chunk of each whatever the number of
    responses.
    """
    columns = _Columns(consultation, include_emails=include_emails)
    yield columns.header()
    condition = selection.response_q()
    responses = (
        consultation.responses.filter(condition)
        .select_related("policing_area", "local_authority")
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    )
    answers = (
        Answer.objects.filter(
            selection.response_q("response__"), response__consultation=consultation
        )
        .order_by("response_id", "pk")
        .values_list(
            "response_id", "question_id", "option_id", "scale_point_id", "yes", "number", "text"
        )
        .iterator(chunk_size=CHUNK * 5)
    )
    # The themes of the answers, a third read in the same order: (response, question, theme).
    tags = (
        Answer.themes.through.objects.filter(
            selection.response_q("answer__response__"),
            answer__response__consultation=consultation,
        )
        .order_by("answer__response_id", "theme__name", "pk")
        .values_list("answer__response_id", "answer__question_id", "theme__name")
        .iterator(chunk_size=CHUNK * 5)
    )
    pending = next(answers, None)
    pending_tag = next(tags, None)
    for response in responses:
        own, own_tags = [], []
        # Answers of responses not selected cannot come first: both reads share the condition.
        while pending is not None and pending[0] <= response.pk:
            if pending[0] == response.pk:
                own.append(pending[1:])
            pending = next(answers, None)
        while pending_tag is not None and pending_tag[0] <= response.pk:
            if pending_tag[0] == response.pk:
                own_tags.append(pending_tag[1:])
            pending_tag = next(tags, None)
        yield columns.row(response, own, own_tags)


class _Echo:
    """The csv writer's file: it hands each line back instead of keeping it."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte-order mark tells spreadsheets the file is UTF-8, for names in any language.
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(
            [csv_cell(v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v) for v in row]
        )


def write_xlsx(rows: Iterable[list], *, title: str = "Responses"):
    """The rows as an XLSX workbook in a temporary file (removed when closed), at its start.

    openpyxl's write-only mode writes each row out as it comes. A text starting like a formula
    is stored as text and marked as such (Excel's own quote prefix): openpyxl would otherwise
    store it as a formula.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for n, row in enumerate(rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
            if looks_like_formula(value):
                cell.data_type = "s"
                cell.quotePrefix = True
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            if n == 0:
                cell.font = BOLD
            cells.append(cell)
        sheet.append(cells)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it, which removes it)
    workbook.save(output)
    output.seek(0)
    return output


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        # XML cannot carry most control characters; a spreadsheet cell cannot hold them.
        return "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)
    return value
