import pytest

from pcc_portal import health

pytestmark = pytest.mark.django_db


def test_healthz_is_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_broker_cannot_be_reached(client, monkeypatch):
    # A broker on a port nothing listens on: the real connection attempt fails.
    from celery import Celery

    # Not made the current app: the tasks the later tests queue must keep the portal's broker.
    unreachable = Celery("unreachable", broker="redis://127.0.0.1:9/0", set_as_current=False)
    monkeypatch.setattr(health, "celery_app", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    from django.db import connection
    from django.db.utils import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    assert health.database_ok() is False
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.redis
def test_healthz_with_a_real_redis_broker(client, settings):
    from pcc_portal.celery import app

    assert app.conf.broker_url.startswith("redis://")
    assert client.get("/healthz").status_code == 200
