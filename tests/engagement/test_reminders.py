"""Engagement's reminder provider (decision 18), on fixed dates."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse

from engagement.models import RaisedIssue, WorkPlan
from engagement.reminders import engagement_reminders
from engagement.services import raise_issue
from engagement.workflow import IssueStatus
from pcc_portal.registry import due_reminders, reminder_providers
from tests.engagement.factories import LONDON, AmbassadorFactory, ContactFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)


def reminders(day=MONDAY):
    return list(engagement_reminders(start=day, end=day))


@pytest.fixture
def officers(make_user):
    return {
        "engagement": make_user("Engagement officer"),
        "staff": make_user("Staff officer"),
        "other": make_user("Grants officer"),
    }


def test_the_provider_is_registered():
    assert reminder_providers.get("engagement") is engagement_reminders


def test_a_work_plan_review_is_due_from_fourteen_days_ahead(officers):
    ambassador = AmbassadorFactory()
    plan = WorkPlan.objects.create(ambassador=ambassador, next_review_on=date(2026, 12, 7))
    assert reminders(date(2026, 11, 22)) == []  # fifteen days ahead
    (reminder,) = reminders(date(2026, 11, 23))  # fourteen
    assert reminder.key == f"engagement.work_plan_review:{plan.pk}:2026-12-07"
    assert reminder.due_on == date(2026, 12, 7)
    assert set(reminder.recipients) == {ambassador.user, officers["engagement"]}
    assert reminder.url == reverse("admin:engagement_workplan_change", args=[plan.pk])
    # Still due, under the same key, until the review moves the date on.
    assert [r.key for r in reminders(date(2026, 12, 8))] == [reminder.key]
    plan.next_review_on = date(2027, 3, 7)
    plan.save()
    assert reminders(date(2026, 12, 8)) == []


def test_an_inactive_ambassadors_plan_is_not_chased(officers):
    WorkPlan.objects.create(
        ambassador=AmbassadorFactory(active=False), next_review_on=date(2026, 11, 30)
    )
    assert reminders() == []


def _issue_raised_on(day: date, status=IssueStatus.OPEN) -> RaisedIssue:
    contact = ContactFactory()
    issue = raise_issue(
        contact=contact, summary="Parking at the school", by=contact.ambassador.user
    )
    raised = datetime.combine(day, datetime.min.time(), LONDON) + timedelta(hours=10)
    RaisedIssue.objects.filter(pk=issue.pk).update(raised_at=raised, status=status)
    return issue


def test_an_issue_waiting_more_than_28_days_goes_to_the_staff_officers(officers):
    issue = _issue_raised_on(date(2026, 10, 26))  # 28 days before MONDAY
    assert reminders(date(2026, 11, 22)) == []
    (reminder,) = reminders(MONDAY)
    assert reminder.key == f"engagement.raised_issue:{issue.pk}:2026-11-23"
    assert reminder.recipients == (officers["staff"],)
    assert reminder.due_on == MONDAY
    assert reminder.url == reverse("engagement:issue_detail", args=[issue.pk])


@pytest.mark.parametrize("status", [IssueStatus.ANSWERED, IssueStatus.CLOSED])
def test_an_answered_or_closed_issue_is_not_chased(officers, status):
    _issue_raised_on(date(2026, 9, 1), status=status)
    assert reminders() == []


def test_the_digest_sees_engagements_reminders_through_the_registry(officers):
    _issue_raised_on(date(2026, 10, 1))
    keys = [r.key for r in due_reminders(start=MONDAY, end=MONDAY)]
    assert any(key.startswith("engagement.raised_issue:") for key in keys)
