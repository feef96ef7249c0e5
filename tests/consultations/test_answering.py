"""Answering a consultation: the form built from its questions, each type's checks, "show only
if", the open window, suspect flags, the one-time token and hostile text."""

from datetime import timedelta
from decimal import Decimal

import pytest
from crispy_forms.utils import render_crispy_form
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone

from consultations import answering, tokens
from consultations.answering import (
    EmailAnswer,
    Place,
    Respondent,
    check_answers,
    submit_response,
)
from consultations.forms import ResponseForm
from consultations.models import Answer, AnswerScale, Question, Response
from tests.consultations.factories import (
    ConsultationFactory,
    QuestionFactory,
    choice_question,
    confidence_question,
)
from tests.pcc_portal.factories import LocalAuthorityFactory, PolicingAreaFactory

pytestmark = pytest.mark.django_db
Kind = Question.Kind


@pytest.fixture
def consultation():
    return ConsultationFactory(status="published")


@pytest.fixture
def places():
    north = PolicingAreaFactory(name="North")
    south = PolicingAreaFactory(name="South")
    return {
        "north": north,
        "south": south,
        "town": LocalAuthorityFactory(name="Town", policing_area=north),
        "vale": LocalAuthorityFactory(name="Vale", policing_area=north),
        "city": LocalAuthorityFactory(name="City", policing_area=south),
    }


@pytest.fixture
def every_kind(consultation, places):
    """One question of each type, in order, all required."""
    q = {}
    q["single"] = choice_question(
        consultation, ["Red", "Green"], position=1, required=True, text="Favourite colour?"
    )
    q["multiple"] = choice_question(
        consultation, ["Bus", "Car", "Bike"], kind=Kind.MULTIPLE_CHOICE, position=2, required=True
    )
    q["yes_no"] = QuestionFactory(
        consultation=consultation, kind=Kind.YES_NO, position=3, required=True
    )
    q["scale"] = confidence_question(consultation, position=4)
    q["scale"].required = True
    q["scale"].save()
    for position, kind in enumerate(
        [
            Kind.SHORT_TEXT,
            Kind.LONG_TEXT,
            Kind.NUMBER,
            Kind.WHERE_YOU_LIVE,
            Kind.RESPONDENT_TYPE,
            Kind.EMAIL,
        ],
        start=5,
    ):
        q[kind.value] = QuestionFactory(
            consultation=consultation, kind=kind, position=position, required=True
        )
    return q


def token_data(consultation):
    return {"form_token": tokens.issue_token(consultation)}


def form_for(consultation, data):
    return ResponseForm(consultation, data={**token_data(consultation), **data})


def good_data(q, places):
    good = AnswerScale.objects.get(slug="how-good-a-job").points.get(label="Good")
    return {
        f"q{q['single'].pk}": str(q["single"].options.get(label="Green").pk),
        f"q{q['multiple'].pk}": [str(o.pk) for o in q["multiple"].options.all()[:2]],
        f"q{q['yes_no'].pk}": "yes",
        f"q{q['scale'].pk}": str(good.pk),
        f"q{q['short_text'].pk}": "  A short answer  ",
        f"q{q['long_text'].pk}": "A longer answer.\nOver two lines.",
        f"q{q['number'].pk}": "1,250",
        f"q{q['where_you_live'].pk}": f"authority:{places['vale'].pk}",
        f"q{q['respondent_type'].pk}": "organisation",
        f"q{q['respondent_type'].pk}_organisation": "Vale Residents' Association",
        f"q{q['email'].pk}": "person@example.com",
        f"q{q['email'].pk}_feedback": "on",
    }


# --- the form ----------------------------------------------------------------------------------


def test_the_form_has_a_field_per_question_in_order_with_token_and_honeypot(every_kind):
    consultation = every_kind["single"].consultation
    form = ResponseForm(consultation)
    names = [name for name in form.fields if name.startswith("q")]
    assert names[:4] == [f"q{every_kind[k].pk}" for k in ("single", "multiple", "yes_no", "scale")]
    assert f"q{every_kind['respondent_type'].pk}_organisation" in form.fields
    assert f"q{every_kind['email'].pk}_feedback" in form.fields
    html = render_crispy_form(form)
    assert 'name="form_token"' in html and 'type="hidden"' in html
    assert "Leave this blank" in html and 'tabindex="-1"' in html
    assert 'autocomplete="off"' in html and "govuk-visually-hidden" in html
    assert "govuk-radios" in html and "govuk-checkboxes" in html
    assert 'inputmode="numeric"' in html and "govuk-character-count" in html
    assert "1. Favourite colour?" in html
    assert "<optgroup" in html and "Outside the area" in html and "Prefer not to say" in html


