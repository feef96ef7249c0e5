"""Consultations' reminders (decision 18): a consultation closing within three days goes to its
owner, so that last calls for views go out in time; one closed twelve weeks without its outcome
published goes to its owner and the engagement officers, so that people hear what we did."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from pcc_portal.registry import Reminder
from pcc_portal.roles import ENGAGEMENT_OFFICER

from .models import Consultation
from .querysets import FEEDBACK_DUE_AFTER

CLOSING_NOTICE = timedelta(days=3)


def consultation_reminders(*, start: date, end: date) -> Iterator[Reminder]:
    """Consultations closing soon, then those whose feedback is due."""
    yield from _closing_soon(start=start, end=end)
    yield from _feedback_due(end=end)


def _closing_soon(*, start: date, end: date) -> Iterator[Reminder]:
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


def _feedback_due(*, end: date) -> Iterator[Reminder]:
    """Consultations whose outcome was due by `end` (twelve weeks after the day they closed) and
    is not published. An item stays due until it is published, so a digest that missed a day
    still finds it; its key names the due date, so nothing is sent twice."""
    after_end = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    # A day's margin around clock changes; the due date, counted in days, decides.
    overdue = (
        Consultation.objects.feedback_overdue(after_end + timedelta(days=1))
        .select_related("owner")
        .annotate(outcome_pk=F("outcome__pk"))
        .order_by("closes_at", "pk")
    )
    officers = None
    for consultation in overdue:
        due_on = timezone.localdate(consultation.closes_at) + FEEDBACK_DUE_AFTER
        if due_on > end:
            continue
        if officers is None:
            officers = tuple(get_user_model().objects.holding_role(ENGAGEMENT_OFFICER.name))
        owner = consultation.owner
        yield Reminder(
            key=f"consultations.feedback_due:{consultation.pk}:{due_on.isoformat()}",
            recipients=(owner, *(o for o in officers if o.pk != owner.pk)),
            due_on=due_on,
            title=f"Feedback due {due_on.day} {due_on:%B}: {consultation.title}",
            url=_outcome_url(consultation),
        )


def _outcome_url(consultation: Consultation) -> str:
    """The outcome's page in the admin, or a new outcome for this consultation."""
    if consultation.outcome_pk is not None:
        return reverse("admin:consultations_outcome_change", args=[consultation.outcome_pk])
    return f"{reverse('admin:consultations_outcome_add')}?consultation={consultation.pk}"
