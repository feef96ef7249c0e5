"""The daily reminder digest (decisions 17 and 18), on fixed dates: every app's provider is
asked, each person gets one email listing what is new for them, and what was sent is recorded
so that a rerun, a retry or a second beat sends nothing twice."""

import threading
from collections import Counter
from datetime import date, datetime

import pytest
from django.core import mail
from django.db import connection, transaction
from django_celery_beat.models import PeriodicTask

from engagement.models import WorkPlan
from grants.models import MonitoringReport
from pcc_portal import registry
from pcc_portal.celery import app
from pcc_portal.models import OutboundMessage, ReminderSent
from pcc_portal.registry import Reminder
from pcc_portal.reminders import DIGEST_TEMPLATE, send_reminder_digests, upcoming_for
from pcc_portal.tasks import send_reminder_digests_task
from tests.consultations.factories import ConsultationFactory
from tests.delivery_plan.factories import MilestoneFactory, TaskFactory, lead_user
from tests.engagement.factories import LONDON, AmbassadorFactory
from tests.grants import factories as grants
from tests.pcc_portal.factories import UserFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)


def keys_sent_to(user) -> set[str]:
    return set(ReminderSent.objects.filter(recipient=user).values_list("key", flat=True))


def due_for(user, day=MONDAY) -> set[str]:
    """What the providers have for this person on the day, asked without the digest."""
    return {
        r.key
        for r in registry.due_reminders(start=day, end=day)
        if any(p.pk == user.pk for p in r.recipients)
    }


@pytest.fixture
def office_work(make_user, office):
    """One thing due from every app: an engagement officer who leads a delivery plan task with
    a milestone due, owns a consultation closing and reviews an ambassador's work plan; and a
    running grant whose report is due, for the grantee and the grants officer."""
    from delivery_plan.services import write_rag_update

    amy, member = lead_user(make_user, name="Amy Green", initials="AG")
    amy.full_name = "Amy Green"
    amy.save(update_fields=["full_name"])
    task = TaskFactory(leads=[member], summary="Produce the newsletter")
    write_rag_update(task=task, status="green", comment="On course", on=date(2026, 11, 13))
    milestone = MilestoneFactory(task=task, due_on=date(2026, 12, 1), description="December")
    consultation = ConsultationFactory(
        owner=amy,
        status="published",
        opens_at=datetime(2026, 10, 1, 9, tzinfo=LONDON),
        closes_at=datetime(2026, 11, 25, 12, tzinfo=LONDON),
    )
    ambassador = AmbassadorFactory()
    plan = WorkPlan.objects.create(ambassador=ambassador, next_review_on=date(2026, 12, 1))
    people = grants.Office(make_user)
    application, award = grants.active(people)
    report = award.reports.get(is_final=True)
    MonitoringReport.objects.filter(pk=report.pk).update(due_on=date(2026, 12, 7))
    return {
        "amy": amy,
        "ambassador": ambassador.user,
        "grants_officer": people.officer,
        "grantee": application.applicant,
        "keys": {
            "milestone": f"delivery_plan.milestone:{milestone.pk}:2026-12-01",
            "closing": f"consultations.closing:{consultation.pk}:2026-11-25",
            "review": f"engagement.work_plan_review:{plan.pk}:2026-12-01",
            "report": f"grants.report_due:{report.pk}:2026-12-07",
            "own_report": f"grants.own_report_due:{report.pk}:2026-12-07",
        },
    }


@pytest.fixture
def provider(monkeypatch):
    """Only the reminders a test names, from one made-up provider."""
    given: list[Reminder] = []
    monkeypatch.setattr(registry, "reminder_providers", registry.Registry())
    registry.register_reminder_provider("tests", lambda *, start, end: list(given))
    return given


def reminder(key, *people, due_on=date(2026, 11, 30), title="Something due", url="/staff/x/"):
    return Reminder(key=key, recipients=people, due_on=due_on, title=title, url=url)


