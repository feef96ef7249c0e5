"""Fixtures the grants tests share."""

import pytest

from tests.grants.factories import ApplicationFactory, Office


@pytest.fixture
def people(make_user, office):
    """A grants officer, an assessor and the Commissioner (the office's named holder)."""
    return Office(make_user)


@pytest.fixture
def application(db):
    """A complete draft to an open round, ready to send."""
    return ApplicationFactory()
