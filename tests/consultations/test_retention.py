"""Retention: when a consultation's retention period ends, its respondents' personal data goes,
once, in batches, by a daily task whose schedule the office can change."""

from datetime import UTC, datetime

import pytest
from django.apps import apps as django_apps
from django.db import DatabaseError
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from consultations import retention, tasks
from consultations.models import Answer, EqualityAnswers, Response
from consultations.schedules import RETENTION_NAME, RETENTION_TASK, ensure_retention_schedule
from tests.consultations.factories import ConsultationFactory, QuestionFactory

pytestmark = pytest.mark.django_db

# Closed on 31 January 2024, kept for 24 months: the data goes at noon on 31 January 2026.
CLOSED = datetime(2024, 1, 31, 12, 0, tzinfo=UTC)
ENDS = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def closed_consultation(**kwargs):
    return ConsultationFactory(
        opens_at=datetime(2023, 12, 1, tzinfo=UTC), closes_at=CLOSED, retention_months=24, **kwargs
    )


def response_with_personal_data(consultation, email="jo@example.com") -> Response:
    response = Response.objects.create(
        consultation=consultation,
        email=email,
        wants_feedback=True,
        client_key="a" * 64,
        respondent_type="organisation",
        organisation_name="Parish council",
        submitted_at=datetime(2024, 1, 2, tzinfo=UTC),
    )
    question = consultation.questions.first() or QuestionFactory(consultation=consultation)
    Answer.objects.create(response=response, question=question, text="More patrols please")
    EqualityAnswers.objects.create(response=response, age_band="25_34", sex="female")
    return response


def test_nothing_goes_before_the_retention_period_ends():
    response = response_with_personal_data(closed_consultation())

    assert retention.anonymise_expired_responses(now=ENDS.replace(minute=0, hour=11)) == 0

    response.refresh_from_db()
    assert response.email == "jo@example.com"
    assert response.anonymised_at is None
    assert EqualityAnswers.objects.filter(response=response).exists()


def test_personal_data_goes_when_the_period_ends_and_the_answers_stay():
    response = response_with_personal_data(closed_consultation())
    kept = response_with_personal_data(
        ConsultationFactory(
            opens_at=datetime(2025, 1, 1, tzinfo=UTC), closes_at=datetime(2025, 6, 1, tzinfo=UTC)
        ),
        email="sam@example.com",
    )

    assert retention.anonymise_expired_responses(now=ENDS) == 1

    response.refresh_from_db()
    assert response.email == ""
    assert response.wants_feedback is False
    assert response.client_key == ""
    assert response.anonymised_at == ENDS
    # It names an organisation, not a person; and the answers make the results.
    assert response.organisation_name == "Parish council"
    assert response.answers.get().text == "More patrols please"
    # Special category data is deleted outright.
    assert not EqualityAnswers.objects.filter(response=response).exists()
    # Another consultation's period has not ended.
    kept.refresh_from_db()
    assert kept.email == "sam@example.com"
    assert EqualityAnswers.objects.filter(response=kept).exists()


def test_the_period_is_each_consultations_own():
    consultation = closed_consultation()
    consultation.retention_months = 6
    consultation.save()
    response_with_personal_data(consultation)

    assert retention.anonymise_expired_responses(now=datetime(2024, 7, 31, 12, tzinfo=UTC)) == 1


def test_running_again_changes_nothing():
    response = response_with_personal_data(closed_consultation())
    retention.anonymise_expired_responses(now=ENDS)

    assert retention.anonymise_expired_responses(now=datetime(2026, 3, 1, tzinfo=UTC)) == 0

    response.refresh_from_db()
    assert response.anonymised_at == ENDS


def test_it_works_in_batches(monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)
    consultation = closed_consultation()
    for n in range(5):
        response_with_personal_data(consultation, email=f"person{n}@example.com")

    assert retention.anonymise_expired_responses(now=ENDS) == 5

    assert not Response.objects.exclude(email="").exists()
    assert not EqualityAnswers.objects.exists()


def test_the_task_calls_the_service(monkeypatch, celery_eager):
    calls = []
    monkeypatch.setattr(
        retention, "anonymise_expired_responses", lambda **kwargs: calls.append(kwargs) or 3
    )

    assert tasks.anonymise_expired_responses_task.delay().get() == 3
    assert calls == [{}]


def test_the_task_is_acknowledged_late_and_retried_with_backoff():
    task = tasks.anonymise_expired_responses_task
    assert task.name == RETENTION_TASK
    assert task.acks_late is True
    assert DatabaseError in task.autoretry_for
    assert task.retry_backoff


def test_the_schedule_is_made_once_daily_and_keeps_the_offices_changes():
    PeriodicTask.objects.filter(name=RETENTION_NAME).delete()

    ensure_retention_schedule(django_apps)

    schedule = PeriodicTask.objects.get(name=RETENTION_NAME)
    assert schedule.task == RETENTION_TASK
    assert schedule.interval is None
    crontab = schedule.crontab
    assert (crontab.minute, crontab.hour) == ("15", "3")
    assert (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == ("*", "*", "*")

    # The office moves it to 1 am and pauses it; running the function again keeps that.
    schedule.crontab = CrontabSchedule.objects.create(minute="0", hour="1")
    schedule.enabled = False
    schedule.save()
    ensure_retention_schedule(django_apps)

    assert PeriodicTask.objects.filter(name=RETENTION_NAME).count() == 1
    schedule.refresh_from_db()
    assert schedule.crontab.hour == "1"
    assert schedule.enabled is False


def test_the_migrations_made_the_daily_schedule():
    from django_celery_beat.models import PeriodicTask

    from consultations.schedules import RETENTION_TASK

    assert PeriodicTask.objects.filter(task=RETENTION_TASK, enabled=True).count() == 1
