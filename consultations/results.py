"""A consultation's results: counts and percentages per question, worked out in the database.

The page for a consultation of 100,000 responses must answer in under a second, so nothing here
loads responses or answers one by one: each figure comes from a grouped query (values + Count),
and the number of queries is the same whatever the number of responses. Suspect responses are
left out unless asked for (decision 20: staff see results with and without them).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.text import capfirst

from pcc_portal.models import PolicingArea

from .models import Answer, Consultation, Question, Response

# Kinds whose answers are counted against a list: their own options, a scale, yes or no.
COUNTED = (
    Question.Kind.SINGLE_CHOICE,
    Question.Kind.MULTIPLE_CHOICE,
    Question.Kind.YES_NO,
    Question.Kind.SCALE,
)
TEXT = (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT)


@dataclass(frozen=True)
class Selection:
    """Which responses the figures count: the filter panel's choices."""

    policing_area: PolicingArea | None = None
    respondent_type: str = ""
    channel: str = ""
    with_suspect: bool = False

    def response_q(self, prefix: str = "", *, suspect: bool = True) -> Q:
        """The choice as a condition on Response (prefix "response__" for answers)."""
        q = Q()
        if self.policing_area is not None:
            q &= Q(**{f"{prefix}policing_area": self.policing_area})
        if self.respondent_type:
            q &= Q(**{f"{prefix}respondent_type": self.respondent_type})
        if self.channel:
            q &= Q(**{f"{prefix}channel": self.channel})
        if suspect and not self.with_suspect:
            q &= Q(**{f"{prefix}suspect": False})
        return q


@dataclass
class Row:
    label: str
    count: int
    percent: Decimal | None = None


@dataclass(frozen=True)
class Bar:
    row: Row
    label_y: int
    bar_y: int
    width: str  # of the chart, as an SVG percentage
    value_x: str


# The chart's geometry: a label above each bar, so long labels fit a phone's width.
BAR_ROW_HEIGHT = 44
BAR_HEIGHT = 16
BAR_SPACE = Decimal("0.85")  # of the width; the rest is for the figure after the longest bar


def bars(rows: list[Row]) -> list[Bar]:
    drawn = []
    for n, row in enumerate(rows):
        width = (Decimal(row.percent or 0) * BAR_SPACE).quantize(Decimal("0.1"))
        top = n * BAR_ROW_HEIGHT
        drawn.append(
            Bar(
                row=row,
                label_y=top + 15,
                bar_y=top + 21,
                width=str(width),
                value_x=str(width + 1),
            )
        )
    return drawn


@dataclass
class Measure:
    name: str
    percent: Decimal | None
    counted_as: str  # "excellent or good"


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    rows: list[Row] = field(default_factory=list)
    # Share of those answering, not of all responses: several options can be chosen.
    several_allowed: bool = False
    count: int = 0
    mean: Decimal | None = None
    median: Decimal | None = None
    measure: Measure | None = None

    @property
    def table_id(self) -> str:
        return f"answers-{self.question.pk}"

    @property
    def bars(self) -> list[Bar]:
        return bars(self.rows)

    @property
    def chart_height(self) -> int:
        return len(self.rows) * BAR_ROW_HEIGHT

    @property
    def is_counted(self) -> bool:
        return bool(self.rows)

    @property
    def is_number(self) -> bool:
        return self.question.kind == Question.Kind.NUMBER

    @property
    def is_text(self) -> bool:
        return self.question.kind in TEXT

    @property
    def chart_label(self) -> str:
        parts = [f"{row.label}: {_shown(row.percent)}" for row in self.rows]
        return f"Bar chart of the answers to “{self.question.text}”. " + ", ".join(parts)


@dataclass
class Results:
    consultation: Consultation
    selection: Selection
    responses: int  # counted, as selected
    suspect: int  # suspect responses among those otherwise selected
    by_area: list[Row]
    by_respondent_type: list[Row]
    by_channel: list[Row]
    questions: list[QuestionResult]

    @property
    def suspect_left_out(self) -> int:
        return 0 if self.selection.with_suspect else self.suspect


