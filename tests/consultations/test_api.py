"""The consultations API: open consultations for anyone, and a response sent back with the one-time
token the consultation's page gave. Bad input is a 400 with field messages, never a 500; only a
flood is refused with a 429, and nothing tells the person a response looks suspect."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from consultations import api
from consultations.models import Answer, Question, Response
from consultations.tokens import issue_token
from tests.consultations.factories import (
    ConsultationFactory,
    OptionFactory,
    QuestionFactory,
    choice_question,
    confidence_question,
)
from tests.pcc_portal.factories import LocalAuthorityFactory, PolicingAreaFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/consultations/"


@pytest.fixture(autouse=True)
def own_cache(settings):
    """Cache keys no other test shares: the flood count and the throttle live in the cache."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


def published(**kwargs):
    return ConsultationFactory(status="published", **kwargs)


@pytest.fixture
def survey():
    """An open consultation asking one question of each kind."""
    consultation = published(title="Policing your area", slug="policing-your-area")
    north = PolicingAreaFactory(name="North")
    town = LocalAuthorityFactory(name="Town", policing_area=north)
    questions = {
        "single": choice_question(consultation, ["Yes", "No"], position=1, required=True),
        "multiple": choice_question(
            consultation,
            ["Roads", "Burglary", "Drugs"],
            kind=Question.Kind.MULTIPLE_CHOICE,
            position=2,
        ),
        "yes_no": QuestionFactory(consultation=consultation, kind=Question.Kind.YES_NO, position=3),
        "scale": confidence_question(consultation, position=4),
        "number": QuestionFactory(consultation=consultation, kind=Question.Kind.NUMBER, position=5),
        "text": QuestionFactory(
            consultation=consultation, kind=Question.Kind.LONG_TEXT, position=6
        ),
        "where": QuestionFactory(
            consultation=consultation, kind=Question.Kind.WHERE_YOU_LIVE, position=7
        ),
        "who": QuestionFactory(
            consultation=consultation, kind=Question.Kind.RESPONDENT_TYPE, position=8
        ),
        "email": QuestionFactory(consultation=consultation, kind=Question.Kind.EMAIL, position=9),
    }
    return consultation, questions, {"north": north, "town": town}


def responses_url(consultation) -> str:
    return f"{LIST}{consultation.slug}/responses/"


def post(client, consultation, body, **headers):
    return client.post(
        responses_url(consultation),
        data=body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        **headers,
    )


def full_answers(questions, places) -> dict:
    single, multiple = questions["single"], questions["multiple"]
    return {
        str(single.pk): single.options.get(label="Yes").pk,
        str(multiple.pk): [o.pk for o in multiple.options.filter(label__in=["Roads", "Drugs"])],
        str(questions["yes_no"].pk): True,
        str(questions["scale"].pk): questions["scale"].scale.points.get(label="Good").pk,
        str(questions["number"].pk): 12.5,
        str(questions["text"].pk): "More patrols in the evenings, please.",
        str(questions["where"].pk): {"where": f"authority:{places['town'].pk}"},
        str(questions["who"].pk): {"type": "organisation", "organisation": "Town Traders"},
        str(questions["email"].pk): {"email": "sam@example.com", "wants_feedback": True},
    }


def body(consultation, answers, **extra) -> dict:
    return {"form_token": issue_token(consultation), "answers": answers, "website": "", **extra}


# --- Reading ----------------------------------------------------------------------------------


def test_the_list_shows_only_open_consultations_to_anyone(client, survey):
    now = timezone.now()
    published(title="Not yet", opens_at=now + timedelta(days=3), closes_at=now + timedelta(days=9))
    published(title="Over", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=3))
    ConsultationFactory(title="A draft")
    ConsultationFactory(title="Withdrawn", status="withdrawn")

    response = client.get(LIST)

    assert response.status_code == 200
    assert [c["title"] for c in response.json()["results"]] == ["Policing your area"]
    assert response["Cache-Control"] == "no-store, private"