def test_two_showings_of_the_form_get_different_tokens(consultation):
    QuestionFactory(consultation=consultation)
    first, second = ResponseForm(consultation), ResponseForm(consultation)
    assert first["form_token"].value() != second["form_token"].value()


def test_the_token_can_be_left_out_of_the_layout_for_caching(consultation):
    QuestionFactory(consultation=consultation)
    form = ResponseForm(consultation, tokens_in_layout=False)
    html = render_crispy_form(form)
    assert 'name="form_token"' not in html and "<form" not in html
    assert 'name="form_token"' in str(form["form_token"])


def test_what_staff_typed_is_escaped(consultation):
    QuestionFactory(
        consultation=consultation, text="<script>alert(1)</script>?", help_text="<b>hint</b>"
    )
    html = render_crispy_form(ResponseForm(consultation))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>hint" not in html


def test_where_you_live_lists_areas_and_their_authorities(consultation, places):
    question = QuestionFactory(consultation=consultation, kind=Kind.WHERE_YOU_LIVE)
    choices = dict(ResponseForm(consultation).fields[f"q{question.pk}"].choices)
    assert [label for _, label in choices["North"]] == [
        "North: not sure which council",
        "Town",
        "Vale",
    ]
    # South has one council: choosing it is choosing the area.
    assert choices["South"] == [(f"authority:{places['city'].pk}", "South")]


def test_a_good_form_gives_typed_answers_and_stores_them(every_kind, places):
    q = every_kind
    consultation = q["single"].consultation
    form = form_for(consultation, good_data(q, places))
    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers[q["single"].pk] == q["single"].options.get(label="Green").pk
    assert answers[q["yes_no"].pk] is True
    assert answers[q["short_text"].pk] == "A short answer"
    assert answers[q["number"].pk] == Decimal("1250.00")
    assert answers[q["where_you_live"].pk] == Place("in_area", None, places["vale"].pk)
    assert answers[q["respondent_type"].pk] == Respondent(
        type="organisation", organisation="Vale Residents' Association"
    )
    assert answers[q["email"].pk] == EmailAnswer("person@example.com", True)

    response, created = submit_response(
        consultation=consultation, client_key="k" * 64, **form.submission()
    )
    assert created
    response.refresh_from_db()
    assert response.whereabouts == "in_area"
    assert response.local_authority == places["vale"]
    assert response.policing_area == places["north"]  # from the authority
    assert response.respondent_type == "organisation"
    assert response.organisation_name == "Vale Residents' Association"
    assert response.email == "person@example.com" and response.wants_feedback
    assert response.channel == "online" and response.form_token == form.token
    rows = Answer.objects.filter(response=response)
    assert rows.filter(question=q["multiple"]).count() == 2  # one row per option chosen
    assert rows.get(question=q["yes_no"]).yes is True
    assert rows.get(question=q["scale"]).scale_point.label == "Good"
    assert rows.get(question=q["number"]).number == Decimal("1250.00")
    assert rows.get(question=q["long_text"]).text == "A longer answer.\nOver two lines."
    # Where, who and the email live on the response, not in answer rows.
    assert not rows.filter(
        question__kind__in=[Kind.WHERE_YOU_LIVE, Kind.RESPONDENT_TYPE, Kind.EMAIL]
    ).exists()


def test_every_missing_answer_is_reported_at_once(every_kind):
    q = every_kind
    form = form_for(q["single"].consultation, {})
    assert not form.is_valid()
    assert form.errors[f"q{q['single'].pk}"] == ["Select an answer to question 1"]
    assert form.errors[f"q{q['multiple'].pk}"] == ["Select an answer to question 2"]
    assert form.errors[f"q{q['yes_no'].pk}"] == ["Select an answer to question 3"]
    assert form.errors[f"q{q['scale'].pk}"] == ["Select an answer to question 4"]
    assert form.errors[f"q{q['short_text'].pk}"] == ["Enter your answer to question 5"]
    assert form.errors[f"q{q['long_text'].pk}"] == ["Enter your answer to question 6"]
    assert form.errors[f"q{q['number'].pk}"] == ["Enter a number for question 7"]
    assert form.errors[f"q{q['where_you_live'].pk}"] == ["Select an answer to question 8"]
    assert form.errors[f"q{q['respondent_type'].pk}"] == ["Select an answer to question 9"]
    # An email address is never required, whatever the question says: only for feedback.
    assert f"q{q['email'].pk}" not in form.errors


