"""Once a consultation has responses, its questions and options stay and keep their type and
scale, so the answers already given keep meaning what they meant; wording can change, and the
question's history keeps what it said."""

import pytest
from django.core.exceptions import ValidationError

from consultations import editing
from consultations.models import AnswerScale, Question, QuestionOption, Response
from tests.consultations.factories import (
    ConsultationFactory,
    QuestionFactory,
    choice_question,
    confidence_question,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(db):
    consultation = ConsultationFactory()
    question = choice_question(consultation, ["Often", "Never"], text="How often?")
    scaled = confidence_question(consultation, position=2)
    Response.objects.create(consultation=consultation)
    return question, scaled


def test_a_questions_type_cannot_change_once_there_are_responses(answered):
    question, _ = answered
    question.kind = Question.Kind.MULTIPLE_CHOICE
    with pytest.raises(ValidationError) as refused:
        question.full_clean()
    assert "the type of this question cannot change" in refused.value.message_dict["kind"][0]


def test_a_questions_scale_cannot_change_once_there_are_responses(answered):
    _, scaled = answered
    scaled.scale = AnswerScale.objects.create(name="Agree or disagree", slug="agree-disagree")
    with pytest.raises(ValidationError) as refused:
        scaled.full_clean()
    assert "the scale of this question cannot change" in refused.value.message_dict["scale"][0]


def test_wording_can_change_and_the_history_keeps_the_old_wording(answered):
    question, _ = answered
    question.text = "How often do you see the police on patrol?"
    question.help_text = "Think of the last month"
    question.full_clean()
    question.save()
    option = question.options.get(label="Often")
    option.label = "Often (weekly or more)"
    option.full_clean()
    option.save()

    texts = [h.text for h in question.history.order_by("history_date")]
    assert texts == ["How often?", "How often do you see the police on patrol?"]


def test_before_any_response_the_type_can_change():
    question = QuestionFactory(kind=Question.Kind.SHORT_TEXT)
    question.kind = Question.Kind.LONG_TEXT
    question.full_clean()


def test_a_question_or_option_cannot_be_deleted_once_there_are_responses(answered, make_user):
    question, _ = answered
    officer = make_user("Engagement officer")
    with pytest.raises(ValidationError, match="its questions cannot be deleted"):
        editing.delete_question(question=question, by=officer)
    with pytest.raises(ValidationError, match="cannot be deleted"):
        editing.delete_option(option=question.options.first(), by=officer)
    assert Question.objects.filter(pk=question.pk).exists()
    assert question.options.count() == 2


def test_before_any_response_they_can_be_deleted(make_user):
    question = choice_question(ConsultationFactory(), ["Often", "Never"])
    officer = make_user("Engagement officer")
    editing.delete_option(option=question.options.first(), by=officer)
    assert question.options.count() == 1
    editing.delete_question(question=question, by=officer)
    assert not Question.objects.filter(pk=question.pk).exists()
    assert not QuestionOption.objects.exists()


def test_the_admin_says_why_a_question_cannot_be_deleted(answered, signed_in_as, client):
    question, _ = answered
    signed_in_as("Engagement officer")
    response = client.get(f"/admin/consultations/question/{question.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/consultations/question/{question.pk}/change/"
    assert editing.QUESTION_KEPT in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()


def test_the_admins_bulk_delete_keeps_answered_questions(answered, signed_in_as, client):
    question, _ = answered
    other = QuestionFactory()
    signed_in_as("Engagement officer")
    response = client.post(
        "/admin/consultations/question/",
        {"action": "delete_selected", "_selected_action": [question.pk, other.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert editing.QUESTION_KEPT in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()
    assert not Question.objects.filter(pk=other.pk).exists()
