"""A person signs up for the newsletter on a 320 px phone, confirms from the email written to
the mail folder, and unsubscribes in one click; the sign-up page in its error state and the
confirmation pass the automated WCAG checks."""

import re

import pytest
from playwright.sync_api import expect

from engagement.models import DistributionList, Subscription
from engagement.subscriptions import unsubscribe_url
from pcc_portal.reference_data import load_reference_data

from .conftest import accessibility_problems, assert_fits

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CONFIRM_LINK = re.compile(r"https?://\S+/newsletter/confirm/\S+/")


@pytest.fixture
def mail_folder(settings, tmp_path, live_server, celery_eager):
    """Emails are written as files, as on a laptop, and sent as soon as they are queued."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    settings.SITE_URL = live_server.url
    return tmp_path


def confirmation_link(folder) -> str:
    [written] = list(folder.iterdir())
    text = written.read_text(encoding="utf-8")
    # The text part is plain, but quoted-printable may fold a long line with "=\n".
    text = text.replace("=\n", "")
    match = CONFIRM_LINK.search(text)
    assert match, text
    return match.group(0)


def test_a_person_subscribes_confirms_from_the_email_and_unsubscribes_in_one_click(
    live_server, phone, mail_folder
):
    load_reference_data(office="west_mercia")
    weekly = DistributionList.objects.get(slug="weekly-newsletter")

    phone.goto(f"{live_server.url}/newsletter/subscribe/")
    expect(phone.get_by_role("heading", name="Get our emails")).to_be_visible()
    assert_fits(phone)
    phone.get_by_label("Weekly newsletter").check()
    phone.get_by_label("Email address").fill("reader@example.org")
    phone.get_by_role("button", name="Subscribe").click()
    expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_fits(phone)

    phone.goto(confirmation_link(mail_folder))
    expect(phone.get_by_role("heading", name="Confirm your subscription")).to_be_visible()
    assert_fits(phone)
    phone.get_by_role("button", name="Confirm subscription").click()
    expect(phone.get_by_role("heading", name="Subscription confirmed")).to_be_visible()
    assert_fits(phone)
    subscription = Subscription.objects.get(list=weekly)
    assert subscription.status == "confirmed"
    assert [r.email for r in weekly.recipients()] == ["reader@example.org"]

    # The link every newsletter carries.
    phone.goto(unsubscribe_url(subscription.subscriber, weekly))
    assert_fits(phone)
    phone.get_by_role("button", name="Unsubscribe").click()
    expect(phone.get_by_role("heading", name="You have unsubscribed")).to_be_visible()
    assert_fits(phone)
    assert weekly.recipients() == []


def test_the_sign_up_pages_pass_the_automated_wcag_checks(
    live_server, audited_phone, axe_source, mail_folder
):
    load_reference_data(office="west_mercia")
    page = audited_phone
    page.goto(f"{live_server.url}/newsletter/subscribe/")
    assert accessibility_problems(page, axe_source) == []

    # The error state: nothing chosen and an address that is not one.
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert accessibility_problems(page, axe_source) == []

    page.get_by_label("Weekly newsletter").check()
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_role("button", name="Subscribe").click()
    assert accessibility_problems(page, axe_source) == []

    page.goto(confirmation_link(mail_folder))
    assert accessibility_problems(page, axe_source) == []
    page.get_by_role("button", name="Confirm subscription").click()
    expect(page.get_by_role("heading", name="Subscription confirmed")).to_be_visible()
    assert accessibility_problems(page, axe_source) == []