@pytest.mark.parametrize(
    "kind, typed, message",
    [
        (Kind.NUMBER, "twelve", "Enter a number, like 12"),
        (Kind.NUMBER, "NaN", "Enter a number, like 12"),
        (Kind.NUMBER, "Infinity", "Enter a number, like 12"),
        (Kind.NUMBER, "1" * 13, "Enter a number between -999,999,999,999 and 999,999,999,999"),
        (Kind.NUMBER, "9" * 100, "Enter a number, like 12"),
        (Kind.NUMBER, "1.234", "Enter a number with no more than 2 decimal places"),
        (Kind.SHORT_TEXT, "x" * 501, "Your answer must be 500 characters or fewer"),
        (Kind.LONG_TEXT, "x" * 5001, "Your answer must be 5,000 characters or fewer"),
        (Kind.LONG_TEXT, "x" * 1_000_000, "Your answer must be 5,000 characters or fewer"),
        (Kind.SHORT_TEXT, "nul\x00byte", "Remove the hidden null character from your answer"),
        (Kind.LONG_TEXT, "nul\x00byte", "Remove the hidden null character from your answer"),
        (Kind.YES_NO, "maybe", "Select one of the answers given for question 1"),
        (
            Kind.WHERE_YOU_LIVE,
            "authority:999999999999999999",
            "Select one of the answers given for question 1",
        ),
        (Kind.WHERE_YOU_LIVE, "somewhere", "Select one of the answers given for question 1"),
        (Kind.RESPONDENT_TYPE, "alien", "Select one of the answers given for question 1"),
        (
            Kind.EMAIL,
            "not-an-address",
            "Enter an email address in the correct format, like name@example.com",
        ),
    ],
)
def test_each_type_refuses_what_does_not_fit(consultation, places, kind, typed, message):
    question = QuestionFactory(consultation=consultation, kind=kind, position=1)
    form = form_for(consultation, {f"q{question.pk}": typed})
    assert not form.is_valid()
    assert form.errors[f"q{question.pk}"] == [message]


def test_an_option_of_another_question_is_refused(consultation):
    colour = choice_question(consultation, ["Red"], position=1)
    other = choice_question(consultation, ["Elsewhere"], position=2)
    wrong = other.options.get().pk
    form = form_for(consultation, {f"q{colour.pk}": str(wrong)})
    assert form.errors[f"q{colour.pk}"] == ["Select one of the answers given for question 1"]
    # The service says the same to a door that is not the form.
    with pytest.raises(ValidationError) as caught:
        check_answers(consultation=consultation, answers={colour.pk: wrong})
    assert caught.value.message_dict == {
        f"q{colour.pk}": ["Select one of the answers given for question 1"]
    }


def test_an_answer_to_another_consultations_question_is_refused(consultation):
    QuestionFactory(consultation=consultation)
    elsewhere = QuestionFactory()
    with pytest.raises(ValidationError) as caught:
        submit_response(consultation=consultation, answers={elsewhere.pk: "Hello"})
    assert caught.value.message_dict[NON_FIELD_ERRORS] == [answering.NOT_ASKED]
    assert not Response.objects.exists()


def test_wrongly_typed_answers_from_other_doors_are_field_errors(consultation):
    colour = choice_question(consultation, ["Red"], position=1)
    count = QuestionFactory(consultation=consultation, kind=Kind.NUMBER, position=2)
    yes = QuestionFactory(consultation=consultation, kind=Kind.YES_NO, position=3)
    with pytest.raises(ValidationError) as caught:
        check_answers(
            consultation=consultation,
            answers={colour.pk: [1, 2], count.pk: float("inf"), yes.pk: "yes"},
        )
    assert set(caught.value.message_dict) == {f"q{colour.pk}", f"q{count.pk}", f"q{yes.pk}"}


