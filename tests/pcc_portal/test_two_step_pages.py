"""Every two-step sign-in page a person can reach is a page of the portal, in plain English."""

import pytest
from django.apps import apps
from django.template.loader import render_to_string
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.pcc_portal.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/account/login/"
STOCK_WORDS = (
    "Account Security",
    "Two-Factor Authentication",
    "Two-factor Authentication",
    "Token",
)


def assert_portal_page(response, heading: str):
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    # The base layout: the portal's header, footer and stylesheet.
    assert 'class="govuk-template"' in page and "govuk-header" in page and "govuk-footer" in page
    assert "portal/portal.css" in page and "bootstrap" not in page
    assert f'<h1 class="govuk-heading-xl">{heading}</h1>' in page
    for words in STOCK_WORDS:
        assert words not in page, f"{words!r} is on {response.request['PATH_INFO']}"
    return page


def sign_in_with_password(client, user):
    return client.post(
        LOGIN,
        {
            "login_view-current_step": "auth",
            "auth-username": user.email,
            "auth-password": TEST_PASSWORD,
        },
    )


def test_the_sign_in_steps(client, make_user):
    page = assert_portal_page(client.get(LOGIN), "Sign in")
    officer = make_user("Staff officer")
    response = client.post(
        LOGIN,
        {"login_view-current_step": "auth", "auth-username": officer.email, "auth-password": "x"},
    )
    page = assert_portal_page(response, "Sign in")
    assert "Enter a correct email address and password" in page and "Please enter" not in page
    TOTPDevice.objects.create(user=officer, name="default", confirmed=True)
    backup = StaticDevice.objects.create(user=officer, name="backup")
    backup.token_set.create(token="abcd1234")

    page = assert_portal_page(sign_in_with_password(client, officer), "Sign in")
    assert "Enter the 6-digit code from your authenticator app" in page
    assert 'autocomplete="one-time-code"' in page
    assert "Use a recovery code" in page

    # A wrong code is answered in an error summary, in plain words.
    response = client.post(LOGIN, {"login_view-current_step": "token", "token-otp_token": "00000"})
    page = assert_portal_page(response, "Sign in")
    assert "govuk-error-summary" in page and "govuk-form-group--error" in page
    assert "The code must be 6 numbers" in page
    response = client.post(LOGIN, {"login_view-current_step": "token", "token-otp_token": ""})
    assert "Enter the 6-digit code from your authenticator app" in response.content.decode()

    response = client.post(LOGIN, {"wizard_goto_step": "backup"})
    page = assert_portal_page(response, "Sign in")
    assert "Recovery code" in page
    response = client.post(LOGIN, {"login_view-current_step": "backup", "backup-otp_token": "nope"})
    page = assert_portal_page(response, "Sign in")
    assert "govuk-error-summary" in page
    assert "The recovery code is not right or has already been used" in page


def test_setting_up_two_step_sign_in(client, make_user):
    officer = make_user("Engagement officer")
    sign_in_with_password(client, officer)
    page = assert_portal_page(client.get("/account/two_factor/setup/"), "Set up two-step sign-in")
    response = client.post("/account/two_factor/setup/", {"setup_view-current_step": "welcome"})
    page = assert_portal_page(response, "Set up two-step sign-in")
    assert "Scan this QR code" in page
    response = client.post(
        "/account/two_factor/setup/",
        {"setup_view-current_step": "generator", "generator-token": "123"},
    )
    page = assert_portal_page(response, "Set up two-step sign-in")
    assert "govuk-error-summary" in page
    assert "The code is not right" in page

    key = client.session["django_two_factor-qr_secret_key"]
    from base64 import b32decode

    code = totp(b32decode(key))
    response = client.post(
        "/account/two_factor/setup/",
        {"setup_view-current_step": "generator", "generator-token": str(code).zfill(6)},
    )
    assert response.status_code == 302
    page = assert_portal_page(client.get(response["Location"]), "Two-step sign-in is set up")
    assert "Make your recovery codes" in page


def test_the_signed_in_pages(client, make_user, sign_in):
    officer = make_user("Staff officer")
    sign_in(officer)
    TOTPDevice.objects.filter(user=officer).update(name="default")

    page = assert_portal_page(client.get("/account/two_factor/"), "Two-step sign-in")
    assert "Recovery codes" in page and "Backup" not in page
    page = assert_portal_page(
        client.get("/account/two_factor/setup/complete/"), "Two-step sign-in is set up"
    )
    page = assert_portal_page(client.get("/account/two_factor/backup/tokens/"), "Recovery codes")
    response = client.post("/account/two_factor/backup/tokens/")
    page = assert_portal_page(client.get(response["Location"]), "Recovery codes")
    assert page.count('class="portal-token"') == 10

    page = assert_portal_page(
        client.get("/account/two_factor/disable/"), "Turn off two-step sign-in"
    )
    assert "govuk-checkboxes" in page
    response = client.post("/account/two_factor/disable/", {})
    page = assert_portal_page(response, "Turn off two-step sign-in")
    assert "govuk-error-summary" in page
    assert "Select that you understand" in page


def test_a_person_without_two_step_sign_in_is_offered_it(client, make_user):
    applicant = make_user("Applicant")
    client.force_login(applicant)
    page = assert_portal_page(client.get("/account/two_factor/"), "Two-step sign-in")
    assert 'href="/account/two_factor/setup/"' in page
    assert "Set up two-step sign-in" in page


def test_the_page_for_an_unverified_person_is_the_portals_too(make_user):
    request = RequestFactory().get("/")
    request.user = make_user("Staff officer")
    page = render_to_string("two_factor/core/otp_required.html", request=request)
    assert 'class="govuk-template"' in page
    for words in STOCK_WORDS:
        assert words not in page


def test_no_phone_pages_are_shipped():
    # Codes by text message or call would need a paid service and would tell an attacker the
    # number; the authenticator app and recovery codes are the only ways in.
    assert not apps.is_installed("two_factor.plugins.phonenumber")
