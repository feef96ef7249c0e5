"""The published consultation plan in plain English: what is open now, what is coming and what
has closed, with its dates in words. The public pages and the home page read it."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from engagement.calendar_text import LONDON, format_day, format_time
from pcc_portal.registry import OpenItem

from .models import Consultation
from .querysets import FEEDBACK_DUE_AFTER

HOME_LIMIT = 3


def in_words(moment: datetime) -> str:
    """ "11:59pm on Monday 18 January 2016", in UK time."""
    local = timezone.localtime(moment, LONDON)
    return f"{format_time(local)} on {format_day(local)}"


def day_in_words(moment: datetime) -> str:
    return format_day(timezone.localtime(moment, LONDON))


def feedback_due(consultation: Consultation) -> datetime:
    return consultation.closes_at + FEEDBACK_DUE_AFTER


@dataclass(frozen=True)
class PlanEntry:
    """One consultation as the plan lists it: the same for every visitor at a given moment."""

    title: str
    url: str
    summary: str
    dates: str


def _entry(consultation: Consultation, dates: str) -> PlanEntry:
    return PlanEntry(
        title=consultation.title,
        url=reverse("consultations:detail", args=[consultation.slug]),
        summary=consultation.summary,
        dates=dates,
    )


def _closed_dates(consultation: Consultation, now) -> str:
    closed = f"Closed on {day_in_words(consultation.closes_at)}"
    published = getattr(consultation, "outcome_published_at", None)
    if published is not None:
        return f"{closed}. Outcome published on {day_in_words(published)}"
    due = feedback_due(consultation)
    if due > now:
        return f"{closed}. Feedback due by {day_in_words(due)}"
    return f"{closed}. Feedback to follow"


def the_plan(*, now) -> dict[str, list[PlanEntry]]:
    """Open now (soonest to close first), upcoming (soonest to open) and closed (latest first)."""
    fields = ("title", "slug", "summary", "opens_at", "closes_at")
    published = Consultation.objects.only(*fields)
    return {
        "open": [
            _entry(c, f"Closes at {in_words(c.closes_at)}")
            for c in published.open(now).order_by("closes_at", "pk")
        ],
        "upcoming": [
            _entry(c, f"Opens on {day_in_words(c.opens_at)}")
            for c in published.upcoming(now).order_by("opens_at", "pk")
        ],
        "closed": [
            _entry(c, _closed_dates(c, now))
            for c in published.closed(now)
            .annotate(outcome_published_at=F("outcome__published_at"))
            .order_by("-closes_at", "-pk")
        ],
    }


def open_consultations(*, now, limit: int = HOME_LIMIT) -> list[OpenItem]:
    """The home page's "Consultations": those open now, soonest to close first."""
    consultations = (
        Consultation.objects.open(now)
        .only("title", "slug", "summary", "closes_at")
        .order_by("closes_at", "pk")[:limit]
    )
    return [
        OpenItem(
            title=c.title,
            url=reverse("consultations:detail", args=[c.slug]),
            summary=c.summary,
            dates=f"Closes at {in_words(c.closes_at)}",
        )
        for c in consultations
    ]
