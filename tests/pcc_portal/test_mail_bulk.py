"""Bulk email (decision 42): a delivery row per address written in bulk in the caller's
transaction, batches over one SMTP connection with claim-send-mark and fixed Message-IDs, the
List-Unsubscribe headers, failures retried and recorded, pause and resume, progress, and one rate
cap for all mail with mail to one person first."""

import smtplib
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connections, transaction
from django.template import TemplateDoesNotExist
from django.utils import timezone

from pcc_portal.celery import app
from pcc_portal.mail import bulk, services
from pcc_portal.mail.bulk import BatchOutcome, requeue_stranded_deliveries, send_batch
from pcc_portal.mail.services import (
    BulkRecipient,
    Outcome,
    cancel_mailing,
    deliver,
    pause_mailing,
    resume_mailing,
    send_bulk,
    stale_after,
)
from pcc_portal.models import BulkDelivery, BulkMailing, OutboundMessage
from pcc_portal.password_reset import send_password_reset

pytestmark = pytest.mark.django_db

Status = BulkDelivery.Status
TEMPLATE = "tests/email/issue"
UNSUBSCRIBE = "https://portal.example.org/newsletter/unsubscribe/{number}/"


@pytest.fixture
def templates(tmp_path, settings):
    folder = tmp_path / "templates" / "tests" / "email"
    folder.mkdir(parents=True)
    (folder / "issue.txt").write_text(
        "Dear {{ name }},\n\nIssue {{ issue }}: {{ headline }}\n\nUnsubscribe: "
        "{{ unsubscribe_url }}\n{{ office.office_name }}\n",
        encoding="utf-8",
    )
    (folder / "issue.html").write_text(
        "<p>Dear {{ name }},</p><p>{{ headline }}</p>", encoding="utf-8"
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path / "templates", *engine["DIRS"]]}]
    settings.EMAIL_RATE_PER_MINUTE = 0  # no cap, unless a test sets one
    return TEMPLATE


@pytest.fixture
def queued(monkeypatch):
    """The mailing ids queued for a batch, instead of publishing them to the broker."""

    class RecordingTask:
        ids: list[int] = []

        def delay(self, mailing_id):
            self.ids.append(mailing_id)

    task = RecordingTask()
    task.ids = []
    monkeypatch.setattr("pcc_portal.tasks.send_mailing_batch", task)
    return task.ids


@pytest.fixture
def office_with_address(office):
    office.email = "newsletter@anyshire-pcc.example.org"
    office.save()
    return office


def recipients(count: int, *, start: int = 0) -> list[BulkRecipient]:
    return [
        BulkRecipient(
            email=f"resident{number:05d}@example.org",
            context={"name": f"Resident {number}"},
            unsubscribe_url=UNSUBSCRIBE.format(number=number),
        )
        for number in range(start, start + count)
    ]


def newsletter(count: int = 5, **overrides) -> BulkMailing:
    arguments = {
        "subject": "Community newsletter, issue 7",
        "template": TEMPLATE,
        "context": {"issue": 7, "headline": "Speeding on Mill Lane: you said, we did"},
        "recipients": recipients(count),
    }
    return send_bulk(**{**arguments, **overrides})


class CountingBackend(LocmemBackend):
    """The in-memory backend, counting the connections opened and the messages per connection."""

    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return super().open()


class FailsOnSecondBackend(LocmemBackend):
    """The server hangs up on the second message of its life."""

    calls = 0

    def send_messages(self, email_messages):
        FailsOnSecondBackend.calls += 1
        if FailsOnSecondBackend.calls == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)


class RefusesOneBackend(LocmemBackend):
    """Refuses one address for good (550), as a server does a mailbox that does not exist."""

    def send_messages(self, email_messages):
        for email in email_messages:
            if email.to == ["resident00001@example.org"]:
                raise smtplib.SMTPRecipientsRefused({email.to[0]: (550, b"No such user")})
        return super().send_messages(email_messages)


