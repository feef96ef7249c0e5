"""Fixtures the engagement tests share."""

import pytest

from tests.engagement.factories import AmbassadorFactory


@pytest.fixture
def ambassador(db):
    """An active ambassador (with the role) in a policing area of their own."""
    return AmbassadorFactory()


@pytest.fixture
def officer(make_user):
    """The staff officer, who keeps the queue of raised issues."""
    return make_user("Staff officer")