def percent(part: int, whole: int) -> Decimal | None:
    """A whole-number percentage, halves rounded up as people expect (not to even)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def _shown(value: Decimal | None) -> str:
    return "no answers" if value is None else f"{value}%"


def _or_list(labels: list[str]) -> str:
    labels = [label.lower() for label in labels]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def questions_of(consultation: Consultation) -> list[Question]:
    """The questions in order, with everything the results and exports read, in fixed queries."""
    return list(
        consultation.questions.select_related("scale")
        .prefetch_related("options", "scale__points", "measure_points")
        .order_by("position", "id")
    )


def selected_responses(*, consultation: Consultation, selection: Selection) -> QuerySet[Response]:
    return consultation.responses.filter(selection.response_q())


def consultation_results(
    *, consultation: Consultation, selection: Selection | None = None
) -> Results:
    """Every question's figures for the selected responses, in a fixed number of queries."""
    selection = selection or Selection()
    questions = questions_of(consultation)
    areas = list(PolicingArea.objects.all())

    # Who responded: one grouped query, suspect ones included so the page can say how many
    # were left out.
    profile = list(
        consultation.responses.filter(selection.response_q(suspect=False))
        .values("suspect", "policing_area_id", "whereabouts", "respondent_type", "channel")
        .annotate(n=Count("id"), with_email=Count("id", filter=~Q(email="")))
        .order_by()
    )
    suspect = sum(group["n"] for group in profile if group["suspect"])
    if not selection.with_suspect:
        profile = [group for group in profile if not group["suspect"]]
    total = sum(group["n"] for group in profile)

    answers = Answer.objects.filter(
        selection.response_q("response__"), response__consultation=consultation
    )
    # How many of each option, scale point, yes and no: one grouped query for all questions.
    chosen = {}
    for group in (
        answers.filter(
            Q(option__isnull=False) | Q(scale_point__isnull=False) | Q(yes__isnull=False)
        )
        .values("question_id", "option_id", "scale_point_id", "yes")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if group["option_id"] is not None:
            key = ("option", group["option_id"])
        elif group["scale_point_id"] is not None:
            key = ("point", group["scale_point_id"])
        else:
            key = ("yes", group["yes"])
        chosen[(group["question_id"], *key)] = group["n"]
    # How many people answered each question, and the numbers' counts and means.
    answered = {
        group["question_id"]: group
        for group in answers.filter(
            Q(option__isnull=False)
            | Q(scale_point__isnull=False)
            | Q(yes__isnull=False)
            | Q(number__isnull=False)
            | ~Q(text="")
        )
        .values("question_id")
        .annotate(
            people=Count("response_id", distinct=True),
            numbers=Count("number"),
            mean=Avg("number"),
        )
        .order_by()
    }
    medians = _medians(answers)

    results = []
    for question in questions:
        group = answered.get(question.pk, {})
        result = QuestionResult(question=question, answered=group.get("people", 0))
        kind = question.kind
        if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE):
            result.rows = [
                Row(option.label, chosen.get((question.pk, "option", option.pk), 0))
                for option in question.options.all()
            ]
            result.several_allowed = kind == Question.Kind.MULTIPLE_CHOICE
        elif kind == Question.Kind.SCALE:
            points = list(question.scale.points.all())
            result.rows = [
                Row(p.label, chosen.get((question.pk, "point", p.pk), 0)) for p in points
            ]
        elif kind == Question.Kind.YES_NO:
            result.rows = [
                Row("Yes", chosen.get((question.pk, "yes", True), 0)),
                Row("No", chosen.get((question.pk, "yes", False), 0)),
            ]
        elif kind == Question.Kind.NUMBER:
            result.count = group.get("numbers", 0)
            mean = group.get("mean")
            result.mean = None if mean is None else Decimal(mean).quantize(Decimal("0.01"))
            result.median = medians.get(question.pk)
        elif kind == Question.Kind.RESPONDENT_TYPE:
            result.rows = _profile_rows(profile, "respondent_type", Response.RespondentType)
            result.answered = sum(row.count for row in result.rows)
        elif kind == Question.Kind.WHERE_YOU_LIVE:
            result.rows = _area_rows(profile, areas, with_whereabouts=True)
            result.answered = sum(row.count for row in result.rows)
        elif kind == Question.Kind.EMAIL:
            result.answered = max(result.answered, sum(g["with_email"] for g in profile))
        for row in result.rows:
            row.percent = percent(row.count, result.answered)
        if question.measure_name and kind == Question.Kind.SCALE:
            result.measure = _measure(question, result)
        results.append(result)

    by_area = _area_rows(profile, areas, with_whereabouts=False)
    by_type = _profile_rows(profile, "respondent_type", Response.RespondentType)
    by_channel = _profile_rows(profile, "channel", Response.Channel)
    for rows in (by_area, by_type, by_channel):
        for row in rows:
            row.percent = percent(row.count, total)
    return Results(
        consultation=consultation,
        selection=selection,
        responses=total,
        suspect=suspect,
        by_area=by_area,
        by_respondent_type=by_type,
        by_channel=by_channel,
        questions=results,
    )