class PausesAfterThreeBackend(LocmemBackend):
    """Someone presses "Pause" while the third message is on its way."""

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        if len(mail.outbox) == 3:
            pause_mailing(BulkMailing.objects.get())
        return sent


def statuses(mailing: BulkMailing) -> Counter:
    return Counter(mailing.deliveries.values_list("status", flat=True))


# --- send_bulk -----------------------------------------------------------------------------


def test_rows_are_written_in_the_callers_transaction_and_the_batches_queued_on_commit(
    templates, queued, settings, django_capture_on_commit_callbacks
):
    settings.BULK_EMAIL_SENDERS = 2
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        mailing = newsletter(450)
        assert queued == []  # not before the commit
        assert mailing.deliveries.count() == 450
    # One per sender, for a mailing that fills more than one batch.
    assert queued == [mailing.pk, mailing.pk]
    assert mailing.status == BulkMailing.Status.SENDING
    rows = list(mailing.deliveries.all())
    assert len({row.message_id for row in rows}) == 450  # each fixed and its own
    assert all(row.status == Status.PENDING for row in rows)
    assert rows[3].context == {
        "name": "Resident 3",
        "unsubscribe_url": "https://portal.example.org/newsletter/unsubscribe/3/",
    }


def test_a_small_mailing_is_one_batch(
    templates, queued, settings, django_capture_on_commit_callbacks
):
    settings.BULK_EMAIL_SENDERS = 2
    with django_capture_on_commit_callbacks(execute=True):
        mailing = newsletter(3)
    assert queued == [mailing.pk]


def test_nothing_is_written_or_queued_when_the_callers_transaction_rolls_back(
    templates, queued, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        newsletter(3)
        raise RuntimeError("the caller's work failed")
    assert callbacks == []
    assert not BulkMailing.objects.exists()
    assert not BulkDelivery.objects.exists()
    assert queued == []


def test_one_delivery_per_address_and_a_bad_address_is_recorded_not_sent(templates, queued):
    mailing = newsletter(
        recipients=[
            BulkRecipient("Resident@Example.org"),
            BulkRecipient("resident@example.org"),
            BulkRecipient(" resident@example.org "),
            BulkRecipient("not an address"),
            BulkRecipient("other@example.org"),
        ]
    )
    rows = dict(mailing.deliveries.values_list("to_email", "status"))
    assert rows == {
        "Resident@Example.org": Status.PENDING,
        "not an address": Status.FAILED,
        "other@example.org": Status.PENDING,
    }
    assert mailing.progress() == {"sent": 0, "failed": 1, "remaining": 2, "total": 3}


def test_the_related_record_is_kept(templates, queued, make_user):
    author = make_user(email="editor@example.org")
    mailing = newsletter(related=author)
    mailing.refresh_from_db()
    assert mailing.related == author


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"subject": " \n "}, ValidationError),
        ({"template": "tests/email/missing"}, TemplateDoesNotExist),
        ({"context": {"when": timezone.now()}}, TypeError),
        (
            {"recipients": [BulkRecipient("a@example.org", {"when": timezone.now()})]},
            TypeError,
        ),
        (
            {"recipients": [BulkRecipient("a@example.org", unsubscribe_url="javascript:x")]},
            ValidationError,
        ),
        ({"headers": {"X-Campaign": "one\r\nBcc: everyone@example.org"}}, ValidationError),
    ],
)
def test_mistakes_fail_in_the_caller_and_leave_nothing_behind(templates, queued, overrides, error):
    with pytest.raises(error):
        newsletter(**overrides)
    assert queued == []
    assert not BulkMailing.objects.exists()


# --- a batch -------------------------------------------------------------------------------


