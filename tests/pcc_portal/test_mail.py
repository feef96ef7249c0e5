"""The portal's one way to send email (decisions 14 to 17): written in the caller's transaction,
queued on commit, delivered at least once with a fixed Message-ID, under one rate cap."""

import importlib
import smtplib
import threading
import time
from datetime import date, timedelta

import pytest
from django.apps import apps as installed_apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, connections, transaction
from django.db.models import F
from django.template import TemplateDoesNotExist
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from pcc_portal.celery import app
from pcc_portal.mail import services
from pcc_portal.mail.services import (
    MAX_ATTEMPTS,
    Outcome,
    TemporaryFailure,
    deliver,
    requeue_messages,
    requeue_stranded_messages,
    send_email,
    stale_after,
)
from pcc_portal.models import OutboundMessage
from pcc_portal.tasks import deliver_message

pytestmark = pytest.mark.django_db

Status = OutboundMessage.Status
TEMPLATE = "tests/email/notice"


@pytest.fixture
def templates(tmp_path, settings):
    """A text and HTML pair, and a text-only one, in a folder only these tests see."""
    folder = tmp_path / "templates" / "tests" / "email"
    folder.mkdir(parents=True)
    (folder / "notice.txt").write_text(
        "Dear {{ name }},\n\n{{ body }}\n\n{{ office.office_name }}\n", encoding="utf-8"
    )
    (folder / "notice.html").write_text(
        "<p>Dear {{ name }},</p><p>{{ body }}</p><p>{{ office.office_name }}</p>",
        encoding="utf-8",
    )
    (folder / "plain.txt").write_text("Hello {{ name }}.\n", encoding="utf-8")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path / "templates", *engine["DIRS"]]}]
    return TEMPLATE


@pytest.fixture
def queued(monkeypatch):
    """The ids the service queues for delivery, instead of publishing them to the broker."""

    class RecordingTask:
        ids: list[int] = []

        def delay(self, message_id):
            self.ids.append(message_id)

    task = RecordingTask()
    task.ids = []
    monkeypatch.setattr("pcc_portal.tasks.deliver_message", task)
    return task.ids


class FailingBackend(BaseEmailBackend):
    """An SMTP server that hangs up."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(LocmemBackend):
    """Hangs up on the first message, then delivers."""

    calls = 0

    def send_messages(self, email_messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)


class KilledAfterSendingBackend(LocmemBackend):
    """Delivers, then the worker dies before it can mark the row sent."""

    def send_messages(self, email_messages):
        super().send_messages(email_messages)
        raise SystemExit("worker killed")


def notice(**overrides) -> OutboundMessage:
    arguments = {
        "to": "resident@example.org",
        "subject": "Your question about speeding",
        "template": TEMPLATE,
        "context": {"name": "Sam", "body": "Thank you for writing."},
    }
    return send_email(**{**arguments, **overrides})


def backdate(message, **fields):
    """Move the row's times into the past, as if that much time had gone by."""
    OutboundMessage.objects.filter(pk=message.pk).update(**fields)
    message.refresh_from_db()


# --- send_email ----------------------------------------------------------------------------


def test_the_row_is_written_in_the_callers_transaction_and_queued_when_it_commits(
    templates, queued, django_capture_on_commit_callbacks, settings
):
    settings.DEFAULT_FROM_EMAIL = "Engagement Portal <engagement@example.org>"
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        message = notice()
        assert OutboundMessage.objects.filter(pk=message.pk).exists()
        assert queued == []  # nothing goes to the broker before the commit
    assert len(callbacks) == 1
    assert queued == [message.pk]
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.to_email == "resident@example.org"
    assert message.template == TEMPLATE
    assert message.context == {"name": "Sam", "body": "Thank you for writing."}
    assert message.attempts == 0
    assert message.message_id.startswith("<")
    assert message.message_id.endswith("@example.org>")


