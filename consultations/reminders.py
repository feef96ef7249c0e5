"""Consultations' reminders (decision 18): a consultation closing within three days goes to its
owner, so that last calls for views go out in time."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from pcc_portal.registry import Reminder

from .models import Consultation

CLOSING_NOTICE = timedelta(days=3)


def consultation_reminders(*, start: date, end: date) -> Iterator[Reminder]:
    """Published consultations still open at the start of `start` that close before the end of
    `end` plus three days. The key names the closing date, so a new date is a new reminder."""
    first = timezone.make_aware(datetime.combine(start, time.min))
    last = timezone.make_aware(datetime.combine(end + CLOSING_NOTICE + timedelta(days=1), time.min))
    closing = (
        Consultation.objects.published()
        .filter(opens_at__lt=last, closes_at__gt=first, closes_at__lt=last)
        .select_related("owner")
        .order_by("closes_at", "pk")
    )
    for consultation in closing:
        closes_on = timezone.localdate(consultation.closes_at)
        yield Reminder(
            key=f"consultations.closing:{consultation.pk}:{closes_on.isoformat()}",
            recipients=(consultation.owner,),
            due_on=closes_on,
            title=f"Closes {closes_on.day} {closes_on:%B}: {consultation.title}",
            url=reverse("admin:consultations_consultation_change", args=[consultation.pk]),
        )
