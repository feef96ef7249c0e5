"""Settings are read from the environment; these run a fresh interpreter for each case."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'debug': settings.DEBUG, 'db': settings.DATABASES['default']['ENGINE'], "
    "'broker': settings.CELERY_BROKER_URL, 'cache': settings.CACHES['default']['BACKEND'], "
    "'email': settings.EMAIL_BACKEND, 'tz': settings.TIME_ZONE, 'lang': settings.LANGUAGE_CODE, "
    "'hsts': getattr(settings, 'SECURE_HSTS_SECONDS', 0), "
    "'two_factor': settings.TWO_FACTOR_REQUIRED}))"
)
CLEAN = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}


def run(settings_module: str, **env):
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env={**CLEAN, "DJANGO_SETTINGS_MODULE": settings_module, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_secret_key_is_a_clear_start_up_error():
    result = run("pcc_portal.settings.production", DATABASE_URL="postgres://u@localhost/db")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_production_without_a_database_url_is_a_clear_error():
    result = run("pcc_portal.settings.production", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_a_laptop_run_needs_nothing_installed():
    result = run("pcc_portal.settings.local")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is True
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["broker"] == "filesystem://"
    assert values["cache"].endswith("LocMemCache")
    assert values["email"].endswith("filebased.EmailBackend")
    assert values["tz"] == "Europe/London"
    assert values["lang"] == "en-gb"
    assert values["two_factor"] is False


def test_redis_url_makes_redis_the_broker_and_the_cache():
    result = run(
        "pcc_portal.settings.production",
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgres://portal@db.example.org:5432/portal",
        REDIS_URL="redis://cache.example.org:6379/0",
        EMAIL_HOST="smtp.example.org",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["db"] == "django.db.backends.postgresql"
    assert values["broker"] == "redis://cache.example.org:6379/0"
    assert values["cache"].endswith("RedisCache")
    assert values["email"].endswith("smtp.EmailBackend")
    assert values["hsts"] == 31536000
    assert values["two_factor"] is True