def test_each_consultation_lists_its_questions_in_order_with_their_answers(client, survey):
    consultation, questions, _ = survey
    dependant = QuestionFactory(
        consultation=consultation,
        kind=Question.Kind.SHORT_TEXT,
        position=10,
        show_if_question=questions["single"],
    )
    dependant.show_if_options.set(questions["single"].options.filter(label="No"))

    listed = client.get(LIST).json()["results"][0]

    assert set(listed) >= {
        "title",
        "slug",
        "summary",
        "why",
        "audience",
        "opens_at",
        "closes_at",
        "sensitive",
        "questions",
    }
    assert "form_token" not in listed
    shown = listed["questions"]
    assert [q["id"] for q in shown] == [q.pk for q in questions.values()] + [dependant.pk]
    single = shown[0]
    assert single["kind"] == "single_choice" and single["required"] is True
    assert [o["label"] for o in single["options"]] == ["Yes", "No"]
    scale = shown[3]
    assert [p["label"] for p in scale["scale_points"]][:2] == ["Excellent", "Good"]
    assert shown[-1]["show_if_question"] == questions["single"].pk
    assert shown[-1]["show_if_options"] == [questions["single"].options.get(label="No").pk]


def test_a_sensitive_consultation_asks_for_no_email(client):
    consultation = published(sensitive=True)
    QuestionFactory(consultation=consultation, kind=Question.Kind.EMAIL)
    kept = QuestionFactory(consultation=consultation, kind=Question.Kind.SHORT_TEXT)

    shown = client.get(f"{LIST}{consultation.slug}/").json()["questions"]

    assert [q["id"] for q in shown] == [kept.pk]


def test_the_list_takes_as_many_queries_for_50_consultations_as_for_5(client, assert_flat_queries):
    def make_rows(count):
        for _ in range(count):
            consultation = published()
            choice_question(consultation, ["Yes", "No"], position=1)
            confidence_question(consultation, position=2)

    response = assert_flat_queries(make_rows, lambda: client.get(LIST))
    assert response.json()["count"] == 50


def test_one_open_consultation_comes_with_a_new_form_token_each_time(client, survey):
    consultation, _, _ = survey

    first = client.get(f"{LIST}{consultation.slug}/")
    second = client.get(f"{LIST}{consultation.slug}/")

    assert first.status_code == 200
    assert first.json()["form_token"] and first.json()["form_token"] != second.json()["form_token"]
    assert first["Cache-Control"] == "no-store, private"
    # An anonymous reader starts no session.
    assert "sessionid" not in first.cookies


@pytest.mark.parametrize("status", ["draft", "withdrawn", "closed", "upcoming"])
def test_only_an_open_consultation_is_found(client, status):
    now = timezone.now()
    dates = {
        "closed": {"opens_at": now - timedelta(days=9), "closes_at": now - timedelta(days=1)},
        "upcoming": {"opens_at": now + timedelta(days=1), "closes_at": now + timedelta(days=9)},
    }
    consultation = ConsultationFactory(
        status="published" if status in dates else status, **dates.get(status, {})
    )

    assert client.get(f"{LIST}{consultation.slug}/").status_code == 404


# --- Answering --------------------------------------------------------------------------------


def test_a_response_is_stored_with_its_answers(client, survey):
    consultation, questions, places = survey

    response = post(client, consultation, body(consultation, full_answers(questions, places)))

    assert response.status_code == 201, response.json()
    assert set(response.json()) == {"id", "submitted_at"}
    stored = Response.objects.get()
    assert response.json()["id"] == stored.pk
    assert stored.channel == Response.Channel.ONLINE
    assert stored.local_authority == places["town"]
    assert stored.policing_area == places["north"]
    assert stored.respondent_type == "organisation"
    assert stored.organisation_name == "Town Traders"
    assert stored.email == "sam@example.com" and stored.wants_feedback is True
    assert stored.client_key
    answers = Answer.objects.filter(response=stored)
    assert {a.option.label for a in answers if a.option} == {"Yes", "Roads", "Drugs"}
    assert answers.get(question=questions["yes_no"]).yes is True
    assert answers.get(question=questions["scale"]).scale_point.label == "Good"
    assert str(answers.get(question=questions["number"]).number) == "12.50"
    assert answers.get(question=questions["text"]).text.startswith("More patrols")


def test_the_same_token_again_stores_nothing_more(client, survey):
    consultation, questions, places = survey
    sent = body(consultation, full_answers(questions, places))

    first = post(client, consultation, sent)
    again = post(client, consultation, sent)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Response.objects.count() == 1


def test_a_suspect_response_is_stored_and_nothing_says_so(client, survey):
    consultation, questions, places = survey

    response = post(
        client,
        consultation,
        body(consultation, full_answers(questions, places), website="http://spam.example"),
    )

    assert response.status_code == 201
    assert "suspect" not in response.content.decode()
    assert Response.objects.get().suspect is True


