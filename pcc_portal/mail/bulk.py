"""Bulk email: one message to many addresses, a newsletter issue say (decision 42).

`send_bulk` writes a `BulkMailing` and one `BulkDelivery` per address, in bulk, in the caller's
transaction, and queues its batches when that transaction commits. A batch (`send_batch`, the
body of the task `pcc_portal.tasks.send_mailing_batch`, on the "bulk" queue) sends up to
BATCH_SIZE messages, or for BATCH_SECONDS, over one SMTP connection, then queues the next batch at
the back of the queue, so a worker that also takes single mail reaches it between batches.
BULK_EMAIL_SENDERS batches run side by side.

The same discipline as single mail (services.py): rows are claimed ("sending", a few at a time
under the rate lock) before their SMTP calls and each is marked sent right after its own call;
every row's Message-ID is fixed when it is written. A worker killed mid-batch leaves its claimed
rows "sending"; once the claims are stale the sweep (`requeue_stranded_deliveries`, run with the
outbound email sweep) makes them pending again and queues a batch. Only the row whose SMTP call
had finished when the worker died is sent twice, with the same Message-ID: duplicates are at
most the number of killed workers.

The rate cap (`EMAIL_RATE_PER_MINUTE`) counts single and bulk sends together and is never
exceeded. Mail to one person goes first: a batch leaves a tenth of the cap free for it, and
more while single messages are waiting, so a password reset leaves while a newsletter sends.

Each message carries RFC 8058's `List-Unsubscribe` (the recipient's unsubscribe link and the
office's address) and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` headers when the
recipient has an unsubscribe link. `pause_mailing` stops the batches between two messages;
`resume_mailing` starts them again; `mailing.progress()` says how far it has gone.
"""

import contextlib
import json
import logging
import random
import smtplib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.db.models import F, Min
from django.template import Context, TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.utils import timezone

from ..models import BulkDelivery, BulkMailing, OfficeProfile, OutboundMessage
from .services import (
    CONTEXT_NOT_JSON,
    INVALID_ADDRESS,
    LOST_AFTER,
    MAX_ATTEMPTS,
    RATE_WINDOW,
    RELATED_NOT_SAVED,
    SUBJECT_MAX_LENGTH,
    SUBJECT_REQUIRED,
    TEMPORARY_ERRORS,
    _describe,
    _take_rate_lock,
    one_line,
    retry_delay,
    sender,
    slots_used,
    stale_after,
)

logger = logging.getLogger(__name__)

# A batch: at most this many messages, or this long, over one SMTP connection. Short, so that a
# worker taking single mail too reaches it between batches within seconds.
BATCH_SIZE = 200
BATCH_SECONDS = 3.0
# Rows claimed at a time under the rate lock: a killed worker strands at most this many, which
# the sweep makes pending again (all but the one in its SMTP call were never sent).
CLAIM_CHUNK = 25
# Bulk mail leaves this share of the rate cap (1/10) to mail for one person.
SINGLE_MAIL_SHARE = 10
# Rows written per INSERT.
CREATE_CHUNK = 1000
UNSUBSCRIBE_NOT_A_LINK = "An unsubscribe link must be a full http or https address"
HEADERS_NOT_TEXT = "Extra headers must be names and values of text, each one line"
# An SMTP reply this high refuses the message for good: no point trying again.
PERMANENT_REPLY = 500


@dataclass(frozen=True)
class BulkRecipient:
    """One address of a bulk mailing: its own template values (merged over the mailing's), and
    the link that unsubscribes it, which becomes `unsubscribe_url` in the templates and the
    List-Unsubscribe headers."""

    email: str
    context: dict = field(default_factory=dict)
    unsubscribe_url: str | None = None


class BatchOutcome(StrEnum):
    MORE = "sent a batch; more to send"
    DONE = "the mailing is done"
    WAITING = "waiting for rows to be due"
    DEFERRED = "waiting for the rate cap"
    RETRY = "SMTP failed; trying again later"
    STOPPED = "the mailing is paused or cancelled"
    IDLE = "nothing to send here; another batch has the rest"
    GONE = "not found"


@dataclass(frozen=True)
class Batch:
    """What one batch did: `sent` messages, and `retry_in` seconds when it must run again."""

    outcome: BatchOutcome
    sent: int = 0
    retry_in: float | None = None


