"""The engagement verbs say what they take, and raising an issue is one of them."""

import inspect
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from engagement import services
from engagement.api import ContactInputSerializer
from engagement.forms import ContactForm, OrganisationForm
from engagement.models import Contact, Organisation, RaisedIssue
from engagement.services import (
    ALREADY_RAISED,
    SUMMARY_REQUIRED,
    ContactAnswers,
    add_organisation,
    log_contact,
    raise_issue,
    update_contact,
)
from tests.engagement.factories import (
    ActivityAreaFactory,
    AmbassadorFactory,
    ContactFactory,
    EngagementLevelFactory,
    OrganisationFactory,
    ReachedGroupFactory,
)
from tests.pcc_portal.factories import PolicingAreaFactory

pytestmark = pytest.mark.django_db

VERBS = [
    services.log_contact,
    services.update_contact,
    services.raise_issue,
    services.move_issue,
    services.add_organisation,
]


@pytest.mark.parametrize("verb", VERBS, ids=lambda verb: verb.__name__)
def test_every_verb_takes_typed_keywords_only(verb):
    for parameter in inspect.signature(verb).parameters.values():
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, parameter.name
        assert parameter.annotation is not inspect.Parameter.empty, parameter.name
        assert parameter.annotation not in (dict, "dict"), parameter.name


# --- One shape for a contact's answers ---------------------------------------------------------


@pytest.fixture
def choices(ambassador):
    return {
        "level": EngagementLevelFactory(name="Consult"),
        "areas": [ActivityAreaFactory(number=2), ActivityAreaFactory(number=3)],
        "group": ReachedGroupFactory(),
        "organisation": OrganisationFactory(policing_areas=[ambassador.policing_area]),
    }


def test_the_form_and_the_api_give_the_same_answers(ambassador, choices):
    today = timezone.localdate()
    form = ContactForm(
        {
            "occurred_on_0": today.day,
            "occurred_on_1": today.month,
            "occurred_on_2": today.year,
            "policing_area": ambassador.policing_area.pk,
            "organisation": choices["organisation"].pk,
            "place": "Village hall",
            "people_reached": "25",
            "method": "event",
            "engagement_level": choices["level"].pk,
            "activity_areas": [a.pk for a in choices["areas"]],
            "groups_reached": [choices["group"].pk],
            "topics": "Speeding",
            "issues_raised": "Lorries in the lane",
            "raise_with_commissioner": "on",
            "raise_summary": "Lorries",
            "submission_key": str(uuid.uuid4()),
        },
        organisations=Organisation.objects.all(),
    )
    assert form.is_valid(), form.errors
    incoming = ContactInputSerializer(
        data={
            "occurred_on": today.isoformat(),
            "policing_area": ambassador.policing_area.slug,
            "organisation": choices["organisation"].pk,
            "place": "Village hall",
            "people_reached": 25,
            "method": "event",
            "engagement_level": "Consult",
            "activity_areas": [2, 3],
            "groups_reached": [choices["group"].pk],
            "topics": "Speeding",
            "issues_raised": "Lorries in the lane",
            "raise_with_commissioner": True,
            "raise_summary": "Lorries",
            "submission_key": str(uuid.uuid4()),
        }
    )
    assert incoming.is_valid(), incoming.errors
    from_form, from_api = form.answers(), incoming.answers()
    assert isinstance(from_form, ContactAnswers)
    assert from_form == from_api
    assert from_form.activity_areas == tuple(choices["areas"])
    assert from_form.organisation == choices["organisation"]


def test_answers_refuse_what_a_contact_does_not_have(ambassador):
    with pytest.raises(TypeError):
        ContactAnswers(
            occurred_on=timezone.localdate(),
            policing_area=ambassador.policing_area,
            people_reached=3,
            method="street",
            engagement_level=EngagementLevelFactory(),
            activity_areas=[ActivityAreaFactory()],
            ambassador=ambassador,
        )