def test_a_batch_sends_every_row_over_one_connection_with_its_message_id_and_headers(
    templates, office_with_address, queued, settings
):
    settings.EMAIL_BACKEND = "tests.pcc_portal.test_mail_bulk.CountingBackend"
    CountingBackend.opened = 0
    mailing = newsletter(30, headers={"X-Newsletter": "weekly"})
    batch = send_batch(mailing.pk)
    # All of them, and finding no more, the batch finishes the mailing.
    assert (batch.outcome, batch.sent) == (BatchOutcome.DONE, 30)
    assert CountingBackend.opened == 1
    rows = {row.to_email: row for row in mailing.deliveries.all()}
    assert [email.to[0] for email in mail.outbox] == sorted(rows)
    for email in mail.outbox:
        row = rows[email.to[0]]
        message = email.message()
        assert message["Message-ID"] == row.message_id
        number = int(email.to[0].removeprefix("resident").partition("@")[0])
        assert message["List-Unsubscribe"] == (
            f"<https://portal.example.org/newsletter/unsubscribe/{number}/>, "
            "<mailto:newsletter@anyshire-pcc.example.org?subject=unsubscribe>"
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["X-Newsletter"] == "weekly"
        assert f"Dear Resident {number}," in email.body
        assert "you said, we did" in email.body
        assert f"Unsubscribe: {UNSUBSCRIBE.format(number=number)}" in email.body
        assert email.alternatives[0][1] == "text/html"
        assert row.status == Status.SENT
        assert row.attempts == 1
        assert row.sent_at is not None
    mailing.refresh_from_db()
    assert mailing.status == BulkMailing.Status.DONE
    assert mailing.finished_at is not None
    assert mailing.progress() == {"sent": 30, "failed": 0, "remaining": 0, "total": 30}
    # A batch queued before it finished sends nothing.
    assert send_batch(mailing.pk).outcome == BatchOutcome.STOPPED
    assert len(mail.outbox) == 30


def test_text_is_not_escaped_and_a_recipient_without_a_link_has_no_unsubscribe_headers(
    templates, office, queued
):
    mailing = newsletter(
        recipients=[BulkRecipient("sam@example.org", {"name": "Sam O'Brien"})],
        context={"issue": 7, "headline": "Fish & chips"},
    )
    send_batch(mailing.pk)
    [email] = mail.outbox
    assert "Dear Sam O'Brien," in email.body
    assert "Fish & chips" in email.body
    assert "Fish &amp; chips" in email.alternatives[0][0]
    assert "List-Unsubscribe" not in email.message()


def test_a_batch_stops_at_its_size_and_the_next_goes_on(templates, office, queued):
    mailing = newsletter(12)
    assert send_batch(mailing.pk, limit=5).sent == 5
    assert send_batch(mailing.pk, limit=5).sent == 5
    assert send_batch(mailing.pk, limit=5).sent == 2
    assert len({email.message()["Message-ID"] for email in mail.outbox}) == 12


def test_a_refused_address_is_marked_failed_and_the_rest_are_sent(
    templates, office, queued, settings
):
    settings.EMAIL_BACKEND = "tests.pcc_portal.test_mail_bulk.RefusesOneBackend"
    mailing = newsletter(3)
    send_batch(mailing.pk)
    refused = mailing.deliveries.get(to_email="resident00001@example.org")
    assert refused.status == Status.FAILED
    assert "SMTPRecipientsRefused" in refused.last_error
    assert mailing.progress() == {"sent": 2, "failed": 1, "remaining": 0, "total": 3}


def test_smtp_trouble_puts_the_row_back_with_a_backoff_and_the_rest_of_the_batch_pending(
    templates, office, queued, settings
):
    settings.EMAIL_BACKEND = "tests.pcc_portal.test_mail_bulk.FailsOnSecondBackend"
    FailsOnSecondBackend.calls = 0
    mailing = newsletter(5)
    batch = send_batch(mailing.pk)
    assert batch.outcome == BatchOutcome.RETRY
    assert batch.sent == 1
    assert 15 <= batch.retry_in <= 30
    failed = mailing.deliveries.get(to_email="resident00001@example.org")
    assert failed.status == Status.PENDING
    assert failed.attempts == 1
    assert "SMTPServerDisconnected" in failed.last_error
    assert failed.next_attempt_at > timezone.now() + timedelta(seconds=10)
    # The rows after it were claimed but never tried: pending, no attempt counted, no slot held.
    rest = mailing.deliveries.filter(pk__gt=failed.pk)
    assert {(row.status, row.attempts, row.claimed_at) for row in rest} == {
        (Status.PENDING, 0, None)
    }
    # The retry sends the rest; the failed row waits for its own time.
    assert send_batch(mailing.pk).sent == 3
    assert send_batch(mailing.pk).outcome == BatchOutcome.WAITING
    BulkDelivery.objects.filter(pk=failed.pk).update(next_attempt_at=timezone.now())
    assert send_batch(mailing.pk).sent == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.SENT, 2)
    assert len(mail.outbox) == 5


