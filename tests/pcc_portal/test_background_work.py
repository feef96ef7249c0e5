import pytest
from django.db import connection

from pcc_portal.celery import app


def test_celery_is_configured_to_lose_nothing():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.worker_prefetch_multiplier == 1
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    if conf.broker_url.startswith("redis"):
        assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_sqlite_runs_in_wal_mode_so_web_worker_and_beat_share_it(
    tmp_path, settings, django_db_blocker
):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only: the laptop default")
    wrapper = DatabaseWrapper(
        {**connection.settings_dict, "NAME": str(tmp_path / "portal.sqlite3"), "OPTIONS": options}
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000
    finally:
        wrapper.close()
