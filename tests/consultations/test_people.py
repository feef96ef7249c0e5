"""Subject access and erasure: one person's responses, found by email address whatever its
case, downloaded or erased, and nobody else's."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from consultations import people
from consultations.models import Answer, EqualityAccess, EqualityAnswers, Response, SavedResponse
from tests.consultations.factories import ConsultationFactory, QuestionFactory, choice_question

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.consultations.staff_test_urls")]

PAGE = "/staff/consultations/people/"


def respond(consultation, email="", **fields) -> Response:
    response = Response.objects.create(consultation=consultation, email=email, **fields)
    question = consultation.questions.first() or QuestionFactory(
        consultation=consultation, text="Anything else?"
    )
    Answer.objects.create(response=response, question=question, text=f"Said by {email or 'nobody'}")
    EqualityAnswers.objects.create(response=response, age_band="25_34")
    return response


@pytest.fixture
def responses(db):
    speed = ConsultationFactory(title="20mph limits")
    precept = ConsultationFactory(title="Policing precept")
    return {
        "jo_speed": respond(speed, "Jo.Bloggs@Example.com", wants_feedback=True),
        "jo_precept": respond(precept, "jo.bloggs@example.com"),
        "sam": respond(speed, "sam@example.com"),
        "anonymous": respond(precept),
    }


def test_responses_are_found_whatever_the_case(responses):
    found = list(people.responses_of("  JO.BLOGGS@example.COM "))
    assert set(found) == {responses["jo_speed"], responses["jo_precept"]}
    assert list(people.responses_of("")) == []
    assert list(people.responses_of("nobody@example.com")) == []


def test_erasure_removes_that_persons_responses_and_nothing_else(responses, make_user):
    officer = make_user("Engagement officer")

    assert people.erase_responses_of(email="jo.bloggs@EXAMPLE.com", by=officer) == 2

    assert set(Response.objects.all()) == {responses["sam"], responses["anonymous"]}
    assert set(Answer.objects.values_list("response", flat=True)) == {
        responses["sam"].pk,
        responses["anonymous"].pk,
    }
    assert set(EqualityAnswers.objects.values_list("response", flat=True)) == {
        responses["sam"].pk,
        responses["anonymous"].pk,
    }


def test_erasure_is_refused_to_those_without_the_rule(responses, make_user):
    with pytest.raises(PermissionDenied):
        people.erase_responses_of(email="sam@example.com", by=make_user("Commissioner and Deputy"))
    assert Response.objects.count() == 4


def test_the_download_holds_their_answers_and_keeps_equality_answers_apart(responses, make_user):
    consultation = responses["sam"].consultation
    choose = choice_question(consultation, ["Burglary", "Drugs"], text="Priorities?")
    choose_many = choice_question(
        consultation, ["Parks", "Schools"], kind="multiple_choice", text="Where?"
    )
    sam = responses["sam"]
    Answer.objects.create(response=sam, question=choose, option=choose.options.get(label="Drugs"))
    for option in choose_many.options.all():
        Answer.objects.create(response=sam, question=choose_many, option=option)

    data = people.export_person(email="SAM@example.com", by=make_user("Engagement officer"))

    [item] = data["responses"]
    assert item["consultation"] == "20mph limits"
    assert item["email address"] == "sam@example.com"
    assert {a["question"]: a["answer"] for a in item["answers"]} == {
        "Anything else?": "Said by sam@example.com",
        "Priorities?": "Drugs",
        "Where?": ["Parks", "Schools"],
    }
    assert item["equality monitoring"] == people.EQUALITY_HELD_APART
    assert not EqualityAccess.objects.exists()


def test_someone_allowed_to_export_equality_answers_gets_them_and_it_is_logged(
    responses, make_user
):
    from django.contrib.auth.models import Permission

    officer = make_user("Engagement officer")
    officer.user_permissions.add(Permission.objects.get(codename="export_equality_answers"))
    officer = type(officer).objects.get(pk=officer.pk)

    data = people.export_person(email="sam@example.com", by=officer)

    assert data["responses"][0]["equality monitoring"]["age"] == "25 to 34"
    access = EqualityAccess.objects.get()
    assert (access.user, access.action) == (officer, EqualityAccess.Action.EXPORTED)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("Engagement officer", 200),
        ("Administrator", 200),
        ("Commissioner and Deputy", 403),
        ("Grants officer", 403),
        ("Performance officer", 403),
    ],
)
def test_who_may_open_the_page(role, status, signed_in_as, client):
    signed_in_as(role)
    assert client.get(PAGE).status_code == status


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign-in" in response["Location"]


def test_the_page_lists_their_responses(responses, signed_in_as, client):
    signed_in_as("Engagement officer")
    response = client.post(PAGE, {"email": "JO.bloggs@example.com"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 responses from this address" in page
    assert "20mph limits" in page and "Policing precept" in page
    assert "Download their data" in page and "Erase their responses" in page
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_address_is_shown_as_an_error(signed_in_as, client):
    signed_in_as("Engagement officer")
    response = client.post(PAGE, {"email": "not an address"})
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.content.decode()


def test_their_data_downloads_as_json(responses, signed_in_as, client):
    signed_in_as("Engagement officer")
    response = client.post(PAGE + "download/", {"email": "jo.bloggs@example.com"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert len(data["responses"]) == 2


def test_erasing_asks_first_then_erases(responses, signed_in_as, client):
    signed_in_as("Engagement officer")
    confirm = client.post(PAGE + "erase/", {"email": "jo.bloggs@example.com"})
    assert confirm.status_code == 200
    assert "Are you sure you want to erase 2 responses?" in confirm.content.decode()
    assert Response.objects.count() == 4

    done = client.post(PAGE + "erase/", {"email": "jo.bloggs@example.com", "confirm": "yes"})
    assert done.status_code == 302
    assert done["Location"] == PAGE
    assert Response.objects.count() == 2
    assert "2 responses erased" in client.get(PAGE).content.decode()


def test_erasing_is_refused_to_those_without_the_rule(responses, signed_in_as, client):
    signed_in_as("Commissioner and Deputy")
    response = client.post(PAGE + "erase/", {"email": "sam@example.com", "confirm": "yes"})
    assert response.status_code == 403
    assert Response.objects.count() == 4


def test_someone_with_only_saved_answers_can_be_found_downloaded_and_erased(signed_in_as, client):
    consultation = ConsultationFactory(title="Rural crime")
    SavedResponse.objects.create(
        consultation=consultation, email="kit@example.com", secret_hash="f" * 64, answers={}
    )
    signed_in_as("Engagement officer")
    page = client.post(PAGE, {"email": "KIT@example.com"}).content.decode()
    assert "No responses from this address" in page
    assert "1 set of answers saved to finish later" in page and "Rural crime" in page
    assert "Download their data" in page and "Erase their responses" in page

    confirm = client.post(PAGE + "erase/", {"email": "kit@example.com"}).content.decode()
    assert "erase 0 responses and 1 set of saved answers?" in confirm
    client.post(PAGE + "erase/", {"email": "kit@example.com", "confirm": "yes"})
    assert not SavedResponse.objects.exists()
