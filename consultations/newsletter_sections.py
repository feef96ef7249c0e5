"""What the consultations offer a newsletter issue (decision 19): the consultations open during
the issue's days, and the recent "you said, we did" outcomes. Registered from apps.py."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils.text import Truncator

from engagement.newsletter_sections import SECTION_LIMIT, day_bounds
from pcc_portal.registry import SectionItem

from .models import Consultation, Outcome
from .plan import day_in_words, in_words

SUMMARY_WORDS = 40
# An outcome is still news this long after it was published, however long the period.
OUTCOMES_LOOK_BACK = timedelta(weeks=4)


def open_consultations(start: date, end: date) -> list[SectionItem]:
    """Published consultations open at any time in the issue's days (open now, or opening
    before its last day), soonest to close first."""
    first, after = day_bounds(start, end)
    consultations = (
        Consultation.objects.published()
        # A sensitive consultation is not put in anyone's inbox, where others may read it
        # (decision 22): its people find it through the services that work with them.
        .filter(opens_at__lt=after, closes_at__gt=first, sensitive=False)
        .only("title", "slug", "summary", "opens_at", "closes_at")
        .order_by("closes_at", "pk")[:SECTION_LIMIT]
    )
    return [
        SectionItem(
            title=consultation.title,
            summary=Truncator(consultation.summary).words(SUMMARY_WORDS),
            url=reverse("consultations:detail", args=[consultation.slug]),
            when=(
                f"Opens on {day_in_words(consultation.opens_at)}, closes at "
                f"{in_words(consultation.closes_at)}"
                if consultation.opens_at >= first
                else f"Closes at {in_words(consultation.closes_at)}"
            ),
        )
        for consultation in consultations
    ]


def recent_outcomes(start: date, end: date) -> list[SectionItem]:
    """ "You said, we did": outcomes published in the issue's days or the four weeks before,
    latest first."""
    first, after = day_bounds(start, end)
    outcomes = (
        Outcome.objects.filter(
            published_at__gte=first - OUTCOMES_LOOK_BACK,
            published_at__lt=after,
            consultation__status=Consultation.Status.PUBLISHED,
            consultation__sensitive=False,
        )
        .select_related("consultation")
        .order_by("-published_at", "-pk")[:SECTION_LIMIT]
    )
    return [
        SectionItem(
            title=outcome.consultation.title,
            summary=Truncator(outcome.decision or outcome.said).words(SUMMARY_WORDS),
            url=reverse("consultations:detail", args=[outcome.consultation.slug]),
            when=f"Outcome published on {day_in_words(outcome.published_at)}",
        )
        for outcome in outcomes
    ]
