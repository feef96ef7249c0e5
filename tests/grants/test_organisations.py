"""An application keeps the organisation's details as typed; a grants officer links it to the one
Organisation on record, found by its charity or company number however it was typed, made from
the typed details when there is none, and never changed by the applicant's typing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from engagement.models import Organisation
from grants import services
from tests.grants import factories as f

pytestmark = pytest.mark.django_db


def sent(people, **kwargs):
    return f.submitted(people, **kwargs)


def test_the_organisation_is_found_by_its_charity_number_however_typed(people):
    on_record = f.linked_organisation(
        name="Safer Shrewsbury", charity_number="1123456", website="https://safer.example.org"
    )
    application = sent(
        people,
        organisation_name="Safer Shrewsbury (new name)",
        charity_number=" 1123456 ",
        organisation_website="https://elsewhere.example.org",
    )
    linked = services.link_organisation(application=application, by=people.officer)
    assert linked.organisation == on_record
    on_record.refresh_from_db()
    # What the applicant typed stays on the application; the record is not changed.
    assert (on_record.name, on_record.website) == ("Safer Shrewsbury", "https://safer.example.org")
    assert linked.organisation_name == "Safer Shrewsbury (new name)"
    assert Organisation.objects.count() == 1


def test_the_organisation_is_found_by_its_company_number(people):
    on_record = f.linked_organisation(company_number="01234567")
    application = sent(people, charity_number="", company_number="1234567")
    assert services.link_organisation(application=application, by=people.officer).organisation == (
        on_record
    )


def test_an_organisation_is_made_from_the_typed_details_when_none_has_the_number(people):
    application = sent(people, charity_number="SC012345")
    linked = services.link_organisation(application=application, by=people.officer)
    made = linked.organisation
    assert made.name == application.organisation_name
    assert made.charity_number == "SC012345" and made.org_id == "GB-SC-SC012345"
    assert set(made.policing_areas.all()) == set(application.policing_areas.all())
    assert "SY3 8HF" in made.address
    # A second application from the same charity finds it.
    again = sent(people, charity_number="sc012345")
    assert services.link_organisation(application=again, by=people.officer).organisation == made


def test_a_number_names_one_organisation_so_its_org_id_is_stable(people):
    first = f.linked_organisation(name="Old record", charity_number="1123456")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.linked_organisation(name="Duplicate record", charity_number="1123456")
    application = sent(people, charity_number="1123 456")
    linked = services.link_organisation(application=application, by=people.officer)
    assert linked.organisation == first and first.org_id == "GB-CHC-1123456"


def test_a_chosen_organisation_with_another_number_is_refused(people):
    other = f.linked_organisation(charity_number="1000001")
    application = sent(people, charity_number="1123456")
    with pytest.raises(ValidationError) as caught:
        services.link_organisation(application=application, by=people.officer, organisation=other)
    assert caught.value.message_dict["organisation"] == [
        "That organisation's charity number is 1000001, not the 1123456 on the application"
    ]


@pytest.mark.parametrize("who", ["assessor", "commissioner", "applicant"])
def test_only_grants_officers_link_organisations(people, who):
    application = sent(people)
    person = application.applicant if who == "applicant" else getattr(people, who)
    with pytest.raises(PermissionDenied):
        services.link_organisation(application=application, by=person)
    assert not Organisation.objects.exists()


def test_the_organisation_of_an_award_is_never_changed(people):
    application, award = f.approved(people)
    other = Organisation.objects.create(name="Another charity", kind=application.organisation.kind)
    with pytest.raises(ValidationError, match="cannot change"):
        services.link_organisation(application=application, by=people.officer, organisation=other)
    application.refresh_from_db()
    assert application.organisation == award.application.organisation
