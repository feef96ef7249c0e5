"""The consultation questions: which are published, and which are upcoming, open or closed now."""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

# Feedback is due this long after a consultation closes; staff are reminded after it.
FEEDBACK_DUE_AFTER = timedelta(weeks=12)


class ConsultationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def upcoming(self, now=None):
        return self.published().filter(opens_at__gt=now or timezone.now())

    def open(self, now=None):
        now = now or timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)

    def closed(self, now=None):
        return self.published().filter(closes_at__lte=now or timezone.now())

    def feedback_overdue(self, now=None):
        """Closed for FEEDBACK_DUE_AFTER or longer, and no outcome published yet."""
        now = now or timezone.now()
        return self.closed(now - FEEDBACK_DUE_AFTER).filter(
            Q(outcome__isnull=True) | Q(outcome__published_at__isnull=True)
        )


class QuestionQuerySet(models.QuerySet):
    def in_order(self):
        return self.select_related("scale", "show_if_question").prefetch_related(
            "options", "scale__points", "show_if_options"
        )
