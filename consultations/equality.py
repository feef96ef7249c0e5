"""Equality monitoring: the characteristics asked, the only tables anyone sees of them, and the
door to the raw answers.

Results are fixed tables, one per characteristic, by policing area and in total; nobody can
combine filters, because a free combination narrows a group down to one person. Every count of
1 to 9 is hidden (the group-of-10 rule), and then enough other counts that no hidden one can be
worked out from the totals and the counts shown. The raw answers are for people named in the
admin only, and each look is logged.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.db.models.functions import Coalesce

from engagement.models import ReachedGroup
from pcc_portal.models import PolicingArea

from .models import Consultation, EqualityAccess, EqualityAnswers

VIEW_RAW = "consultations.view_equality_answers"
EXPORT_RAW = "consultations.export_equality_answers"
CANNOT_SEE_RAW = "You cannot see people's equality monitoring answers"
GROUP_SIZE = 10
NOT_OFFERED = "Select one of the answers given"

TOTAL = "Total"
ELSEWHERE = "Outside the area or not said"


@dataclass(frozen=True)
class Characteristic:
    field: str
    label: str
    question: str
    # None for the groups reached, whose values are the office's own editable list.
    choices: type[models.TextChoices] | None = None


CHARACTERISTICS = (
    Characteristic("age_band", "Age", "What is your age?", EqualityAnswers.AgeBand),
    Characteristic("sex", "Sex", "What is your sex?", EqualityAnswers.Sex),
    Characteristic(
        "gender_same_as_birth",
        "Gender identity",
        "Is the gender you identify with the same as your sex registered at birth?",
        EqualityAnswers.YesNo,
    ),
    Characteristic(
        "ethnicity", "Ethnic group", "What is your ethnic group?", EqualityAnswers.Ethnicity
    ),
    Characteristic(
        "disability",
        "Disability",
        "Do you consider yourself to be disabled?",
        EqualityAnswers.YesNo,
    ),
    Characteristic("religion", "Religion", "What is your religion?", EqualityAnswers.Religion),
    Characteristic(
        "sexual_orientation",
        "Sexual orientation",
        "Which of the following best describes your sexual orientation?",
        EqualityAnswers.SexualOrientation,
    ),
    Characteristic("groups", "Groups", "Do you belong to any of these groups?"),
)
CHARACTERISTICS_BY_FIELD = {c.field: c for c in CHARACTERISTICS}
# The single-answer characteristics: fields of EqualityAnswers (groups is a many-to-many).
ANSWER_FIELDS = tuple(c.field for c in CHARACTERISTICS if c.choices is not None)


@dataclass(frozen=True)
class Table:
    """Counts whose last row and last column are the totals of the others.

    `hidden` holds the (row, column) positions that must not be shown; `shown()` is the only way
    a page or an export should read a count.
    """

    title: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    hidden: frozenset[tuple[int, int]] = field(default_factory=frozenset)

    @classmethod
    def with_totals(
        cls, *, title: str, rows: Iterable[str], columns: Iterable[str], counts
    ) -> "Table":
        """A table from its inner counts, adding a total row and a total column."""
        inner = [tuple(row) for row in counts]
        columns = tuple(columns)
        with_row_totals = [(*row, sum(row)) for row in inner]
        total_row = tuple(sum(row[c] for row in with_row_totals) for c in range(len(columns) + 1))
        return cls(
            title=title,
            rows=(*rows, TOTAL),
            columns=(*columns, TOTAL),
            counts=(*with_row_totals, total_row),
        )

    def shown(self, row: int, column: int) -> int | None:
        return None if (row, column) in self.hidden else self.counts[row][column]

    def body(self) -> list[tuple[str, list[int | None]]]:
        """Each row's label and what may be shown of its counts (None where hidden)."""
        return [
            (label, [self.shown(r, c) for c in range(len(self.columns))])
            for r, label in enumerate(self.rows)
        ]

    def lines(self) -> list[list[tuple[int, int]]]:
        """Each row and each column as its cells' positions: each adds up to its last cell."""
        height, width = len(self.rows), len(self.columns)
        return [[(r, c) for c in range(width)] for r in range(height)] + [
            [(r, c) for r in range(height)] for c in range(width)
        ]


