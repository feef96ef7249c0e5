"""Applicants' accounts: registering, the emailed link that confirms the address (signed and
expiring), nothing to apply with until then, and the same answer whether or not an address
already has an account."""

from unittest import mock

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from grants import accounts
from grants.models import Application
from pcc_portal.models import OutboundMessage, User
from pcc_portal.navigation import landing_url_for
from pcc_portal.roles import APPLICANT, requires_two_factor
from tests.grants.factories import ApplicantFactory, GrantRoundFactory
from tests.pcc_portal.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("grants:register")
PASSWORD = "correct horse battery staple"
TYPED = {
    "full_name": "Sam Applicant",
    "email": "Sam@Example.org",
    "password": PASSWORD,
    "password_again": PASSWORD,
}


@pytest.fixture(autouse=True)
def fresh_counts():
    """Registrations are counted per client in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def register(client, **changes):
    return client.post(REGISTER, {**TYPED, **changes})


def link_in(message: OutboundMessage) -> str:
    return message.context["verify_url"].removeprefix("http://testserver")


def the_link(email="sam@example.org") -> str:
    message = OutboundMessage.objects.filter(
        to_email=email, template=accounts.VERIFY_TEMPLATE
    ).latest("created_at")
    url = message.context["verify_url"]
    return url[url.index("/grants/") :]


def test_registering_opens_an_account_that_cannot_apply_yet(client, office):
    response = register(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:registered")
    user = User.objects.get(email="sam@example.org")
    assert user.full_name == "Sam Applicant"
    assert user.check_password(PASSWORD)
    assert not user.groups.exists()
    assert not user.has_perm("grants.apply")
    message = OutboundMessage.objects.get(to_email="sam@example.org")
    assert message.template == accounts.VERIFY_TEMPLATE
    assert "/grants/account/confirm/" in message.context["verify_url"]
    assert message.context["verify_url"].startswith("http")
    # The date the link stops working, in words ("Monday 23 November 2026").
    assert message.context["expires"].split()[0].endswith("day")
    assert "Check your email" in client.get(response["Location"]).content.decode()


def test_the_link_confirms_the_address_and_the_account_joins_the_applicant_role(client, office):
    register(client)
    response = client.get(the_link())
    assert response.status_code == 200
    assert "Email address confirmed" in response.content.decode()
    user = User.objects.get(email="sam@example.org")
    assert list(user.groups.values_list("name", flat=True)) == [APPLICANT.name]
    assert not user.is_staff
    assert not requires_two_factor(user)
    assert User.objects.get(pk=user.pk).has_perm("grants.apply")
    # Opened again, it changes nothing.
    again = client.get(the_link())
    assert "already confirmed" in again.content.decode()
    assert user.groups.count() == 1


def test_an_account_not_yet_confirmed_is_refused_every_way_in(client, office):
    register(client)
    user = User.objects.get(email="sam@example.org")
    grant_round = GrantRoundFactory()
    client.force_login(user)
    for path in (
        reverse("grants:application_list"),
        reverse("grants:start", args=[grant_round.slug]),
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Confirm your email address" in response.content.decode()
    response = client.post(
        reverse("grants:start", args=[grant_round.slug]),
        {"start_key": "4f1b2c58-87a3-4c3e-9d55-0c4a5e1f2b3a"},
    )
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_a_person_not_yet_confirmed_can_have_the_link_sent_again(client, office):
    register(client)
    user = User.objects.get(email="sam@example.org")
    client.force_login(user)
    response = client.post(reverse("grants:send_link_again"))
    assert response.status_code == 302
    assert OutboundMessage.objects.filter(to_email=user.email).count() == 2


def test_an_expired_link_is_refused(client, office):
    register(client)
    link = the_link()
    later = timezone.now().timestamp() + accounts.LINK_LIFETIME.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.get(link)
    assert response.status_code == 400
    assert "The link has expired" in response.content.decode()
    assert not User.objects.get(email="sam@example.org").groups.exists()


def test_a_link_tampered_with_or_for_another_address_is_refused(client, office):
    register(client)
    user = User.objects.get(email="sam@example.org")
    link = the_link()
    assert client.get(link[:-3] + "abc/").status_code == 400
    forged = signing.dumps({"user": user.pk, "email": user.email}, salt="another purpose")
    assert client.get(reverse("grants:verify", args=[forged])).status_code == 400
    # The address changed since the link was sent: it no longer confirms anything.
    user.email = "someone.else@example.org"
    user.save()
    response = client.get(link)
    assert response.status_code == 400
    assert "The link is not right" in response.content.decode()
    assert not user.groups.exists()


def test_registering_an_address_with_an_account_says_the_same_and_changes_nothing(client, office):
    existing = ApplicantFactory(email="sam@example.org", full_name="Sam Original")
    response = register(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:registered")
    assert User.objects.filter(email__iexact="sam@example.org").count() == 1
    existing.refresh_from_db()
    assert existing.full_name == "Sam Original"
    assert existing.check_password(TEST_PASSWORD)
    message = OutboundMessage.objects.get(to_email="sam@example.org")
    assert message.template == accounts.ALREADY_REGISTERED_TEMPLATE
    assert message.context["reset_url"].endswith(reverse("pcc_portal:password_reset"))


def test_registering_again_before_confirming_sends_a_new_link_only(client, office):
    register(client)
    again = "another long pass phrase"
    response = register(client, full_name="Someone Else", password=again, password_again=again)
    assert response.status_code == 302
    user = User.objects.get(email="sam@example.org")
    assert user.full_name == "Sam Applicant" and user.check_password(PASSWORD)
    assert OutboundMessage.objects.filter(template=accounts.VERIFY_TEMPLATE).count() == 2


def test_an_address_gets_a_few_emails_an_hour_at_most(client, office):
    for _ in range(accounts.EMAILS_PER_HOUR + 2):
        assert register(client).status_code == 302
    assert OutboundMessage.objects.count() == accounts.EMAILS_PER_HOUR


def test_bad_input_is_told_beside_each_box_and_keeps_what_was_typed(client, office):
    response = register(client, email="not an address", password_again="something else")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter an email address in the correct format, like name@example.com" in html
    assert "The passwords do not match" in html
    assert 'value="Sam Applicant"' in html
    assert 'value="not an address"' in html
    assert not User.objects.exists()


def test_a_weak_password_is_refused_whether_or_not_the_address_has_an_account(client, office):
    ApplicantFactory(email="taken@example.org")
    for email in ("taken@example.org", "free@example.org"):
        response = register(client, email=email, password="password", password_again="password")
        assert response.status_code == 400, email
        assert "This password is too common" in response.content.decode()
    assert not OutboundMessage.objects.exists()
    assert not User.objects.filter(email="free@example.org").exists()


def test_a_flood_of_registrations_from_one_client_is_refused(client, office):
    for n in range(accounts.REGISTRATIONS_PER_HOUR):
        assert register(client, email=f"person{n}@example.org").status_code == 302
    response = register(client, email="one.more@example.org")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert not User.objects.filter(email="one.more@example.org").exists()


def test_an_address_whose_sign_in_is_slowed_down_cannot_be_registered_meanwhile(
    client, office, settings
):
    from pcc_portal.account_limits import note_wrong_password

    for _ in range(settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT):
        note_wrong_password(username="sam@example.org")
    response = register(client)
    assert response.status_code == 429
    assert not User.objects.filter(email="sam@example.org").exists()


def test_confirming_the_address_ends_any_wait_on_its_sign_in(client, office, settings):
    from pcc_portal.account_limits import note_wrong_password, seconds_to_wait

    register(client)
    for _ in range(settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT):
        note_wrong_password(username="sam@example.org")
    assert seconds_to_wait(username="sam@example.org") > 0
    client.get(the_link())
    assert seconds_to_wait(username="sam@example.org") == 0


def test_an_applicant_lands_on_their_applications_after_signing_in(client, office):
    applicant = ApplicantFactory()
    assert landing_url_for(applicant) == reverse("grants:application_list")
    response = client.post(
        reverse("two_factor:login"),
        {
            "login_view-current_step": "auth",
            "auth-username": applicant.email,
            "auth-password": TEST_PASSWORD,
        },
    )
    assert response["Location"] == reverse("pcc_portal:landing")
    landing = client.get(response["Location"])
    assert landing["Location"] == reverse("grants:application_list")
    assert client.get(landing["Location"]).status_code == 200


def test_staff_are_refused_the_applicants_pages(client, make_user, sign_in):
    sign_in(make_user("Grants officer"))
    response = client.get(reverse("grants:application_list"))
    assert response.status_code == 403
    assert "Confirm your email address" not in response.content.decode()


def test_a_person_signed_in_is_sent_on_from_the_registration_page(client):
    client.force_login(UserFactory())
    response = client.get(REGISTER)
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:application_list")
