"""The public grant pages: the rounds open now and coming up, each with its rules, and one round's
page, from which an applicant starts.

What is the same for every anonymous visitor is cached (decision 35) until a scheme, round,
criterion or round question changes (grants/signals.py). Whether a round is upcoming, open or
closed follows from its dates at the moment of the request (decision 11); the cache's age limit
bounds how long a page may lag behind the clock.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from engagement.calendar_text import LONDON, format_day, format_time
from pcc_portal.public_cache import cached_for_visitors
from pcc_portal.registry import OpenItem

from .models import GrantRound
from .signals import ROUNDS
from .workflow import RoundPhase, State, phase_state

HOME_LIMIT = 3
HOME_SUMMARY_WORDS = 30


def moment_in_words(moment: datetime) -> str:
    """ "11:59pm on Monday 18 January 2016", in UK time."""
    local = timezone.localtime(moment, LONDON)
    return f"{format_time(local)} on {format_day(local)}"


def day_in_words(day: date | None) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}" if day else ""


def money(amount: Decimal | None) -> str:
    """£20,000 for whole pounds, £1,250.50 otherwise, as the GOV.UK style guide writes money."""
    if amount is None:
        return ""
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def public_rounds():
    """Published rounds of the schemes the public sees, with what a page of them shows."""
    return (
        GrantRound.objects.published()
        .filter(scheme__is_public=True)
        .for_lists()
        .prefetch_related("criteria")
    )


def public_phase(grant_round: GrantRound, now: datetime) -> str:
    """Upcoming, open or closed. Whether every decision is made is the office's business: the
    public pages do not ask the applications, so a draft being saved never makes them stale."""
    if now < grant_round.opens_at:
        return RoundPhase.UPCOMING
    if now < grant_round.closes_at:
        return RoundPhase.OPEN
    return RoundPhase.CLOSED


@dataclass(frozen=True)
class Criterion:
    name: str
    weight: int
    max_score: int


@dataclass(frozen=True)
class RoundEntry:
    """One round as the public pages show it: its rules, with dates and money in words."""

    round: GrantRound
    url: str
    apply_url: str
    phase: str
    state: State
    opens: str
    closes: str
    decisions_by: str
    smallest: str
    largest: str
    budget: str
    activity_areas: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.phase == RoundPhase.OPEN

    @property
    def is_upcoming(self) -> bool:
        return self.phase == RoundPhase.UPCOMING


def round_entry(grant_round: GrantRound, now: datetime) -> RoundEntry:
    phase = public_phase(grant_round, now)
    return RoundEntry(
        round=grant_round,
        url=reverse("grants:round_detail", args=[grant_round.slug]),
        apply_url=reverse("grants:start", args=[grant_round.slug]),
        phase=phase,
        state=phase_state(phase),
        opens=moment_in_words(grant_round.opens_at),
        closes=moment_in_words(grant_round.closes_at),
        decisions_by=day_in_words(grant_round.decisions_expected_on),
        smallest=money(grant_round.minimum_award),
        largest=money(grant_round.maximum_award),
        budget=money(grant_round.budget),
        activity_areas=[str(area) for area in grant_round.activity_areas.all()],
        objectives=[str(objective) for objective in grant_round.objectives.all()],
        criteria=[Criterion(c.name, c.weight, c.max_score) for c in grant_round.criteria.all()],
    )


@require_GET
@cached_for_visitors(ROUNDS)
def round_list(request):
    """Open now (soonest to close first) and coming up (soonest to open)."""
    now = timezone.now()
    rounds = [
        round_entry(grant_round, now)
        for grant_round in public_rounds().filter(closes_at__gt=now).order_by("closes_at", "pk")
    ]
    upcoming = sorted((e for e in rounds if e.is_upcoming), key=lambda e: e.round.opens_at)
    return render(
        request,
        "grants/public/round_list.html",
        {"open_rounds": [e for e in rounds if e.is_open], "upcoming_rounds": upcoming},
    )


@require_GET
@cached_for_visitors(ROUNDS)
def round_detail(request, slug):
    """One round with its rules. A closed or upcoming round says so and offers no way in."""
    grant_round = get_object_or_404(public_rounds().prefetch_related("questions"), slug=slug)
    return render(
        request,
        "grants/public/round_detail.html",
        {
            "entry": round_entry(grant_round, timezone.now()),
            "questions": grant_round.questions.all(),
        },
    )


def open_rounds(*, now, limit: int = HOME_LIMIT) -> list[OpenItem]:
    """The home page's "Open grant rounds": those open now, soonest to close first."""
    rounds = (
        GrantRound.objects.open(now)
        .filter(scheme__is_public=True)
        .select_related("scheme")
        .order_by("closes_at", "pk")[:limit]
    )
    return [
        OpenItem(
            title=f"{grant_round.scheme.name}: {grant_round.name}",
            url=reverse("grants:round_detail", args=[grant_round.slug]),
            summary=Truncator(grant_round.description).words(HOME_SUMMARY_WORDS),
            dates=f"Closes at {moment_in_words(grant_round.closes_at)}",
        )
        for grant_round in rounds
    ]
