"""Changing a consultation's questions once people have answered them.

The answers already given must keep meaning what they meant: once a consultation has responses,
its questions and their options cannot be deleted, and a question's type and scale cannot change
(Question.clean). Wording can change, and the question's history keeps what it said before.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .models import Consultation, Question, QuestionOption
from .rules import BUILD_CONSULTATIONS

CANNOT_CHANGE = "You cannot change this consultation's questions"
QUESTION_KEPT = (
    "This consultation has responses, so its questions cannot be deleted. "
    "You can still change their wording."
)
OPTION_KEPT = (
    "This consultation has responses, so the answers people could choose cannot be deleted. "
    "You can still change their wording."
)


def _lock(consultation: Consultation) -> Consultation:
    # A response stored while the question goes would point at nothing: hold the consultation.
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def delete_question(*, question: Question, by) -> None:
    if not by.has_perm(BUILD_CONSULTATIONS, question.consultation):
        raise PermissionDenied(CANNOT_CHANGE)
    with transaction.atomic():
        if _lock(question.consultation).has_responses():
            raise ValidationError(QUESTION_KEPT)
        question.delete()


def delete_option(*, option: QuestionOption, by) -> None:
    consultation = option.question.consultation
    if not by.has_perm(BUILD_CONSULTATIONS, consultation):
        raise PermissionDenied(CANNOT_CHANGE)
    with transaction.atomic():
        if _lock(consultation).has_responses():
            raise ValidationError(OPTION_KEPT)
        option.delete()