# --- One digest per person from every provider ------------------------------------------------


def test_each_person_gets_one_digest_of_everything_due_for_them(office_work):
    keys = office_work["keys"]

    run = send_reminder_digests(today=MONDAY)

    emails = Counter(OutboundMessage.objects.values_list("to_email", flat=True))
    assert set(emails.values()) == {1}, "one email per person, never one per item"
    assert run.people == len(emails)
    amy = office_work["amy"]
    assert {keys["milestone"], keys["closing"], keys["review"]} <= keys_sent_to(amy)
    assert keys["review"] in keys_sent_to(office_work["ambassador"])
    assert keys["report"] in keys_sent_to(office_work["grants_officer"])
    assert keys["own_report"] in keys_sent_to(office_work["grantee"])
    # Every app's provider is in someone's digest, and each person got exactly what was due.
    sent = set(ReminderSent.objects.values_list("key", flat=True))
    assert {key.split(".")[0] for key in sent} >= {
        "delivery_plan",
        "consultations",
        "engagement",
        "grants",
    }
    for person in ("amy", "ambassador", "grants_officer", "grantee"):
        user = office_work[person]
        assert keys_sent_to(user) == due_for(user)
        (message,) = OutboundMessage.objects.filter(to_email=user.email)
        assert message.template == DIGEST_TEMPLATE
        assert set(message.reminders.values_list("key", flat=True)) == keys_sent_to(user)
    assert run.reminders == ReminderSent.objects.count()