def test_an_organisation_must_be_named_and_only_an_organisation_keeps_a_name(consultation):
    who = QuestionFactory(consultation=consultation, kind=Kind.RESPONDENT_TYPE)
    form = form_for(consultation, {f"q{who.pk}": "organisation"})
    assert form.errors == {f"q{who.pk}_organisation": ["Enter the name of the organisation"]}
    form = form_for(
        consultation, {f"q{who.pk}": "business", f"q{who.pk}_organisation": "Ignored Ltd"}
    )
    assert form.is_valid()
    response, _ = submit_response(consultation=consultation, **form.submission())
    assert response.respondent_type == "business" and response.organisation_name == ""


def test_an_email_is_asked_for_only_when_feedback_is_wanted(consultation):
    email = QuestionFactory(consultation=consultation, kind=Kind.EMAIL, required=True)
    assert form_for(consultation, {}).is_valid()
    form = form_for(consultation, {f"q{email.pk}_feedback": "on"})
    assert form.errors == {
        f"q{email.pk}": ["Enter your email address so that we can tell you the outcome"]
    }


def test_a_tampered_token_is_refused_and_replaced(consultation):
    question = QuestionFactory(consultation=consultation)
    token = tokens.issue_token(consultation)
    form = ResponseForm(
        consultation, data={"form_token": token[:-1] + "x", f"q{question.pk}": "Hi"}
    )
    assert not form.is_valid()
    assert form.non_field_errors() == [tokens.TAMPERED]
    # The page shows a fresh token, so that sending it again works.
    fresh = form["form_token"].value()
    assert fresh != token[:-1] + "x"
    assert tokens.read_token(fresh, consultation)
    assert not ResponseForm(consultation, data={f"q{question.pk}": "Hi"}).is_valid()


def test_a_token_for_another_consultation_is_refused(consultation):
    other = ConsultationFactory(status="published")
    with pytest.raises(ValidationError) as caught:
        tokens.read_token(tokens.issue_token(other), consultation)
    assert caught.value.code == "other_consultation"
    for junk in ["", "x" * 10_000, None, "1:abc:def:ghi", 42]:
        with pytest.raises(ValidationError):
            tokens.read_token(junk, consultation)


def test_an_old_token_is_still_accepted(consultation, caplog):
    from unittest import mock

    with mock.patch(
        "django.core.signing.time.time", return_value=timezone.now().timestamp() - 3 * 86400
    ):
        old = tokens.issue_token(consultation)
    with caplog.at_level("INFO", logger="consultations.tokens"):
        token, issued_at = tokens.read_token(old, consultation)
    assert timezone.now() - issued_at > timedelta(days=2)
    assert "form token issued at" in caplog.text


# --- show only if ------------------------------------------------------------------------------


@pytest.fixture
def victim_questions(consultation):
    victim = choice_question(
        consultation,
        ["Yes", "No", "Prefer not to say"],
        position=1,
        required=True,
        text="Have you been a victim of crime?",
    )
    reported = choice_question(
        consultation,
        ["Yes", "No"],
        position=2,
        required=True,
        text="Did you report it?",
        show_if_question=victim,
    )
    reported.show_if_options.set(victim.options.filter(label="Yes"))
    why_not = QuestionFactory(
        consultation=consultation,
        position=3,
        required=True,
        text="Why not?",
        kind=Kind.LONG_TEXT,
        show_if_question=reported,
    )
    why_not.show_if_options.set(reported.options.filter(label="No"))
    return victim, reported, why_not


def option(question, label):
    return str(question.options.get(label=label).pk)


def test_a_conditional_question_says_when_to_answer_it(victim_questions):
    victim, reported, _ = victim_questions
    form = ResponseForm(victim.consultation)
    assert form.fields[f"q{reported.pk}"].help_text == (
        "Answer this if you answered “Yes” to question 1."
    )
    html = render_crispy_form(form)
    assert "Did you report it?" in html and "Why not?" in html  # all shown without JavaScript


def test_a_met_condition_makes_a_required_question_required(victim_questions):
    victim, reported, why_not = victim_questions
    form = form_for(victim.consultation, {f"q{victim.pk}": option(victim, "Yes")})
    assert form.errors == {f"q{reported.pk}": ["Select an answer to question 2"]}
    form = form_for(
        victim.consultation,
        {f"q{victim.pk}": option(victim, "Yes"), f"q{reported.pk}": option(reported, "No")},
    )
    assert form.errors == {f"q{why_not.pk}": ["Enter your answer to question 3"]}