def _measure(question: Question, result: QuestionResult) -> Measure:
    counted = {point.label for point in question.measure_points.all()}
    points = [row for row in result.rows if row.label in counted]
    labels = [p.label for p in question.scale.points.all() if p.label in counted]
    return Measure(
        name=capfirst(question.measure_name),
        percent=percent(sum(row.count for row in points), result.answered),
        counted_as=_or_list(labels),
    )


def _profile_rows(profile: list[dict], key: str, choices) -> list[Row]:
    counts = {}
    for group in profile:
        counts[group[key]] = counts.get(group[key], 0) + group["n"]
    rows = [Row(str(label), counts.get(value, 0)) for value, label in choices.choices]
    if counts.get(""):
        rows.append(Row("Not answered", counts[""]))
    return rows


def _area_rows(profile: list[dict], areas: list[PolicingArea], *, with_whereabouts) -> list[Row]:
    by_area, elsewhere = {}, {}
    for group in profile:
        if group["policing_area_id"] is not None:
            area = group["policing_area_id"]
            by_area[area] = by_area.get(area, 0) + group["n"]
        else:
            elsewhere[group["whereabouts"]] = elsewhere.get(group["whereabouts"], 0) + group["n"]
    rows = [Row(area.name, by_area.get(area.pk, 0)) for area in areas]
    for value, label in Response.Whereabouts.choices:
        if elsewhere.get(value) or (with_whereabouts and value != Response.Whereabouts.IN_AREA):
            rows.append(Row(str(label), elsewhere.get(value, 0)))
    if not with_whereabouts and elsewhere.get(""):
        rows.append(Row("Not answered", elsewhere[""]))
    return rows


def _medians(answers: QuerySet[Answer]) -> dict[int, Decimal]:
    """Each number question's median in one query: the middle answer (or the two middle ones)
    by a row number within the question, so no answers are loaded to sort them."""
    ranked = (
        answers.filter(number__isnull=False)
        .annotate(
            place=Window(RowNumber(), partition_by=F("question_id"), order_by=F("number").asc()),
            of=Window(Count("id"), partition_by=F("question_id")),
        )
        .filter(Q(place=(F("of") + 1) / 2) | Q(place=F("of") / 2 + 1))
        .values_list("question_id", "number")
        .order_by()
    )
    middles: dict[int, list[Decimal]] = {}
    for question_id, number in ranked:
        middles.setdefault(question_id, []).append(Decimal(number))
    return {
        question_id: (sum(values) / len(values)).quantize(Decimal("0.01"))
        for question_id, values in middles.items()
    }


def text_answers(*, question: Question, selection: Selection, search: str = "") -> QuerySet[Answer]:
    """A text question's answers from the selected responses, newest first, optionally only
    those containing the words searched for (each word, in any order)."""
    answers = (
        Answer.objects.filter(selection.response_q("response__"), question=question)
        .exclude(text="")
        .select_related("response__policing_area")
        .order_by("-response__submitted_at", "-id")
    )
    for word in search.split():
        answers = answers.filter(text__icontains=word)
    return answers
