"""An applicant finds an open round, signs in and applies with an attachment on a 320 px phone;
the public grant pages and the application form, in its error states too, pass the automated
WCAG checks."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from grants.models import Application, Attachment
from grants.workflow import ApplicationStatus as S
from pcc_portal.models import PolicingArea
from pcc_portal.reference_data import load_reference_data
from tests.grants.factories import (
    PDF,
    ApplicantFactory,
    CriterionFactory,
    GrantRoundFactory,
    RoundQuestionFactory,
)
from tests.grants.factories_published import AwardFactory
from tests.pcc_portal.factories import TEST_PASSWORD

from .conftest import accessibility_problems, assert_fits

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 64


def open_round():
    grant_round = GrantRoundFactory(
        name="2015/16 tier 1",
        slug="tier-1",
        scheme__name="Grant scheme",
        minimum_award=Decimal("500.00"),
        maximum_award=Decimal("20000.00"),
        longest_project_months=12,
    )
    CriterionFactory(round=grant_round, name="Reduces crime or the fear of crime", weight=2)
    RoundQuestionFactory(
        round=grant_round, text="How will young people help run the project?", required=False
    )
    return grant_round


def sign_in_with_password(page, base_url, user, next_path):
    """An applicant signs in with their password alone: the role asks for no second factor."""
    page.goto(f"{base_url}/account/login/?next={next_path}")
    page.fill("#id_auth-username", user.email)
    page.fill("#id_auth-password", TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base_url}{next_path}")


def save_section(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()


def open_task(page, name):
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).click()


def test_an_applicant_applies_with_an_attachment_on_a_phone(live_server, phone):
    load_reference_data(office="west_mercia")
    grant_round = open_round()
    applicant = ApplicantFactory(full_name="Sam Applicant")
    base = live_server.url

    # From the list of rounds to the round's page and its way in.
    phone.goto(f"{base}/grants/")
    assert_fits(phone)
    with phone.expect_navigation():
        phone.get_by_role("link", name="2015/16 tier 1").click()
    assert phone.get_by_role("heading", name="2015/16 tier 1").is_visible()
    assert_fits(phone)
    phone.get_by_role("button", name="Start an application").click()
    phone.wait_for_url(f"{base}/grants/rounds/{grant_round.slug}/apply/")
    assert phone.get_by_text("You need an account to apply").first.is_visible()

    sign_in_with_password(phone, base, applicant, f"/grants/rounds/{grant_round.slug}/apply/")
    phone.get_by_role("button", name="Start your application").click()
    phone.wait_for_selector(".govuk-task-list")
    assert_fits(phone)
    application = Application.objects.get(applicant=applicant)
    task_list = f"{base}/grants/applications/{application.pk}/"

    open_task(phone, "Organisation")
    phone.fill("#id_organisation_name", "Safer Streets Trust")
    phone.select_option("#id_organisation_kind", "voluntary")
    phone.fill("#id_charity_number", "1123456")
    phone.fill("#id_organisation_address", "1 High Street\nTelford")
    phone.fill("#id_organisation_postcode", "TF1 1AA")
    phone.get_by_label("No", exact=True).check()
    assert_fits(phone)
    save_section(phone)
    assert phone.url == task_list

    open_task(phone, "Safeguarding and governance")
    phone.get_by_label("No", exact=True).check()
    phone.get_by_label("Constitution", exact=True).check()
    save_section(phone)

    open_task(phone, "Project")
    phone.fill("#id_project_title", "Youth diversion in Telford")
    phone.fill("#id_project_summary", "Evening sessions for young people.")
    phone.fill("#id_project_activities", "Two sessions a week with a youth worker.")
    phone.fill("#id_project_beneficiaries", "Young people aged 11 to 16.")
    phone.locator("input[name='activity_area']").first.check()
    assert_fits(phone)
    save_section(phone)

    open_task(phone, "Areas and dates")
    area = PolicingArea.objects.order_by("position").first()
    phone.get_by_label(area.name, exact=True).check()
    starts = timezone.localdate() + timedelta(days=30)
    ends = starts + timedelta(days=180)
    for name, day in (("starts_on", starts), ("ends_on", ends)):
        phone.fill(f"#id_{name}_0", str(day.day))
        phone.fill(f"#id_{name}_1", str(day.month))
        phone.fill(f"#id_{name}_2", str(day.year))
    assert_fits(phone)
    save_section(phone)

    # The budget: a second line added without losing the first.
    open_task(phone, "Budget")
    phone.fill("#id_amount_requested", "1500")
    phone.fill("#id_lines-0-description", "Youth worker")
    phone.fill("#id_lines-0-amount", "1000")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Add another line").click()
    assert phone.locator("#id_lines-0-description").input_value() == "Youth worker"
    phone.fill("#id_lines-1-description", "Venue hire")
    phone.fill("#id_lines-1-amount", "500")
    assert_fits(phone)
    save_section(phone)
    assert phone.url == task_list

    open_task(phone, "Other funding and outcomes")
    phone.fill("#id_expected_outcomes", "Fewer young people drawn into crime.")
    save_section(phone)

    # The attachment: the governing document as a PDF.
    open_task(phone, "Attachments")
    phone.get_by_label("Governing document", exact=True).check()
    phone.set_input_files(
        "#id_file",
        files=[{"name": "constitution.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    with phone.expect_navigation():
        phone.get_by_role("button", name="Upload file").click()
    assert phone.get_by_text("constitution.pdf").first.is_visible()
    assert_fits(phone)
    phone.get_by_role("button", name="Continue", exact=True).click()
    phone.wait_for_url(task_list)

    with phone.expect_navigation():
        phone.get_by_role("button", name="Check your answers").click()
    assert phone.get_by_role("heading", name="Check your answers before sending").is_visible()
    assert phone.get_by_text("Venue hire: £500").first.is_visible()
    assert_fits(phone)
    phone.get_by_label("I confirm that the information").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Accept and send").click()

    assert phone.get_by_role("heading", name="Application sent").is_visible()
    assert_fits(phone)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.reference and phone.get_by_text(application.reference).first.is_visible()
    assert application.amount_requested == Decimal("1500.00")
    assert application.budget_lines.count() == 2
    assert application.attachments.get().kind == Attachment.Kind.GOVERNING_DOCUMENT


def test_the_grant_pages_pass_the_automated_wcag_checks(live_server, audited_phone, axe_source):
    """The public pages (the awards published among them), the registration form, and the
    application's sections with errors."""
    phone = audited_phone
    load_reference_data(office="west_mercia")
    grant_round = open_round()
    AwardFactory(application__round=grant_round)
    base = live_server.url
    problems = {}

    for path in (
        "/grants/",
        f"/grants/rounds/{grant_round.slug}/",
        f"/grants/rounds/{grant_round.slug}/apply/",
        "/grants/awarded/",
        "/grants/account/register/",
    ):
        phone.goto(base + path)
        problems[path] = accessibility_problems(phone, axe_source)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Create account").click()  # empty: every error shows
    assert phone.locator(".govuk-error-summary").is_visible()
    problems["registration with errors"] = accessibility_problems(phone, axe_source)

    applicant = ApplicantFactory()
    start = f"/grants/rounds/{grant_round.slug}/apply/"
    sign_in_with_password(phone, base, applicant, start)
    problems["start"] = accessibility_problems(phone, axe_source)
    phone.get_by_role("button", name="Start your application").click()
    phone.wait_for_selector(".govuk-task-list")
    problems["task list"] = accessibility_problems(phone, axe_source)
    application = Application.objects.get(applicant=applicant)
    sections = f"{base}/grants/applications/{application.pk}"

    phone.goto(f"{sections}/organisation/")
    phone.fill("#id_charity_number", "12")
    save_section(phone)
    assert phone.locator(".govuk-error-summary").is_visible()
    problems["organisation with errors"] = accessibility_problems(phone, axe_source)

    phone.goto(f"{sections}/areas-and-dates/")
    phone.fill("#id_starts_on_0", "31")
    phone.fill("#id_starts_on_1", "2")
    phone.fill("#id_starts_on_2", str(timezone.localdate().year + 1))
    save_section(phone)
    assert phone.locator(".govuk-error-summary").is_visible()
    problems["dates with errors"] = accessibility_problems(phone, axe_source)

    phone.goto(f"{sections}/budget/")
    phone.fill("#id_amount_requested", "1500")
    phone.fill("#id_lines-0-description", "Venue hire")
    phone.fill("#id_lines-0-amount", "700")
    save_section(phone)
    assert phone.get_by_text("make them the same").first.is_visible()
    problems["budget with errors"] = accessibility_problems(phone, axe_source)

    phone.goto(f"{sections}/attachments/")
    phone.get_by_label("Budget", exact=True).check()
    phone.set_input_files(
        "#id_file",
        files=[{"name": "budget.pdf", "mimeType": "application/pdf", "buffer": EXECUTABLE}],
    )
    with phone.expect_navigation():
        phone.get_by_role("button", name="Upload file").click()
    assert phone.locator(".govuk-file-upload--error").is_visible()
    problems["attachment refused"] = accessibility_problems(phone, axe_source)

    phone.goto(f"{sections}/check/")
    problems["check your answers"] = accessibility_problems(phone, axe_source)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Accept and send").click()
    assert phone.locator(".govuk-error-summary").is_visible()
    problems["check your answers with errors"] = accessibility_problems(phone, axe_source)

    phone.goto(f"{base}/grants/applications/")
    problems["your applications"] = accessibility_problems(phone, axe_source)
    assert {page: found for page, found in problems.items() if found} == {}
