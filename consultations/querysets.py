"""The consultation questions: which are published, and which are upcoming, open or closed now."""

from django.db import models
from django.utils import timezone


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


class QuestionQuerySet(models.QuerySet):
    def in_order(self):
        return self.select_related("scale", "show_if_question").prefetch_related(
            "options", "scale__points", "show_if_options"
        )
