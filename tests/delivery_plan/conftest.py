"""Fixtures the delivery plan's tests share."""

import pytest

from tests.delivery_plan.factories import TaskFactory, lead_user


@pytest.fixture
def performance_officer(make_user):
    return make_user("Performance officer")


@pytest.fixture
def commissioner(make_user):
    return make_user("Commissioner and Deputy")


@pytest.fixture
def lead(make_user):
    """(user, staff record) of an engagement officer who leads tasks."""
    return lead_user(make_user, name="Amy Green", initials="AG")


@pytest.fixture
def task(lead):
    """A task of a current plan, led by `lead`."""
    return TaskFactory(leads=[lead[1]])