def test_the_digest_reads_as_the_office_writes(
    office_work, celery_eager, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portal.example.org"
    amy = office_work["amy"]

    with django_capture_on_commit_callbacks(execute=True):
        send_reminder_digests(today=MONDAY)

    (email,) = [m for m in mail.outbox if m.to == [amy.email]]
    count = len(due_for(amy))
    assert email.subject == f"{count} reminders from the portal"
    assert email.body.startswith("Dear Amy Green,")
    assert "Office of the Commissioner for Anyshire" in email.body
    assert "as of Monday 23 November 2026" in email.body
    assert "Due Wednesday 25 November 2026" in email.body
    assert "Due Tuesday 1 December 2026" in email.body
    milestone_task = ReminderSent.objects.get(key=office_work["keys"]["milestone"])
    assert f"https://portal.example.org{milestone_task.url}" in email.body


def test_overdue_items_are_marked_in_the_subject_and_body(
    provider, office, celery_eager, django_capture_on_commit_callbacks
):
    person = UserFactory(full_name="Sam Lee")
    provider.append(reminder("a.late:1:2026-11-20", person, due_on=date(2026, 11, 20)))
    provider.append(reminder("a.soon:2:2026-11-30", person))

    with django_capture_on_commit_callbacks(execute=True):
        send_reminder_digests(today=MONDAY)

    (email,) = mail.outbox
    assert email.subject == "2 reminders from the portal (1 overdue)"
    assert "Overdue: it was due Friday 20 November 2026" in email.body
    assert "Due Monday 30 November 2026" in email.body


# --- Nothing sent twice -----------------------------------------------------------------------


def test_a_second_run_sends_nothing(office_work):
    first = send_reminder_digests(today=MONDAY)
    emails, records = OutboundMessage.objects.count(), ReminderSent.objects.count()
    assert first.people and emails == first.people

    second = send_reminder_digests(today=MONDAY)

    assert second.people == 0 and second.reminders == 0
    assert OutboundMessage.objects.count() == emails
    assert ReminderSent.objects.count() == records


def test_the_daily_task_run_twice_sends_nothing_twice(
    office_work, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminder_digests_task.delay(MONDAY.isoformat()).get() > 0
    outbox = len(mail.outbox)
    assert outbox == OutboundMessage.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminder_digests_task.delay(MONDAY.isoformat()).get() == 0

    assert len(mail.outbox) == outbox
    assert OutboundMessage.objects.filter(status="sent").count() == outbox


def test_the_next_day_sends_only_what_is_new(provider, office):
    person = UserFactory()
    provider.append(reminder("a.one:1:2026-11-30", person))
    send_reminder_digests(today=MONDAY)
    # Still offered the next day (not yet dealt with), and one more item has come due.
    provider.append(reminder("a.two:2:2026-12-01", person, due_on=date(2026, 12, 1)))

    run = send_reminder_digests(today=TUESDAY)

    assert run.people == 1 and run.reminders == 1
    latest = OutboundMessage.objects.order_by("-pk").first()
    assert list(latest.reminders.values_list("key", flat=True)) == ["a.two:2:2026-12-01"]
    assert [i["title"] for i in latest.context["items"]] == ["Something due"]


def test_a_person_named_twice_or_by_two_items_still_gets_one_email(provider, office):
    person = UserFactory()
    provider.append(reminder("a.one:1", person, person))
    provider.append(reminder("a.two:2", person))

    send_reminder_digests(today=MONDAY)

    (message,) = OutboundMessage.objects.all()
    assert message.context["count"] == 2
    assert ReminderSent.objects.filter(recipient=person).count() == 2


def test_people_who_cannot_receive_it_are_left_out(provider, office):
    closed = UserFactory(is_active=False)
    provider.append(reminder("a.one:1", closed, None))

    run = send_reminder_digests(today=MONDAY)

    assert run.people == 0
    assert not OutboundMessage.objects.exists() and not ReminderSent.objects.exists()


def test_a_digest_rolled_back_records_nothing(provider, office):
    person = UserFactory()
    provider.append(reminder("a.one:1", person))

    with pytest.raises(RuntimeError), transaction.atomic():
        send_reminder_digests(today=MONDAY)
        raise RuntimeError("the worker stopped")

    assert not ReminderSent.objects.exists() and not OutboundMessage.objects.exists()
    assert send_reminder_digests(today=MONDAY).people == 1


def test_the_record_is_unique_on_key_and_person(office):
    from django.db import IntegrityError

    person = UserFactory()
    row = {"key": "a.one:1", "recipient": person, "due_on": MONDAY, "title": "Due"}
    ReminderSent.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(**row)
    ReminderSent.objects.create(**{**row, "recipient": UserFactory()})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_send_each_person_one_digest(provider, office):
    people = [UserFactory() for _ in range(6)]
    for n in range(4):
        provider.append(reminder(f"a.item:{n}", *people))
    start = threading.Barrier(2)
    errors = []

    def beat():
        try:
            start.wait()
            send_reminder_digests(today=MONDAY)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert OutboundMessage.objects.count() == len(people)
    assert ReminderSent.objects.count() == len(people) * 4


# --- The schedule -----------------------------------------------------------------------------


def test_the_daily_schedule_is_made_by_the_migration():
    schedule = PeriodicTask.objects.get(name="Send reminder digests")
    assert schedule.task == "pcc_portal.tasks.send_reminder_digests_task"
    assert schedule.task in app.tasks
    assert schedule.enabled
    crontab = schedule.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "7", "*")
    assert str(crontab.timezone) == "Europe/London"


# --- A person's upcoming items ----------------------------------------------------------------


def test_upcoming_items_are_the_persons_own_within_two_weeks(provider, office):
    person, other = UserFactory(), UserFactory()
    provider.append(reminder("a.late:1", person, due_on=date(2026, 11, 20)))
    provider.append(reminder("a.soon:2", person, due_on=date(2026, 12, 7)))
    provider.append(reminder("a.later:3", person, due_on=date(2026, 12, 8)))
    provider.append(reminder("a.theirs:4", other))

    assert [r.key for r in upcoming_for(person, today=MONDAY)] == ["a.late:1", "a.soon:2"]