def test_answers_to_a_question_whose_condition_is_unmet_are_dropped(victim_questions):
    victim, reported, why_not = victim_questions
    form = form_for(
        victim.consultation,
        {
            f"q{victim.pk}": option(victim, "No"),
            f"q{reported.pk}": option(reported, "No"),
            f"q{why_not.pk}": "Because",
        },
    )
    assert form.is_valid(), form.errors
    # Not victims: neither follow-up counts, down the chain.
    assert set(form.answers()) == {victim.pk}
    response, _ = submit_response(consultation=victim.consultation, **form.submission())
    assert list(response.answers.values_list("question", flat=True)) == [victim.pk]


# --- the window ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, opens, closes, message",
    [
        ("published", 1, 10, answering.NOT_OPEN_YET),
        ("published", -10, -1, answering.CLOSED),
        ("draft", -1, 10, answering.NOT_PUBLISHED),
        ("withdrawn", -1, 10, answering.NOT_PUBLISHED),
    ],
)
def test_nothing_is_accepted_outside_the_window(status, opens, closes, message):
    now = timezone.now()
    consultation = ConsultationFactory(
        status=status, opens_at=now + timedelta(days=opens), closes_at=now + timedelta(days=closes)
    )
    question = QuestionFactory(consultation=consultation)
    with pytest.raises(ValidationError) as caught:
        submit_response(consultation=consultation, answers={question.pk: "Hello"})
    assert caught.value.messages == [message]
    assert not Response.objects.exists()


def test_the_window_is_the_moment_of_submitting(consultation):
    question = QuestionFactory(consultation=consultation)
    with pytest.raises(ValidationError):
        submit_response(
            consultation=consultation, answers={question.pk: "Hi"}, now=consultation.closes_at
        )
    response, created = submit_response(
        consultation=consultation,
        answers={question.pk: "Hi"},
        now=consultation.closes_at - timedelta(seconds=1),
    )
    assert created


def test_staff_key_in_paper_responses_after_the_close(make_user):
    now = timezone.now()
    consultation = ConsultationFactory(
        status="published", opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1)
    )
    question = QuestionFactory(consultation=consultation)
    officer = make_user("Engagement officer")
    response, created = submit_response(
        consultation=consultation,
        answers={question.pk: "Posted the day before the close"},
        channel=Response.Channel.PAPER,
        keyed_in_by=officer,
    )
    assert created and response.keyed_in_by == officer and response.channel == "paper"
    assert not response.suspect
    with pytest.raises(ValidationError):  # keyed in, so not online
        submit_response(consultation=consultation, answers={question.pk: "x"}, keyed_in_by=officer)
    with pytest.raises(PermissionDenied):
        submit_response(
            consultation=consultation,
            answers={question.pk: "x"},
            channel=Response.Channel.PAPER,
            keyed_in_by=make_user(),
        )
    upcoming = ConsultationFactory(
        status="published", opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9)
    )
    with pytest.raises(ValidationError):
        submit_response(consultation=upcoming, answers={}, channel="paper", keyed_in_by=officer)


def test_the_public_cannot_claim_a_response_came_on_paper(consultation):
    question = QuestionFactory(consultation=consultation)
    with pytest.raises(ValidationError):
        submit_response(consultation=consultation, answers={question.pk: "x"}, channel="paper")


# --- suspect, flagged never refused ----------------------------------------------------------


def submit(consultation, question, text="Same words", **kwargs):
    kwargs.setdefault("issued_at", timezone.now() - timedelta(minutes=5))
    response, _ = submit_response(consultation=consultation, answers={question.pk: text}, **kwargs)
    return response


def test_a_careful_person_is_not_suspect(consultation):
    question = QuestionFactory(consultation=consultation)
    response = submit(consultation, question, client_key="a" * 64)
    assert not response.suspect and response.suspect_reasons == []


def test_a_filled_honeypot_is_flagged_and_stored(consultation):
    question = QuestionFactory(consultation=consultation)
    response = submit(consultation, question, honeypot="http://spam.example")
    assert response.pk and response.suspect and response.suspect_reasons == ["honeypot"]


def test_a_too_fast_submission_is_flagged_and_stored(consultation, settings):
    settings.CONSULTATION_MIN_SECONDS = 5
    question = QuestionFactory(consultation=consultation)
    response = submit(consultation, question, issued_at=timezone.now() - timedelta(seconds=2))
    assert response.pk and response.suspect_reasons == ["too fast"]


