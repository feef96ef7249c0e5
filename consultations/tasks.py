"""The consultations' Celery tasks. They take ids, never objects (decision 16), and do their work
through the services they call, which are safe to run twice."""

from celery import shared_task
from django.db import DatabaseError

from . import retention


# A database hiccup is worth another try later; anything else is a fault to look at.
@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=5,
)
def anonymise_expired_responses_task() -> int:
    """Remove personal data whose retention period has ended (run daily by beat; the schedule
    is made by a migration through consultations.schedules and editable in the admin)."""
    return retention.anonymise_expired_responses()
