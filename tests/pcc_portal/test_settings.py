"""Settings are read from the environment; these run a fresh interpreter for each case."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
        SITE_URL="https://engage.example.org",
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


PRODUCTION = {
    "SECRET_KEY": "x" * 60,
    "DATABASE_URL": "postgres://portal@db.example.org:5432/portal",
    "REDIS_URL": "redis://cache.example.org:6379/0",
    "EMAIL_HOST": "smtp.example.org",
    "SITE_URL": "https://engage.example.org",
}


def test_production_without_redis_is_a_clear_start_up_error():
    env = {key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"}
    result = run("pcc_portal.settings.production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: REDIS_URL is not set" in result.stderr


def test_production_without_a_mail_server_is_a_clear_start_up_error():
    env = {key: value for key, value in PRODUCTION.items() if key != "EMAIL_HOST"}
    result = run("pcc_portal.settings.production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: EMAIL_HOST is not set" in result.stderr
    assert "EMAIL_BACKEND" in result.stderr


def test_production_without_the_sites_address_is_a_clear_start_up_error():
    env = {key: value for key, value in PRODUCTION.items() if key != "SITE_URL"}
    result = run("pcc_portal.settings.production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SITE_URL is not set" in result.stderr
    result = run("pcc_portal.settings.production", **env, SITE_URL="engage.example.org")
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


def test_a_laptop_run_links_to_the_laptop():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "from pcc_portal.settings import local; print(local.SITE_URL)"],
        cwd=ROOT,
        env=CLEAN,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8000"


def test_production_honours_an_email_backend_set_on_purpose():
    env = {key: value for key, value in PRODUCTION.items() if key != "EMAIL_HOST"}
    backend = "django.core.mail.backends.console.EmailBackend"
    result = run("pcc_portal.settings.production", EMAIL_BACKEND=backend, **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["email"] == backend


MKDIR_SPY = """
import importlib, json, os, pathlib, sys
made = []
real_mkdir, real_makedirs, real_os_mkdir = pathlib.Path.mkdir, os.makedirs, os.mkdir
def path_mkdir(self, *args, **kwargs):
    made.append(str(self)); return real_mkdir(self, *args, **kwargs)
def makedirs(name, *args, **kwargs):
    made.append(str(name)); return real_makedirs(name, *args, **kwargs)
def os_mkdir(name, *args, **kwargs):
    made.append(str(name)); return real_os_mkdir(name, *args, **kwargs)
pathlib.Path.mkdir, os.makedirs, os.mkdir = path_mkdir, makedirs, os_mkdir
settings = importlib.import_module(sys.argv[1])
print(json.dumps({"made": made, "broker": settings.CELERY_BROKER_TRANSPORT_OPTIONS}))
"""


@pytest.mark.parametrize(
    ("module", "env"),
    [
        ("pcc_portal.settings.local", {}),
        ("pcc_portal.settings.test", {}),
        ("pcc_portal.settings.production", PRODUCTION),
        ("pcc_portal.settings.base", {"DEBUG": "1"}),
    ],
)
def test_importing_the_settings_creates_no_folder(module, env):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", MKDIR_SPY, module],
        cwd=ROOT,
        env={**CLEAN, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["made"] == []


def test_the_file_broker_makes_its_folders_when_it_connects(tmp_path):
    from kombu import Connection

    folders = {
        "data_folder_in": tmp_path / "broker" / "queue",
        "data_folder_out": tmp_path / "broker" / "queue",
        "processed_folder": tmp_path / "broker" / "processed",
        "control_folder": tmp_path / "broker" / "control",
    }
    options = {name: str(path) for name, path in folders.items()}
    with Connection(
        "filesystem://", transport="pcc_portal.file_broker:Transport", transport_options=options
    ) as connection:
        connection.connect()
        queue = connection.SimpleQueue("portal-test")
        queue.put({"hello": "world"})
        assert queue.get(timeout=1).payload == {"hello": "world"}
        queue.close()
    assert all(path.is_dir() for path in folders.values())
    assert not (ROOT / "control").exists()


def test_the_laptop_broker_names_its_folders_under_var():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", MKDIR_SPY, "pcc_portal.settings.local"],
        cwd=ROOT,
        env=CLEAN,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    options = json.loads(result.stdout)["broker"]
    var = str(ROOT / "var" / "broker")
    names = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
    assert all(str(options[name]).startswith(var) for name in names), options
