"""The demo's email: what its story sends is delivered through the portal's own delivery and
dated when it went, only while the mail stays on this machine; and the reminder digests of the
last few mornings, sent through the digest service once."""

import io
from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from pcc_portal import registry
from pcc_portal.demo_mail import DIGEST_DAYS, deliver_dated, send_demo_digests
from pcc_portal.mail.services import send_email
from pcc_portal.models import OutboundMessage, ReminderSent
from pcc_portal.registry import Reminder
from tests.pcc_portal.factories import UserFactory

pytestmark = pytest.mark.django_db

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def reminded(monkeypatch):
    """One person, with something new falling due on each of the last few days."""
    person = UserFactory(full_name="Amy Green")
    today = timezone.localdate()

    def provider(*, start, end):
        for back in (5, 4, 3, 2, 1, -1):
            due_on = today - timedelta(days=back)
            if due_on <= end:
                yield Reminder(
                    key=f"demo.item:{back}",
                    recipients=(person,),
                    due_on=due_on,
                    title=f"Item {back}",
                    url="/",
                )

    monkeypatch.setattr(registry.reminder_providers, "entries", {"demo": provider})
    return person


def digests(today=None) -> str:
    out = io.StringIO()
    send_demo_digests(today=today or timezone.localdate(), stdout=out)
    return out.getvalue()


def test_a_digest_each_morning_dated_then_and_delivered(reminded):
    today = timezone.localdate()
    out = digests()
    assert f"{DIGEST_DAYS} reminder digests sent" in out
    days = {timezone.localdate(r.sent_at) for r in ReminderSent.objects.all()}
    assert days == {today - timedelta(days=back) for back in range(1, DIGEST_DAYS + 1)}
    assert {timezone.localtime(r.sent_at).time() for r in ReminderSent.objects.all()} == {time(7)}
    for row in ReminderSent.objects.select_related("message"):
        assert row.message.status == "sent"
        assert row.message.sent_at == row.message.created_at == row.sent_at
    assert len(mail.outbox) == DIGEST_DAYS
    # The first morning lists what was already due; each later one only what is new.
    first = ReminderSent.objects.order_by("sent_at").first().sent_at
    assert ReminderSent.objects.filter(sent_at=first).count() == 3


def test_a_second_load_sends_no_digest(reminded):
    digests()
    counts = (ReminderSent.objects.count(), OutboundMessage.objects.count())
    assert "0 reminder digests sent" in digests()
    assert (ReminderSent.objects.count(), OutboundMessage.objects.count()) == counts


def test_with_mail_leaving_this_machine_only_todays_digest_is_written(reminded, settings):
    settings.EMAIL_BACKEND = SMTP
    assert "1 reminder digests sent" in digests()
    row = ReminderSent.objects.select_related("message").first()
    assert timezone.localdate(row.sent_at) == timezone.localdate()
    assert row.message.status == "pending"
    assert not mail.outbox


def test_delivered_and_dated_only_while_the_mail_stays_here(settings):
    when = timezone.now() - timedelta(days=3)
    message = send_email(
        to="a@example.org",
        subject="Hello",
        template="pcc_portal/email/reminder_digest",
        context={"items": []},
    )
    settings.EMAIL_BACKEND = SMTP
    assert deliver_dated([message], when) == 0
    message.refresh_from_db()
    assert message.status == "pending"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_dated([message], when) == 1
    message.refresh_from_db()
    assert (message.status, message.sent_at, message.created_at) == ("sent", when, when)
    assert len(mail.outbox) == 1
