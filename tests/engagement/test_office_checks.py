"""The system checks warn of an office loaded without what engagement cannot work without
(decision 39), without pcc_portal naming engagement."""

import pytest
from django.core.checks import run_checks

from engagement.models import ActivityArea, EngagementLevel

pytestmark = pytest.mark.django_db


def warnings_by_id() -> dict[str, str]:
    return {m.id: m.msg for m in run_checks(tags=["office"], include_deployment_checks=True)}


def test_a_complete_office_passes(reference_data):
    assert warnings_by_id() == {}


def test_an_office_without_activity_areas_is_warned_of(reference_data):
    ActivityArea.objects.all().delete()
    warnings = warnings_by_id()
    assert set(warnings) == {"engagement.W001"}
    assert "no contact can be logged" in warnings["engagement.W001"]


def test_an_office_without_engagement_levels_is_warned_of(reference_data):
    EngagementLevel.objects.all().delete()
    assert set(warnings_by_id()) == {"engagement.W002"}


def test_engagement_levels_without_their_text_are_named(reference_data):
    EngagementLevel.objects.filter(name="Consult").update(aim="")
    warnings = warnings_by_id()
    assert set(warnings) == {"engagement.W003"}
    assert "Consult" in warnings["engagement.W003"]
    assert "Inform" not in warnings["engagement.W003"]
