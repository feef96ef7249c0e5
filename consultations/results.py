"""A consultation's results: counts and percentages per question, worked out in the database.

The page for a consultation of 100,000 responses must answer in under a second, so nothing here
loads responses or answers one by one: each figure comes from a grouped query (values + Count),
and the number of queries is the same whatever the number of responses. Suspect responses are
left out unless asked for (decision 20: staff see results with and without them).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.text import capfirst

from pcc_portal.models import PolicingArea

from .models import Answer, Consultation, Question, Response, Theme

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
    # A free-text question's themes, most used first; an answer may carry several.
    themes: list[Row] = field(default_factory=list)

    @property
    def table_id(self) -> str:
        return f"answers-{self.question.pk}"

    @property
    def themes_table_id(self) -> str:
        return f"themes-{self.question.pk}"

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
    tally = _tally(answers, questions)
    themes = _theme_rows(answers)

    results = []
    for question in questions:
        result = QuestionResult(question=question, answered=tally.answered.get(question.pk, 0))
        kind = question.kind
        if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE):
            result.rows = [
                Row(option.label, tally.chosen.get((question.pk, "option", option.pk), 0))
                for option in question.options.all()
            ]
            result.several_allowed = kind == Question.Kind.MULTIPLE_CHOICE
        elif kind == Question.Kind.SCALE:
            points = list(question.scale.points.all())
            result.rows = [
                Row(p.label, tally.chosen.get((question.pk, "point", p.pk), 0)) for p in points
            ]
        elif kind == Question.Kind.YES_NO:
            result.rows = [
                Row("Yes", tally.chosen.get((question.pk, "yes", True), 0)),
                Row("No", tally.chosen.get((question.pk, "yes", False), 0)),
            ]
        elif kind == Question.Kind.NUMBER:
            numbers = tally.numbers.get(question.pk, {})
            result.count = sum(numbers.values())
            result.mean = _mean(numbers)
            result.median = _median(numbers)
        elif kind == Question.Kind.RESPONDENT_TYPE:
            result.rows = _profile_rows(profile, "respondent_type", Response.RespondentType)
            result.answered = sum(row.count for row in result.rows)
        elif kind == Question.Kind.WHERE_YOU_LIVE:
            result.rows = _area_rows(profile, areas, with_whereabouts=True)
            result.answered = sum(row.count for row in result.rows)
        elif kind == Question.Kind.EMAIL:
            result.answered = max(result.answered, sum(g["with_email"] for g in profile))
        elif kind in TEXT:
            result.themes = themes.get(question.pk, [])
        for row in (*result.rows, *result.themes):
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


def _theme_rows(answers: QuerySet[Answer]) -> dict[int, list[Row]]:
    """How many answers to each question carry each theme, in one grouped query."""
    rows: dict[int, list[Row]] = {}
    for group in (
        answers.filter(themes__isnull=False)
        .values("question_id", "themes__name")
        .annotate(n=Count("id"))
        .order_by("question_id", "-n", "themes__name")
    ):
        rows.setdefault(group["question_id"], []).append(Row(group["themes__name"], group["n"]))
    return rows


@dataclass
class _Tally:
    chosen: dict[tuple, int] = field(default_factory=dict)  # (question, "option", id) -> n
    answered: dict[int, int] = field(default_factory=dict)  # question -> people
    numbers: dict[int, dict[Decimal, int]] = field(default_factory=dict)  # question -> {n: count}


def _tally(answers: QuerySet[Answer], questions: list[Question]) -> _Tally:
    """Every answer counted in at most three grouped queries over the selected answers.

    A response keeps one answer row per question, except multiple choice (a row per option
    chosen), so the people who answered a question are its rows, counted with the options,
    points and yes or no chosen; only multiple choice counts its responses apart. Each number
    is counted with how often it was given, which gives the mean and the median without
    loading the answers or asking the database for a distinct count or a window over them,
    the costly part at 100,000 responses.
    """
    tally = _Tally()
    for group in (
        answers.values("question_id", "option_id", "scale_point_id", "yes")
        .annotate(n=Count("id"), texts=Count("id", filter=~Q(text="")))
        .order_by()
    ):
        question = group["question_id"]
        if group["option_id"] is not None:
            key = ("option", group["option_id"])
        elif group["scale_point_id"] is not None:
            key = ("point", group["scale_point_id"])
        elif group["yes"] is not None:
            key = ("yes", group["yes"])
        else:
            # Numbers are counted below; the rest of these rows are texts, some left empty.
            tally.answered[question] = tally.answered.get(question, 0) + group["texts"]
            continue
        tally.chosen[(question, *key)] = group["n"]
        tally.answered[question] = tally.answered.get(question, 0) + group["n"]
    for group in (
        answers.filter(number__isnull=False)
        .values("question_id", "number")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts = tally.numbers.setdefault(group["question_id"], {})
        number = Decimal(group["number"])
        counts[number] = counts.get(number, 0) + group["n"]
    for question, counts in tally.numbers.items():
        tally.answered[question] = tally.answered.get(question, 0) + sum(counts.values())
    several = [q.pk for q in questions if q.kind == Question.Kind.MULTIPLE_CHOICE]
    if several:
        for group in (
            answers.filter(question_id__in=several)
            .values("question_id")
            .annotate(people=Count("response_id", distinct=True))
            .order_by()
        ):
            tally.answered[group["question_id"]] = group["people"]
    return tally


def _mean(counts: dict[Decimal, int]) -> Decimal | None:
    given = sum(counts.values())
    if not given:
        return None
    total = sum(number * n for number, n in counts.items())
    return (total / given).quantize(Decimal("0.01"))


def _median(counts: dict[Decimal, int]) -> Decimal | None:
    """The middle answer, or the mean of the two middle ones, from how often each was given."""
    given = sum(counts.values())
    if not given:
        return None
    places = {(given + 1) // 2, given // 2 + 1}  # one place when odd, two when even
    middles, seen = [], 0
    for number in sorted(counts):
        before, seen = seen, seen + counts[number]
        middles += [number for place in places if before < place <= seen]
    return (sum(middles) / len(middles)).quantize(Decimal("0.01"))


def text_answers(
    *, question: Question, selection: Selection, search: str = "", theme: Theme | None = None
) -> QuerySet[Answer]:
    """A text question's answers from the selected responses, newest first, with their themes,
    optionally only those containing the words searched for (each word, in any order) or
    tagged with a theme."""
    answers = (
        Answer.objects.filter(selection.response_q("response__"), question=question)
        .exclude(text="")
        .select_related("response__policing_area")
        .prefetch_related("themes")
        .order_by("-response__submitted_at", "-id")
    )
    if theme is not None:
        answers = answers.filter(themes=theme)
    for word in search.split():
        answers = answers.filter(text__icontains=word)
    return answers
