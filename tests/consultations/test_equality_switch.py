"""A consultation asks the optional "About you" questions only when its switch is on: the public
form, the staff key-in form, the paper copy and the API all follow it, and the answering service
refuses answers about the person sent to a consultation that does not ask them."""

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations.answering import NOT_ASKED_ABOUT_YOU, submit_response
from consultations.models import Answer, Consultation, EqualityAnswers, Response
from consultations.tokens import issue_token
from engagement.models import ReachedGroup
from tests.consultations.factories import ConsultationFactory, choice_question
from tests.consultations.test_pages import form_token

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.consultations.staff_test_urls")]

SECTION = "About you (optional)"


@pytest.fixture(autouse=True)
def own_cache(settings):
    """Cache keys no other test shares: pages, the flood count and the throttle live there."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def group(reference_data):
    return ReachedGroup.objects.create(name="Allotment holders (test)")


def make(*, asks: bool, **kwargs) -> Consultation:
    consultation = ConsultationFactory(
        status=Consultation.Status.PUBLISHED,
        title="Policing your town",
        asks_equality=asks,
        **kwargs,
    )
    choice_question(
        consultation,
        ["Often", "Sometimes", "Never"],
        text="How often do you see patrols?",
        required=True,
    )
    return consultation


@pytest.fixture
def asking(group):
    return make(asks=True, slug="asking")


@pytest.fixture
def not_asking(group):
    return make(asks=False, slug="not-asking")


def the_question(consultation):
    return consultation.questions.get()


def chosen(consultation, label="Sometimes") -> int:
    return the_question(consultation).options.get(label=label).pk


def html(reply) -> str:
    assert reply.status_code == 200, reply.status_code
    return reply.content.decode()


# --- The public form --------------------------------------------------------------------------


def public_url(consultation):
    return f"/consultations/{consultation.slug}/"


def test_the_public_form_asks_about_you_when_switched_on(client, asking, not_asking, group):
    with_section = html(client.get(public_url(asking)))
    assert SECTION in with_section
    assert 'name="equality_age_band"' in with_section and group.name in with_section

    without = html(client.get(public_url(not_asking)))
    assert SECTION not in without
    assert 'name="equality_' not in without
    assert "How often do you see patrols?" in without


def test_a_sensitive_consultation_still_asks_about_you_unless_switched_off(client, group):
    # Decision 22 leaves out names and contact details; monitoring stays, and optional.
    sensitive = make(asks=True, slug="sensitive", sensitive=True)
    assert SECTION in html(client.get(public_url(sensitive)))
    quiet = make(asks=False, slug="sensitive-quiet", sensitive=True)
    assert SECTION not in html(client.get(public_url(quiet)))


def public_answers(client, consultation, **extra) -> dict:
    page = html(client.get(public_url(consultation)))
    question = the_question(consultation)
    return {
        "form_token": form_token(page),
        f"q{question.pk}": str(chosen(consultation)),
        "website": "",
        **extra,
    }


def test_the_public_form_stores_answers_about_you_apart(client, asking, group):
    data = public_answers(client, asking, equality_sex="female", equality_groups=[str(group.pk)])
    assert client.post(public_url(asking), data).status_code == 302
    response = Response.objects.get(consultation=asking)
    equality = EqualityAnswers.objects.get(response=response)
    assert (equality.sex, equality.age_band) == ("female", "")
    assert list(equality.groups.all()) == [group]


def test_the_public_form_of_a_consultation_not_asking_takes_nothing_about_you(
    client, not_asking, group
):
    # The fields are not on the form, so what a crafted post adds is never read.
    data = public_answers(client, not_asking, equality_sex="female")
    assert client.post(public_url(not_asking), data).status_code == 302
    assert Response.objects.filter(consultation=not_asking).count() == 1
    assert not EqualityAnswers.objects.exists()


# --- Keying in --------------------------------------------------------------------------------


def key_in_url(consultation):
    return f"/staff/consultations/{consultation.pk}/responses/new/"


def keyed(consultation, **extra) -> dict:
    return {
        "channel": "paper",
        f"q{the_question(consultation).pk}": chosen(consultation),
        "form_token": issue_token(consultation),
        **extra,
    }


def test_the_key_in_form_has_the_section_only_when_asked(client, signed_in_as, asking, not_asking):
    signed_in_as("Engagement officer")
    page = html(client.get(key_in_url(asking)))
    assert SECTION in page and 'name="equality_religion"' in page
    # The section comes after the consultation's questions, before the button.
    assert page.index("How often do you see patrols?") < page.index(SECTION)
    assert page.index(SECTION) < page.index("Save response")

    page = html(client.get(key_in_url(not_asking)))
    assert SECTION not in page and 'name="equality_' not in page


def test_answers_about_you_from_a_paper_form_are_keyed_in_and_stored_apart(
    client, signed_in_as, asking, group
):
    officer = signed_in_as("Engagement officer")
    data = keyed(
        asking,
        equality_age_band="65_74",
        equality_disability="prefer_not",
        equality_groups=[str(group.pk)],
    )
    assert client.post(key_in_url(asking), data).status_code == 302

    response = Response.objects.get(consultation=asking)
    assert (response.channel, response.keyed_in_by) == ("paper", officer)
    equality = EqualityAnswers.objects.get(response=response)
    assert (equality.age_band, equality.disability, equality.sex) == ("65_74", "prefer_not", "")
    assert list(equality.groups.all()) == [group]
    # Only the consultation's own question has an answer row.
    assert list(Answer.objects.values_list("question", flat=True)) == [the_question(asking).pk]


def test_a_paper_form_with_the_section_left_blank_stores_nothing_about_you(
    client, signed_in_as, asking
):
    signed_in_as("Engagement officer")
    assert client.post(key_in_url(asking), keyed(asking)).status_code == 302
    assert Response.objects.filter(consultation=asking).count() == 1
    assert not EqualityAnswers.objects.exists()


def test_an_answer_about_you_not_offered_is_shown_beside_its_question(client, signed_in_as, asking):
    signed_in_as("Engagement officer")
    reply = client.post(key_in_url(asking), keyed(asking, equality_sex="robot"))
    assert reply.status_code == 400
    page = reply.content.decode()
    assert "There is a problem" in page
    assert "Select one of the answers given for “What is your sex?”" in page
    assert not Response.objects.exists()


def test_keying_in_for_a_consultation_not_asking_stores_nothing_about_you(
    client, signed_in_as, not_asking
):
    signed_in_as("Engagement officer")
    reply = client.post(key_in_url(not_asking), keyed(not_asking, equality_sex="female"))
    assert reply.status_code == 302
    assert Response.objects.filter(consultation=not_asking).count() == 1
    assert not EqualityAnswers.objects.exists()


# --- The paper copy ---------------------------------------------------------------------------


def print_url(consultation):
    return f"/consultations/{consultation.slug}/print/"


def test_the_paper_copy_prints_the_questions_about_you_when_asked(client, asking, group):
    page = html(client.get(print_url(asking)))
    section = page[page.index(SECTION) :]
    assert page.index("How often do you see patrols?") < page.index(SECTION)
    for words in (
        "What is your age?",
        "65 to 74",
        "What is your ethnic group?",
        "Do you consider yourself to be disabled?",
        group.name,
        "Tick all that apply",
    ):
        assert words in section, words
    # Every question about the person offers "Prefer not to say".
    assert section.count("Prefer not to say") >= 8
    assert "groups of 10 people or more" in section


def test_the_paper_copy_leaves_the_section_out_when_not_asked(client, not_asking):
    page = html(client.get(print_url(not_asking)))
    assert "How often do you see patrols?" in page
    assert SECTION not in page and "What is your age?" not in page


# --- The API ----------------------------------------------------------------------------------


def post(client, consultation, **extra):
    question = the_question(consultation)
    body = {
        "form_token": issue_token(consultation),
        "answers": {str(question.pk): chosen(consultation)},
        **extra,
    }
    return client.post(
        f"/api/v1/consultations/{consultation.slug}/responses/",
        data=json.dumps(body),
        content_type="application/json",
    )


def test_the_api_stores_answers_about_you_apart(client, asking, group):
    reply = post(
        client,
        asking,
        equality={"sex": "male", "religion": "prefer_not", "age_band": "", "groups": [group.pk]},
    )
    assert reply.status_code == 201, reply.content
    response = Response.objects.get(pk=reply.json()["id"])
    equality = response.equality
    assert (equality.sex, equality.religion, equality.age_band) == ("male", "prefer_not", "")
    assert list(equality.groups.all()) == [group]
    assert Answer.objects.filter(response=response).count() == 1


def test_the_api_takes_a_response_without_the_section(client, asking):
    assert post(client, asking).status_code == 201
    assert post(client, asking, equality=None).status_code == 201
    assert not EqualityAnswers.objects.exists()


@pytest.mark.parametrize(
    ("equality", "field"),
    [
        ({"sex": "robot"}, "equality.sex"),
        ({"age_band": 16}, "equality.age_band"),
        ({"groups": "all of them"}, "equality.groups"),
        ({"groups": [10**30]}, "equality.groups"),
        # Not a group the office lists: the answering service's own check.
        ({"groups": [987654]}, "equality.groups"),
        ({"shoe_size": "9"}, "equality"),
        (["female"], "equality"),
    ],
)
def test_the_api_refuses_answers_about_you_not_offered_with_field_errors(
    client, asking, equality, field
):
    reply = post(client, asking, equality=equality)
    assert reply.status_code == 400, reply.content
    errors = reply.json()
    assert list(errors) == [field]
    assert all(isinstance(message, str) and message for message in errors[field])
    assert not Response.objects.exists()


def test_the_api_names_the_question_about_you_it_refuses(client, asking):
    errors = post(client, asking, equality={"sex": "robot"}).json()
    assert errors == {"equality.sex": ["Select one of the answers given for “What is your sex?”"]}


def test_the_api_refuses_answers_about_you_to_a_consultation_not_asking(client, not_asking):
    reply = post(client, not_asking, equality={"sex": "female"})
    assert reply.status_code == 400
    assert reply.json() == {"equality": [NOT_ASKED_ABOUT_YOU]}
    assert not Response.objects.exists()
    # The section left blank is no answer, and the response is taken.
    assert post(client, not_asking, equality={"sex": "", "groups": []}).status_code == 201


def test_the_schema_describes_the_section(client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    request = schema["components"]["schemas"]["ResponseInputRequest"]["properties"]["equality"]
    assert set(request["properties"]) >= {"age_band", "sex", "disability", "groups"}
    assert "prefer_not" in request["properties"]["disability"]["enum"]
    assert request["additionalProperties"] is False
    operation = schema["paths"]["/api/v1/consultations/{slug}/responses/"]["post"]
    assert '"equality.<question name>"' in operation["responses"]["400"]["description"]


# --- The service ------------------------------------------------------------------------------


def test_the_service_refuses_answers_about_you_to_a_consultation_not_asking(not_asking):
    with pytest.raises(ValidationError) as refused:
        submit_response(
            consultation=not_asking,
            answers={the_question(not_asking).pk: chosen(not_asking)},
            equality={"age_band": "25_34"},
            now=timezone.now(),
        )
    assert refused.value.message_dict == {"equality": [NOT_ASKED_ABOUT_YOU]}
    assert not Response.objects.exists()
    assert not EqualityAnswers.objects.exists()


def test_the_service_takes_a_blank_section_when_not_asking(not_asking):
    response, created = submit_response(
        consultation=not_asking,
        answers={the_question(not_asking).pk: chosen(not_asking)},
        equality={"age_band": "", "groups": []},
    )
    assert created and not EqualityAnswers.objects.filter(response=response).exists()


def test_the_service_keys_a_value_not_offered_as_the_forms_name_the_field(asking):
    with pytest.raises(ValidationError) as refused:
        submit_response(
            consultation=asking,
            answers={the_question(asking).pk: chosen(asking)},
            equality={"sex": "robot", "groups": [987654]},
        )
    assert set(refused.value.message_dict) == {"equality_sex", "equality_groups"}
    # Answers and the section are stored together or not at all.
    assert not Response.objects.exists()


# --- The admin --------------------------------------------------------------------------------


def test_the_switch_is_on_the_admin_form(client, signed_in_as):
    officer = signed_in_as("Engagement officer")
    consultation = ConsultationFactory(owner=officer)
    page = html(client.get(f"/admin/consultations/consultation/{consultation.pk}/change/"))
    assert 'name="asks_equality"' in page
    assert "ask the equality monitoring questions" in page.lower()


def test_the_api_says_whether_it_asks_and_which_groups_it_offers(client, asking, not_asking, group):
    asked = client.get(f"/api/v1/consultations/{asking.slug}/").json()
    assert asked["asks_equality"] is True
    assert {"id": group.pk, "name": group.name} in asked["groups_reached"]
    not_asked = client.get(f"/api/v1/consultations/{not_asking.slug}/").json()
    assert not_asked["asks_equality"] is False and not_asked["groups_reached"] == []
