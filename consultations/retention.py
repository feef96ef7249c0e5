"""Retention: when a consultation's retention period ends, its respondents' personal data goes.

Each consultation keeps personal data for its own number of months after it closes. At the end
the email address (and with it the wish to hear the outcome) and the daily source hash are
cleared from each response, and the equality-monitoring answers (special category data) are
deleted. The answers to the questions stay, so the results and the trend of a tracked measure do
not change. Answers saved part-way go as soon as their consultation closes, since they can no
longer be sent. Run daily by consultations.tasks; safe to run again at any time.
"""

import logging
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from . import saving
from .models import Consultation, EqualityAnswers, Response

logger = logging.getLogger(__name__)

# Responses anonymised per transaction: short locks, and a worker stopped part-way loses at most
# one batch, which the next run picks up.
BATCH = 500


def retention_ends(consultation: Consultation) -> datetime:
    return consultation.closes_at + relativedelta(months=consultation.retention_months)


def expired_consultations(*, now: datetime) -> list[Consultation]:
    """Consultations whose retention period has ended and which still hold personal data."""
    candidates = Consultation.objects.filter(
        closes_at__lt=now,
        responses__anonymised_at__isnull=True,
    ).distinct()
    return [c for c in candidates if retention_ends(c) <= now]


def anonymise_expired_responses(*, now: datetime | None = None) -> int:
    """Remove the personal data of every response whose consultation's retention period has
    ended; the number of responses anonymised. Responses already anonymised are left alone.
    Answers saved part-way to any consultation that has closed are deleted first."""
    now = now or timezone.now()
    saving.delete_saved_of_closed(now=now)
    total = 0
    for consultation in expired_consultations(now=now):
        pending = Response.objects.filter(consultation=consultation, anonymised_at__isnull=True)
        while True:
            with transaction.atomic():
                ids = list(
                    pending.select_for_update(skip_locked=True)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:BATCH]
                )
                if not ids:
                    break
                EqualityAnswers.objects.filter(response_id__in=ids).delete()
                total += Response.objects.filter(pk__in=ids).update(
                    email="", wants_feedback=False, client_key="", anonymised_at=now
                )
        logger.info("Personal data removed from the responses to consultation %s", consultation.pk)
    return total
