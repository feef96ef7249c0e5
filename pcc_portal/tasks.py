"""The portal floor's Celery tasks. They take ids, never objects (decision 16); the work is done by
the services they call."""

from datetime import date

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import reminders
from .mail import bulk, services


# Celery's own retry limit is off (max_retries=None): attempts are counted on the row, so that a
# wait for the rate cap is not a failure and the row gives up after services.MAX_ATTEMPTS however
# its attempts were queued (a retry, the sweep or "Send again").
@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_message(self, message_id: int) -> str:
    """Deliver one outbound email (pcc_portal.mail.services.deliver)."""
    try:
        delivery = services.deliver(message_id)
    except services.TemporaryFailure as exc:
        # SMTP or network trouble: the row is pending again; back off and try once more.
        raise self.retry(exc=exc, countdown=exc.retry_in) from exc
    if delivery.retry_in is not None:
        # The rate cap is reached: run again when a slot should be free.
        raise self.retry(countdown=delivery.retry_in)
    return str(delivery.outcome)


@shared_task(acks_late=True)
def sweep_outbound_messages() -> int:
    """Queue again outbound emails whose task was lost, and bulk deliveries and mailings a dead
    worker left (run every five minutes by beat; the schedule is made by migration pcc_portal
    0005 and editable in the admin)."""
    return services.requeue_stranded_messages() + bulk.requeue_stranded_deliveries()


# On the "bulk" queue (CELERY_TASK_ROUTES). Attempts are counted on the rows, as for single mail:
# a wait for the rate cap is not a failure.
@shared_task(bind=True, acks_late=True, max_retries=None)
def send_mailing_batch(self, mailing_id: int) -> str:
    """Send one batch of a bulk mailing over one SMTP connection
    (pcc_portal.mail.bulk.send_batch), then queue the next at the back of the queue."""
    batch = bulk.send_batch(mailing_id)
    if batch.outcome == bulk.BatchOutcome.MORE:
        send_mailing_batch.delay(mailing_id)
    elif batch.retry_in is not None and not self.request.is_eager:
        # The rate cap, rows waiting after a failure, or SMTP trouble: run again later. (Run
        # eagerly, in tests, it would run again at once, for ever; the test runs it again.)
        raise self.retry(countdown=batch.retry_in)
    return str(batch.outcome)


# Safe to run again: what was sent is recorded with each digest, so a retry, a redelivered task
# or a second beat sends nothing twice. A database hiccup is worth another try later.
@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=5,
)
def send_reminder_digests_task(today: str | None = None) -> int:
    """Send each person one email of their reminders due today (run daily by beat; the schedule
    is made by migration pcc_portal 0011 and editable in the admin). `today` is an ISO date, for
    running a missed day again; returns how many people were emailed."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return reminders.send_reminder_digests(today=day).people
