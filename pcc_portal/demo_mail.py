"""The demo's email: what its story sent, and the reminder digests of the last few mornings.

An email the demo's story sends (a subscription to confirm, a story to approve, a digest) goes
through the portal's own verbs, `send_email` and `deliver`, to the email backend configured, and
is then dated back to when it would have gone, as the demo's other records are. That happens
only while the mail stays on this machine (the laptop's files under var/mail/, the tests'
outbox, the console): with an SMTP server configured nothing is delivered here, and whatever was
written waits for the worker like any other email.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from .mail.services import Outcome, TemporaryFailure, deliver
from .models import OutboundMessage, ReminderSent
from .reminders import send_reminder_digests

# Backends that keep every message on this machine.
LOCAL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    }
)
# The digests of this many mornings before the day the demo is loaded.
DIGEST_DAYS = 3
# The hour the daily digest goes (its beat schedule, pcc_portal migration 0011).
DIGEST_HOUR = 7


def mail_stays_local() -> bool:
    return settings.EMAIL_BACKEND in LOCAL_BACKENDS


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of `day` in the portal's time zone, never later than now."""
    moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
    return min(moment, timezone.now())


def deliver_dated(messages, when: datetime) -> int:
    """Deliver each outbound message now, through the delivery task's body, and date it `when`
    (written, claimed and sent then). Returns how many went; none unless the mail stays on this
    machine, and a message the rate cap holds back is left pending for the worker."""
    if not mail_stays_local():
        return 0
    sent = []
    for pk in [getattr(message, "pk", message) for message in messages]:
        try:
            outcome = deliver(pk).outcome
        except TemporaryFailure:
            continue
        if outcome == Outcome.SENT:
            sent.append(pk)
    OutboundMessage.objects.filter(pk__in=sent).update(
        created_at=when, next_attempt_at=when, claimed_at=when, sent_at=when
    )
    return len(sent)


def send_demo_digests(*, today: date, stdout) -> None:
    """The daily digest of each of the last DIGEST_DAYS mornings, sent through
    `send_reminder_digests` for that day and dated then. Once: a later load sends none (the
    beat sends each new morning's). With the mail leaving this machine, only today's digest is
    sent, as the beat would, and the worker delivers it."""
    if ReminderSent.objects.exists():
        stdout.write("  0 reminder digests sent\n")
        return
    days = range(DIGEST_DAYS, 0, -1) if mail_stays_local() else [0]
    emails = reminders = 0
    for back in days:
        day = today - timedelta(days=back)
        run = send_reminder_digests(today=day)
        if back:
            when = at(day, DIGEST_HOUR)
            ReminderSent.objects.filter(message__in=run.emails).update(sent_at=when)
            deliver_dated(run.emails, when)
        emails += len(run.emails)
        reminders += run.reminders
    stdout.write(f"  {emails} reminder digests sent, listing {reminders} reminders\n")
