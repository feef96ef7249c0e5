from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.pcc_portal.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/account/login/"


def attempt(client, email, password, ip="203.0.113.5"):
    return client.post(
        LOGIN,
        {"login_view-current_step": "auth", "auth-username": email, "auth-password": password},
        REMOTE_ADDR=ip,
    )


def test_lockout_is_keyed_on_username_and_address_together(client, make_user, settings):
    officer = make_user("Grants officer", email="officer@example.org")
    colleague = make_user("Grants officer", email="colleague@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, officer.email, "wrong password here")
        assert response.status_code == 200  # the form again, with an error
    assert attempt(client, officer.email, "wrong password here").status_code == 429
    # Locked now: even the right password is refused from here.
    locked = attempt(client, officer.email, TEST_PASSWORD)
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    # The same person from another address, and a colleague on the same network, can sign in.
    assert attempt(client, officer.email, TEST_PASSWORD, ip="198.51.100.7").status_code == 302
    client.logout()
    assert attempt(client, colleague.email, TEST_PASSWORD).status_code == 302
    # The address itself is never stored.
    from axes.models import AccessAttempt

    stored = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert stored and not stored & {"203.0.113.5", "198.51.100.7"}
    assert all(address.startswith("fd") for address in stored)


def test_staff_must_set_up_two_factor_before_anything_else(client, make_user):
    officer = make_user("Engagement officer")
    assert attempt(client, officer.email, TEST_PASSWORD).status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two_factor/setup/"
    assert client.get("/account/two_factor/setup/").status_code == 200


def test_staff_with_a_device_sign_in_with_a_code(client, make_user):
    officer = make_user("Staff officer")
    device = TOTPDevice.objects.create(user=officer, name="default", confirmed=True)
    response = attempt(client, officer.email, TEST_PASSWORD)
    assert response.status_code == 200
    assert "token-otp_token" in response.content.decode()
    code = str(totp(device.bin_key)).zfill(6)
    response = client.post(LOGIN, {"login_view-current_step": "token", "token-otp_token": code})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_keeps_the_person_out(client, make_user):
    officer = make_user("Staff officer")
    TOTPDevice.objects.create(user=officer, name="default", confirmed=True)
    attempt(client, officer.email, TEST_PASSWORD)
    response = client.post(LOGIN, {"login_view-current_step": "token", "token-otp_token": "000000"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_applicants_need_no_second_factor(client, make_user):
    applicant = make_user("Applicant")
    assert attempt(client, applicant.email, TEST_PASSWORD).status_code == 302
    assert client.get("/account/").status_code == 200


def test_two_factor_is_not_required_on_a_debug_laptop_run(client, make_user, settings):
    settings.TWO_FACTOR_REQUIRED = False
    officer = make_user("Engagement officer")
    attempt(client, officer.email, TEST_PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_passwords_must_be_long_and_uncommon():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least 12"):
        validate_password("Sh0rt!pass")
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")
    validate_password("correct horse battery staple")


def test_session_idles_out_and_the_keepalive_extends_it(client, make_user, sign_in, settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    sign_in(make_user("Staff officer"))
    page = client.get("/account/").content.decode()
    assert f'data-session-timeout-seconds="{settings.SESSION_COOKIE_AGE}"' in page
    assert 'id="session-timeout-dialog"' in page
    # Nearly idle out, then "Stay signed in": the session runs for the full idle time again.
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(seconds=10))
    response = client.post("/account/session/keepalive/")
    assert response.status_code == 200
    expires = Session.objects.get(pk=key).expire_date
    assert expires > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert response.cookies["sessionid"]["httponly"]


def test_the_keepalive_does_not_sign_anyone_in(client):
    assert client.post("/account/session/keepalive/").status_code == 401
