"""Passwords: too little variety is refused; a forgotten one is reset by email, through the one
send service; anyone signed in can change theirs."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from pcc_portal.models import OutboundMessage
from tests.pcc_portal.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a brand new passphrase 2027"


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaa", "passwordpassword", "PasswordPASSWORD", "abcabcabcabcabc", "121212121212ab"],
)
def test_passwords_of_too_little_variety_are_refused(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any("Password must" in message for message in refused.value.messages)


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", TEST_PASSWORD, "Tr0ub4dor&3xyz"]
)
def test_varied_passwords_pass(password):
    validate_password(password)


def reset_link(message: OutboundMessage) -> str:
    return message.context["reset_url"]


def request_reset(client, email):
    return client.post("/account/password_reset/", {"email": email})


def test_the_sign_in_page_links_to_the_reset(client):
    html = client.get("/account/login/").content.decode()
    assert "Forgotten your password?" in html
    assert 'href="/account/password_reset/"' in html


def test_a_reset_is_sent_through_the_send_service_and_reveals_nothing(client, make_user, office):
    user = make_user("Applicant", email="applicant@example.org")

    known = request_reset(client, "Applicant@example.org")
    unknown = request_reset(client, "nobody@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/account/password_reset/done/"
    message = OutboundMessage.objects.get()
    assert message.to_email == user.email
    assert message.template == "registration/email/password_reset"
    assert reset_link(message).startswith("http://127.0.0.1:8000/account/reset/")
    done = client.get("/account/password_reset/done/").content.decode()
    assert "If there is an account" in done


def test_the_reset_link_sets_a_new_password(client, make_user, office):
    user = make_user("Ambassador", email="amb@example.org")
    request_reset(client, user.email)
    path = "/" + reset_link(OutboundMessage.objects.get()).split("/", 3)[3]

    form = client.get(path, follow=True)
    assert form.status_code == 200
    assert "Enter a new password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]

    weak = client.post(set_url, {"new_password1": "aaaaaaaaaaaa", "new_password2": "aaaaaaaaaaaa"})
    assert weak.status_code == 200
    html = weak.content.decode()
    assert "There is a problem" in html and "at least 5 different characters" in html

    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/account/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # A used link does not work twice.
    again = client.get(path, follow=True).content.decode()
    assert "The link to reset your password has expired or has been used" in again


def test_the_reset_email_renders_with_the_link(client, make_user, office):
    from django.core import mail

    from pcc_portal.mail.services import deliver

    make_user("Applicant", email="applicant@example.org")
    request_reset(client, "applicant@example.org")
    message = OutboundMessage.objects.get()
    deliver(message.pk)
    body = mail.outbox[0].body
    assert reset_link(message) in body
    assert re.search(r"\d{1,2} days|\d+ hours", body)


@pytest.mark.parametrize("role", ["Ambassador", "Applicant", "Engagement officer"])
def test_people_signed_in_can_change_their_password(client, signed_in_as, role):
    user = signed_in_as(role)
    page = client.get("/account/")
    assert 'href="/account/password_change/"' in page.content.decode()
    assert 'href="/account/password_reset/"' in page.content.decode()

    wrong = client.post(
        "/account/password_change/",
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "There is a problem" in wrong.content.decode()

    response = client.post(
        "/account/password_change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/password_change/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Still signed in on this device.
    assert client.get("/account/").status_code == 200


def test_changing_a_password_needs_signing_in(client):
    response = client.get("/account/password_change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
