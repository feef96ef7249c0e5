"""Decision 38 for contacts and organisations: hostile or out-of-range input is refused with a
GOV.UK message, on the phone form, through the API and in the model; nothing causes a 500."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagement.forms import ContactForm, OrganisationForm
from engagement.models import Contact, Organisation
from tests.engagement.conftest import contact_form_data
from tests.engagement.factories import (
    ContactFactory,
)

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999999


def post_json(client, headers, body: str, url="/api/v1/contacts/"):
    return client.post(url, body, content_type="application/json", **headers)


def with_raw(payload: dict, field: str, raw: str) -> str:
    """The payload as JSON text with one field's value written out as given."""
    import json

    text = json.dumps({**payload, field: "__RAW__"})
    return text.replace('"__RAW__"', raw)


# --- the API ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, raw",
    [
        ("organisation", "1e309"),
        ("activity_areas", "[1e309]"),
        ("groups_reached", "[1e309]"),
        ("people_reached", "1e309"),
        ("organisation", str(HUGE)),
        ("activity_areas", f"[{HUGE}]"),
        ("groups_reached", f"[{HUGE}]"),
        ("people_reached", str(HUGE)),
        ("organisation", "-1e309"),
    ],
)
def test_numbers_out_of_range_are_a_400_in_json(client, token_for, ambassador, payload, field, raw):
    response = post_json(client, token_for(ambassador.user), with_raw(payload, field, raw))
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    assert Contact.objects.count() == 0


