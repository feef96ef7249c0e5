import os
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from pcc_portal.models import OfficeProfile
from pcc_portal.reference_data import load_reference_data
from pcc_portal.services import issue_device_token, set_roles
from tests.pcc_portal.factories import UserFactory


def pytest_collection_modifyitems(config, items):
    on_sqlite = connection.vendor == "sqlite"
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL's behaviour; runs in the PostgreSQL pass")
    skip_redis = pytest.mark.skip(reason="needs a real Redis: set REDIS_URL (the CI's second pass)")
    for item in items:
        if on_sqlite and "postgres" in item.keywords:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(skip_redis)


@pytest.fixture
def reference_data(db):
    return load_reference_data(office="west_mercia")


@pytest.fixture
def make_user(db):
    """make_user("Grants officer") -> a user holding that role (or none for the public)."""

    def make(role: str | None = None, **kwargs):
        user = UserFactory(**kwargs)
        set_roles(user=user, roles=[role] if role else [])
        return user

    return make


@pytest.fixture
def sign_in(client):
    """Sign a user in as if they had passed two-factor sign-in."""

    def sign(user, *, verified=True):
        client.force_login(user)
        if verified:
            device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return sign


@pytest.fixture
def signed_in_as(make_user, sign_in):
    """signed_in_as("Engagement officer") -> a new user holding that role, signed in to the test
    client with a verified second factor."""

    def sign(role: str, **kwargs):
        user = make_user(role, **kwargs)
        sign_in(user)
        return user

    return sign


@pytest.fixture
def token_for(make_user):
    """token_for(user) or token_for("Grants officer") -> the headers of a phone's device token."""

    def make(user_or_role="Ambassador"):
        user = make_user(user_or_role) if isinstance(user_or_role, str) else user_or_role
        _, key = issue_device_token(user=user, name="Phone", verified=True)
        return {"HTTP_AUTHORIZATION": f"Token {key}"}

    return make


@pytest.fixture
def office(db):
    """The office's profile, with a holder and a deputy named."""
    return OfficeProfile.objects.create(
        office_name="Office of the Commissioner for Anyshire",
        area_name="Anyshire",
        holder_title="Commissioner for Anyshire",
        holder_name="Alex Holder",
        deputy_title="Deputy Commissioner",
        deputy_name="Sam Deputy",
    )


def _statements(label: str, captured: CaptureQueriesContext) -> str:
    lines = [f"{label}: {len(captured)} queries"]
    lines += [f"  {n}. {query['sql']}" for n, query in enumerate(captured, start=1)]
    return "\n".join(lines)


@pytest.fixture
def assert_flat_queries(db):
    """Decision 25: a list takes as many queries for 50 rows as for 5.

    assert_flat_queries(make_rows, request) calls make_rows(5), makes the request once to warm
    per-process caches (and a device token's first-use write), counts the queries of the request,
    calls make_rows(45) and counts again. Both responses must answer 200 and both counts be equal;
    on failure every SQL statement of both runs is printed. With at_most=N the count is also
    pinned under a ceiling. Returns the response at 50 rows, for the caller to check that the
    rows are there.
    """

    def check(
        make_rows: Callable[[int], object],
        request: Callable[[], object],
        *,
        at_most: int | None = None,
    ):
        make_rows(5)
        request()
        with CaptureQueriesContext(connection) as five:
            response = request()
        assert response.status_code == 200, f"{response.status_code} at 5 rows"
        make_rows(45)
        with CaptureQueriesContext(connection) as fifty:
            response = request()
        assert response.status_code == 200, f"{response.status_code} at 50 rows"
        both = _statements("At 5 rows", five) + "\n" + _statements("At 50 rows", fifty)
        if len(five) != len(fifty):
            pytest.fail(f"the query count grows with the rows\n{both}", pytrace=False)
        if at_most is not None and len(fifty) > at_most:
            pytest.fail(f"more than {at_most} queries\n{both}", pytrace=False)
        return response

    return check


@pytest.fixture
def celery_eager():
    """Run the tasks a test queues right there, as a worker would."""
    from pcc_portal.celery import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = before
