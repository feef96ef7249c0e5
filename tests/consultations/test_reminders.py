"""Consultations' reminder provider (decision 18), on fixed dates."""

from datetime import date, datetime

import pytest

from consultations.reminders import consultation_reminders
from tests.consultations.factories import ConsultationFactory
from tests.engagement.factories import LONDON

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)


def closing(day: date, hour=12, status="published", **kwargs):
    return ConsultationFactory(
        status=status,
        opens_at=datetime(2026, 10, 1, 9, tzinfo=LONDON),
        closes_at=datetime(day.year, day.month, day.day, hour, tzinfo=LONDON),
        **kwargs,
    )


def reminders(day=MONDAY):
    return list(consultation_reminders(start=day, end=day))


def test_a_consultation_closing_within_three_days_goes_to_its_owner():
    consultation = closing(date(2026, 11, 26))
    (reminder,) = reminders()
    assert reminder.recipients == (consultation.owner,)
    assert reminder.key == f"consultations.closing:{consultation.pk}:2026-11-26"
    assert reminder.due_on == date(2026, 11, 26)
    assert "Closes 26 November" in reminder.title


def test_four_days_ahead_is_too_early_and_a_closed_one_is_not_offered():
    closing(date(2026, 11, 27))
    closing(date(2026, 11, 22))
    assert reminders() == []


@pytest.mark.parametrize("status", ["draft", "withdrawn"])
def test_only_published_consultations_are_chased(status):
    closing(date(2026, 11, 25), status=status)
    assert reminders() == []


def test_the_provider_is_registered():
    from pcc_portal.registry import reminder_providers

    assert reminder_providers.get("consultations") is consultation_reminders
