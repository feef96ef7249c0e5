"""The daily reminder digest (decision 18), and a person's own upcoming items.

Every app registers a reminder provider (`registry.register_reminder_provider`). Once a day
`send_reminder_digests` asks them all, through `registry.due_reminders`, and sends each person one
email listing what is new for them, never one email per item. What it sends is recorded as a
`ReminderSent` row per (key, person) in the same transaction as the email, so a rerun of the job,
or a second beat, finds the rows and sends nothing twice; a rolled-back digest sends nothing and
records nothing. A person gets one digest a day at most: an item that comes due after their
digest has gone is in the next day's.

Providers apply their own notice (a milestone two weeks ahead, a consultation three days before
it closes) and keep offering an item until it is dealt with, so the digest asks them about one
day: `today`. A person's home page asks about the next fortnight.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import registry
from .mail.services import absolute_url, date_in_words, send_email
from .models import ReminderSent
from .registry import OpenItem, Reminder

logger = logging.getLogger(__name__)

DIGEST_TEMPLATE = "pcc_portal/email/reminder_digest"
# How far ahead a person's home page looks.
UPCOMING_DAYS = 14


@dataclass
class DigestRun:
    """What one run of the digest did: the people emailed and the reminders in their emails."""

    people: int = 0
    reminders: int = 0
    emails: list = field(default_factory=list)


def send_reminder_digests(*, today: date) -> DigestRun:
    """Email each person one digest of the reminders due for them on `today` that they have not
    been sent before, and record them. Safe to run twice, or in two workers at once: each
    person's digest is written under a lock on their user row, after reading what they were
    already sent, and the unique (key, recipient) constraint is the last guard."""
    reminders = registry.due_reminders(start=today, end=today)
    run = DigestRun()
    for person_pk, items in _by_person(reminders).items():
        try:
            sent = _send_digest(person_pk, items, today=today)
        except IntegrityError:
            # Another run recorded one of these reminders between our read and our write: its
            # digest went instead of this one, which is rolled back with its email.
            logger.info("Reminder digest for user %s was sent by another run.", person_pk)
            continue
        if sent is not None:
            message, count = sent
            run.people += 1
            run.reminders += count
            run.emails.append(message.pk)
    return run


def upcoming_for(user, *, today: date, days: int = UPCOMING_DAYS) -> list[Reminder]:
    """The reminders for `user` due by `days` from `today`, overdue ones included, soonest
    first: what their home page lists."""
    if not (user.is_authenticated and user.is_active):
        return []
    last = today + timedelta(days=days)
    return [
        reminder
        for reminder in registry.due_reminders(start=today, end=last)
        if reminder.due_on <= last and any(p.pk == user.pk for p in reminder.recipients)
    ]


def home_items(*, now, user) -> list[OpenItem]:
    """The home page's "Coming up for you" section: the person's upcoming reminders."""
    today = timezone.localdate(now)
    return [
        OpenItem(title=reminder.title, url=reminder.url, dates=_when(reminder.due_on, today))
        for reminder in upcoming_for(user, today=today)
    ]


# --- Inside ---------------------------------------------------------------------------------


def _by_person(reminders: Iterable[Reminder]) -> dict[int, list[Reminder]]:
    """Each reminder under each of its recipients who can receive email, once per person even
    when a provider names them twice; in the order given (soonest first)."""
    people: dict[int, list[Reminder]] = {}
    seen: set[tuple[int, str]] = set()
    for reminder in reminders:
        for person in reminder.recipients:
            if person is None or not person.is_active or not person.email:
                continue
            if (person.pk, reminder.key) in seen:
                continue
            seen.add((person.pk, reminder.key))
            people.setdefault(person.pk, []).append(reminder)
    return people


def _send_digest(person_pk: int, items: list[Reminder], *, today: date):
    """One person's digest of what they have not had yet, and its record, in one transaction.
    Returns (the email, how many reminders it lists), or None when there is nothing new."""
    with transaction.atomic():
        # The lock makes a second run wait for this one and then see its rows (on SQLite the
        # transaction's IMMEDIATE write lock does the same).
        person = (
            get_user_model()
            .objects.select_for_update()
            .filter(pk=person_pk, is_active=True)
            .order_by()
            .first()
        )
        if person is None or not person.email:
            return None
        already = ReminderSent.objects.keys_sent_to(person, [r.key for r in items])
        new = [reminder for reminder in items if reminder.key not in already]
        if not new or _digest_sent_on(person, today):
            # Nothing new, or the person has had today's digest: what came due since waits for
            # tomorrow's, since the providers keep offering an item until it is dealt with.
            return None
        message = send_email(
            to=person.email,
            subject=_subject(new, today),
            template=DIGEST_TEMPLATE,
            context=_context(person, new, today),
        )
        sent_at = timezone.now()
        ReminderSent.objects.bulk_create(
            ReminderSent(
                key=reminder.key,
                recipient=person,
                due_on=reminder.due_on,
                title=reminder.title[: ReminderSent._meta.get_field("title").max_length],
                url=reminder.url[: ReminderSent._meta.get_field("url").max_length],
                sent_at=sent_at,
                message=message,
            )
            for reminder in new
        )
    return message, len(new)


def _digest_sent_on(person, day: date) -> bool:
    """Whether the person's digest for `day` has gone already: one email a day at most."""
    return ReminderSent.objects.filter(
        recipient=person, message__template=DIGEST_TEMPLATE, message__context__day=day.isoformat()
    ).exists()


def _subject(items: list[Reminder], today: date) -> str:
    overdue = sum(1 for r in items if r.due_on < today)
    count = len(items)
    subject = f"{count} reminder{'s' if count != 1 else ''} from the portal"
    if overdue:
        subject += f" ({overdue} overdue)"
    return subject


def _context(person, items: list[Reminder], today: date) -> dict:
    return {
        "name": person.get_full_name(),
        "day": today.isoformat(),  # the digest's day: one a day per person
        "today": date_in_words(today),
        "count": len(items),
        "items": [
            {
                "title": reminder.title,
                "due_on": date_in_words(reminder.due_on),
                "overdue": reminder.due_on < today,
                "url": absolute_url(reminder.url) if reminder.url else "",
            }
            for reminder in items
        ],
    }


def _when(due_on: date, today: date) -> str:
    if due_on < today:
        return f"Overdue: was due {date_in_words(due_on)}"
    if due_on == today:
        return f"Due today, {date_in_words(due_on)}"
    return f"Due {date_in_words(due_on)}"
