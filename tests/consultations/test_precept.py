"""The precept template: who is responding, the single question about paying more for a Band D
property, and a comment; and the results keep business ratepayers apart (s65 of the Local
Government Finance Act 1992)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultations.answering import Respondent, submit_response
from consultations.models import Question, Response
from consultations.precept import add_precept_questions, pounds
from tests.consultations.factories import ConsultationFactory, confidence_question

pytestmark = pytest.mark.django_db
Kind = Question.Kind


@pytest.fixture
def builder(make_user):
    return make_user("Engagement officer")


@pytest.fixture
def consultation():
    return ConsultationFactory(status="published")


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Decimal("5.00"), "£5"),
        (Decimal("5"), "£5"),
        (Decimal("4.99"), "£4.99"),
        (Decimal("4.90"), "£4.90"),
        (Decimal("0.50"), "£0.50"),
        (Decimal("1000"), "£1,000"),
    ],
)
def test_the_amount_reads_as_money(amount, words):
    assert pounds(amount) == words


def test_the_questions_come_after_the_consultations_own(consultation, builder):
    confidence = confidence_question(consultation, position=4)
    added = add_precept_questions(
        consultation=consultation, band_d_increase=Decimal("5.00"), by=builder
    )
    questions = list(consultation.questions.order_by("position"))
    assert questions == [confidence, *added]
    who, willing, comment = added
    assert [q.position for q in added] == [5, 6, 7]
    assert (who.kind, who.required) == (Kind.RESPONDENT_TYPE, True)
    assert (willing.kind, willing.required) == (Kind.YES_NO, True)
    assert willing.text == (
        "Would you be willing to pay £5 more a year for policing (Band D property)?"
    )
    assert (comment.kind, comment.required) == (Kind.LONG_TEXT, False)
    # The wording change is kept in the questions' history, with who made it.
    assert who.history.first().history_user == builder


def test_pence_are_shown(consultation, builder):
    _, willing, _ = add_precept_questions(
        consultation=consultation, band_d_increase=Decimal("4.99"), by=builder
    )
    assert "pay £4.99 more a year" in willing.text


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("0"), "more than £0"),
        (Decimal("-1"), "more than £0"),
        (Decimal("1000.01"), "£1,000 or less"),
        (Decimal("4.999"), "no more than 2 decimal places"),
        (Decimal("NaN"), "pounds and pence"),
        (4.99, "pounds and pence"),
        (5, "pounds and pence"),
        ("5", "pounds and pence"),
    ],
)
def test_an_amount_that_is_not_a_precept_rise_is_refused(consultation, builder, amount, message):
    with pytest.raises(ValidationError) as refused:
        add_precept_questions(consultation=consultation, band_d_increase=amount, by=builder)
    assert message in " ".join(refused.value.message_dict["band_d_increase"])
    assert not consultation.questions.exists()


def test_only_those_who_build_consultations_may_add_them(consultation, make_user):
    for role in ("Commissioner and Deputy", "Performance officer", None):
        with pytest.raises(PermissionDenied):
            add_precept_questions(
                consultation=consultation, band_d_increase=Decimal(5), by=make_user(role)
            )
    assert not consultation.questions.exists()


def test_a_consultation_already_answered_is_refused(consultation, builder):
    confidence = confidence_question(consultation)
    submit_response(
        consultation=consultation, answers={confidence.pk: confidence.scale.points.first().pk}
    )
    with pytest.raises(ValidationError, match="already answered"):
        add_precept_questions(consultation=consultation, band_d_increase=Decimal(5), by=builder)
    assert consultation.questions.count() == 1


def test_the_results_separate_business_ratepayers(consultation, builder):
    who, willing, comment = add_precept_questions(
        consultation=consultation, band_d_increase=Decimal("3.50"), by=builder
    )
    answers = [
        (Response.RespondentType.RESIDENT, True),
        (Response.RespondentType.RESIDENT, True),
        (Response.RespondentType.BUSINESS, False),
        (Response.RespondentType.BUSINESS, True),
        (Response.RespondentType.RESIDENT, False),
    ]
    for kind, yes in answers:
        submit_response(
            consultation=consultation,
            answers={who.pk: Respondent(type=kind), willing.pk: yes, comment.pk: ""},
        )
    business = Response.objects.filter(consultation=consultation, respondent_type="business")
    assert business.count() == 2
    assert business.filter(answers__question=willing, answers__yes=True).count() == 1
    residents = Response.objects.filter(consultation=consultation, respondent_type="resident")
    assert residents.filter(answers__question=willing, answers__yes=True).count() == 2


def test_the_respondent_type_and_the_answer_are_required(consultation, builder):
    who, willing, _ = add_precept_questions(
        consultation=consultation, band_d_increase=Decimal(5), by=builder
    )
    with pytest.raises(ValidationError) as refused:
        submit_response(consultation=consultation, answers={})
    assert set(refused.value.message_dict) == {f"q{who.pk}", f"q{willing.pk}"}


def test_a_who_is_responding_question_already_asked_is_used_not_asked_twice(consultation, builder):
    who = Question.objects.create(
        consultation=consultation, position=1, kind=Kind.RESPONDENT_TYPE, text="Who are you?"
    )
    added = add_precept_questions(
        consultation=consultation, band_d_increase=Decimal("5.00"), by=builder
    )
    assert added[0] == who
    assert consultation.questions.filter(kind=Kind.RESPONDENT_TYPE).count() == 1
    assert [q.kind for q in consultation.questions.order_by("position")] == [
        Kind.RESPONDENT_TYPE,
        Kind.YES_NO,
        Kind.LONG_TEXT,
    ]


def test_adding_the_same_precept_question_twice_is_refused(consultation, builder):
    add_precept_questions(consultation=consultation, band_d_increase=Decimal("5"), by=builder)
    with pytest.raises(ValidationError, match="already asks the precept question"):
        add_precept_questions(consultation=consultation, band_d_increase=Decimal("5"), by=builder)
    assert consultation.questions.count() == 3