def test_the_same_answers_from_one_source_on_one_day_are_flagged(consultation):
    question = QuestionFactory(consultation=consultation)
    first = submit(consultation, question, client_key="a" * 64)
    second = submit(consultation, question, client_key="a" * 64)
    assert not first.suspect
    assert second.suspect and second.suspect_reasons == ["repeated from one source"]
    assert Response.objects.count() == 2


def test_campaign_wording_from_different_sources_is_not_suspect(consultation):
    question = QuestionFactory(consultation=consultation)
    for source in "abc":
        assert not submit(consultation, question, client_key=source * 64).suspect


def test_different_answers_or_another_day_from_one_source_are_not_suspect(consultation):
    question = QuestionFactory(consultation=consultation)
    submit(consultation, question, client_key="a" * 64, now=timezone.now() - timedelta(days=1))
    assert not submit(consultation, question, "Other words", client_key="a" * 64).suspect
    assert not submit(consultation, question, client_key="a" * 64).suspect


def test_many_responses_from_one_source_on_one_day_are_flagged_from_the_limit(
    consultation, settings
):
    settings.CONSULTATION_MANY_FROM_ONE_SOURCE = 3
    question = QuestionFactory(consultation=consultation)
    first, second, third = (
        submit(consultation, question, f"Words {n}", client_key="a" * 64) for n in range(3)
    )
    other_source = submit(consultation, question, "Words 9", client_key="b" * 64)
    assert not first.suspect and not second.suspect and not other_source.suspect
    assert third.suspect_reasons == ["many from one source"]
    assert Response.objects.count() == 4


def test_yesterdays_responses_from_the_source_do_not_count_towards_many(consultation, settings):
    settings.CONSULTATION_MANY_FROM_ONE_SOURCE = 2
    question = QuestionFactory(consultation=consultation)
    yesterday = timezone.now() - timedelta(days=1)
    submit(consultation, question, "Old", client_key="a" * 64, now=yesterday)
    assert not submit(consultation, question, "New", client_key="a" * 64).suspect


def test_all_the_reasons_at_once(consultation):
    question = QuestionFactory(consultation=consultation)
    submit(consultation, question, client_key="a" * 64)
    response = submit(
        consultation, question, client_key="a" * 64, honeypot="x", issued_at=timezone.now()
    )
    assert response.suspect_reasons == ["honeypot", "too fast", "repeated from one source"]


# --- the one-time token ------------------------------------------------------------------------


def test_a_double_submit_stores_one_response(consultation):
    question = QuestionFactory(consultation=consultation)
    data = {**token_data(consultation), f"q{question.pk}": "Hello"}
    stored = []
    for _ in range(2):
        form = ResponseForm(consultation, data=data)
        assert form.is_valid()
        stored.append(submit_response(consultation=consultation, **form.submission()))
    (first, created), (again, created_again) = stored
    assert created and not created_again and first == again
    assert Response.objects.count() == 1


def test_a_replay_with_other_answers_returns_the_first_response(consultation):
    question = QuestionFactory(consultation=consultation)
    token, _ = tokens.read_token(tokens.issue_token(consultation), consultation)
    first, _ = submit_response(
        consultation=consultation, answers={question.pk: "First"}, form_token=token
    )
    again, created = submit_response(
        consultation=consultation, answers={question.pk: "Second"}, form_token=token
    )
    assert again == first and not created
    assert Answer.objects.get().text == "First"


def test_a_double_submit_just_after_the_close_still_finds_the_first(consultation):
    question = QuestionFactory(consultation=consultation)
    token, _ = tokens.read_token(tokens.issue_token(consultation), consultation)
    first, _ = submit_response(
        consultation=consultation,
        answers={question.pk: "x"},
        form_token=token,
        now=consultation.closes_at - timedelta(seconds=1),
    )
    again, created = submit_response(
        consultation=consultation,
        answers={question.pk: "x"},
        form_token=token,
        now=consultation.closes_at + timedelta(seconds=1),
    )
    assert again == first and not created


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sends_of_one_form_at_once_store_one_response():
    import threading

    from django.db import connection

    consultation = ConsultationFactory(status="published")
    question = QuestionFactory(consultation=consultation)
    token, _ = tokens.read_token(tokens.issue_token(consultation), consultation)
    outcomes = []
    barrier = threading.Barrier(4)

    def send():
        barrier.wait()
        try:
            response, created = submit_response(
                consultation=consultation, answers={question.pk: "Hello"}, form_token=token
            )
            outcomes.append((response.pk, created))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 4
    assert len({pk for pk, _ in outcomes}) == 1
    assert sorted(created for _, created in outcomes) == [False, False, False, True]
    assert Response.objects.filter(consultation=consultation).count() == 1
    assert Answer.objects.filter(question=question).count() == 1