def suppress(table: Table, *, threshold: int = GROUP_SIZE) -> Table:
    """The table with every count from 1 to threshold - 1 hidden, and enough others hidden that
    no hidden count can be worked out from what is shown.

    Zeros are shown. Totals are counts like any other: a small total is hidden too.
    Secondary suppression, until nothing changes:
    - a row or column with exactly one hidden count would give it away by subtraction from its
      total, so its smallest shown count is hidden as well (a non-zero one where there is one:
      a hidden zero helps a reader bound its neighbours);
    - each row or column holding two hidden counts is not enough when the hidden counts only
      join through one of them (two hidden squares linked by one cell: that cell is the
      difference of two sums), so such a linking cell gets a second path through a shown count.
    Reading rows and columns as nodes and hidden counts as links between them, a hidden count
    can be worked out exactly when its link lies on no cycle; the loop ends with every link on
    one.
    """
    hidden = {
        (r, c)
        for r, row in enumerate(table.counts)
        for c, count in enumerate(row)
        if 0 < count < threshold
    }
    lines = table.lines()
    while True:
        lone = next((line for line in lines if sum(cell in hidden for cell in line) == 1), None)
        if lone is not None:
            hidden.add(_smallest(table, [cell for cell in lone if cell not in hidden]))
            continue
        bridge = next((cell for cell in sorted(hidden) if _is_bridge(cell, hidden)), None)
        if bridge is None:
            return replace(table, hidden=frozenset(hidden))
        hidden.add(_smallest(table, _cells_closing(bridge, hidden, table)))


def _smallest(table: Table, cells: Iterable[tuple[int, int]]) -> tuple[int, int]:
    def cost(cell):
        count = table.counts[cell[0]][cell[1]]
        return (count == 0, count, cell)

    return min(cells, key=cost)


def _reachable(start, hidden: set, without) -> set:
    """The rows ("r", i) and columns ("c", j) joined to `start` through hidden counts, leaving
    out the one at `without`."""
    seen, todo = {start}, [start]
    while todo:
        kind, index = todo.pop()
        for r, c in hidden:
            if (r, c) == without:
                continue
            if kind == "r" and r == index:
                node = ("c", c)
            elif kind == "c" and c == index:
                node = ("r", r)
            else:
                continue
            if node not in seen:
                seen.add(node)
                todo.append(node)
    return seen


def _is_bridge(cell: tuple[int, int], hidden: set) -> bool:
    row, column = cell
    return ("c", column) not in _reachable(("r", row), hidden, without=cell)


def _cells_closing(bridge: tuple[int, int], hidden: set, table: Table) -> list[tuple[int, int]]:
    """The shown counts that, hidden, would put `bridge` on a cycle."""
    row_side = _reachable(("r", bridge[0]), hidden, without=bridge)
    column_side = _reachable(("c", bridge[1]), hidden, without=bridge)
    return [
        (r, c)
        for r in range(len(table.rows))
        for c in range(len(table.columns))
        if (r, c) not in hidden
        and (
            (("r", r) in row_side and ("c", c) in column_side)
            or (("r", r) in column_side and ("c", c) in row_side)
        )
    ]


def characteristic_table(
    consultation: Consultation,
    characteristic: Characteristic | str,
    *,
    include_suspect: bool = True,
) -> Table:
    """One characteristic by policing area and in total, suppressed: the only form in which
    equality answers leave this module for people without the named permission.

    One aggregate query counts the answers; people outside the area, or who did not say where
    they live, have a column of their own so that the rows add up to their totals. A person may
    belong to several groups reached, so that table's total row counts the groups named.
    """
    if isinstance(characteristic, str):
        characteristic = CHARACTERISTICS_BY_FIELD[characteristic]
    answers = EqualityAnswers.objects.filter(response__consultation=consultation)
    if not include_suspect:
        answers = answers.filter(response__suspect=False)
    name = characteristic.field
    if characteristic.choices is None:
        # Answers naming no group count nowhere: their group is None, which is no row.
        values = list(ReachedGroup.objects.values_list("pk", "name"))
    else:
        answers = answers.exclude(**{name: ""})
        values = list(characteristic.choices.choices)
    counted = answers.values(
        name,
        area=Coalesce("response__policing_area", "response__local_authority__policing_area"),
    ).annotate(n=Count("pk", distinct=True))
    areas = list(PolicingArea.objects.values_list("pk", "name"))
    row_of = {value: r for r, (value, _) in enumerate(values)}
    column_of = {area: c for c, (area, _) in enumerate(areas)}
    counts = [[0] * (len(areas) + 1) for _ in values]
    for group in counted.order_by():
        if group[name] in row_of:
            column = column_of.get(group["area"], len(areas))
            counts[row_of[group[name]]][column] += group["n"]
    table = Table.with_totals(
        title=characteristic.label,
        rows=[str(label) for _, label in values],
        columns=[*(area for _, area in areas), ELSEWHERE],
        counts=counts,
    )
    return suppress(table)


