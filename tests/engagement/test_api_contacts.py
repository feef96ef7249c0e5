"""/api/v1/contacts/ and /api/v1/organisations/ as a phone app uses them, with a device token."""

import pytest

from engagement.models import Contact, Organisation
from engagement.services import SUMMARY_REQUIRED
from tests.engagement.factories import (
    AmbassadorFactory,
    ContactFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def test_a_phone_logs_a_contact_once_however_often_it_retries(
    client, token_for, ambassador, payload
):
    headers = token_for(ambassador.user)
    first = client.post("/api/v1/contacts/", payload, content_type="application/json", **headers)
    again = client.post("/api/v1/contacts/", payload, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Contact.objects.count() == 1


def test_bad_input_is_a_400_with_field_errors(client, token_for, ambassador, payload):
    payload.update(people_reached=0, activity_areas=[], method="telepathy")
    response = client.post(
        "/api/v1/contacts/", payload, content_type="application/json", **token_for(ambassador.user)
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"people_reached", "activity_areas", "method"}


@pytest.mark.parametrize(
    "change, errors",
    [
        ({"who": ""}, {"who": ["Choose an organisation or say who you met"]}),
        ({"raise_with_commissioner": True}, {"raise_summary": [SUMMARY_REQUIRED]}),
    ],
    ids=["an organisation or who", "a summary for a raised issue"],
)
def test_a_service_rule_is_a_400_too(client, token_for, ambassador, payload, change, errors):
    payload.update(change)
    response = client.post(
        "/api/v1/contacts/", payload, content_type="application/json", **token_for(ambassador.user)
    )
    assert response.status_code == 400
    assert response.json() == errors
    assert Contact.objects.count() == 0


def test_an_ambassador_lists_and_reads_only_their_own(client, token_for, ambassador):
    mine = ContactFactory(ambassador=ambassador)
    theirs = ContactFactory()
    headers = token_for(ambassador.user)
    listed = client.get("/api/v1/contacts/", **headers).json()
    assert [c["id"] for c in listed["results"]] == [mine.pk]
    assert client.get(f"/api/v1/contacts/{theirs.pk}/", **headers).status_code == 404
    response = client.patch(
        f"/api/v1/contacts/{theirs.pk}/",
        {"people_reached": 3},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404


def test_staff_list_all_contacts_with_filters(client, token_for):
    one, two = ContactFactory(), ContactFactory()
    assert one.policing_area != two.policing_area
    headers = token_for("Engagement officer")
    listed = client.get("/api/v1/contacts/", **headers).json()
    assert listed["count"] == 2
    assert {c["id"] for c in listed["results"]} == {one.pk, two.pk}
    filtered = client.get(
        f"/api/v1/contacts/?policing_area={one.policing_area.slug}", **headers
    ).json()
    assert filtered["count"] == 1
    assert [c["id"] for c in filtered["results"]] == [one.pk]


def test_an_ambassador_changes_their_contact_within_the_window(
    client, token_for, ambassador, payload
):
    headers = token_for(ambassador.user)
    created = client.post("/api/v1/contacts/", payload, content_type="application/json", **headers)
    response = client.patch(
        f"/api/v1/contacts/{created.json()['id']}/",
        {"people_reached": 40},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200
    assert response.json()["people_reached"] == 40


def test_applicants_and_the_public_cannot_use_contacts(client, token_for):
    assert client.get("/api/v1/contacts/").status_code == 401
    assert client.get("/api/v1/contacts/", **token_for("Applicant")).status_code == 403


def test_organisations_by_area(client, token_for, ambassador):
    own = OrganisationFactory(policing_areas=[ambassador.policing_area])
    OrganisationFactory(policing_areas=[AmbassadorFactory().policing_area])
    headers = token_for(ambassador.user)
    listed = client.get("/api/v1/organisations/", **headers).json()
    assert [o["id"] for o in listed["results"]] == [own.pk]
    created = client.post(
        "/api/v1/organisations/",
        {"name": "Kington Watch", "kind": "watch_scheme", "charity_number": "1123456"},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201
    assert created.json()["org_id"] == "GB-CHC-1123456"
    assert Organisation.objects.get(name="Kington Watch").policing_areas.get() == (
        ambassador.policing_area
    )


def test_nul_bytes_and_nonsense_are_400s_not_500s(client, token_for, ambassador, payload):
    headers = token_for(ambassador.user)
    for change in (
        {"who": "Farmers\x00"},
        {"occurred_on": "31/02/2026"},
        {"activity_areas": "all of them"},
        {"organisation": 999999},
        {"policing_area": "atlantis"},
        {"people_reached": "lots"},
    ):
        response = client.post(
            "/api/v1/contacts/", {**payload, **change}, content_type="application/json", **headers
        )
        assert response.status_code == 400, change
        assert set(change) <= set(response.json()), change
    assert Contact.objects.count() == 0


def test_a_nul_byte_in_the_phone_form_is_an_error_next_to_the_field(client, sign_in, ambassador):
    sign_in(ambassador.user)
    response = client.post("/ambassador/contacts/new/", {"who": "Farmers\x00", "topics": "x\x00"})
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()
    assert Contact.objects.count() == 0


def test_the_api_refuses_an_organisation_outside_the_area(client, token_for, ambassador, payload):
    payload["organisation"] = OrganisationFactory(
        policing_areas=[AmbassadorFactory().policing_area]
    ).pk
    response = client.post(
        "/api/v1/contacts/", payload, content_type="application/json", **token_for(ambassador.user)
    )
    assert response.status_code == 400
    assert response.json()["organisation"] == ["Choose an organisation in your area"]