# --- sensitive consultations -------------------------------------------------------------------


def test_a_sensitive_consultation_never_asks_for_or_takes_an_email(consultation):
    consultation.sensitive = True
    consultation.save()
    question = QuestionFactory(consultation=consultation, position=1)
    email = QuestionFactory(consultation=consultation, kind=Kind.EMAIL, position=2)
    form = ResponseForm(consultation)
    assert f"q{email.pk}" not in form.fields and f"q{email.pk}_feedback" not in form.fields
    assert "email" not in render_crispy_form(form).lower()
    with pytest.raises(ValidationError) as caught:
        submit_response(
            consultation=consultation,
            answers={question.pk: "x", email.pk: EmailAnswer("me@example.com", True)},
        )
    assert caught.value.message_dict == {f"q{email.pk}": [answering.NOT_IN_SENSITIVE]}
    assert not Response.objects.exists()


# --- hostile text ------------------------------------------------------------------------------


def test_a_nul_byte_is_refused_by_the_service_too(consultation):
    question = QuestionFactory(consultation=consultation)
    who = QuestionFactory(consultation=consultation, kind=Kind.RESPONDENT_TYPE)
    with pytest.raises(ValidationError) as caught:
        submit_response(
            consultation=consultation,
            answers={question.pk: "a\x00b", who.pk: Respondent("organisation", "Org\x00")},
        )
    assert caught.value.message_dict == {
        f"q{question.pk}": [answering.NUL_CHARACTER],
        f"q{who.pk}_organisation": [answering.NUL_CHARACTER],
    }


@pytest.mark.parametrize(
    "text",
    [
        "مرحبا بالعالم، نريد شرطة أكثر",  # right to left
        "\u202eevil\u202c and שלום",  # a direction override and Hebrew
        "More police please 👮🏽‍♀️🚓 ❤️",  # emoji, with joiners and a skin tone
    ],
)
def test_right_to_left_text_and_emoji_are_kept_as_typed(consultation, text):
    question = QuestionFactory(consultation=consultation, kind=Kind.LONG_TEXT)
    form = form_for(consultation, {f"q{question.pk}": text})
    assert form.is_valid(), form.errors
    response, _ = submit_response(consultation=consultation, **form.submission())
    assert Answer.objects.get(response=response).text == text


def test_the_cleaned_token_is_its_uuid_and_when_it_was_issued(consultation):
    question = QuestionFactory(consultation=consultation)
    form = form_for(consultation, {f"q{question.pk}": "Hi"})
    assert form.is_valid()
    token, issued_at = form.cleaned_data["form_token"]
    assert (token, issued_at) == (form.token, form.token_issued_at)
    assert timezone.now() - issued_at < timedelta(minutes=1)
    # Sent the moment the form was drawn: a machine, most likely.
    response, _ = submit_response(consultation=consultation, **form.submission())
    assert response.suspect_reasons == ["too fast"]


def test_answers_keyed_by_anything_but_a_question_id_are_refused(consultation):
    QuestionFactory(consultation=consultation)
    for key in ["q1", "abc", None, 10**30]:
        with pytest.raises(ValidationError) as caught:
            check_answers(consultation=consultation, answers={key: "x"})
        assert caught.value.message_dict == {NON_FIELD_ERRORS: [answering.NOT_ASKED]}


def test_a_place_code_with_a_superscript_digit_is_no_place_not_a_500():
    from consultations.answering import Place

    # "²".isdigit() is true, but int("²") raises.
    assert Place.from_code("area:²") is None


def test_the_about_you_section_is_stored_with_the_response_or_not_at_all(consultation):
    from consultations.models import EqualityAnswers

    question = QuestionFactory(consultation=consultation, kind=Question.Kind.SHORT_TEXT)
    answers = {question.pk: "Fewer cars"}
    with pytest.raises(ValidationError):
        answering.submit_response(
            consultation=consultation, answers=answers, equality={"age_band": "not a band"}
        )
    assert not Response.objects.exists()
    response, created = answering.submit_response(
        consultation=consultation, answers=answers, equality={"age_band": "prefer_not"}
    )
    assert created and EqualityAnswers.objects.get(response=response).age_band == "prefer_not"