def test_nothing_is_written_or_queued_when_the_callers_transaction_rolls_back(
    templates, queued, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notice()
        raise RuntimeError("the caller's change failed")
    assert callbacks == []
    assert queued == []
    assert not OutboundMessage.objects.exists()


def test_the_related_record_is_kept(templates, make_user):
    person = make_user()
    message = notice(related=person)
    message = OutboundMessage.objects.get(pk=message.pk)
    assert message.related == person
    assert message.object_id == str(person.pk)


@pytest.mark.parametrize(
    "address", ["", "not-an-address", "resident@", "resident@example.org\nBcc: x@example.org"]
)
def test_a_bad_address_is_refused_with_a_clear_message(templates, queued, address):
    with pytest.raises(ValidationError) as refused:
        notice(to=address)
    assert refused.value.message_dict == {"to": [services.INVALID_ADDRESS]}
    assert not OutboundMessage.objects.exists()


@pytest.mark.parametrize("subject", ["", " \r\n\t "])
def test_an_empty_subject_is_refused(templates, subject):
    with pytest.raises(ValidationError) as refused:
        notice(subject=subject)
    assert refused.value.message_dict == {"subject": [services.SUBJECT_REQUIRED]}
    assert not OutboundMessage.objects.exists()


@pytest.mark.parametrize(
    "subject, stored",
    [
        # Typed with Enter into a form: a line break in a header is how injection starts.
        ("Answered: Speeding\r\npast the school", "Answered: Speeding past the school"),
        ("Hello\nBcc: everyone@example.org", "Hello Bcc: everyone@example.org"),
        ("  Tabs\tand   spaces\u2028too\x0b ", "Tabs and spaces too"),
    ],
)
def test_a_subject_built_from_someones_text_is_made_one_line(
    templates, office, mailoutbox, subject, stored
):
    message = notice(subject=subject)
    assert message.subject == stored
    deliver(message.pk)
    assert mailoutbox[0].subject == stored
    assert "\n" not in mailoutbox[0].message()["Subject"].replace("\n ", "")


def test_a_long_subject_is_cut_short_with_an_ellipsis(templates):
    message = notice(subject="Speeding " * 40)
    assert len(message.subject) == services.SUBJECT_MAX_LENGTH
    assert message.subject.endswith("…")
    assert message.subject.startswith("Speeding Speeding")
    assert notice(subject="x" * 255).subject == "x" * 255


def test_a_missing_template_or_a_context_that_is_not_json_fails_in_the_caller(templates):
    with pytest.raises(TemplateDoesNotExist):
        notice(template="tests/email/no_such_template")
    with pytest.raises(TypeError, match="JSON values only"):
        notice(context={"when": timezone.now()})
    assert not OutboundMessage.objects.exists()


# --- deliver -------------------------------------------------------------------------------


def test_deliver_sends_exactly_once_and_a_second_run_does_nothing(templates, office, mailoutbox):
    message = notice()
    assert deliver(message.pk).outcome == Outcome.SENT
    assert deliver(message.pk).outcome == Outcome.ALREADY_SENT
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1


def test_the_message_id_header_is_the_rows(templates, office, mailoutbox):
    first, second = notice(), notice(to="another@example.org")
    deliver(first.pk)
    deliver(second.pk)
    sent = {email.to[0]: email.message()["Message-ID"] for email in mailoutbox}
    assert sent == {
        "resident@example.org": first.message_id,
        "another@example.org": second.message_id,
    }
    assert first.message_id != second.message_id


def test_the_text_is_not_escaped_the_html_is_and_both_know_the_office(
    templates, office, mailoutbox, settings
):
    settings.DEFAULT_FROM_EMAIL = "engagement@example.org"
    message = notice(context={"name": "Siobhán O'Brien", "body": "Fish & chips <b>night</b>"})
    deliver(message.pk)
    email = mailoutbox[0]
    assert email.subject == "Your question about speeding"
    assert email.from_email == "engagement@example.org"
    assert email.to == ["resident@example.org"]
    assert "Dear Siobhán O'Brien," in email.body
    assert "Fish & chips <b>night</b>" in email.body
    assert "Office of the Commissioner for Anyshire" in email.body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert "O&#x27;Brien" in html
    assert "Fish &amp; chips &lt;b&gt;night&lt;/b&gt;" in html


def test_mail_comes_from_the_offices_address_under_its_name(templates, office, mailoutbox):
    office.office_name = "Office of the Commissioner, Anyshire & Siòn"
    office.email = "opcc@anyshire.example.org"
    office.save()
    deliver(notice().pk)
    email = mailoutbox[0]
    assert email.from_email == (
        '"Office of the Commissioner, Anyshire & Siòn" <opcc@anyshire.example.org>'
    )
    header = email.message()["From"]
    assert header.endswith("<opcc@anyshire.example.org>")
    assert "\n" not in header.replace("\n ", "")


def test_without_an_office_address_mail_comes_from_the_default(templates, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "portal@anyshire.example.org"
    deliver(notice().pk)  # no office profile at all yet
    assert mailoutbox[0].from_email == "portal@anyshire.example.org"


def test_links_in_email_are_absolute_on_the_sites_address(settings):
    settings.SITE_URL = "https://engage.example.org/"
    assert services.absolute_url("/staff/engagement/issues/4/") == (
        "https://engage.example.org/staff/engagement/issues/4/"
    )
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert services.absolute_url("/events/") == "http://127.0.0.1:8000/events/"


def test_dates_in_email_are_in_words():
    assert services.date_in_words(date(2026, 11, 23)) == "Monday 23 November 2026"
    assert services.date_in_words(date(2027, 1, 1)) == "Friday 1 January 2027"


def test_the_html_part_is_optional(templates, office, mailoutbox):
    deliver(notice(template="tests/email/plain").pk)
    assert mailoutbox[0].body == "Hello Sam.\n"
    assert mailoutbox[0].alternatives == []


def test_a_template_that_cannot_be_rendered_fails_at_once_without_retrying(
    templates, office, mailoutbox
):
    message = notice()
    backdate(message, template="tests/email/removed_since")
    assert deliver(message.pk).outcome == Outcome.FAILED
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "TemplateDoesNotExist" in message.last_error
    assert mailoutbox == []


def test_an_smtp_failure_leaves_the_row_pending_with_the_error_and_raises(
    templates, office, settings
):
    settings.EMAIL_BACKEND = "tests.pcc_portal.test_mail.FailingBackend"
    message = notice()
    with pytest.raises(TemporaryFailure) as failure:
        deliver(message.pk)
    assert isinstance(failure.value.__cause__, smtplib.SMTPServerDisconnected)
    assert 15 <= failure.value.retry_in <= 30  # the first of the backed-off retries
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.attempts == 1
    assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert message.next_attempt_at > timezone.now()


def test_after_the_last_attempt_the_row_is_marked_failed_and_left_alone(
    templates, office, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.pcc_portal.test_mail.FailingBackend"
    message = notice()
    backdate(message, attempts=MAX_ATTEMPTS - 1)
    assert deliver(message.pk).outcome == Outcome.FAILED  # no exception: nothing to retry
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in message.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver(message.pk).outcome == Outcome.FAILED
    assert mailoutbox == []


def test_a_row_another_worker_is_sending_is_left_to_it(templates, office, mailoutbox):
    message = notice()
    backdate(message, status=Status.SENDING, claimed_at=timezone.now(), attempts=1)
    assert deliver(message.pk).outcome == Outcome.BUSY
    assert mailoutbox == []
    message.refresh_from_db()
    assert message.status == Status.SENDING
    assert message.attempts == 1


def test_a_row_stuck_in_sending_is_sent_again_by_the_sweep_with_the_same_message_id(
    templates, office, settings, mailoutbox, queued
):
    settings.CELERY_TASK_TIME_LIMIT = 600
    message = notice()
    settings.EMAIL_BACKEND = "tests.pcc_portal.test_mail.KilledAfterSendingBackend"
    with pytest.raises(SystemExit):
        deliver(message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENDING
    assert len(mailoutbox) == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # While the claim may still belong to a running task, neither the sweep nor a task touches it.
    assert requeue_stranded_messages() == 0
    assert deliver(message.pk).outcome == Outcome.BUSY
    # Past the hard time limit no task can hold it: the sweep queues it and it is sent again.
    backdate(message, claimed_at=F("claimed_at") - stale_after() - timedelta(seconds=1))
    assert requeue_stranded_messages() == 1
    assert queued == [message.pk]
    assert deliver(message.pk).outcome == Outcome.SENT
    assert [email.message()["Message-ID"] for email in mailoutbox] == [message.message_id] * 2
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2


def test_the_sweep_queues_pending_rows_whose_task_was_lost_and_nothing_else(templates, queued):
    now = timezone.now()
    lost = notice()
    backdate(lost, next_attempt_at=now - timedelta(minutes=6))
    waiting = notice()
    backdate(waiting, next_attempt_at=now - timedelta(minutes=4))
    later = notice()
    backdate(later, next_attempt_at=now + timedelta(minutes=10))
    for status in (Status.SENT, Status.FAILED):
        backdate(
            notice(),
            status=status,
            sent_at=now,
            claimed_at=now - timedelta(hours=1),
            next_attempt_at=now - timedelta(hours=1),
        )
    assert requeue_stranded_messages() == 1
    assert queued == [lost.pk]
    # The queued task gets five minutes to run before the next sweep queues another.
    assert requeue_stranded_messages() == 0
    assert queued == [lost.pk]


# --- the rate cap --------------------------------------------------------------------------


def test_the_rate_cap_defers_sending_without_counting_an_attempt(
    templates, office, settings, mailoutbox
):
    settings.EMAIL_RATE_PER_MINUTE = 2
    now = timezone.now()
    earlier = [notice(), notice()]
    for message in earlier:
        backdate(message, status=Status.SENT, claimed_at=now, sent_at=now)
    waiting = notice()
    delivery = deliver(waiting.pk)
    assert delivery.outcome == Outcome.DEFERRED
    assert 55 <= delivery.retry_in <= 66  # when the oldest send leaves the minute
    waiting.refresh_from_db()
    assert waiting.status == Status.PENDING
    assert waiting.attempts == 0
    assert mailoutbox == []
    # A minute later the slots are free again.
    a_minute_ago = now - timedelta(seconds=61)
    for message in earlier:
        backdate(message, claimed_at=a_minute_ago, sent_at=a_minute_ago)
    assert deliver(waiting.pk).outcome == Outcome.SENT
    assert len(mailoutbox) == 1


def test_a_send_in_progress_elsewhere_takes_a_slot(templates, office, settings, mailoutbox):
    settings.EMAIL_RATE_PER_MINUTE = 1
    backdate(notice(), status=Status.SENDING, claimed_at=timezone.now(), attempts=1)
    assert deliver(notice().pk).outcome == Outcome.DEFERRED
    assert mailoutbox == []


def test_a_deferred_message_waits_for_its_turn_behind_those_queued_before_it(
    templates, office, settings
):
    settings.EMAIL_RATE_PER_MINUTE = 1
    now = timezone.now()
    backdate(notice(), status=Status.SENT, claimed_at=now, sent_at=now)
    first, _, third = notice(), notice(), notice()
    first_wait = deliver(first.pk).retry_in
    third_wait = deliver(third.pk).retry_in
    assert 55 <= first_wait <= 66
    assert third_wait >= first_wait + 2 * 60 - 5  # two messages, a minute each, go before it


# --- the tasks -----------------------------------------------------------------------------


@pytest.fixture
def retries(monkeypatch):
    """The countdowns the delivery task asks Celery to retry with (eager runs retry at once)."""
    countdowns = []
    task_class = type(deliver_message._get_current_object())
    original = task_class.retry

    def spy(self, *args, **kwargs):
        countdowns.append(kwargs.get("countdown"))
        for callback in spy.before_retry:
            callback()
        return original(self, *args, **kwargs)

    spy.countdowns = countdowns
    spy.before_retry = []
    monkeypatch.setattr(task_class, "retry", spy)
    return spy


def test_the_task_retries_an_smtp_failure_with_backoff_and_the_retry_sends(
    templates, office, settings, mailoutbox, retries
):
    FlakyBackend.calls = 0
    settings.EMAIL_BACKEND = "tests.pcc_portal.test_mail.FlakyBackend"
    message = notice()
    result = deliver_message.apply(args=[message.pk])
    assert result.successful()
    assert result.result == "sent"
    [countdown] = retries.countdowns
    assert 15 <= countdown <= 30
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    assert "SMTPServerDisconnected" in message.last_error  # kept: it had trouble on the way


def test_the_task_waits_for_the_rate_cap_without_spending_an_attempt(
    templates, office, settings, mailoutbox, retries
):
    settings.EMAIL_RATE_PER_MINUTE = 1
    now = timezone.now()
    blocker = notice()
    backdate(blocker, status=Status.SENT, claimed_at=now, sent_at=now)
    message = notice()
    # While the task waits, the minute goes by.
    a_minute_ago = now - timedelta(seconds=61)
    retries.before_retry.append(
        lambda: backdate(blocker, claimed_at=a_minute_ago, sent_at=a_minute_ago)
    )
    result = deliver_message.apply(args=[message.pk])
    assert result.successful()
    [countdown] = retries.countdowns
    assert 55 <= countdown <= 66
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert len(mailoutbox) == 1


def test_the_delivery_task_takes_an_id_and_acknowledges_late():
    task = deliver_message._get_current_object()
    assert task.acks_late is True
    assert task.max_retries is None  # attempts are counted on the row (services.MAX_ATTEMPTS)
    assert task.name in app.tasks
    assert "pcc_portal.tasks.sweep_outbound_messages" in app.tasks


# --- the admin's "Send again" --------------------------------------------------------------


def test_send_again_requeues_failed_messages_only(
    templates, queued, django_capture_on_commit_callbacks
):
    failed, sent = notice(), notice()
    backdate(failed, status=Status.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTP: 421")
    backdate(sent, status=Status.SENT, sent_at=timezone.now(), claimed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        count = requeue_messages(messages=OutboundMessage.objects.all())
    assert count == 1
    assert queued == [failed.pk]
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.PENDING, 0)
    assert sent.status == Status.SENT


def test_an_administrator_sends_failed_messages_again_from_the_admin(
    templates, queued, make_user, sign_in, django_capture_on_commit_callbacks
):
    failed = notice()
    backdate(failed, status=Status.FAILED, attempts=MAX_ATTEMPTS)
    client = sign_in(make_user("Administrator"))
    assert client.get("/admin/pcc_portal/outboundmessage/").status_code == 200
    assert client.get(f"/admin/pcc_portal/outboundmessage/{failed.pk}/change/").status_code == 200
    assert client.get("/admin/pcc_portal/outboundmessage/add/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/pcc_portal/outboundmessage/",
            {"action": "send_again", "_selected_action": [failed.pk]},
        )
    assert response.status_code == 302
    assert queued == [failed.pk]
    failed.refresh_from_db()
    assert failed.status == Status.PENDING


def test_staff_without_the_permission_cannot_see_the_messages(templates, make_user, sign_in):
    client = sign_in(make_user("Engagement officer"))
    assert client.get("/admin/pcc_portal/outboundmessage/").status_code == 403


# --- the beat schedule ---------------------------------------------------------------------


def test_the_sweep_is_scheduled_every_five_minutes_by_migration():
    sweep = PeriodicTask.objects.get(name="Sweep outbound email")
    assert sweep.task == "pcc_portal.tasks.sweep_outbound_messages"
    assert sweep.task in app.tasks
    assert sweep.enabled
    assert (sweep.interval.every, sweep.interval.period) == (5, IntervalSchedule.MINUTES)


def test_running_the_schedule_migration_again_keeps_the_offices_changes():
    migration = importlib.import_module("pcc_portal.migrations.0005_outbound_email_sweep_schedule")
    sweep = PeriodicTask.objects.get(name="Sweep outbound email")
    sweep.interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    sweep.enabled = False
    sweep.save()
    migration.create_sweep_schedule(installed_apps, None)
    sweep = PeriodicTask.objects.get(name="Sweep outbound email")
    assert (sweep.interval.every, sweep.enabled) == (10, False)


# --- PostgreSQL's locks (decision 24) ------------------------------------------------------


def in_thread(target):
    """Run `target` in a thread with its own database connection; return the thread and a dict
    that will hold its result."""
    result = {}

    def run():
        try:
            result["value"] = target()
        except BaseException as exc:  # noqa: BLE001 (reported to the test)
            result["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_skips_a_row_another_worker_has_locked(templates, office, mailoutbox):
    message = notice()
    with transaction.atomic():
        OutboundMessage.objects.select_for_update().get(pk=message.pk)
        thread, result = in_thread(lambda: deliver(message.pk))
        thread.join(10)
        assert not thread.is_alive(), "deliver waited for the lock instead of skipping the row"
    assert result == {"value": services.Delivery(Outcome.GONE)}
    assert mailoutbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_take_rate_slots_one_at_a_time(templates, office, mailoutbox, settings):
    settings.EMAIL_RATE_PER_MINUTE = 1
    message = notice()
    with transaction.atomic():
        # Hold the rate lock, as another worker counting the sent messages would.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [services.RATE_LOCK_KEY])
        thread, result = in_thread(lambda: deliver(message.pk))
        time.sleep(0.5)
        assert thread.is_alive(), "deliver counted the slots without waiting for the rate lock"
    thread.join(10)
    assert result == {"value": services.Delivery(Outcome.SENT)}
    assert len(mailoutbox) == 1


# --- a real worker and broker --------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_a_committed_message_through_the_broker(templates, office):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    eager, app.conf.task_always_eager = app.conf.task_always_eager, False

    def close_worker_connections(**kwargs):
        # The worker thread's connection must not outlive the test, or the test database
        # cannot be dropped.
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            message = notice()  # autocommit: queued on commit, at once
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                message.refresh_from_db()
                if message.status == Status.SENT:
                    break
                time.sleep(0.2)
    finally:
        task_postrun.disconnect(close_worker_connections)
        app.conf.task_always_eager = eager
    assert message.status == Status.SENT
    assert [email.message()["Message-ID"] for email in mail.outbox] == [message.message_id]