def send_bulk(
    *,
    subject: str,
    template: str,
    context: dict,
    recipients,
    related: models.Model | None = None,
    headers: dict | None = None,
) -> BulkMailing:
    """Write a mailing and a delivery per address in the caller's transaction; its batches are
    queued when that transaction commits, and never if it rolls back.

    `recipients` is an iterable of `BulkRecipient`; an address given twice (in any case) gets
    one delivery. An address that is not one is recorded as a failed delivery, so it shows in
    the mailing's progress rather than stopping it. `template` and `context` are as for
    `send_email` (context JSON only); each recipient's context is merged over it. `headers` are
    added to every message.

    Raises ValidationError for an empty subject or a bad unsubscribe link or header,
    TemplateDoesNotExist when `<template>.txt` is missing, and TypeError for a context that is
    not JSON.
    """
    subject = one_line(subject, limit=SUBJECT_MAX_LENGTH)
    if not subject:
        raise ValidationError({"subject": SUBJECT_REQUIRED})
    get_template(f"{template}.txt")  # a mistyped name fails here, in the caller
    _check_json(context)
    headers = _checked_headers(headers or {})
    if related is not None and related.pk is None:
        raise ValueError(RELATED_NOT_SAVED)

    now = timezone.now()
    # All or nothing, even in autocommit: a bad recipient part way leaves no half mailing.
    with transaction.atomic():
        mailing = BulkMailing(
            subject=subject,
            template=template,
            context=context,
            headers=headers,
            created_at=now,
            next_attempt_at=now,
        )
        if related is not None:
            mailing.related = related
        mailing.save()
        seen: set[str] = set()
        rows: list[BulkDelivery] = []
        for recipient in recipients:
            address = (recipient.email or "").strip()
            if address.casefold() in seen:
                continue
            seen.add(address.casefold())
            rows.append(_delivery(mailing, recipient, address, now))
            if len(rows) >= CREATE_CHUNK:
                BulkDelivery.objects.bulk_create(rows, ignore_conflicts=True)
                rows = []
        if rows:
            BulkDelivery.objects.bulk_create(rows, ignore_conflicts=True)

    senders = max(1, min(settings.BULK_EMAIL_SENDERS, -(-len(seen) // BATCH_SIZE)))
    # robust: a broker that is down must not undo the caller's committed work; the sweep finds
    # a mailing no batch has touched and queues one.
    transaction.on_commit(lambda: _queue(mailing.pk, senders), robust=True)
    return mailing


def pause_mailing(mailing: BulkMailing) -> bool:
    """Stop sending: each batch stops before its next message. Returns False when the mailing
    was not sending."""
    paused = BulkMailing.objects.filter(pk=mailing.pk, status=BulkMailing.Status.SENDING).update(
        status=BulkMailing.Status.PAUSED
    )
    mailing.refresh_from_db(fields=["status"])
    return bool(paused)


def resume_mailing(mailing: BulkMailing) -> bool:
    """Start a paused mailing again from where it stopped; its batches are queued when the
    caller's transaction commits. Returns False when the mailing was not paused."""
    now = timezone.now()
    resumed = BulkMailing.objects.filter(pk=mailing.pk, status=BulkMailing.Status.PAUSED).update(
        status=BulkMailing.Status.SENDING, next_attempt_at=now
    )
    mailing.refresh_from_db(fields=["status", "next_attempt_at"])
    if resumed:
        remaining = mailing.deliveries.filter(status=BulkDelivery.Status.PENDING).count()
        senders = max(1, min(settings.BULK_EMAIL_SENDERS, -(-remaining // BATCH_SIZE)))
        transaction.on_commit(lambda: _queue(mailing.pk, senders), robust=True)
    return bool(resumed)


def cancel_mailing(mailing: BulkMailing) -> bool:
    """Stop for good: nothing more is sent; what was not sent stays pending, for the record.
    Returns False when the mailing had already finished."""
    cancelled = BulkMailing.objects.filter(
        pk=mailing.pk, status__in=[BulkMailing.Status.SENDING, BulkMailing.Status.PAUSED]
    ).update(status=BulkMailing.Status.CANCELLED, finished_at=timezone.now())
    mailing.refresh_from_db(fields=["status", "finished_at"])
    return bool(cancelled)


def send_batch(
    mailing_id: int, *, limit: int = BATCH_SIZE, seconds: float = BATCH_SECONDS
) -> Batch:
    """Send one batch of a mailing over one SMTP connection: rows claimed a few at a time under
    the rate cap, each marked sent right after its own SMTP call, until `limit` messages or
    `seconds` have gone, the mailing is paused, or nothing is due. Safe to run in several
    workers at once: each claims rows no other holds.

    Returns what it did; `retry_in` says when to run again (the rate cap, rows waiting after a
    failure, or SMTP trouble, after which the rest of the batch is pending again).
    """
    mailing = BulkMailing.objects.filter(pk=mailing_id).first()
    if mailing is None:
        return Batch(BatchOutcome.GONE)
    if mailing.status != BulkMailing.Status.SENDING:
        return Batch(BatchOutcome.STOPPED)
    _touch(mailing, timezone.now())
    started = time.monotonic()
    office = OfficeProfile.objects.get_current()
    from_email = sender(office)
    parts = _templates(mailing.template)
    smtp = None
    sent = 0
    try:
        while sent < limit and time.monotonic() - started < seconds:
            rows, wait = _claim(mailing, min(CLAIM_CHUNK, limit - sent))
            if wait is not None:
                _touch(mailing, timezone.now() + timedelta(seconds=wait))
                return Batch(BatchOutcome.DEFERRED, sent=sent, retry_in=wait)
            if rows is None:
                return Batch(BatchOutcome.STOPPED, sent=sent)
            if not rows:
                return _nothing_due(mailing, sent)
            for number, row in enumerate(rows):
                try:
                    email = _build_email(mailing, row, parts, office, from_email)
                except (TemplateDoesNotExist, TemplateSyntaxError) as exc:
                    logger.exception("Bulk delivery %s cannot be rendered.", row.pk)
                    _mark_failed(row, _describe(exc))
                    still_sending = _still_sending(mailing)
                else:
                    if smtp is None:
                        smtp = get_connection(fail_silently=False)
                        smtp.open()
                    try:
                        smtp.send_messages([email])
                    except TEMPORARY_ERRORS as exc:
                        if not _refused_for_good(exc):
                            _release(rows[number + 1 :])
                            retry_in = _failed_for_now(row, exc)
                            return Batch(BatchOutcome.RETRY, sent=sent, retry_in=retry_in)
                        _mark_failed(row, _describe(exc))
                        still_sending = _still_sending(mailing)
                    else:
                        still_sending = _mark_sent(row, mailing)
                        sent += 1
                # Paused or cancelled meanwhile: stop here, between two messages.
                if not still_sending:
                    _release(rows[number + 1 :])
                    return Batch(BatchOutcome.STOPPED, sent=sent)
        return Batch(BatchOutcome.MORE, sent=sent)
    finally:
        if smtp is not None:
            # The server may have hung up first; the messages marked sent have gone.
            with contextlib.suppress(*TEMPORARY_ERRORS):
                smtp.close()


def requeue_stranded_deliveries(*, now: datetime | None = None) -> int:
    """Start again what a dead worker left, and return how many rows and mailings it took up:
    rows left "sending" whose claim is stale are pending again (the one whose SMTP call had
    finished is then sent a second time, with the same Message-ID), and a batch is queued for
    their mailing; a mailing no batch has touched for five minutes past due gets a batch too.
    Safe to run at any time: the batches' claims decide what is sent."""
    now = now or timezone.now()
    stale = BulkDelivery.objects.filter(
        status=BulkDelivery.Status.SENDING, claimed_at__lt=now - stale_after()
    )
    stranded = set(stale.values_list("mailing_id", flat=True).distinct())
    reset = stale.update(status=BulkDelivery.Status.PENDING, next_attempt_at=now)
    late = set(
        BulkMailing.objects.filter(
            status=BulkMailing.Status.SENDING, next_attempt_at__lt=now - LOST_AFTER
        ).values_list("pk", flat=True)
    )
    to_queue = (
        set(
            BulkMailing.objects.filter(
                pk__in=stranded, status=BulkMailing.Status.SENDING
            ).values_list("pk", flat=True)
        )
        | late
    )
    if to_queue:
        # Due now: the batch queued here has five minutes to run before the next sweep queues
        # another.
        BulkMailing.objects.filter(pk__in=to_queue).update(next_attempt_at=now)
    for pk in sorted(to_queue):
        _queue(pk, 1)
    if reset or late:
        logger.warning(
            "Bulk mail sweep: %s stale sending deliveries pending again; %s mailing(s) whose "
            "batches were lost queued again.",
            reset,
            len(late),
        )
    return reset + len(late - stranded)


# --- Writing the rows -----------------------------------------------------------------------


def _delivery(mailing: BulkMailing, recipient: BulkRecipient, address: str, now) -> BulkDelivery:
    own = dict(recipient.context or {})
    _check_json(own)
    if recipient.unsubscribe_url is not None:
        own["unsubscribe_url"] = _checked_link(recipient.unsubscribe_url)
    row = BulkDelivery(mailing=mailing, to_email=address[:254], context=own, next_attempt_at=now)
    try:
        validate_email(address)
    except ValidationError:
        row.status = BulkDelivery.Status.FAILED
        row.last_error = INVALID_ADDRESS
    return row


def _check_json(context) -> None:
    if not isinstance(context, dict):
        raise TypeError(CONTEXT_NOT_JSON)
    try:
        json.dumps(context, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(CONTEXT_NOT_JSON) from exc


def _checked_link(url: str) -> str:
    parts = urlsplit(url)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.netloc
        or any(character in url for character in "<>, \t\r\n")
    ):
        raise ValidationError({"unsubscribe_url": UNSUBSCRIBE_NOT_A_LINK})
    return url


def _checked_headers(headers: dict) -> dict:
    for name, value in headers.items():
        if (
            not isinstance(name, str)
            or not isinstance(value, str)
            or not name
            or any(character in name + value for character in "\r\n")
            or ":" in name
        ):
            raise ValidationError({"headers": HEADERS_NOT_TEXT})
    return dict(headers)


def _queue(mailing_pk: int, senders: int) -> None:
    # Imported here because the task module imports this one.
    from ..tasks import send_mailing_batch

    for _ in range(senders):
        send_mailing_batch.delay(mailing_pk)


# --- Claiming and marking -------------------------------------------------------------------


def _claim(mailing: BulkMailing, wanted: int) -> tuple[list[BulkDelivery] | None, float | None]:
    """Claim up to `wanted` due rows in one short transaction, under the rate cap. Returns the
    rows (marked sending, their attempt counted), or no rows and how long to wait for a slot, or
    None when the mailing is no longer sending."""
    with transaction.atomic(durable=True):
        if not _still_sending(mailing):
            return None, None
        now = timezone.now()
        slots = _bulk_slots(now)
        if slots is not None:
            if slots[0] <= 0:
                return [], slots[1]
            wanted = min(wanted, slots[0])
        rows = list(
            BulkDelivery.objects.select_for_update(
                skip_locked=connection.features.has_select_for_update_skip_locked
            )
            .filter(mailing=mailing, status=BulkDelivery.Status.PENDING, next_attempt_at__lte=now)
            .order_by("pk")[:wanted]
        )
        if not rows:
            return [], None
        # The claim is committed before the SMTP calls: from here a killed worker leaves these
        # rows "sending", which the sweep finds once the claims are stale.
        BulkDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=BulkDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    for row in rows:
        row.status, row.claimed_at, row.attempts = (
            BulkDelivery.Status.SENDING,
            now,
            row.attempts + 1,
        )
    return rows, None


def _bulk_slots(now: datetime) -> tuple[int, float] | None:
    """None when there is no cap; else how many slots bulk mail may take now and, when none,
    about how long until one frees. Takes the rate lock, so call inside the claim's
    transaction. Bulk mail leaves a tenth of the cap, or as many slots as single messages are
    waiting for now if that is more, to mail for one person."""
    cap = settings.EMAIL_RATE_PER_MINUTE
    if cap <= 0:
        return None
    _take_rate_lock()
    used, oldest = slots_used(now)
    waiting = OutboundMessage.objects.filter(
        status=OutboundMessage.Status.PENDING,
        next_attempt_at__lte=now,
        next_attempt_at__gt=now - LOST_AFTER,  # lost ones are the sweep's, not a reason to wait
    ).count()
    free = cap - used - max(cap // SINGLE_MAIL_SHARE, waiting)
    if free > 0:
        return free, 0
    # With the minute empty, single mail is waiting: it goes first, and bulk looks again soon.
    wait = 1.0 if oldest is None else max((oldest + RATE_WINDOW - now).total_seconds(), 1)
    return 0, wait + random.uniform(0, 2)  # noqa: S311 (spreading, not secrets)


def _still_sending(mailing: BulkMailing) -> bool:
    return BulkMailing.objects.filter(pk=mailing.pk, status=BulkMailing.Status.SENDING).exists()


def _mark_sent(row: BulkDelivery, mailing: BulkMailing) -> bool:
    """Mark the row sent, right after its SMTP call, and say whether the mailing is still
    sending: one statement, so that a pause is seen between any two messages at no extra query
    per message. (RETURNING: PostgreSQL, and SQLite since 3.35.)"""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(BulkDelivery._meta.db_table)} SET status = %s, sent_at = %s "  # noqa: S608 (table names from the models)
            f"WHERE id = %s RETURNING (SELECT status FROM {quote(BulkMailing._meta.db_table)} "
            "WHERE id = %s)",
            [
                BulkDelivery.Status.SENT,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                row.pk,
                mailing.pk,
            ],
        )
        found = cursor.fetchone()
    return found is not None and found[0] == BulkMailing.Status.SENDING


def _release(rows: list[BulkDelivery]) -> None:
    """Claimed rows not sent after all (paused, or the batch stopped on an SMTP failure): pending
    again, their attempt not counted, their slot in the rate cap's minute given back."""
    if rows:
        BulkDelivery.objects.filter(
            pk__in=[row.pk for row in rows], status=BulkDelivery.Status.SENDING
        ).update(
            status=BulkDelivery.Status.PENDING,
            claimed_at=None,
            attempts=F("attempts") - 1,
        )


def _failed_for_now(row: BulkDelivery, exc: BaseException) -> float:
    """The row's SMTP call failed in a way worth trying again: pending with a backoff, or
    failed after MAX_ATTEMPTS. Returns how long the batch should wait before going on."""
    retry_in = retry_delay(row.attempts)
    if row.attempts >= MAX_ATTEMPTS:
        logger.error("Bulk delivery %s failed %s times; giving up.", row.pk, MAX_ATTEMPTS)
        _mark_failed(row, _describe(exc))
        return retry_in
    BulkDelivery.objects.filter(
        pk=row.pk, status=BulkDelivery.Status.SENDING, claimed_at=row.claimed_at
    ).update(
        status=BulkDelivery.Status.PENDING,
        last_error=_describe(exc),
        next_attempt_at=timezone.now() + timedelta(seconds=retry_in),
    )
    logger.warning("Bulk delivery %s: %s; trying again later.", row.pk, _describe(exc))
    return retry_in


def _mark_failed(row: BulkDelivery, error: str) -> None:
    BulkDelivery.objects.filter(pk=row.pk).exclude(status=BulkDelivery.Status.SENT).update(
        status=BulkDelivery.Status.FAILED, last_error=error
    )


def _refused_for_good(exc: BaseException) -> bool:
    """True when the server refused this message for good (a 5xx reply to its recipient or its
    data), as opposed to a failure of the server or the network."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= PERMANENT_REPLY for code in codes)
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= PERMANENT_REPLY
    return False


def _nothing_due(mailing: BulkMailing, sent: int) -> Batch:
    """No row could be claimed: the mailing is done, or its rows wait for a retry, or other
    batches hold the rest."""
    rows = mailing.deliveries.filter(
        status__in=[BulkDelivery.Status.PENDING, BulkDelivery.Status.SENDING]
    )
    if not rows.exists():
        BulkMailing.objects.filter(pk=mailing.pk, status=BulkMailing.Status.SENDING).update(
            status=BulkMailing.Status.DONE, finished_at=timezone.now()
        )
        return Batch(BatchOutcome.DONE, sent=sent)
    due = rows.filter(status=BulkDelivery.Status.PENDING).aggregate(first=Min("next_attempt_at"))[
        "first"
    ]
    if due is None:
        return Batch(BatchOutcome.IDLE, sent=sent)
    now = timezone.now()
    wait = max((due - now).total_seconds(), 1)
    _touch(mailing, now + timedelta(seconds=wait))
    return Batch(BatchOutcome.WAITING, sent=sent, retry_in=wait)


def _touch(mailing: BulkMailing, due: datetime) -> None:
    """Note when a batch is next due to work on the mailing; the sweep looks for late ones."""
    BulkMailing.objects.filter(pk=mailing.pk).update(next_attempt_at=due)


# --- Building the messages ------------------------------------------------------------------


def _templates(template: str):
    """The mailing's templates, loaded once a batch: the text part and the HTML part or None."""
    text = get_template(f"{template}.txt")
    try:
        html = get_template(f"{template}.html")
    except TemplateDoesNotExist:
        html = None  # optional; an error inside an existing one still fails
    return text, html


def _build_email(mailing, row, parts, office, from_email) -> EmailMultiAlternatives:
    text_template, html_template = parts
    context = {**mailing.context, **row.context, "office": office}
    # The text part is not HTML: nothing is escaped in it.
    text = text_template.template.render(Context(context, autoescape=False))
    headers = {**mailing.headers, "Message-ID": row.message_id}
    unsubscribe_url = row.context.get("unsubscribe_url")
    if unsubscribe_url:
        links = [f"<{unsubscribe_url}>"]
        address = parseaddr(from_email)[1]
        if address:
            links.append(f"<mailto:{address}?subject=unsubscribe>")
        headers["List-Unsubscribe"] = ", ".join(links)
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=mailing.subject,
        body=text,
        from_email=from_email,
        to=[row.to_email],
        headers=headers,
    )
    if html_template is not None:
        email.attach_alternative(html_template.render(context), "text/html")
    return email
