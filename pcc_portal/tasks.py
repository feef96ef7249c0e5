"""The portal floor's Celery tasks. They take ids, never objects (decision 16); the work is done by
the services they call."""

from celery import shared_task

from .mail import services


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
    """Queue again outbound emails whose task was lost (run every five minutes by beat; the
    schedule is made by migration pcc_portal 0005 and editable in the admin)."""
    return services.requeue_stranded_messages()