def test_after_the_last_attempt_a_row_is_marked_failed(templates, office, queued, settings):
    settings.EMAIL_BACKEND = "tests.pcc_portal.test_mail.FailingBackend"
    mailing = newsletter(1)
    mailing.deliveries.update(attempts=services.MAX_ATTEMPTS - 1)
    assert send_batch(mailing.pk).outcome == BatchOutcome.RETRY
    row = mailing.deliveries.get()
    assert row.status == Status.FAILED
    assert "SMTPServerDisconnected" in row.last_error
    assert send_batch(mailing.pk).outcome == BatchOutcome.DONE


# --- pause, resume, cancel -----------------------------------------------------------------


def test_a_paused_mailing_stops_between_messages_and_resumes_where_it_stopped(
    templates, office, queued, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.pcc_portal.test_mail_bulk.PausesAfterThreeBackend"
    mailing = newsletter(10)
    assert send_batch(mailing.pk).outcome == BatchOutcome.STOPPED
    assert len(mail.outbox) == 3
    mailing.refresh_from_db()
    assert mailing.status == BulkMailing.Status.PAUSED
    assert mailing.progress() == {"sent": 3, "failed": 0, "remaining": 7, "total": 10}
    assert statuses(mailing) == {Status.SENT: 3, Status.PENDING: 7}
    assert set(mailing.deliveries.filter(status=Status.PENDING).values_list("attempts")) == {(0,)}
    # Batches already queued find it paused and send nothing.
    assert send_batch(mailing.pk).outcome == BatchOutcome.STOPPED
    assert not pause_mailing(mailing)  # already paused

    queued.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert resume_mailing(mailing)
        assert queued == []
    assert queued == [mailing.pk]
    assert mailing.status == BulkMailing.Status.SENDING
    send_batch(mailing.pk)
    assert mailing.progress() == {"sent": 10, "failed": 0, "remaining": 0, "total": 10}
    assert len({email.message()["Message-ID"] for email in mail.outbox}) == 10
    assert not resume_mailing(mailing)  # not paused


def test_a_cancelled_mailing_sends_no_more(templates, office, queued):
    mailing = newsletter(4)
    assert cancel_mailing(mailing)
    assert send_batch(mailing.pk).outcome == BatchOutcome.STOPPED
    assert mail.outbox == []
    assert mailing.finished_at is not None
    assert not cancel_mailing(mailing)


# --- the rate cap: one cap for all mail, mail to one person first --------------------------


def sends_in_the_last_minute() -> int:
    return services.slots_used(timezone.now())[0]


def test_bulk_mail_stays_under_the_cap_and_leaves_room_for_mail_to_one_person(
    templates, office, queued, settings, make_user
):
    settings.EMAIL_RATE_PER_MINUTE = 20
    mailing = newsletter(100)
    batch = send_batch(mailing.pk)
    # A tenth of the cap is left to single mail.
    assert (batch.outcome, batch.sent) == (BatchOutcome.DEFERRED, 18)
    assert 55 <= batch.retry_in <= 63  # when the first of them leaves the minute
    assert sends_in_the_last_minute() == 18

    # A password reset asked for while the newsletter sends leaves at once.
    person = make_user(email="forgetful@example.org")
    reset = send_password_reset(user=person)
    assert deliver(reset.pk).outcome == Outcome.SENT
    assert mail.outbox[-1].to == ["forgetful@example.org"]
    assert "Reset your password" in mail.outbox[-1].subject
    assert sends_in_the_last_minute() == 19

    # The newsletter takes no more this minute.
    assert send_batch(mailing.pk).outcome == BatchOutcome.DEFERRED
    assert sends_in_the_last_minute() == 19
    assert mailing.progress()["sent"] == 18

    # Single mail may use the cap to its end, and no further, bulk sends counted.
    for number in range(2):
        message = services.send_email(
            to=f"person{number}@example.org",
            subject="Your question",
            template=TEMPLATE,
            context={"name": "Sam"},
        )
        expected = Outcome.SENT if number == 0 else Outcome.DEFERRED
        assert deliver(message.pk).outcome == expected
    assert sends_in_the_last_minute() == 20


def test_bulk_mail_gives_way_to_single_mail_waiting_to_be_sent(templates, office, queued, settings):
    settings.EMAIL_RATE_PER_MINUTE = 5  # too small for a tenth to be held back
    waiting = [
        services.send_email(
            to=f"person{number}@example.org",
            subject="Your answer",
            template=TEMPLATE,
            context={"name": "Sam"},
        )
        for number in range(3)
    ]
    mailing = newsletter(10)
    assert send_batch(mailing.pk).sent == 2  # three of the five slots are theirs
    for message in waiting:
        assert deliver(message.pk).outcome == Outcome.SENT
    assert send_batch(mailing.pk).outcome == BatchOutcome.DEFERRED
    assert sends_in_the_last_minute() == 5


def test_single_mail_waits_for_the_cap_when_bulk_mail_has_filled_it(
    templates, office, queued, settings
):
    settings.EMAIL_RATE_PER_MINUTE = 3
    mailing = newsletter(3)
    assert send_batch(mailing.pk).sent == 3
    message = services.send_email(
        to="person@example.org", subject="Your answer", template=TEMPLATE, context={}
    )
    delivery = deliver(message.pk)
    assert delivery.outcome == Outcome.DEFERRED
    assert 55 <= delivery.retry_in <= 66


# --- workers that die ----------------------------------------------------------------------


class KilledAfterSendingBackend(LocmemBackend):
    """Delivers, then the worker dies before it can mark the row sent."""

    def send_messages(self, email_messages):
        super().send_messages(email_messages)
        raise SystemExit("worker killed")


def test_rows_a_killed_worker_left_sending_are_sent_again_by_the_sweep_with_their_message_ids(
    templates, office, queued, settings
):
    settings.EMAIL_BACKEND = "tests.pcc_portal.test_mail_bulk.KilledAfterSendingBackend"
    mailing = newsletter(4)
    with pytest.raises(SystemExit):
        send_batch(mailing.pk)
    # The first message went; all four were claimed in one chunk.
    assert statuses(mailing) == {Status.SENDING: 4}
    assert requeue_stranded_deliveries() == 0  # a live worker might still hold them
    # Once the claims are older than any live task could be:
    mailing.deliveries.update(claimed_at=timezone.now() - stale_after() - timedelta(seconds=1))
    assert requeue_stranded_deliveries() == 4
    assert queued == [mailing.pk]
    assert statuses(mailing) == {Status.PENDING: 4}

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_batch(mailing.pk)
    ids = [email.message()["Message-ID"] for email in mail.outbox]
    assert len(ids) == 5  # one duplicate for the one kill
    assert set(ids) == set(mailing.deliveries.values_list("message_id", flat=True))
    assert Counter(ids).most_common(1)[0][1] == 2


def test_the_sweep_queues_a_mailing_whose_batches_were_lost_and_nothing_else(
    templates, office, queued
):
    lost = newsletter(2)
    paused = newsletter(2, recipients=recipients(2, start=10))
    pause_mailing(paused)
    busy = newsletter(2, recipients=recipients(2, start=20))
    long_ago = timezone.now() - timedelta(minutes=6)
    BulkMailing.objects.filter(pk__in=[lost.pk, paused.pk]).update(next_attempt_at=long_ago)
    assert requeue_stranded_deliveries() == 1
    assert queued == [lost.pk]
    # The queued batch has five minutes before the next sweep queues another.
    assert requeue_stranded_deliveries() == 0
    assert queued == [lost.pk]
    assert busy.pk not in queued


# --- the task ------------------------------------------------------------------------------


def test_the_task_chains_batches_until_the_mailing_is_done(
    templates, office, celery_eager, monkeypatch, django_capture_on_commit_callbacks, settings
):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 40)
    settings.BULK_EMAIL_SENDERS = 1
    with django_capture_on_commit_callbacks(execute=True):
        mailing = newsletter(100)  # queued on commit, run eagerly
    mailing.refresh_from_db()
    assert mailing.status == BulkMailing.Status.DONE
    assert mailing.progress() == {"sent": 100, "failed": 0, "remaining": 0, "total": 100}
    assert len(mail.outbox) == 100


