"""Fixtures the engagement tests share."""

import uuid

import pytest
from django.utils import timezone

from engagement.models import Contact
from tests.engagement.factories import (
    ActivityAreaFactory,
    AmbassadorFactory,
    EngagementLevelFactory,
)


@pytest.fixture
def ambassador(db):
    """An active ambassador (with the role) in a policing area of their own."""
    return AmbassadorFactory()


@pytest.fixture
def officer(make_user):
    """The staff officer, who keeps the queue of raised issues."""
    return make_user("Staff officer")


@pytest.fixture
def payload(ambassador):
    """A good contact as a phone app sends it to the API."""
    EngagementLevelFactory(name="Consult")
    ActivityAreaFactory(number=2)
    return {
        "occurred_on": timezone.localdate().isoformat(),
        "policing_area": ambassador.policing_area.slug,
        "who": "Farmers at the livestock market",
        "people_reached": 25,
        "method": "event",
        "engagement_level": "Consult",
        "activity_areas": [2],
        "submission_key": str(uuid.uuid4()),
    }


@pytest.fixture
def answers(ambassador):
    """A good contact's answers, as ContactAnswers takes them."""
    return {
        "occurred_on": timezone.localdate(),
        "policing_area": ambassador.policing_area,
        "who": "Parents at the school gate",
        "people_reached": 12,
        "method": Contact.Method.STREET,
        "engagement_level": EngagementLevelFactory(),
        "activity_areas": [ActivityAreaFactory(number=4, name="Children and young people")],
    }


def contact_form_data(answers, **changes) -> dict:
    """The phone form's POST for `answers`, under a new submission key, with `changes` over it."""
    day = answers["occurred_on"]
    data = {
        "occurred_on_0": day.day,
        "occurred_on_1": day.month,
        "occurred_on_2": day.year,
        "policing_area": answers["policing_area"].pk,
        "who": answers["who"],
        "people_reached": answers["people_reached"],
        "method": answers["method"],
        "engagement_level": answers["engagement_level"].pk,
        "activity_areas": [a.pk for a in answers["activity_areas"]],
        "submission_key": str(uuid.uuid4()),
    }
    data.update(changes)
    return data
