"""Engagement's reminders (decision 18): an ambassador's work plan review coming up, and issues
raised for the office holder that have waited too long for an answer."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from pcc_portal.registry import Reminder
from pcc_portal.roles import ENGAGEMENT_OFFICER, STAFF_OFFICER

from .models import RaisedIssue, WorkPlan
from .workflow import IssueStatus

# A review is on the ambassador's and the engagement officers' minds two weeks ahead.
REVIEW_NOTICE = timedelta(days=14)
# An issue still waiting for an answer after four weeks is chased.
ISSUE_WAIT = timedelta(days=28)
AWAITING_ANSWER = (IssueStatus.OPEN, IssueStatus.RAISED)


def engagement_reminders(*, start: date, end: date) -> Iterator[Reminder]:
    """Reminders falling due between `start` and `end` (inclusive). An item stays due until it
    is dealt with, so a digest that missed a day still finds it; its key stays the same, so
    nothing is sent twice."""
    yield from _work_plan_reviews(end=end)
    yield from _issues_waiting(end=end)


def _work_plan_reviews(*, end: date) -> Iterator[Reminder]:
    officers = tuple(get_user_model().objects.holding_role(ENGAGEMENT_OFFICER.name))
    plans = WorkPlan.objects.filter(
        ambassador__active=True, next_review_on__lte=end + REVIEW_NOTICE
    ).select_related("ambassador__user")
    for plan in plans:
        ambassador_user = plan.ambassador.user
        recipients = (ambassador_user, *(o for o in officers if o.pk != ambassador_user.pk))
        yield Reminder(
            key=f"engagement.work_plan_review:{plan.pk}:{plan.next_review_on.isoformat()}",
            recipients=recipients,
            due_on=plan.next_review_on,
            title=f"Work plan review for {ambassador_user.get_full_name()}",
            url=reverse("admin:engagement_workplan_change", args=[plan.pk]),
        )


def _issues_waiting(*, end: date) -> Iterator[Reminder]:
    staff_officers = tuple(get_user_model().objects.holding_role(STAFF_OFFICER.name))
    if not staff_officers:
        return
    # Raised on or before this moment, the issue has waited ISSUE_WAIT by the end of `end`.
    latest = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    issues = RaisedIssue.objects.filter(
        status__in=AWAITING_ANSWER, raised_at__lt=latest - ISSUE_WAIT
    ).order_by("raised_at", "pk")
    for issue in issues:
        due_on = timezone.localdate(issue.raised_at) + ISSUE_WAIT
        yield Reminder(
            key=f"engagement.raised_issue:{issue.pk}:{due_on.isoformat()}",
            recipients=staff_officers,
            due_on=due_on,
            title=f"Waiting more than four weeks for an answer: {issue.summary}",
            url=reverse("engagement:issue_detail", args=[issue.pk]),
        )
