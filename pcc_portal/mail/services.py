"""Sending email: the verbs every app calls (decisions 14 to 16).

`send_email` writes an `OutboundMessage` in the caller's transaction and queues its delivery when
that transaction commits, so a rolled-back change sends nothing. `deliver` is the delivery task's
body: it claims the row, sends it with the row's fixed Message-ID and marks it sent.

Delivery is at least once, never exactly once: SMTP gives no way to ask whether a message got
through. A worker killed between the SMTP call and marking the row sent leaves it "sending";
once that claim is older than the task's hard time limit (so no live task can still hold it),
`requeue_stranded_messages` queues it again and it is sent a second time with the same
Message-ID. Duplicates are therefore bounded by the number of killed workers and visible.

Templates: `<template>.txt` is required and `<template>.html` optional, for example
`templates/<app>/email/<name>.txt`. They see the context given plus `office` (the
OfficeProfile). The text part is rendered without HTML escaping.

Decision 37: every email links to the page it is about (`absolute_url`, on the `SITE_URL`
setting), gives dates in words (`date_in_words`) and comes from the office's address (its
profile's email, under the office's name; `DEFAULT_FROM_EMAIL` until one is entered). A subject
is made one line here, so a caller may build it from someone's text.

`EMAIL_RATE_PER_MINUTE` caps all of it, across every worker: a send is held back while the
database shows that many send attempts in the last minute, single and bulk together.

Bulk mail (a newsletter to thousands, decision 42) is `send_bulk`, in `bulk.py` and exported
here: a delivery row per address, sent in batches over one SMTP connection on a queue of its
own, leaving part of the cap to single mail, which goes first.
"""

import json
import logging
import random
import smtplib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.template import Context, TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.utils import dateformat, timezone

from ..models import BulkDelivery, OfficeProfile, OutboundMessage

logger = logging.getLogger(__name__)

INVALID_ADDRESS = "Enter an email address in the correct format, like name@example.com"
SUBJECT_REQUIRED = "Enter a subject"
# The outbound message's column; longer subjects are cut short with an ellipsis.
SUBJECT_MAX_LENGTH = 255
CONTEXT_NOT_JSON = (
    "An email's context must hold JSON values only (text, numbers, true/false, null, lists and "
    "dicts): pass ids and text, not model instances or dates"
)
RELATED_NOT_SAVED = "Save the related object before sending email about it"

# SMTP and network failures are worth trying again. (SMTPException, ConnectionError and socket
# timeouts are all OSErrors; they are named for the reader.)
TEMPORARY_ERRORS = (smtplib.SMTPException, ConnectionError, OSError)
# The first try and eight retries, counted on the row: a wait for the rate cap is not an attempt,
# and attempts made by a retry, the sweep or "Send again" all count.
MAX_ATTEMPTS = 9
# Retries wait 30 s, 1, 2, 4 and 8 minutes, then 10 minutes (less up to half, at random, so
# retries after an outage do not all arrive together): about 40 minutes in all before giving up.
RETRY_BACKOFF_SECONDS = 30
RETRY_BACKOFF_MAX_SECONDS = 600
# A pending row whose task has not run this long after it was due has lost its task (the web
# process died before its on_commit hook ran, or the broker lost the message).
LOST_AFTER = timedelta(minutes=5)
RATE_WINDOW = timedelta(minutes=1)
# Any constant will do: the PostgreSQL advisory lock that lets one worker at a time take a slot.
RATE_LOCK_KEY = 0x6D61696C  # "mail"


class Outcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already sent"
    BUSY = "another worker has it"
    DEFERRED = "waiting for the rate cap"
    FAILED = "failed"
    GONE = "not found"


@dataclass(frozen=True)
class Delivery:
    """What one run of the delivery task did; `retry_in` (seconds) is set when it must run again
    later because the rate cap is reached."""

    outcome: Outcome
    retry_in: float | None = None


class TemporaryFailure(Exception):
    """The SMTP server or the network failed. The row is pending again, with `last_error`; the
    task should run again in `retry_in` seconds. The original error is the `__cause__`."""

    def __init__(self, message: str, *, retry_in: float):
        super().__init__(message)
        self.retry_in = retry_in