def test_a_partial_change_keeps_the_rest():
    contact = ContactFactory(topics="Parking")
    answers = ContactAnswers.from_input({"people_reached": 99}, base=ContactAnswers.of(contact))
    assert answers.people_reached == 99
    assert answers.topics == "Parking"
    assert answers.activity_areas == tuple(contact.activity_areas.all())


def test_a_contact_is_changed_whole_from_its_answers(ambassador):
    contact = ContactFactory(ambassador=ambassador, topics="Parking")
    new_area = ActivityAreaFactory(number=7)
    update_contact(
        user=ambassador.user,
        contact=contact,
        answers=replace(ContactAnswers.of(contact), topics="Speeding", activity_areas=[new_area]),
    )
    contact.refresh_from_db()
    assert contact.topics == "Speeding"
    assert list(contact.activity_areas.all()) == [new_area]


def test_every_broken_rule_of_a_contact_is_reported_at_once(ambassador):
    elsewhere = OrganisationFactory(policing_areas=[PolicingAreaFactory()])
    answers = ContactAnswers(
        occurred_on=timezone.localdate() + timedelta(days=3),
        policing_area=ambassador.policing_area,
        people_reached=3,
        method="street",
        engagement_level=EngagementLevelFactory(),
        activity_areas=[],
        organisation=elsewhere,
    )
    with pytest.raises(ValidationError) as error:
        log_contact(user=ambassador.user, answers=answers)
    assert set(error.value.message_dict) >= {"occurred_on", "activity_areas", "organisation"}
    assert Contact.objects.count() == 0


# --- Organisations -----------------------------------------------------------------------------


def test_add_organisation_refuses_an_unknown_argument(make_user):
    with pytest.raises(TypeError):
        add_organisation(
            user=make_user("Engagement officer"), name="Ledbury Watch", kind="watch_scheme", pk=5
        )
    assert Organisation.objects.count() == 0


def test_add_organisation_validates_the_model(make_user):
    with pytest.raises(ValidationError) as error:
        add_organisation(
            user=make_user("Engagement officer"),
            name="Ledbury Watch",
            kind="not a kind",
            contact_name="Jo Bloggs",
        )
    assert {"kind", "consent_basis"} <= set(error.value.message_dict)
    assert Organisation.objects.count() == 0


def test_an_unknown_field_sent_to_the_api_is_ignored_not_a_500(client, ambassador, token_for):
    response = client.post(
        "/api/v1/organisations/",
        {"name": "Kington Watch", "kind": "watch_scheme", "pk": 7, "favourite_colour": "red"},
        content_type="application/json",
        **token_for(ambassador.user),
    )
    assert response.status_code == 201
    assert Organisation.objects.get().name == "Kington Watch"


def test_staff_add_organisations_anywhere_and_ambassadors_in_their_area(make_user, ambassador):
    north, south = PolicingAreaFactory(), PolicingAreaFactory()
    by_officer = add_organisation(
        user=make_user("Grants officer"),
        name="Both",
        kind="voluntary",
        policing_areas=[north, south],
    )
    assert set(by_officer.policing_areas.all()) == {north, south}
    own = add_organisation(user=ambassador.user, name="Own", kind="voluntary")
    assert list(own.policing_areas.all()) == [ambassador.policing_area]
    with pytest.raises(ValidationError) as error:
        add_organisation(user=ambassador.user, name="Far", kind="voluntary", policing_areas=[north])
    assert "policing_areas" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        add_organisation(user=make_user("Grant assessor"), name="No", kind="voluntary")


def test_the_organisation_form_validates_the_model():
    form = OrganisationForm(
        {"name": "Bromyard Watch", "kind": "watch_scheme", "consent_basis": "none_held"}
        | {"contact_name": "Jo Bloggs"}
    )
    assert not form.is_valid()
    assert "consent_basis" in form.errors


# --- Raising an issue --------------------------------------------------------------------------