def equality_tables(consultation: Consultation, *, include_suspect: bool = True) -> list[Table]:
    return [
        characteristic_table(consultation, c, include_suspect=include_suspect)
        for c in CHARACTERISTICS
    ]


def raw_equality_answers(
    *, consultation: Consultation | None, by, action: str = EqualityAccess.Action.VIEWED
):
    """The raw equality answers to one consultation (or to all, for None), for a person who
    holds the permission for that action: viewing or exporting.

    Raises PermissionDenied otherwise, and logs nothing then. The look is logged in the caller's
    transaction where there is one, so the record of it cannot be lost while the answers leave.
    """
    permission = EXPORT_RAW if action == EqualityAccess.Action.EXPORTED else VIEW_RAW
    if not by.has_perm(permission):
        raise PermissionDenied(CANNOT_SEE_RAW)
    with transaction.atomic():
        record_equality_access(consultation=consultation, by=by, action=action)
    answers = EqualityAnswers.objects.select_related(
        "response__policing_area", "response__consultation"
    ).prefetch_related("groups")
    if consultation is not None:
        answers = answers.filter(response__consultation=consultation)
    return answers


def record_equality_access(*, consultation: Consultation | None, by, action: str) -> EqualityAccess:
    return EqualityAccess.objects.create(user=by, consultation=consultation, action=action)


def record_equality_answers(*, response, answers: dict) -> EqualityAnswers | None:
    """Store what one respondent said about themselves, apart from their answers.

    `answers` maps each characteristic's field to its value ("" or absent: not answered), and
    "groups" to a list of group ids. Nothing answered stores nothing: there is no row to tell
    that someone skipped the section. Raises ValidationError, keyed by field, for a value not
    offered; nothing is stored then.
    """
    values = {}
    errors = {}
    for characteristic in CHARACTERISTICS:
        if characteristic.choices is None:
            continue
        value = answers.get(characteristic.field) or ""
        if value and value not in characteristic.choices.values:
            errors[characteristic.field] = NOT_OFFERED
        values[characteristic.field] = value
    group_ids = set(answers.get("groups") or ())
    if group_ids and ReachedGroup.objects.filter(pk__in=group_ids).count() != len(group_ids):
        errors["groups"] = NOT_OFFERED
    if errors:
        raise ValidationError(errors)
    if not group_ids and not any(values.values()):
        return None
    with transaction.atomic():
        equality = EqualityAnswers.objects.create(response=response, **values)
        if group_ids:
            equality.groups.set(group_ids)
    return equality


def raw_answer_rows(answers) -> Iterator[list]:
    """Raw equality answers (from `raw_equality_answers`, which logs the look) as rows of a
    spreadsheet, a header first: one row per respondent, by response number."""
    yield ["Response", *(c.label for c in CHARACTERISTICS), "Policing area"]
    for equality in answers.order_by("response_id").iterator(chunk_size=2000):
        values = []
        for characteristic in CHARACTERISTICS:
            if characteristic.choices is None:
                values.append("; ".join(group.name for group in equality.groups.all()))
            else:
                values.append(getattr(equality, f"get_{characteristic.field}_display")())
        area = equality.response.policing_area
        yield [equality.response_id, *values, area.name if area else ""]