def test_the_api_needs_no_sign_in_nor_csrf_token(survey):
    from django.test import Client

    consultation, questions, places = survey
    strict = Client(enforce_csrf_checks=True)

    response = post(strict, consultation, body(consultation, full_answers(questions, places)))

    assert response.status_code == 201


def errors_of(response) -> dict:
    assert response.status_code == 400, (response.status_code, response.content)
    errors = response.json()
    assert all(isinstance(messages, list) for messages in errors.values()), errors
    return errors


def test_each_wrong_answer_is_named_by_its_question(client, survey):
    consultation, questions, places = survey
    answers = full_answers(questions, places)
    answers.pop(str(questions["single"].pk))
    answers[str(questions["multiple"].pk)] = [questions["single"].options.first().pk]
    answers[str(questions["yes_no"].pk)] = "yes"
    answers[str(questions["number"].pk)] = "twelve"
    answers[str(questions["where"].pk)] = {"where": ["area", 1]}
    answers[str(questions["who"].pk)] = {"type": "organisation", "organisation": ""}
    answers[str(questions["email"].pk)] = {"email": 7, "wants_feedback": True}

    errors = errors_of(post(client, consultation, body(consultation, answers)))

    expected = {
        f"answers.{questions[name].pk}"
        for name in ("single", "multiple", "yes_no", "number", "where", "email")
    } | {f"answers.{questions['who'].pk}.organisation"}
    assert set(errors) == expected
    assert errors[f"answers.{questions['single'].pk}"] == ["Select an answer to question 1"]
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [
        "1e309",  # infinity once parsed
        "-1e400",
        "NaN",
        "123456789012345678901234567890",  # fits no column
    ],
)
def test_numbers_that_fit_nothing_are_refused(client, survey, raw):
    consultation, questions, _ = survey
    text = (
        f'{{"form_token": "{issue_token(consultation)}", "website": "", '
        f'"answers": {{"{questions["number"].pk}": {raw}}}}}'
    )

    response = post(client, consultation, text)

    assert response.status_code == 400
    assert Response.objects.count() == 0


def test_deep_nesting_is_refused_by_the_parser(client, survey):
    consultation, questions, _ = survey
    deep = "[" * 5000 + "]" * 5000
    text = f'{{"form_token": "x", "answers": {{"{questions["text"].pk}": {deep}}}}}'

    response = post(client, consultation, text)

    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_a_nul_byte_is_refused_with_a_message(client, survey):
    consultation, questions, _ = survey
    answers = {str(questions["text"].pk): "Fine\x00", str(questions["single"].pk): 1}
    answers[str(questions["single"].pk)] = questions["single"].options.first().pk

    errors = errors_of(post(client, consultation, body(consultation, answers)))

    assert errors == {
        f"answers.{questions['text'].pk}": ["Remove the hidden null character from your answer"]
    }


@pytest.mark.parametrize(
    "answers",
    [
        ["not", "a", "mapping"],
        {"not-a-number": 1},
        {"99999999999999999999999999": 1},
        {"-3": 1},
    ],
)
def test_answers_must_be_keyed_by_question_ids(client, survey, answers):
    consultation, _, _ = survey

    errors = errors_of(post(client, consultation, body(consultation, answers)))

    assert "answers" in errors


def test_an_answer_to_a_question_not_asked_is_refused(client, survey):
    consultation, questions, _ = survey
    elsewhere = QuestionFactory()
    answers = {
        str(questions["single"].pk): questions["single"].options.first().pk,
        str(elsewhere.pk): "hello",
    }

    errors = errors_of(post(client, consultation, body(consultation, answers)))

    assert errors == {
        "answers": ["An answer was sent to a question this consultation does not ask"]
    }


@pytest.mark.parametrize(
    "sent",
    [
        {"answers": {}},  # no token
        {"form_token": "forged", "answers": {}},
        {"form_token": None, "answers": {}},
        {"form_token": ["x"], "answers": {}},
        {"form_token": "x" * 100_000, "answers": {}},
    ],
)
def test_a_missing_or_forged_token_is_refused(client, survey, sent):
    consultation, _, _ = survey

    errors = errors_of(post(client, consultation, sent))

    assert "form_token" in errors


