"""Tracked measures: the same question asked in each year's consultation, seen as a trend.

The 2008 joint engagement strategy measures public confidence as the share of people who say
the police do an excellent or a good job in their local area, and aims engagement at the areas
with the lowest confidence. A question carries a measure's name and the answers that count
towards it; every published consultation asking a question of that name is a point on the trend,
overall and by policing area. Everything is counted in the database, in the same few queries
however many consultations and responses there are.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef
from django.db.models.functions import Coalesce, Lower
from django.utils.text import slugify

from pcc_portal.models import PolicingArea

from .equality import GROUP_SIZE
from .models import Answer, Consultation, Question
from .results import percent

# An area whose share is more than this many points below the whole area's stands out.
GAP_THAT_STANDS_OUT = Decimal(5)


@dataclass
class Share:
    """How many answered the measure's question, and how many of them count towards it."""

    answered: int = 0
    counted: int = 0
    lowest: bool = False

    @property
    def too_few(self) -> bool:
        # As in the equality tables: a share of fewer than 10 answers says too little, and
        # could point at the people who gave them.
        return 0 < self.answered < GROUP_SIZE

    @property
    def exact(self) -> Decimal | None:
        if not self.answered or self.too_few:
            return None
        return Decimal(self.counted) * 100 / Decimal(self.answered)

    @property
    def percent(self) -> Decimal | None:
        return None if self.exact is None else percent(self.counted, self.answered)


@dataclass
class Point:
    """One consultation's figures for the measure."""

    consultation: Consultation
    question: Question
    overall: Share = field(default_factory=Share)
    by_area: dict[int, Share] = field(default_factory=dict)

    def area_shares(self, areas: list[PolicingArea]) -> list[Share]:
        return [self.by_area.get(area.pk, Share()) for area in areas]


@dataclass
class Trend:
    name: str
    areas: list[PolicingArea]
    points: list[Point]
    include_suspect: bool = False

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def lowest_areas(self) -> list[PolicingArea]:
        """The areas that stand out in the latest consultation, least confident first."""
        latest = self.latest
        if latest is None:
            return []
        flagged = [
            (latest.by_area[area.pk].exact, area.position, area)
            for area in self.areas
            if area.pk in latest.by_area and latest.by_area[area.pk].lowest
        ]
        return [area for *_, area in sorted(flagged, key=lambda item: item[:2])]

    @property
    def rows(self) -> list[tuple[Point, list[Share]]]:
        return [(point, point.area_shares(self.areas)) for point in self.points]

    @property
    def chart(self) -> "Chart":
        return Chart.of(self)


@dataclass(frozen=True)
class Dot:
    x: int
    y: int
    label: str
    value: str


@dataclass(frozen=True)
class Chart:
    """A line of the overall share by consultation, drawn on the server (no JavaScript)."""

    WIDTH = 600
    HEIGHT = 260
    LEFT = 48
    RIGHT = 40
    TOP = 20
    PLOT = 180  # the height of 0 to 100%

    dots: list[Dot]
    ticks: list[tuple[int, int]]
    label: str

    @property
    def line(self) -> str:
        return " ".join(f"{dot.x},{dot.y}" for dot in self.dots if dot.value)

    @classmethod
    def of(cls, trend: Trend) -> "Chart":
        n = len(trend.points)
        span = cls.WIDTH - cls.LEFT - cls.RIGHT
        dots, said = [], []
        for i, point in enumerate(trend.points):
            x = cls.LEFT + (span * i // (n - 1) if n > 1 else span // 2)
            value = point.overall.percent
            y = cls.TOP + cls.PLOT - (int(value) * cls.PLOT // 100 if value is not None else 0)
            dots.append(
                Dot(x, y, point.consultation.title, f"{value}%" if value is not None else "")
            )
            said.append(f"{point.consultation.title}: {_said(point.overall)}")
        ticks = [(v, cls.TOP + cls.PLOT - v * cls.PLOT // 100) for v in (0, 25, 50, 75, 100)]
        label = f"Line chart of {trend.name.lower()} in each consultation. " + "; ".join(said)
        return cls(dots=dots, ticks=ticks, label=label)


def _said(share: Share) -> str:
    if share.too_few:
        return "too few answers"
    if share.percent is None:
        return "no answers"
    return f"{share.percent}%"


@dataclass(frozen=True)
class MeasureInUse:
    name: str
    consultations: int

    @property
    def slug(self) -> str:
        return slugify(self.name)


def _published_measure_questions():
    return Question.objects.filter(consultation__status=Consultation.Status.PUBLISHED).exclude(
        measure_name=""
    )


def measures_in_use() -> list[MeasureInUse]:
    """The measures asked in published consultations, one per name whatever its capitals."""
    return [
        MeasureInUse(name=group["name"], consultations=group["consultations"])
        for group in _published_measure_questions()
        .values(key=Lower("measure_name"))
        .annotate(name=Min("measure_name"), consultations=Count("consultation", distinct=True))
        .order_by("key")
    ]


def measure_named_by(slug: str) -> MeasureInUse | None:
    return next((m for m in measures_in_use() if m.slug == slug), None)


def measure_trend(name: str, *, include_suspect: bool = False) -> Trend:
    """Each published consultation's share for the measure, in date order, overall and by area."""
    questions = list(
        _published_measure_questions()
        .filter(measure_name__iexact=name.strip())
        .select_related("consultation")
        .order_by("consultation__opens_at", "consultation_id", "position", "id")
    )
    areas = list(PolicingArea.objects.all())
    points = {question.pk: Point(question.consultation, question) for question in questions}

    answers = Answer.objects.filter(question__in=questions, scale_point__isnull=False)
    if not include_suspect:
        answers = answers.filter(response__suspect=False)
    counts_towards = Exists(
        Question.measure_points.through.objects.filter(
            question_id=OuterRef("question_id"), scalepoint_id=OuterRef("scale_point_id")
        )
    )
    for group in (
        answers.values(
            "question_id",
            # Someone who named their local authority lives in that authority's policing area.
            area=Coalesce(
                "response__policing_area_id", "response__local_authority__policing_area_id"
            ),
        )
        .annotate(answered=Count("id"), counted=Count("id", filter=counts_towards))
        .order_by()
    ):
        point = points[group["question_id"]]
        point.overall.answered += group["answered"]
        point.overall.counted += group["counted"]
        if group["area"] is not None:
            share = point.by_area.setdefault(group["area"], Share())
            share.answered += group["answered"]
            share.counted += group["counted"]

    ordered = list(points.values())
    if ordered:
        _flag_lowest(ordered[-1])
    return Trend(name=name, areas=areas, points=ordered, include_suspect=include_suspect)


def _flag_lowest(point: Point) -> None:
    shown = [share for share in point.by_area.values() if share.exact is not None]
    if not shown:
        return
    lowest = min(share.exact for share in shown)
    overall = point.overall.exact
    for share in shown:
        share.lowest = share.exact == lowest or (
            overall is not None and share.exact < overall - GAP_THAT_STANDS_OUT
        )
