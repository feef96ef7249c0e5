"""The applicant's pages: their own applications only, the application form as a task list of
sections saved one at a time, resumed later, checked and sent once; errors that keep everything
typed, a budget that must add up, attachments refused beside the box, and a closed round that
accepts nothing."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import Application, ApplicationTransition, Attachment, BudgetLine, GrantRound
from grants.workflow import ApplicationStatus as S
from tests.engagement.factories import ActivityAreaFactory
from tests.grants.factories import (
    PDF,
    ApplicantFactory,
    ApplicationFactory,
    GrantRoundFactory,
    RoundQuestionFactory,
    upload,
)
from tests.pcc_portal.factories import ObjectiveFactory, PolicingAreaFactory

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 64


def section(application, key) -> str:
    return reverse("grants:section", args=[application.pk, key])


def check(application) -> str:
    return reverse("grants:check", args=[application.pk])


def task_list(application) -> str:
    return reverse("grants:application", args=[application.pk])


def html_of(response) -> str:
    return response.content.decode()


def lines(*rows, prefix="lines") -> dict:
    """What the budget's rows post: (description, amount) each."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, (description, amount) in enumerate(rows):
        data[f"{prefix}-{index}-description"] = description
        data[f"{prefix}-{index}-amount"] = amount
    return data


def error_beside(html: str, field_id: str) -> str:
    """The GOV.UK error message drawn in the same form group as the box `field_id`, before it."""
    group = re.search(
        rf'<div id="div_{field_id}" class="govuk-form-group govuk-form-group--error">'
        rf'(.*?)<(?:input|textarea|select)[^>]*id="{field_id}"',
        html,
        re.S,
    )
    assert group, f"no error beside {field_id}"
    message = re.search(r'class="govuk-error-message">(.*)', group.group(1), re.S)
    assert message, f"no message beside {field_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", message.group(1)).split())


@pytest.fixture
def applicant(client, office):
    person = ApplicantFactory(full_name="Sam Applicant")
    client.force_login(person)
    return person


@pytest.fixture
def draft(applicant):
    """A complete draft of the applicant's, ready to send."""
    return ApplicationFactory(applicant=applicant, round__name="2015/16 tier 1")


# --- Only their own -----------------------------------------------------------------------------


def test_an_applicant_sees_only_their_own_applications(client, applicant):
    mine = ApplicationFactory(applicant=applicant, project_title="Safer parks")
    theirs = ApplicationFactory(project_title="Someone else's project")
    sent = ApplicationFactory(
        applicant=applicant, project_title="Street pastors", status=S.SUBMITTED
    )
    html = html_of(client.get(reverse("grants:application_list")))
    assert "Safer parks" in html and "Street pastors" in html
    assert "Someone else&#x27;s project" not in html and "Someone else's project" not in html
    # The applicant's names for the states, never the office's.
    assert "Not sent yet" in html and "Received" in html
    assert "Eligibility check" not in html
    assert f'href="{task_list(mine)}"' in html and f'href="{task_list(sent)}"' in html
    for path in (
        task_list(theirs),
        section(theirs, "project"),
        check(theirs),
        reverse("grants:sent", args=[theirs.pk]),
    ):
        assert client.get(path).status_code == 404, path
    response = client.post(section(theirs, "project"), {"project_title": "Taken over"})
    assert response.status_code == 404
    assert Application.objects.get(pk=theirs.pk).project_title == "Someone else's project"