def test_an_ambassador_raises_an_issue_from_their_contact(ambassador):
    contact = ContactFactory(ambassador=ambassador)
    issue = raise_issue(contact=contact, summary="  Lorries using the lane ", by=ambassador.user)
    assert (issue.contact, issue.summary, issue.status) == (
        contact,
        "Lorries using the lane",
        "open",
    )
    assert issue.state.public_name == "Received"
    assert RaisedIssue.objects.get() == issue


def test_an_issue_needs_a_summary_of_at_most_300_characters(ambassador):
    contact = ContactFactory(ambassador=ambassador)
    with pytest.raises(ValidationError) as error:
        raise_issue(contact=contact, summary="   ", by=ambassador.user)
    assert error.value.message_dict == {"summary": [SUMMARY_REQUIRED]}
    with pytest.raises(ValidationError) as error:
        raise_issue(contact=contact, summary="x" * 301, by=ambassador.user)
    assert "summary" in error.value.message_dict
    assert RaisedIssue.objects.count() == 0


def test_one_issue_per_contact(ambassador):
    contact = ContactFactory(ambassador=ambassador)
    raise_issue(contact=contact, summary="First", by=ambassador.user)
    with pytest.raises(ValidationError) as error:
        raise_issue(contact=contact, summary="Second", by=ambassador.user)
    assert error.value.messages == [ALREADY_RAISED]
    assert RaisedIssue.objects.get().summary == "First"


def test_only_the_contacts_ambassador_or_engagement_staff_raise_an_issue(make_user, ambassador):
    contact = ContactFactory(ambassador=ambassador)
    for user in (AmbassadorFactory().user, make_user("Staff officer"), make_user("Applicant")):
        with pytest.raises(PermissionDenied):
            raise_issue(contact=contact, summary="Not mine", by=user)
    assert RaisedIssue.objects.count() == 0
    raise_issue(contact=contact, summary="Raised by the office", by=make_user("Engagement officer"))


def test_an_issue_cannot_be_raised_once_the_contact_is_closed_to_its_ambassador(ambassador):
    contact = ContactFactory(ambassador=ambassador)
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(days=8))
    contact.refresh_from_db()
    with pytest.raises(PermissionDenied):
        raise_issue(contact=contact, summary="Too late", by=ambassador.user)


@pytest.fixture
def raise_issue_calls(monkeypatch) -> list[dict]:
    """The keyword arguments of each call to services.raise_issue, which still does its work."""
    called = []
    real = services.raise_issue

    def spy(**kwargs):
        called.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "raise_issue", spy)
    return called


def test_the_phone_form_raises_through_the_service(client, sign_in, ambassador, raise_issue_calls):
    called = raise_issue_calls
    level, area = EngagementLevelFactory(), ActivityAreaFactory()
    today = timezone.localdate()
    sign_in(ambassador.user)
    response = client.post(
        "/ambassador/contacts/new/",
        {
            "occurred_on_0": today.day,
            "occurred_on_1": today.month,
            "occurred_on_2": today.year,
            "policing_area": ambassador.policing_area.pk,
            "who": "Parents",
            "people_reached": 4,
            "method": "street",
            "engagement_level": level.pk,
            "activity_areas": [area.pk],
            "raise_with_commissioner": "on",
            "raise_summary": "Parking on the zigzags",
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    assert [call["summary"] for call in called] == ["Parking on the zigzags"]
    assert called[0]["by"] == ambassador.user


def test_the_demo_data_raises_its_issues_through_the_service(
    reference_data, monkeypatch, raise_issue_calls
):
    import io

    from engagement import demo

    called = raise_issue_calls
    monkeypatch.setattr(demo, "CONTACTS_PER_AMBASSADOR", 13)
    ambassador = AmbassadorFactory()
    local = [OrganisationFactory(policing_areas=[ambassador.policing_area])]
    demo._contacts([ambassador], local, timezone.localdate(), io.StringIO())
    assert Contact.objects.filter(ambassador=ambassador).count() == 13
    assert len(called) == RaisedIssue.objects.count() == 2
    assert {call["by"] for call in called} == {ambassador.user}
