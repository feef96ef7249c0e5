"""A limit per account across addresses: wrong passwords from anywhere slow that account's
sign-in down, the owner is told once with a link to reset, and the right password still works
once the wait is over, so nobody elsewhere can lock the owner out."""

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from pcc_portal.account_limits import sign_in_wait
from pcc_portal.models import OutboundMessage
from tests.pcc_portal.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/account/login/"
NEW_PASSWORD = "a brand new passphrase 2027"


def attempt(client, email, password, ip):
    return client.post(
        LOGIN,
        {"login_view-current_step": "auth", "auth-username": email, "auth-password": password},
        REMOTE_ADDR=ip,
    )


class Clock:
    """timezone.now() that the test moves on."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, seconds: float):
        self.now += timedelta(seconds=seconds)


@contextmanager
def mocked_clock():
    clock = Clock()
    with mock.patch("django.utils.timezone.now", clock):
        yield clock


@pytest.fixture
def limits(settings):
    settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT = 10
    settings.SIGN_IN_ACCOUNT_WINDOW = timedelta(hours=1)
    settings.SIGN_IN_ACCOUNT_FIRST_DELAY_SECONDS = 30
    settings.SIGN_IN_ACCOUNT_MAX_DELAY_SECONDS = 900
    return settings


def test_twelve_addresses_cannot_guess_freely_and_the_owner_is_told_once(
    client, make_user, office, limits
):
    owner = make_user("Applicant", email="applicant@example.org")
    with mocked_clock() as clock:
        for n in range(12):
            response = attempt(client, owner.email, f"guess number {n}", ip=f"203.0.113.{n + 1}")
            assert response.status_code == 200, n  # the form again: each guess was tried
            clock.advance(sign_in_wait(failures=n + 1).total_seconds() + 1)
        clock.advance(-sign_in_wait(failures=12).total_seconds() - 1)

        # The right password from a thirteenth address, straight after: refused, not tried.
        refused = attempt(client, owner.email, TEST_PASSWORD, ip="198.51.100.13")
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        assert "_auth_user_id" not in client.session

        # Still waiting: refused again, and the wait does not grow from refusals alone.
        clock.advance(sign_in_wait(failures=12).total_seconds() - 5)
        assert attempt(client, owner.email, TEST_PASSWORD, ip="198.51.100.13").status_code == 429

        # Once the wait has passed, the right password works.
        clock.advance(10)
        response = attempt(client, owner.email, TEST_PASSWORD, ip="198.51.100.13")
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(owner.pk)

    told = OutboundMessage.objects.filter(to_email=owner.email)
    assert told.count() == 1
    message = told.get()
    assert message.template == "registration/email/sign_in_attempts"
    assert "/account/reset/" in message.context["reset_url"]


def test_the_wait_doubles_and_is_capped(limits):
    assert sign_in_wait(failures=9) == timedelta(0)
    assert sign_in_wait(failures=10) == timedelta(seconds=30)
    assert sign_in_wait(failures=11) == timedelta(seconds=60)
    assert sign_in_wait(failures=12) == timedelta(seconds=120)
    assert sign_in_wait(failures=40) == timedelta(seconds=900)


def test_unknown_accounts_are_slowed_the_same_and_nobody_is_emailed(client, office, limits):
    with mocked_clock():
        for n in range(10):
            attempt(client, "nobody@example.org", "guess", ip=f"203.0.113.{n + 1}")
        assert attempt(client, "nobody@example.org", "guess", ip="198.51.100.1").status_code == 429
    assert not OutboundMessage.objects.exists()


def test_other_accounts_are_not_slowed(client, make_user, office, limits):
    owner = make_user("Applicant")
    colleague = make_user("Applicant")
    with mocked_clock():
        for n in range(10):
            attempt(client, owner.email, "guess", ip=f"203.0.113.{n + 1}")
        assert attempt(client, colleague.email, TEST_PASSWORD, ip="203.0.113.1").status_code == 302


def test_a_password_reset_ends_the_wait(client, make_user, office, limits):
    owner = make_user("Applicant", email="applicant@example.org")
    with mocked_clock():
        for n in range(10):
            attempt(client, owner.email, "guess", ip=f"203.0.113.{n + 1}")
        assert attempt(client, owner.email, TEST_PASSWORD, ip="198.51.100.1").status_code == 429

        link = OutboundMessage.objects.get().context["reset_url"]
        page = client.get("/" + link.split("/", 3)[3], follow=True)
        set_url = page.redirect_chain[-1][0]
        done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert done.status_code == 302

        assert attempt(client, owner.email, NEW_PASSWORD, ip="198.51.100.1").status_code == 302


def test_after_a_quiet_hour_the_count_starts_again(client, make_user, office, limits):
    owner = make_user("Applicant")
    with mocked_clock() as clock:
        for n in range(9):
            attempt(client, owner.email, "guess", ip=f"203.0.113.{n + 1}")
        clock.advance(3601)
        for n in range(9):
            assert attempt(client, owner.email, "guess", ip=f"203.0.113.{n + 1}").status_code == 200
        assert attempt(client, owner.email, TEST_PASSWORD, ip="198.51.100.1").status_code == 302