def test_the_public_is_sent_to_sign_in(client, draft):
    client.logout()
    for path in (reverse("grants:application_list"), task_list(draft), section(draft, "budget")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor:login"))


# --- The journey ------------------------------------------------------------------------------


def test_an_applicant_saves_a_draft_comes_back_to_it_and_sends_it(client, applicant):
    grant_round = GrantRoundFactory(name="2015/16 tier 1", longest_project_months=12)
    question = RoundQuestionFactory(round=grant_round, text="How will young people help?")
    area = PolicingAreaFactory(name="Telford and Wrekin")
    activity = ActivityAreaFactory(number=4, name="Children and young people")
    objective = ObjectiveFactory(title="Reduce youth offending")
    start = reverse("grants:start", args=[grant_round.slug])

    key = str(uuid.uuid4())
    response = client.post(start, {"start_key": key})
    application = Application.objects.get(applicant=applicant)
    assert response["Location"] == task_list(application)
    # Pressed twice, the button starts one draft.
    assert client.post(start, {"start_key": key})["Location"] == task_list(application)
    assert Application.objects.filter(applicant=applicant).count() == 1

    html = html_of(client.get(task_list(application)))
    assert "Not yet started" in html
    assert "Round questions" in html and "Consortium members" not in html

    saves = {
        "organisation": {
            "organisation_name": "Safer Streets Trust",
            "organisation_kind": "voluntary",
            "charity_number": "1123456",
            "organisation_address": "1 High Street\nTelford",
            "organisation_postcode": "tf1 1aa",
            "is_consortium": "no",
        },
        "contact": {"contact_name": "Sam Applicant", "contact_email": applicant.email},
        "safeguarding": {"has_safeguarding_policy": "no", "governing_document": "constitution"},
        "project": {
            "project_title": "Youth diversion in Telford",
            "project_summary": "Evening sessions for young people.",
            "project_activities": "Two sessions a week with a youth worker.",
            "project_beneficiaries": "Young people aged 11 to 16.",
            "activity_area": activity.pk,
            "objectives": [objective.pk],
        },
    }
    for key, data in saves.items():
        response = client.post(section(application, key), data)
        assert response.status_code == 302, (key, html_of(response))
        assert response["Location"] == task_list(application)

    # Signed out and back another day: everything saved is there.
    client.logout()
    client.force_login(applicant)
    html = html_of(client.get(task_list(application)))
    assert "Youth diversion in Telford" in html
    assert html.count("Completed") >= 4
    html = html_of(client.get(section(application, "project")))
    assert 'value="Youth diversion in Telford"' in html
    assert "Two sessions a week with a youth worker." in html
    html = html_of(client.get(section(application, "organisation")))
    assert 'value="TF1 1AA"' in html

    start_day = timezone.localdate() + timedelta(days=30)
    end_day = start_day + timedelta(days=200)
    rest = {
        "areas-and-dates": {
            "policing_areas": [area.pk],
            "starts_on_0": start_day.day,
            "starts_on_1": start_day.month,
            "starts_on_2": start_day.year,
            "ends_on_0": end_day.day,
            "ends_on_1": end_day.month,
            "ends_on_2": end_day.year,
        },
        "budget": {
            "amount_requested": "£1,500",
            **lines(("Youth worker", "1000"), ("", ""), ("Venue hire", "500.00")),
        },
        "funding-and-outcomes": {"expected_outcomes": "Fewer young people drawn into crime."},
        "questions": {f"question_{question.pk}": "They sit on the steering group."},
    }
    for key, data in rest.items():
        response = client.post(section(application, key), data)
        assert response.status_code == 302, (key, html_of(response))

    # Not ready to send yet: the governing document is missing.
    html = html_of(client.get(check(application)))
    assert "Attach your governing document" in html
    response = client.post(
        section(application, "attachments"),
        {"kind": "governing_document", "file": upload("constitution.pdf", PDF)},
    )
    assert response.status_code == 302
    assert "constitution.pdf" in html_of(client.get(section(application, "attachments")))

    html = html_of(client.get(check(application)))
    assert "Check your answers" in html
    assert "You need to finish these" not in html
    for answer in (
        "Safer Streets Trust",
        "Telford and Wrekin",
        "£1,500",
        "Venue hire: £500",
        "They sit on the steering group.",
        "constitution.pdf",
    ):
        assert answer in html, answer

    response = client.post(check(application), {"declaration": "on"})
    assert response["Location"] == reverse("grants:sent", args=[application.pk])
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.reference
    assert application.amount_requested == Decimal("1500.00")
    assert [(line.description, line.amount) for line in application.budget_lines.all()] == [
        ("Youth worker", Decimal("1000.00")),
        ("Venue hire", Decimal("500.00")),
    ]
    assert (application.starts_on, application.ends_on) == (start_day, end_day)
    assert list(application.policing_areas.all()) == [area]
    assert list(application.objectives.all()) == [objective]
    assert application.answers.get().answer == "They sit on the steering group."

    sent = html_of(client.get(response["Location"]))
    assert "Application sent" in sent and application.reference in sent
    listed = html_of(client.get(reverse("grants:application_list")))
    assert application.reference in listed and "Received" in listed
    # Once sent, it is no longer the applicant's to change.
    assert client.get(section(application, "project"))["Location"] == task_list(application)
    page = html_of(client.get(task_list(application)))
    assert "Received" in page and "Youth diversion in Telford" in page


def test_a_consortium_bid_lists_its_members_added_one_row_at_a_time(client, draft):
    draft.is_consortium = True
    draft.save()
    assert "Consortium members" in html_of(client.get(task_list(draft)))
    url = section(draft, "consortium")
    typed = {
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-organisation_name": "Telford Boxing Club",
        "members-0-role": "Runs the Friday sessions",
    }
    response = client.post(url, {**typed, "add_row": "1"})
    assert response.status_code == 200
    html = html_of(response)
    assert 'value="Telford Boxing Club"' in html
    assert 'name="members-1-organisation_name"' in html
    assert not draft.consortium_members.exists()
    response = client.post(
        url,
        {**typed, "members-TOTAL_FORMS": "2", "members-1-organisation_name": "Youth Trust"},
    )
    assert response.status_code == 302
    assert list(draft.consortium_members.values_list("organisation_name", flat=True)) == [
        "Telford Boxing Club",
        "Youth Trust",
    ]


# --- Errors keep everything typed -----------------------------------------------------------------


def test_bad_input_is_told_beside_each_box_and_keeps_everything_typed(client, draft):
    before = draft.organisation_name
    response = client.post(
        section(draft, "organisation"),
        {
            "organisation_name": "A new name",
            "charity_number": "12",
            "organisation_postcode": "SY3",
            "organisation_address": "2 Low Street",
        },
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "There is a problem" in html and "<title>Error:" in html
    assert error_beside(html, "id_charity_number").startswith("Error: Enter a charity number")
    assert "Enter a full UK postcode" in error_beside(html, "id_organisation_postcode")
    assert 'value="A new name"' in html and "2 Low Street" in html
    assert 'href="#id_charity_number"' in html
    assert Application.objects.get(pk=draft.pk).organisation_name == before
    response = client.post(section(draft, "organisation"), {"organisation_postcode": "x" * 11})
    assert "Enter a full UK postcode" in error_beside(html_of(response), "id_organisation_postcode")


def test_budget_lines_that_do_not_add_up_are_a_clear_error_that_keeps_the_answers(client, draft):
    response = client.post(
        section(draft, "budget"),
        {"amount_requested": "1500", **lines(("Venue hire", "700"), ("Youth worker", "500"))},
    )
    assert response.status_code == 400
    html = html_of(response)
    message = (
        "Your budget lines add up to £1,200.00 but you asked for £1,500.00: make them the same"
    )
    assert message in html
    assert message in error_beside(html, "id_amount_requested")
    assert f'<a href="#id_amount_requested">{message}</a>' in html
    for typed in ('value="1500"', 'value="Venue hire"', 'value="700"', 'value="Youth worker"'):
        assert typed in html, typed
    # Saved as typed, so nothing is lost; it cannot be sent until it adds up.
    assert draft.budget_lines.count() == 2
    assert "budget lines add up" in html_of(client.get(check(draft)))
    response = client.post(check(draft), {"declaration": "on"})
    assert response.status_code == 400
    assert Application.objects.get(pk=draft.pk).status == S.DRAFT


def test_a_budget_line_in_error_is_told_beside_its_box(client, draft):
    response = client.post(
        section(draft, "budget"),
        {"amount_requested": "1500", **lines(("Venue hire", "lots"), ("", "")), "save": "1"},
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "Enter the amount of budget line 1 in pounds, more than £0" in error_beside(
        html, "id_lines-0-amount"
    )
    assert 'value="lots"' in html
    # The amount and its lines are one answer: neither was saved.
    draft.refresh_from_db()
    assert draft.amount_requested == Decimal("5000.00")
    assert list(draft.budget_lines.values_list("description", flat=True)) == ["Youth worker"]


def test_another_line_is_added_without_javascript_keeping_what_was_typed(client, draft):
    response = client.post(
        section(draft, "budget"),
        {
            "amount_requested": "900",
            **lines(("Venue hire", "400"), ("Leaflets", "")),
            "add_row": "1",
        },
    )
    assert response.status_code == 200
    html = html_of(response)
    assert 'name="lines-2-description"' in html
    assert 'value="900"' in html and 'value="Leaflets"' in html
    assert "There is a problem" not in html
    assert BudgetLine.objects.filter(application=draft).count() == 1


# --- Attachments ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["budget.pdf", "constitution.docx", "photo.png"])
def test_a_renamed_executable_is_refused_beside_the_file_box(client, draft, name):
    response = client.post(
        section(draft, "attachments"), {"kind": "other", "file": upload(name, EXECUTABLE)}
    )
    assert response.status_code == 400
    html = html_of(response)
    kind = name.rsplit(".", 1)[1].upper()
    assert f"The selected file is not a real {kind}" in error_beside(html, "id_file")
    assert "govuk-file-upload--error" in html
    assert f'<a href="#id_file">The selected file is not a real {kind}</a>' in html
    assert not draft.attachments.filter(kind=Attachment.Kind.OTHER).exists()


def test_a_file_is_attached_and_removed(client, draft):
    response = client.post(
        section(draft, "attachments"), {"kind": "accounts", "file": upload("accounts.pdf", PDF)}
    )
    assert response.status_code == 302
    attachment = draft.attachments.get(kind=Attachment.Kind.ACCOUNTS)
    assert attachment.original_name == "accounts.pdf"
    remove = reverse("grants:remove_attachment", args=[draft.pk, attachment.pk])
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not draft.attachments.filter(kind=Attachment.Kind.ACCOUNTS).exists()


def test_no_file_chosen_is_told_in_gov_uk_words(client, draft):
    response = client.post(section(draft, "attachments"), {"kind": "accounts"})
    assert response.status_code == 400
    assert "Select a file" in error_beside(html_of(response), "id_file")


# --- Sending ----------------------------------------------------------------------------------


def test_sending_twice_makes_one_submission(client, draft):
    first = client.post(check(draft), {"declaration": "on"})
    draft.refresh_from_db()
    reference = draft.reference
    second = client.post(check(draft), {"declaration": "on"})
    assert first["Location"] == second["Location"] == reverse("grants:sent", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.reference == reference
    assert (
        ApplicationTransition.objects.filter(application=draft, to_status=S.SUBMITTED).count() == 1
    )


def test_without_the_declaration_nothing_is_sent(client, draft):
    response = client.post(check(draft), {})
    assert response.status_code == 400
    html = html_of(response)
    assert "Confirm the declaration to send your application" in html
    assert 'href="#id_declaration"' in html
    assert Application.objects.get(pk=draft.pk).status == S.DRAFT


def test_what_is_missing_links_to_the_section_to_put_right(client, draft):
    draft.project_title = ""
    draft.save()
    response = client.post(check(draft), {"declaration": "on"})
    assert response.status_code == 400
    html = html_of(response)
    assert f'<a href="{section(draft, "project")}#id_project_title">Enter the project' in html
    assert Application.objects.get(pk=draft.pk).status == S.DRAFT


def test_a_closed_round_accepts_nothing(client, draft):
    GrantRound.objects.filter(pk=draft.round_id).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=1)
    )
    html = html_of(client.get(task_list(draft)))
    assert "This round closed at" in html
    assert f'href="{check(draft)}"' not in html
    response = client.post(check(draft), {"declaration": "on"})
    assert response.status_code == 400
    assert "it accepts no more applications" in html_of(response)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.reference == ""


# --- Query counts -------------------------------------------------------------------------------


def test_the_list_takes_as_many_queries_for_50_applications_as_for_5(
    client, applicant, assert_flat_queries
):
    grant_round = GrantRoundFactory()
    area = PolicingAreaFactory()

    def make_applications(count):
        for n in range(count):
            ApplicationFactory(
                applicant=applicant,
                round=grant_round,
                status=S.SUBMITTED if n % 2 else S.DRAFT,
                areas=[area],
                documents=False,
            )

    response = assert_flat_queries(
        make_applications, lambda: client.get(reverse("grants:application_list"))
    )
    assert html_of(response).count('<tr class="govuk-table__row">') == 51