def test_a_token_drawn_for_another_consultation_is_refused(client, survey):
    consultation, questions, _ = survey
    other = published()
    answers = {str(questions["single"].pk): questions["single"].options.first().pk}

    errors = errors_of(
        post(client, consultation, {"form_token": issue_token(other), "answers": answers})
    )

    assert "form_token" in errors


@pytest.mark.parametrize("sent", ["[1, 2]", '"text"', "{not json", "null"])
def test_a_body_that_is_not_an_object_is_refused(client, survey, sent):
    consultation, _, _ = survey

    assert post(client, consultation, sent).status_code == 400


def test_a_closed_consultation_takes_no_response(client):
    now = timezone.now()
    closed = published(opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    question = QuestionFactory(consultation=closed, kind=Question.Kind.SHORT_TEXT)

    errors = errors_of(post(client, closed, body(closed, {str(question.pk): "Too late?"})))

    assert errors == {
        "non_field_errors": ["This consultation has closed and no longer accepts responses"]
    }
    assert Response.objects.count() == 0


@pytest.mark.parametrize("status", ["draft", "withdrawn"])
def test_a_draft_or_withdrawn_consultation_is_not_found(client, status):
    consultation = ConsultationFactory(status=status)
    question = QuestionFactory(consultation=consultation)

    response = post(client, consultation, body(consultation, {str(question.pk): "Hello"}))

    assert response.status_code == 404
    assert post(client, ConsultationFactory.build(slug="nowhere"), {}).status_code == 404


def test_a_flood_is_refused_with_a_429(client, survey, settings):
    settings.CONSULTATION_FLOOD_PER_MINUTE = 0
    consultation, questions, places = survey

    response = post(client, consultation, body(consultation, full_answers(questions, places)))

    assert response.status_code == 429
    assert response.json()["detail"]
    assert int(response["Retry-After"]) >= 1
    assert Response.objects.count() == 0


def test_responses_have_a_throttle_scope_of_their_own(settings):
    view = api.ConsultationViewSet
    action = view.responses
    assert view.throttle_scope == "consultation_responses"
    assert any(
        issubclass(throttle, api.ScopedRateThrottle)
        for throttle in action.kwargs["throttle_classes"]
    )
    assert "consultation_responses" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]


def test_the_throttle_answers_429_past_its_rate(client, survey, monkeypatch):
    consultation, questions, _ = survey
    monkeypatch.setattr(
        api.ResponsesThrottle, "THROTTLE_RATES", {"consultation_responses": "2/min"}
    )
    answers = {str(questions["single"].pk): questions["single"].options.first().pk}

    codes = [post(client, consultation, body(consultation, answers)).status_code for _ in range(3)]

    assert codes == [201, 201, 429]


def test_the_schema_documents_the_consultations_api():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert "/api/v1/consultations/" in schema["paths"]
    post_operation = schema["paths"]["/api/v1/consultations/{slug}/responses/"]["post"]
    assert {"200", "201", "400", "404", "429"} <= set(post_operation["responses"])
    assert "form_token" in schema["components"]["schemas"]["ConsultationDetail"]["properties"]


def test_an_option_of_the_wrong_question_is_refused(client, survey):
    consultation, questions, _ = survey
    stray = OptionFactory()
    answers = {str(questions["single"].pk): stray.pk}

    errors = errors_of(post(client, consultation, body(consultation, answers)))

    assert list(errors) == [f"answers.{questions['single'].pk}"]


def test_a_form_body_is_refused_without_a_500(client, survey):
    consultation, questions, _ = survey

    response = client.post(
        responses_url(consultation),
        {"form_token": issue_token(consultation), f"answers.{questions['text'].pk}": "Hi"},
    )

    assert response.status_code == 415


def test_hostile_text_is_kept_as_sent(client, survey):
    consultation, questions, _ = survey
    words = "\u202eRTL text and emoji \U0001f693"
    answers = {
        str(questions["single"].pk): questions["single"].options.first().pk,
        str(questions["text"].pk): words,
        str(questions["where"].pk): {"where": "area:\u00b2"},
    }

    errors = errors_of(post(client, consultation, body(consultation, answers)))
    assert list(errors) == [f"answers.{questions['where'].pk}"]

    answers.pop(str(questions["where"].pk))
    assert post(client, consultation, body(consultation, answers)).status_code == 201
    assert Answer.objects.get(question=questions["text"]).text == words