def test_the_batch_task_runs_on_its_own_queue_and_acknowledges_late(settings):
    from pcc_portal.tasks import send_mailing_batch

    task = send_mailing_batch._get_current_object()
    assert task.acks_late is True
    assert settings.CELERY_TASK_ROUTES[task.name] == {"queue": "bulk"}
    assert app.amqp.router.route({}, task.name)["queue"].name == "bulk"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_sends_a_newsletter_and_a_reset_email_leaves_while_it_sends(
    templates, office, settings, make_user, monkeypatch
):
    """Batch sending on the broker: one worker takes both queues, as `make run`'s does; a
    password reset asked for once the newsletter has started leaves before it ends."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    settings.EMAIL_RATE_PER_MINUTE = 0
    monkeypatch.setattr(bulk, "BATCH_SIZE", 50)  # short batches, as a slow server makes them
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False

    def close_worker_connections(**kwargs):
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    person = make_user(email="forgetful@example.org")
    try:
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=30,
            queues=["celery", "bulk"],
        ):
            mailing = newsletter(1000)
            deadline = time.monotonic() + 60
            while mailing.progress()["sent"] == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            reset = send_password_reset(user=person)
            while time.monotonic() < deadline:
                reset.refresh_from_db()
                mailing.refresh_from_db()
                if (
                    reset.status == OutboundMessage.Status.SENT
                    and mailing.status == BulkMailing.Status.DONE
                ):
                    break
                time.sleep(0.1)
    finally:
        task_postrun.disconnect(close_worker_connections)
        app.conf.task_always_eager = eager
    assert mailing.status == BulkMailing.Status.DONE
    assert reset.status == OutboundMessage.Status.SENT
    sent_after_reset = mailing.deliveries.filter(sent_at__gt=reset.sent_at).count()
    assert sent_after_reset > 0, "the reset email waited for the whole newsletter"
    ids = [email.message()["Message-ID"] for email in mail.outbox]
    assert len(ids) == len(set(ids)) == 1001


def test_the_outbound_email_sweep_takes_up_bulk_deliveries_too(templates, queued):
    from pcc_portal.tasks import sweep_outbound_messages

    mailing = newsletter(2)
    mailing.deliveries.update(
        status=Status.SENDING, claimed_at=timezone.now() - stale_after() - timedelta(seconds=1)
    )
    assert sweep_outbound_messages() == 2
    assert statuses(mailing) == {Status.PENDING: 2}
    assert queued == [mailing.pk]


def test_the_laptop_worker_takes_the_bulk_queue_too():
    from django.conf import settings

    lines = (settings.BASE_DIR / "Procfile.dev").read_text().splitlines()
    (worker,) = [line for line in lines if line.startswith("worker:")]
    assert "-Q celery,bulk" in worker


def test_the_bulk_mail_bench_is_registered_by_the_portal():
    from pcc_portal import registry
    from pcc_portal.bench import mail as bench_mail

    scenario = registry.bench_scenarios.get("pcc_portal")
    assert scenario is bench_mail.SCENARIO
    assert scenario.measures == (bench_mail.measure_bulk_send,)
    assert bench_mail.RECIPIENTS == 20_000
