"""What the grants offer a newsletter issue (decision 19): the public schemes' rounds open during
the issue's days. Registered from apps.py."""

from datetime import date

from django.urls import reverse
from django.utils.text import Truncator

from engagement.newsletter_sections import SECTION_LIMIT, day_bounds
from pcc_portal.registry import SectionItem

from .models import GrantRound
from .public_views import HOME_SUMMARY_WORDS, moment_in_words


def open_grant_rounds(start: date, end: date) -> list[SectionItem]:
    """Published rounds of public schemes open at any time in the issue's days (open now, or
    opening before its last day), soonest to close first."""
    first, after = day_bounds(start, end)
    rounds = (
        GrantRound.objects.published()
        .filter(scheme__is_public=True, opens_at__lt=after, closes_at__gt=first)
        .select_related("scheme")
        .order_by("closes_at", "pk")[:SECTION_LIMIT]
    )
    return [
        SectionItem(
            title=f"{grant_round.scheme.name}: {grant_round.name}",
            summary=Truncator(grant_round.description).words(HOME_SUMMARY_WORDS),
            url=reverse("grants:round_detail", args=[grant_round.slug]),
            when=(
                f"Opens at {moment_in_words(grant_round.opens_at)}, closes at "
                f"{moment_in_words(grant_round.closes_at)}"
                if grant_round.opens_at >= first
                else f"Closes at {moment_in_words(grant_round.closes_at)}"
            ),
        )
        for grant_round in rounds
    ]