def send_email(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict,
    related: models.Model | None = None,
) -> OutboundMessage:
    """Write one outbound email in the caller's transaction; it is queued for delivery when that
    transaction commits, and never if it rolls back.

    `template` is a base name such as "<app>/email/<name>" (see the module's
    docstring); `context` must be JSON (ids and text: the templates run later, in a worker);
    `related` is the record the email is about, shown in the admin.

    The subject is made one line (every run of spaces, tabs and line breaks becomes one space)
    and cut to SUBJECT_MAX_LENGTH with an ellipsis, so it may be built from what someone typed.

    Raises ValidationError for a bad address or an empty subject, TemplateDoesNotExist when
    `<template>.txt` is missing, and TypeError for a context that is not JSON.
    """
    to = (to or "").strip()
    try:
        validate_email(to)
    except ValidationError:
        raise ValidationError({"to": INVALID_ADDRESS}) from None
    subject = one_line(subject, limit=SUBJECT_MAX_LENGTH)
    if not subject:
        raise ValidationError({"subject": SUBJECT_REQUIRED})
    get_template(f"{template}.txt")  # a mistyped name fails here, in the caller, not in a worker
    if not isinstance(context, dict):
        raise TypeError(CONTEXT_NOT_JSON)
    try:
        json.dumps(context, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(CONTEXT_NOT_JSON) from exc
    if related is not None and related.pk is None:
        raise ValueError(RELATED_NOT_SAVED)

    message = OutboundMessage(to_email=to, subject=subject, template=template, context=context)
    if related is not None:
        message.related = related
    message.save()
    # robust: a broker that is down must not turn the caller's committed work into an error page;
    # the row waits, and the sweep queues it within minutes.
    transaction.on_commit(lambda: _queue(message.pk), robust=True)
    return message


def one_line(text: str, *, limit: int) -> str:
    """`text` as one line of at most `limit` characters: each run of whitespace (line breaks and
    tabs too) becomes one space, and a longer text ends in an ellipsis."""
    # str.split() with no argument splits on every Unicode whitespace, \r, \n, \v and the line
    # and paragraph separators included: any of them in a header would fold or end it.
    text = " ".join((text or "").split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def absolute_url(path: str) -> str:
    """The full address of a page of the portal, for a link in an email: `path` (as `reverse`
    gives it) on the SITE_URL setting."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def date_in_words(value: date) -> str:
    """A date as an email gives it, e.g. "Monday 23 November 2026"."""
    return dateformat.format(value, "l j F Y")


def sender(office: OfficeProfile | None = None) -> str:
    """Who an email comes from: the office's address under the office's name, or the
    DEFAULT_FROM_EMAIL setting while the office has no address."""
    office = office or OfficeProfile.objects.get_current()
    if not office.email:
        return settings.DEFAULT_FROM_EMAIL
    try:
        # Address() quotes a name with commas or quotes in it; Django encodes what is not ASCII.
        return str(
            Address(display_name=one_line(office.office_name, limit=200), addr_spec=office.email)
        )
    except (ValueError, HeaderParseError):
        # An address the admin let through but email headers cannot carry must not strand the
        # message: it goes from the portal's own address instead.
        logger.warning("The office's email address %r cannot be used as From.", office.email)
        return settings.DEFAULT_FROM_EMAIL


def deliver(message_id: int) -> Delivery:
    """Send one outbound email, if it still needs sending. Safe to run twice, or at once in two
    workers: the row lock and its status decide who sends.

    Returns what it did. Raises TemporaryFailure on an SMTP or network error (the row is pending
    again, to be retried); after MAX_ATTEMPTS the row is marked failed instead.
    """
    with transaction.atomic(durable=True):
        message = _lock(message_id)
        if message is None:
            return Delivery(Outcome.GONE)  # deleted, or another worker holds the lock this instant
        now = timezone.now()
        if message.status == OutboundMessage.Status.SENT:
            return Delivery(Outcome.ALREADY_SENT)
        if message.status == OutboundMessage.Status.FAILED:
            return Delivery(Outcome.FAILED)  # only "Send again" in the admin revives it
        if message.status == OutboundMessage.Status.SENDING:
            if message.claimed_at > now - stale_after():
                return Delivery(Outcome.BUSY)
            logger.warning(
                "Outbound email %s was left sending by a worker that stopped; sending it again "
                "with the same Message-ID %s.",
                message.pk,
                message.message_id,
            )
        if message.attempts >= MAX_ATTEMPTS:
            _mark_failed(message, f"Given up after {message.attempts} attempts")
            return Delivery(Outcome.FAILED)
        wait = _seconds_until_a_free_slot(message, now)
        if wait:
            message.next_attempt_at = now + timedelta(seconds=wait)
            message.save(update_fields=["next_attempt_at"])
            return Delivery(Outcome.DEFERRED, retry_in=wait)
        # The claim is committed before the SMTP call: from here a killed worker leaves the row
        # "sending", which the sweep finds once the claim is stale.
        message.status = OutboundMessage.Status.SENDING
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])

    try:
        email = _build_email(message)
    except (TemplateDoesNotExist, TemplateSyntaxError) as exc:
        # The same templates would fail every time: no retry.
        logger.exception("Outbound email %s cannot be rendered.", message.pk)
        _mark_failed(message, _describe(exc))
        return Delivery(Outcome.FAILED)

    try:
        email.send()
    except TEMPORARY_ERRORS as exc:
        if message.attempts >= MAX_ATTEMPTS:
            logger.error("Outbound email %s failed %s times; giving up.", message.pk, MAX_ATTEMPTS)
            _mark_failed(message, _describe(exc))
            return Delivery(Outcome.FAILED)
        retry_in = retry_delay(message.attempts)
        OutboundMessage.objects.filter(
            pk=message.pk, status=OutboundMessage.Status.SENDING, claimed_at=message.claimed_at
        ).update(
            status=OutboundMessage.Status.PENDING,
            last_error=_describe(exc),
            next_attempt_at=timezone.now() + timedelta(seconds=retry_in),
        )
        raise TemporaryFailure(
            f"Outbound email {message.pk}: {_describe(exc)}", retry_in=retry_in
        ) from exc

    OutboundMessage.objects.filter(pk=message.pk).update(
        status=OutboundMessage.Status.SENT, sent_at=timezone.now()
    )
    return Delivery(Outcome.SENT)


def requeue_stranded_messages(*, now: datetime | None = None) -> int:
    """Queue again what lost its task, and return how many: pending rows more than five minutes
    past due (their on_commit hook died with a web process, or the broker lost the task) and
    sending rows whose claim is stale (a worker was killed after claiming: they are sent again,
    with the same Message-ID). Safe to run at any time: delivery decides, under the row lock,
    whether anything is still to be sent.
    """
    now = now or timezone.now()
    lost = list(
        OutboundMessage.objects.filter(
            status=OutboundMessage.Status.PENDING, next_attempt_at__lt=now - LOST_AFTER
        ).values_list("pk", flat=True)
    )
    stale = list(
        OutboundMessage.objects.filter(
            status=OutboundMessage.Status.SENDING, claimed_at__lt=now - stale_after()
        ).values_list("pk", flat=True)
    )
    for start in range(0, len(lost), 500):
        chunk = lost[start : start + 500]
        # Due now: the next sweep gives the task queued here five minutes before queuing another.
        OutboundMessage.objects.filter(pk__in=chunk, status=OutboundMessage.Status.PENDING).update(
            next_attempt_at=now
        )
    for pk in lost + stale:
        _queue(pk)
    if lost or stale:
        logger.warning(
            "Outbound email sweep queued %s pending and %s stale sending message(s).",
            len(lost),
            len(stale),
        )
    return len(lost) + len(stale)


def requeue_messages(*, messages: models.QuerySet) -> int:
    """Send failed messages again ("Send again" in the admin), with a fresh count of attempts;
    messages in any other state are left alone. Returns how many were queued."""
    with transaction.atomic():
        # Through a subquery: the admin's queryset may carry joins or DISTINCT, which FOR UPDATE
        # refuses on PostgreSQL.
        ids = list(
            OutboundMessage.objects.filter(
                pk__in=messages.values("pk"), status=OutboundMessage.Status.FAILED
            )
            .select_for_update()
            .values_list("pk", flat=True)
        )
        OutboundMessage.objects.filter(pk__in=ids).update(
            status=OutboundMessage.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        for pk in ids:
            transaction.on_commit(lambda pk=pk: _queue(pk), robust=True)
    return len(ids)


def stale_after() -> timedelta:
    """How old a claim must be before the sweep sends the row again. The worker kills a task at
    CELERY_TASK_TIME_LIMIT, so an older claim belongs to no live task; the extra minute allows
    for clocks that differ between machines."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the given number of failed attempts: doubling from
    RETRY_BACKOFF_SECONDS up to RETRY_BACKOFF_MAX_SECONDS, less up to half at random."""
    ceiling = min(RETRY_BACKOFF_MAX_SECONDS, RETRY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 (spreading, not secrets)


def _queue(message_pk: int) -> None:
    # Imported here because the task module imports this one.
    from ..tasks import deliver_message

    deliver_message.delay(message_pk)


def _lock(message_id: int) -> OutboundMessage | None:
    # skip_locked: a worker that finds the row locked leaves it to the one holding it rather than
    # waiting. SQLite has no row locks; its IMMEDIATE transactions let one writer in at a time.
    return (
        OutboundMessage.objects.select_for_update(
            skip_locked=connection.features.has_select_for_update_skip_locked
        )
        .filter(pk=message_id)
        .order_by()
        .first()
    )


def _seconds_until_a_free_slot(message: OutboundMessage, now: datetime) -> float:
    """0 if this message may be sent now under EMAIL_RATE_PER_MINUTE (0 = no cap), else about
    how long until its turn. Call inside the claim's transaction."""
    cap = settings.EMAIL_RATE_PER_MINUTE
    if cap <= 0:
        return 0
    _take_rate_lock()
    used, oldest = slots_used(now)
    if used < cap:
        return 0
    # Wait for this message's turn rather than polling each second: the next slot frees when the
    # oldest attempt in the window leaves it, and the rows queued before this one go first, at
    # `cap` a minute. A few seconds of jitter stop the deferred tasks all waking together.
    frees_in = max((oldest + RATE_WINDOW - now).total_seconds(), 1)
    ahead = OutboundMessage.objects.filter(
        status=OutboundMessage.Status.PENDING, pk__lt=message.pk
    ).count()
    turn = RATE_WINDOW.total_seconds() * (ahead // cap)
    return frees_in + turn + random.uniform(0, 5)  # noqa: S311 (spreading, not secrets)


def slots_used(now: datetime) -> tuple[int, datetime | None]:
    """The rate cap's count at `now`: send attempts, single and bulk, started (claimed) or
    finished (sent) in the last minute, so messages being sent right now by other workers count
    too; and when the oldest of them took its slot (None when there are none). Call under the
    rate lock to act on it."""
    since = now - RATE_WINDOW
    used, oldest = 0, None
    for model in (OutboundMessage, BulkDelivery):
        found = model.objects.filter(Q(claimed_at__gt=since) | Q(sent_at__gt=since)).aggregate(
            count=Count("pk"), first=Min(Coalesce("sent_at", "claimed_at"))
        )
        used += found["count"]
        if found["first"] is not None and (oldest is None or found["first"] < oldest):
            oldest = found["first"]
    return used, oldest


def _take_rate_lock() -> None:
    """Let one worker at a time count and claim, until its transaction ends: otherwise two
    workers could both see one slot left and both take it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RATE_LOCK_KEY])
    # SQLite: the claim's transaction began IMMEDIATE and already holds the database's one
    # write lock.


def _build_email(message: OutboundMessage) -> EmailMultiAlternatives:
    office = OfficeProfile.objects.get_current()
    context = {**message.context, "office": office}
    # The text part is not HTML: rendered through the engine's own template so that nothing is
    # escaped ("O'Brien" must not arrive as "O&#x27;Brien").
    text = get_template(f"{message.template}.txt").template.render(
        Context(context, autoescape=False)
    )
    try:
        html_template = get_template(f"{message.template}.html")
    except TemplateDoesNotExist:
        html_template = None  # optional; an error inside an existing one still fails below
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=text,
        from_email=sender(office),
        to=[message.to_email],
        headers={"Message-ID": message.message_id},
    )
    if html_template is not None:
        email.attach_alternative(html_template.render(context), "text/html")
    return email


def _mark_failed(message: OutboundMessage, error: str) -> None:
    OutboundMessage.objects.filter(pk=message.pk).exclude(
        status=OutboundMessage.Status.SENT
    ).update(status=OutboundMessage.Status.FAILED, last_error=error)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


# The bulk verbs live in bulk.py, which builds on this module; they are named here too, so that
# every app sends through `pcc_portal.mail.services`.
BULK_NAMES = frozenset(
    {"BulkRecipient", "send_bulk", "pause_mailing", "resume_mailing", "cancel_mailing"}
)


def __getattr__(name: str):
    if name in BULK_NAMES:
        from . import bulk

        return getattr(bulk, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
