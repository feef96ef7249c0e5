"""Pages and API answers that hold personal data are never kept by a cache (browser's back
button, a shared proxy); production's cookies carry the __Host- prefix."""

import json
import subprocess
import sys

import pytest

from tests.pcc_portal.test_settings import CLEAN, ROOT

pytestmark = pytest.mark.django_db
NO_STORE = "no-store, private"


def test_the_staff_contact_list_is_not_stored(client, signed_in_as):
    signed_in_as("Engagement officer")
    response = client.get("/staff/engagement/contacts/")
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_api_answers_are_not_stored(client, token_for):
    response = client.get("/api/v1/policing-areas/", **token_for("Ambassador"))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE
    refused = client.get("/api/v1/policing-areas/")
    assert refused["Cache-Control"] == NO_STORE


def test_any_page_seen_signed_in_is_not_stored(client, signed_in_as, office):
    signed_in_as("Ambassador")
    response = client.get("/privacy/")
    assert "no-store" in response["Cache-Control"]


def test_public_pages_and_feeds_keep_their_own_caching(client, office):
    assert "no-store" not in client.get("/events.ics")["Cache-Control"]
    assert "no-store" not in client.get("/events/").get("Cache-Control", "")


PRINT_COOKIES = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'session': settings.SESSION_COOKIE_NAME, 'csrf': settings.CSRF_COOKIE_NAME, "
    "'session_secure': settings.SESSION_COOKIE_SECURE, 'csrf_secure': settings.CSRF_COOKIE_SECURE, "
    "'session_path': settings.SESSION_COOKIE_PATH, 'csrf_path': settings.CSRF_COOKIE_PATH, "
    "'session_domain': settings.SESSION_COOKIE_DOMAIN, 'csrf_domain': settings.CSRF_COOKIE_DOMAIN, "
    "'remember': getattr(settings, 'TWO_FACTOR_REMEMBER_COOKIE_PREFIX', ''), "
    "'remember_secure': getattr(settings, 'TWO_FACTOR_REMEMBER_COOKIE_SECURE', False)}))"
)


def test_production_cookies_carry_the_host_prefix():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRINT_COOKIES],
        cwd=ROOT,
        env={
            **CLEAN,
            "DJANGO_SETTINGS_MODULE": "pcc_portal.settings.production",
            "SECRET_KEY": "x" * 60,
            "DATABASE_URL": "postgres://portal@db.example.org:5432/portal",
            "REDIS_URL": "redis://cache.example.org:6379/0",
            "EMAIL_HOST": "smtp.example.org",
            "SITE_URL": "https://engage.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["session"] == "__Host-sessionid"
    assert values["csrf"] == "__Host-csrftoken"
    assert values["session_secure"] and values["csrf_secure"]
    assert values["session_path"] == values["csrf_path"] == "/"
    assert values["session_domain"] is None and values["csrf_domain"] is None
    assert values["remember"].startswith("__Host-")
    assert values["remember_secure"] is True
