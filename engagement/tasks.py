"""The engagement work's Celery tasks. They take ids and dates, never objects (decision 16); the
work is done by the services they call, each safe to run twice."""

from datetime import date

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import newsletters

# A database hiccup is worth another try a little later.
RETRYING = {
    "acks_late": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRYING)
def draft_weekly_newsletter(today: str | None = None) -> int:
    """Draft this week's newsletter for a person to review and send (run on Monday mornings by
    beat; the schedule is made by migration engagement 0008 and editable in the admin). Drafting
    twice in a week returns the first draft. `today` is an ISO date; returns the issue's id."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return newsletters.draft_weekly_issue(today=day).pk


@shared_task(**RETRYING)
def send_scheduled_newsletters() -> list[int]:
    """Send the issues whose scheduled time has come (run every five minutes by beat)."""
    return newsletters.send_scheduled_issues(now=timezone.now())
