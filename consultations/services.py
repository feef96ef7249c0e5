"""The consultation verbs. The admin and, as they come, the staff pages and tasks call these."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import workflow
from .models import Consultation, Question

CANNOT_MOVE = "You cannot publish or withdraw consultations"
ILLEGAL_MOVE = "A consultation that is {current} cannot be moved to {target}"
NO_QUESTIONS = "Add at least one question before publishing"
NO_OPTIONS = "Add the answers people can choose from to: {question}"
PERSONAL_IN_SENSITIVE = "A sensitive consultation cannot ask for an email address: {question}"


def problems_before_publishing(consultation: Consultation) -> list[str]:
    """What stops a consultation being published, in words; empty when it is ready."""
    questions = list(consultation.questions.prefetch_related("options"))
    problems = [] if questions else [NO_QUESTIONS]
    for question in questions:
        if question.kind in Question.WITH_OPTIONS and not question.options.all():
            problems.append(NO_OPTIONS.format(question=question.text))
        if consultation.sensitive and question.kind in Question.PERSONAL:
            problems.append(PERSONAL_IN_SENSITIVE.format(question=question.text))
    return problems


def move_consultation(*, consultation: Consultation, to: str, by) -> Consultation:
    """Publish, withdraw or return a consultation to draft, as workflow.py allows.

    Raises PermissionDenied when the move's rule refuses the person, and ValidationError for a
    move the workflow does not have or a consultation not ready to publish; nothing is written
    then. The change is kept in the consultation's history with who made it.
    """
    with transaction.atomic():
        # Lock first, then read the state: two officers clicking at once make one move.
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        current = consultation.status
        move = workflow.find_move(current, to)
        if move is None:
            raise ValidationError(
                {
                    "status": ILLEGAL_MOVE.format(
                        current=workflow.STATES[current].staff_name.lower()
                        if current in workflow.STATES
                        else current,
                        target=workflow.STATES[to].staff_name.lower()
                        if to in workflow.STATES
                        else to,
                    )
                }
            )
        if not by.has_perm(move.rule, consultation):
            raise PermissionDenied(CANNOT_MOVE)
        if to == workflow.PUBLISHED:
            problems = problems_before_publishing(consultation)
            if problems:
                raise ValidationError({"status": problems})
        consultation.status = to
        consultation._history_user = by
        consultation.save(update_fields=["status", "updated_at"])
    return consultation
