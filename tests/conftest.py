import os

import pytest
from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from pcc_portal.reference_data import load_reference_data
from pcc_portal.services import set_roles
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
def celery_eager():
    """Run the tasks a test queues right there, as a worker would."""
    from pcc_portal.celery import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = before