def test_a_deeply_nested_body_is_a_400_in_json(client, token_for, ambassador, payload):
    response = post_json(
        client, token_for(ambassador.user), with_raw(payload, "who", "[" * 5000 + "]" * 5000)
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_an_oversized_body_is_a_413_in_json(client, token_for, ambassador, payload, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    payload["issues_raised"] = "x" * 20_000
    response = post_json(client, token_for(ambassador.user), with_raw(payload, "who", '"x"'))
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")


def test_huge_ids_in_filters_are_a_400_not_a_500(client, token_for, make_user):
    headers = token_for("Engagement officer")
    for query in (
        f"ambassador={HUGE}",
        f"activity_area={HUGE}",
        f"policing_area={HUGE}",
        f"page={HUGE}",
        "ambassador=1e309",
    ):
        response = client.get(f"/api/v1/contacts/?{query}", **headers)
        assert response.status_code in (400, 404), query
    assert client.get(f"/api/v1/contacts/{HUGE}/", **headers).status_code == 404
    assert client.get(f"/api/v1/organisations/{HUGE}/", **headers).status_code == 404


def test_the_api_refuses_a_date_before_the_portal_could_have_seen_it(
    client, token_for, ambassador, payload
):
    payload["occurred_on"] = "1899-12-31"
    response = client.post(
        "/api/v1/contacts/", payload, content_type="application/json", **token_for(ambassador.user)
    )
    assert response.status_code == 400
    assert response.json()["occurred_on"] == [
        "Date of the contact must be the same as or after 1 January 2000"
    ]


@pytest.mark.parametrize("field, limit", [("issues_raised", 5000), ("raise_summary", 300)])
def test_the_api_limits_free_text(client, token_for, ambassador, payload, field, limit):
    payload.update({field: "x" * (limit + 1), "raise_with_commissioner": True})
    response = client.post(
        "/api/v1/contacts/", payload, content_type="application/json", **token_for(ambassador.user)
    )
    assert response.status_code == 400
    assert field in response.json()


def test_the_api_refuses_a_charity_number_that_is_not_one(client, token_for, ambassador):
    response = client.post(
        "/api/v1/organisations/",
        {"name": "Hostile", "kind": "other", "charity_number": "{{7*7}}"},
        content_type="application/json",
        **token_for(ambassador.user),
    )
    assert response.status_code == 400
    assert "charity_number" in response.json()
    assert Organisation.objects.count() == 0


def test_the_api_limits_an_organisations_address_and_notes(client, token_for, ambassador):
    response = client.post(
        "/api/v1/organisations/",
        {"name": "Wordy", "kind": "other", "address": "x" * 2_000_000},
        content_type="application/json",
        **token_for(ambassador.user),
    )
    assert response.status_code in (400, 413)
    assert Organisation.objects.count() == 0


# --- the model ----------------------------------------------------------------------------


def test_the_model_refuses_a_contact_dated_before_2000(ambassador):
    contact = ContactFactory.build(ambassador=ambassador, occurred_on=date(1899, 12, 31))
    with pytest.raises(ValidationError) as error:
        contact.full_clean(exclude=["ambassador", "engagement_level", "policing_area"])
    assert error.value.message_dict["occurred_on"] == [
        "Date of the contact must be the same as or after 1 January 2000"
    ]


# Written by the portal itself, never typed by a person.
SYSTEM_TEXT = {"pcc_portal.OutboundMessage.last_error", "pcc_portal.BulkDelivery.last_error"}


def test_the_model_limits_every_free_text_field():
    from django.apps import apps
    from django.db import models

    unlimited = []
    for label in ("pcc_portal", "engagement", "grants", "consultations", "delivery_plan"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.label.split(".")[1].startswith("Historical"):
                continue
            for field in model._meta.concrete_fields:
                name = f"{model._meta.label}.{field.name}"
                if (
                    isinstance(field, models.TextField)
                    and field.editable
                    and name not in SYSTEM_TEXT
                ):
                    limits = [
                        v for v in field.validators if v.__class__.__name__ == "MaxLengthValidator"
                    ]
                    if not limits:
                        unlimited.append(name)
    assert unlimited == []


@pytest.mark.parametrize(
    "number, normal, org_id",
    [
        ("1123456", "1123456", "GB-CHC-1123456"),
        (" 1123456 ", "1123456", "GB-CHC-1123456"),
        ("1123456-1", "1123456-1", "GB-CHC-1123456-1"),
        ("222401", "222401", "GB-CHC-222401"),
        # Scottish and Northern Irish charities get their own regulator's org id.
        ("sc123456", "SC123456", "GB-SC-SC123456"),
        ("SC 012345", "SC012345", "GB-SC-SC012345"),
        ("NIC100012", "NIC100012", "GB-NIC-100012"),
    ],
)
def test_a_charity_number_is_normalised_so_the_org_id_is_stable(number, normal, org_id):
    organisation = Organisation(name="A charity", kind="voluntary", charity_number=number)
    organisation.full_clean()
    assert organisation.charity_number == normal
    assert organisation.org_id == org_id


@pytest.mark.parametrize(
    "number, normal",
    [
        ("01234567", "01234567"),
        ("1234567", "01234567"),
        ("sc123456", "SC123456"),
        ("NI 012345", "NI012345"),
        ("OC301234", "OC301234"),
        ("SO300123", "SO300123"),
        ("NC000123", "NC000123"),
        ("R0000123", "R0000123"),
    ],
)
def test_a_company_number_is_normalised(number, normal):
    organisation = Organisation(name="A company", kind="other", company_number=number)
    organisation.full_clean()
    assert organisation.company_number == normal
    assert organisation.org_id == f"GB-COH-{normal}"


@pytest.mark.parametrize(
    "field, value",
    [
        ("charity_number", "{{7*7}}"),
        ("charity_number", "12345"),
        ("charity_number", "123456789"),
        ("charity_number", "SC12345"),
        ("charity_number", "1123456-"),
        ("company_number", "{{7*7}}"),
        ("company_number", "ZZ123456"),
        ("company_number", "123456789"),
        ("company_number", "SC1234567"),
    ],
)
def test_identifiers_not_in_their_format_are_refused(field, value):
    organisation = Organisation(name="Hostile", kind="other", **{field: value})
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert field in error.value.message_dict


# --- the phone form -----------------------------------------------------------------------


def form_data(answers, day, month, year, **changes):
    """The phone form's POST with the date typed as given."""
    typed = {"occurred_on_0": day, "occurred_on_1": month, "occurred_on_2": year}
    return contact_form_data(answers, **typed, **changes)


def date_errors(answers, day, month, year) -> list[str]:
    form = ContactForm(form_data(answers, day, month, year))
    assert not form.is_valid()
    return form.errors.get("occurred_on", [])


@pytest.mark.parametrize(
    "day, month, year, message",
    [
        ("1", "1", "99999999999999999999999", "Year must include 4 numbers"),
        ("31", "2", "2026", "Date of the contact must be a real date"),
        ("0", "1", "2026", "Date of the contact must be a real date"),
        ("1", "13", "2026", "Date of the contact must be a real date"),
        ("one", "1", "2026", "Date of the contact must be a real date"),
        ("", "1", "2026", "Date of the contact must include a day"),
        ("1", "", "2026", "Date of the contact must include a month"),
        ("1", "1", "", "Date of the contact must include a year"),
        ("", "", "", "Enter the date of the contact"),
        ("31", "12", "1899", "Date of the contact must be the same as or after 1 January 2000"),
        ("1", "1", "26", "Year must include 4 numbers"),
        ("", "", "2026", "Date of the contact must include a day and month"),
        ("１", "1", "2026", "Date of the contact must be a real date"),
    ],
)
def test_the_date_of_a_contact_gets_a_govuk_message(answers, day, month, year, message):
    assert date_errors(answers, day, month, year) == [message]


def test_a_future_date_is_a_form_error_with_the_other_errors(answers):
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = ContactForm(
        form_data(
            answers,
            tomorrow.day,
            tomorrow.month,
            tomorrow.year,
            people_reached="",
            raise_with_commissioner="on",
            raise_summary="",
        )
    )
    assert not form.is_valid()
    assert form.errors["occurred_on"] == ["Date of the contact must be today or in the past"]
    assert form.errors["people_reached"] == ["Enter how many people you reached"]
    assert "raise_summary" in form.errors


def test_every_error_is_shown_in_one_round(client, sign_in, ambassador, answers):
    """The summary and future-date errors came only once the required fields were fixed."""
    sign_in(ambassador.user)
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = form_data(
        answers,
        tomorrow.day,
        tomorrow.month,
        tomorrow.year,
        people_reached="",
        method="",
        raise_with_commissioner="on",
        raise_summary="",
    )
    html = client.post("/ambassador/contacts/new/", data).content.decode()
    for message in (
        "Date of the contact must be today or in the past",
        "Enter how many people you reached",
        "Select how you engaged",
        "Enter a short summary of the issue",
    ):
        assert message in html
    assert Contact.objects.count() == 0


def test_a_year_too_large_is_an_error_on_the_page_not_a_500(client, sign_in, ambassador, answers):
    sign_in(ambassador.user)
    response = client.post(
        "/ambassador/contacts/new/", form_data(answers, "1", "1", "99999999999999999999999")
    )
    assert response.status_code == 400
    assert "Year must include 4 numbers" in response.content.decode()


def test_the_form_shows_the_length_limits(client, sign_in, ambassador):
    sign_in(ambassador.user)
    html = client.get("/ambassador/contacts/new/", follow=True).content.decode()
    assert 'data-maxlength="5000"' in html  # issues raised
    assert 'data-maxlength="300"' in html  # the summary
    assert "govuk-character-count" in html


def test_the_form_refuses_too_long_issues_raised(answers):
    today = timezone.localdate()
    form = ContactForm(
        form_data(answers, today.day, today.month, today.year, issues_raised="x" * 5001)
    )
    assert not form.is_valid()
    assert form.errors["issues_raised"] == ["Issues raised must be 5,000 characters or fewer"]


# --- one contact per rendered form ----------------------------------------------------------


def open_form(client, path="/ambassador/contacts/new/"):
    """The form as a browser shows it: its address (after any redirect) and its key."""
    response = client.get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    key = html.split('name="submission_key" value="', 1)[1].split('"', 1)[0]
    return response.request["PATH_INFO"] + "?" + response.request["QUERY_STRING"], key, html


def test_back_then_save_stores_one_contact(client, sign_in, ambassador, answers):
    """Save, go Back (the browser asks for the form's address again: the page holds personal
    data and is not kept), and Save again."""
    sign_in(ambassador.user)
    today = timezone.localdate()
    address, key, _ = open_form(client)
    first = client.post(
        address, form_data(answers, today.day, today.month, today.year, submission_key=key)
    )
    assert first.status_code == 302
    address_again, key_again, html = open_form(client, address)
    assert (address_again, key_again) == (address, key)
    assert "You have already saved this contact" in html
    again = client.post(
        address, form_data(answers, today.day, today.month, today.year, submission_key=key_again)
    )
    assert first["Location"] == again["Location"]
    assert Contact.objects.count() == 1


def test_save_twice_without_the_key_in_the_form_stores_one(client, sign_in, ambassador, answers):
    """The form's address carries its key, so a post that lost the hidden field still finds
    the contact already stored."""
    sign_in(ambassador.user)
    today = timezone.localdate()
    address, key, _ = open_form(client)
    data = form_data(answers, today.day, today.month, today.year)
    del data["submission_key"]
    client.post(address, data)
    client.post(address, data)
    client.post(address, {**data, "submission_key": key})
    assert Contact.objects.count() == 1


def test_a_form_rendered_again_after_an_error_keeps_its_key(client, sign_in, ambassador, answers):
    sign_in(ambassador.user)
    today = timezone.localdate()
    address, key, _ = open_form(client)
    data = form_data(answers, today.day, today.month, today.year, submission_key=key)
    bad = client.post(address, {**data, "people_reached": ""})
    assert bad.status_code == 400
    assert f'name="submission_key" value="{key}"' in bad.content.decode()
    client.post(address, data)
    client.post(address, data)
    assert Contact.objects.count() == 1


def test_a_form_without_any_key_stores_nothing(client, sign_in, ambassador, answers):
    """A form whose key was lost altogether cannot be told apart from one already saved: it is
    shown again, under a new key, to be checked and saved."""
    sign_in(ambassador.user)
    today = timezone.localdate()
    data = form_data(answers, today.day, today.month, today.year)
    del data["submission_key"]
    response = client.post("/ambassador/contacts/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Check the answers and select Save contact again" in html
    key = html.split('name="submission_key" value="', 1)[1].split('"', 1)[0]
    assert uuid.UUID(key)
    assert Contact.objects.count() == 0
    client.post("/ambassador/contacts/new/", {**data, "submission_key": key})
    assert Contact.objects.count() == 1


def test_each_visit_to_log_a_contact_makes_a_new_one(client, sign_in, ambassador, answers):
    sign_in(ambassador.user)
    today = timezone.localdate()
    keys = set()
    for _ in range(2):
        address, key, _ = open_form(client)
        keys.add(key)
        client.post(
            address, form_data(answers, today.day, today.month, today.year, submission_key=key)
        )
    assert len(keys) == 2
    assert Contact.objects.count() == 2


def test_another_ambassadors_key_opens_nothing_of_theirs(client, sign_in, ambassador, answers):
    theirs = ContactFactory(submission_key=uuid.uuid4())
    sign_in(ambassador.user)
    _, _, html = open_form(client, f"/ambassador/contacts/new/?key={theirs.submission_key}")
    assert "You have already saved this contact" not in html
    today = timezone.localdate()
    response = client.post(
        f"/ambassador/contacts/new/?key={theirs.submission_key}",
        form_data(answers, today.day, today.month, today.year),
    )
    assert response.status_code == 403
    assert Contact.objects.count() == 1


# --- the organisation form ------------------------------------------------------------------


def test_the_organisation_form_styles_the_website_and_has_no_dashes(client, sign_in, ambassador):
    sign_in(ambassador.user)
    html = client.get("/ambassador/organisations/new/").content.decode()
    tag = html[html.rindex("<input", 0, html.index('name="website"')) :].split(">", 1)[0]
    assert 'class="govuk-input' in tag
    assert 'type="url"' in tag
    assert "---------" not in html
    assert "Select the kind of organisation" in html


def test_the_organisation_form_refuses_a_bad_charity_number(ambassador):
    form = OrganisationForm({"name": "Hostile", "kind": "other", "charity_number": "{{7*7}}"})
    assert not form.is_valid()
    assert "charity_number" in form.errors


def test_a_date_error_is_listed_once_and_links_to_its_box(client, sign_in, ambassador, answers):
    sign_in(ambassador.user)
    html = client.post("/ambassador/contacts/new/", form_data(answers, "", "", "2026")).content
    html = html.decode()
    assert html.count('href="#id_occurred_on_0">Date of the contact must include a day') == 1
    html = client.post("/ambassador/contacts/new/", form_data(answers, "31", "2", "2026")).content
    html = html.decode()
    assert html.count(">Date of the contact must be a real date</a>") == 1


def test_every_date_field_has_a_sane_range_unless_told_otherwise():
    from django import forms

    from pcc_portal.dates import GovukDateField

    class AnyDate(forms.Form):
        day = GovukDateField(label="Day", name="Date of the meeting")

    def errors(year):
        form = AnyDate({"day_0": "1", "day_1": "1", "day_2": str(year)})
        return form.errors.get("day", [])

    assert errors(2026) == []
    assert errors(1899) == ["Date of the meeting must be the same as or after 1 January 1900"]
    assert errors(9999) == ["Date of the meeting must be the same as or before 31 December 2100"]
