"""Contacts logged on a phone: the rules (services) and the pages."""

import uuid
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from engagement.models import Contact, RaisedIssue
from engagement.services import ContactAnswers, log_contact, raise_issue, update_contact
from tests.engagement.conftest import contact_form_data
from tests.engagement.factories import (
    ActivityAreaFactory,
    AmbassadorFactory,
    ContactFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def input_values(html: str) -> dict[str, str | None]:
    """The value of each <input> of a page, by name."""
    values = {}

    class Inputs(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and "name" in attrs:
                values[attrs["name"]] = attrs.get("value")

    Inputs().feed(html)
    return values


# --- the rules ----------------------------------------------------------------------------


def test_an_ambassador_logs_a_contact(ambassador, answers):
    contact, created = log_contact(user=ambassador.user, answers=ContactAnswers(**answers))
    assert created
    assert contact.ambassador == ambassador
    assert list(contact.activity_areas.all()) == answers["activity_areas"]


def test_the_same_submission_twice_makes_one_contact(ambassador, answers):
    key = uuid.uuid4()
    first, created = log_contact(
        user=ambassador.user, answers=ContactAnswers(**answers), submission_key=key
    )
    again, created_again = log_contact(
        user=ambassador.user, answers=ContactAnswers(**answers), submission_key=key
    )
    assert (created, created_again) == (True, False)
    assert first == again
    assert Contact.objects.count() == 1


def test_someone_who_is_not_an_ambassador_cannot_log(make_user, answers):
    with pytest.raises(PermissionDenied):
        log_contact(user=make_user("Engagement officer"), answers=ContactAnswers(**answers))


def test_a_contact_needs_an_organisation_or_who(ambassador, answers):
    answers["who"] = "  "
    with pytest.raises(ValidationError) as error:
        log_contact(user=ambassador.user, answers=ContactAnswers(**answers))
    assert "who" in error.value.message_dict
    assert Contact.objects.count() == 0
    answers["organisation"] = OrganisationFactory(policing_areas=[ambassador.policing_area])
    contact, _ = log_contact(user=ambassador.user, answers=ContactAnswers(**answers))
    assert contact.organisation is not None


def test_raising_an_issue_needs_a_summary_and_stores_nothing_without_one(ambassador, answers):
    with pytest.raises(ValidationError) as error:
        log_contact(
            user=ambassador.user, answers=ContactAnswers(**answers), raise_with_commissioner=True
        )
    assert "raise_summary" in error.value.message_dict
    assert Contact.objects.count() == 0 and RaisedIssue.objects.count() == 0
    contact, _ = log_contact(
        user=ambassador.user,
        answers=ContactAnswers(**answers),
        raise_with_commissioner=True,
        raise_summary="Speeding past the primary school",
    )
    assert contact.raised_issue.status == "open"


def test_a_future_date_is_refused(ambassador, answers):
    answers["occurred_on"] = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        log_contact(user=ambassador.user, answers=ContactAnswers(**answers))
    assert "occurred_on" in error.value.message_dict


def test_an_ambassador_may_edit_for_seven_days_only(ambassador, answers):
    contact, _ = log_contact(user=ambassador.user, answers=ContactAnswers(**answers))
    update_contact(
        user=ambassador.user,
        contact=contact,
        answers=replace(ContactAnswers.of(contact), people_reached=20),
    )
    contact.refresh_from_db()
    assert contact.people_reached == 20
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(days=8))
    contact.refresh_from_db()
    with pytest.raises(PermissionDenied, match="no longer be changed"):
        update_contact(
            user=ambassador.user,
            contact=contact,
            answers=replace(ContactAnswers.of(contact), people_reached=30),
        )


def test_an_ambassador_cannot_change_another_ambassadors_contact(ambassador, answers):
    contact, _ = log_contact(user=ambassador.user, answers=ContactAnswers(**answers))
    other = AmbassadorFactory()
    with pytest.raises(PermissionDenied):
        update_contact(
            user=other.user,
            contact=contact,
            answers=replace(ContactAnswers.of(contact), people_reached=1),
        )


# --- the pages ----------------------------------------------------------------------------


def test_the_phone_form_has_sensible_defaults(client, sign_in, ambassador, answers):
    sign_in(ambassador.user)
    html = client.get("/ambassador/contacts/new/", follow=True).content.decode()
    today = timezone.localdate()
    values = input_values(html)
    assert [values["occurred_on_0"], values["occurred_on_1"], values["occurred_on_2"]] == [
        str(today.day),
        str(today.month),
        str(today.year),
    ]
    assert f'<option value="{ambassador.policing_area.pk}" selected>' in html
    assert 'name="submission_key"' in html
    assert "<script>" not in html


def test_logging_a_contact_on_the_phone_form(client, sign_in, ambassador, answers):
    sign_in(ambassador.user)
    response = client.post("/ambassador/contacts/new/", contact_form_data(answers))
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ambassador/contacts/{contact.pk}/"


def test_a_double_tap_creates_one_contact(client, sign_in, ambassador, answers):
    sign_in(ambassador.user)
    data = contact_form_data(answers)
    first = client.post("/ambassador/contacts/new/", data)
    second = client.post("/ambassador/contacts/new/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Contact.objects.count() == 1


def test_errors_keep_every_answer(client, sign_in, ambassador, answers):
    sign_in(ambassador.user)
    data = contact_form_data(
        answers,
        people_reached="lots",
        topics="Speeding in villages",
        raise_with_commissioner="on",
        raise_summary="",
    )
    response = client.post("/ambassador/contacts/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter how many people you reached as a number, like 12" in html
    assert 'value="lots"' in html
    assert 'value="Speeding in villages"' in html
    assert 'value="Parents at the school gate"' in html
    assert data["submission_key"] in html
    assert Contact.objects.count() == 0


def test_a_rule_broken_in_the_service_shows_next_to_its_field(client, sign_in, ambassador, answers):
    sign_in(ambassador.user)
    data = contact_form_data(answers, raise_with_commissioner="on", raise_summary="")
    response = client.post("/ambassador/contacts/new/", data)
    assert response.status_code == 400
    assert "Enter a short summary of the issue for the Commissioner" in response.content.decode()
    assert Contact.objects.count() == 0


def test_an_ambassador_sees_only_their_own_contacts(client, sign_in, ambassador):
    mine = ContactFactory(ambassador=ambassador, who="Mine")
    theirs = ContactFactory(who="Someone else's")
    sign_in(ambassador.user)
    html = client.get("/ambassador/contacts/").content.decode()
    assert "Mine" in html and "Someone else&#x27;s" not in html
    assert client.get(f"/ambassador/contacts/{mine.pk}/").status_code == 200
    assert client.get(f"/ambassador/contacts/{theirs.pk}/").status_code == 403
    assert client.get(f"/ambassador/contacts/{theirs.pk}/edit/").status_code == 403
    response = client.post(f"/ambassador/contacts/{theirs.pk}/edit/", {"people_reached": 1})
    assert response.status_code == 403


def test_staff_see_all_contacts_with_filters(client, sign_in, make_user):
    north, south = ContactFactory(who="North group"), ContactFactory(who="South group")
    assert north.policing_area != south.policing_area
    sign_in(make_user("Engagement officer"))
    response = client.get("/staff/engagement/contacts/")
    assert {contact.pk for contact in response.context["page"]} == {north.pk, south.pk}
    html = response.content.decode()
    assert "North group" in html and "South group" in html
    response = client.get(f"/staff/engagement/contacts/?policing_area={north.policing_area.slug}")
    assert [contact.pk for contact in response.context["page"]] == [north.pk]
    filtered = response.content.decode()
    assert "North group" in filtered and "South group" not in filtered


def test_an_ambassador_cannot_open_the_staff_list(client, sign_in, ambassador):
    sign_in(ambassador.user)
    assert client.get("/staff/engagement/contacts/").status_code == 403


def post_organisation(client, name, **fields):
    """Send the ambassador's new-organisation form: a youth group with no contact person."""
    return client.post(
        "/ambassador/organisations/new/",
        {"name": name, "kind": "youth_group", "consent_basis": "none_held", **fields},
    )


def test_an_ambassador_adds_an_organisation_in_their_area(client, sign_in, ambassador):
    from engagement.models import Organisation

    sign_in(ambassador.user)
    response = post_organisation(
        client, "Ledbury Youth Club", policing_areas=[ambassador.policing_area.pk]
    )
    assert response.status_code == 302
    assert Organisation.objects.get().policing_areas.get() == ambassador.policing_area
    other_area = AmbassadorFactory().policing_area
    response = post_organisation(client, "Elsewhere Club", policing_areas=[other_area.pk])
    assert response.status_code == 400
    assert "You can only add organisations in your own policing area" in response.content.decode()
    assert 'value="Elsewhere Club"' in response.content.decode()


def test_personal_contact_details_need_a_basis(client, sign_in, ambassador):
    sign_in(ambassador.user)
    response = post_organisation(
        client, "Bromyard Watch", kind="watch_scheme", contact_name="Jo Bloggs"
    )
    assert response.status_code == 400
    assert "Select the basis for keeping the contact person" in response.content.decode()


def test_an_ambassador_sees_their_work_plan_and_open_issues(client, sign_in, ambassador):
    from engagement.models import WorkPlan, WorkPlanFocus

    plan = WorkPlan.objects.create(
        ambassador=ambassador, next_review_on=timezone.localdate() + timedelta(days=30)
    )
    WorkPlanFocus.objects.create(
        work_plan=plan, text="Meet every parish council", activity_area=ActivityAreaFactory()
    )
    contact = ContactFactory(ambassador=ambassador)
    raise_issue(contact=contact, summary="Lorries using the lane", by=ambassador.user)
    sign_in(ambassador.user)
    html = client.get("/ambassador/").content.decode()
    assert "Meet every parish council" in html
    assert "Lorries using the lane" in html
    assert client.get("/ambassador/").status_code == 200


def test_the_ambassador_pages_are_for_ambassadors(client, sign_in, make_user):
    sign_in(make_user("Engagement officer"))
    assert client.get("/ambassador/").status_code == 403
    client.logout()
    assert client.get("/ambassador/").status_code == 302


def test_a_contact_cannot_name_an_organisation_outside_the_ambassadors_area(ambassador, answers):
    elsewhere = OrganisationFactory(policing_areas=[AmbassadorFactory().policing_area])
    answers["organisation"] = elsewhere
    with pytest.raises(ValidationError) as error:
        log_contact(user=ambassador.user, answers=ContactAnswers(**answers))
    assert error.value.message_dict["organisation"] == ["Choose an organisation in your area"]
    assert Contact.objects.count() == 0
