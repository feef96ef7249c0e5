"""One person's responses, found by their email address: subject access and erasure.

Only responses that kept an email address can be found; an anonymous response, or one whose
retention period has ended, names nobody. Addresses are matched whatever their case. What is
downloaded or erased is logged by response number and by whom, never by address, so the log
holds no personal data of its own.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import saving
from .equality import ANSWER_FIELDS, EXPORT_RAW, record_equality_access
from .models import Answer, EqualityAccess, EqualityAnswers, Question, Response
from .rules import MANAGE_PERSONAL_DATA

logger = logging.getLogger(__name__)

CANNOT_MANAGE = "You cannot look up or erase people's responses"
NO_EMAIL = "Enter an email address"
# Said in the download in place of equality answers the person downloading may not see.
EQUALITY_HELD_APART = (
    "Held apart as special category data: ask someone allowed to export equality monitoring "
    "answers to add them"
)


def _matching(email: str) -> QuerySet[Response]:
    email = (email or "").strip()
    if not email:
        return Response.objects.none()
    return Response.objects.filter(email__iexact=email)


def responses_of(email: str) -> QuerySet[Response]:
    """The responses that left this email address, newest first."""
    return (
        _matching(email)
        .select_related("consultation", "policing_area", "local_authority")
        .order_by("-submitted_at", "-pk")
    )


def _check(*, email: str, by) -> None:
    if not by.has_perm(MANAGE_PERSONAL_DATA):
        raise PermissionDenied(CANNOT_MANAGE)
    if not (email or "").strip():
        raise ValidationError(NO_EMAIL)


def _answer_value(answer: Answer):
    if answer.option_id:
        return answer.option.label
    if answer.scale_point_id:
        return answer.scale_point.label
    if answer.yes is not None:
        return "Yes" if answer.yes else "No"
    if answer.number is not None:
        return str(answer.number)
    return answer.text


def _answers(response: Response) -> list[dict]:
    """The answers in the questions' order; a multiple-choice answer as a list of its choices."""
    rows: dict[int, dict] = {}
    for answer in response.answers.all():
        question = answer.question
        row = rows.setdefault(question.pk, {"question": question.text, "answer": None})
        value = _answer_value(answer)
        if question.kind == Question.Kind.MULTIPLE_CHOICE:
            row["answer"] = [*(row["answer"] or []), value]
        else:
            row["answer"] = value
    return list(rows.values())


def _equality(answers: EqualityAnswers) -> dict:
    data = {
        str(EqualityAnswers._meta.get_field(name).verbose_name): getattr(
            answers, f"get_{name}_display"
        )()
        for name in ANSWER_FIELDS
    }
    data["groups they belong to"] = [str(group) for group in answers.groups.all()]
    return data


def export_person(*, email: str, by) -> dict:
    """Everything held about the person who left this email address, for a subject access
    request. Equality-monitoring answers are included only for someone allowed to export them
    raw, and that export is recorded like any other."""
    _check(email=email, by=by)
    with_equality = by.has_perm(EXPORT_RAW)
    responses = list(
        responses_of(email).prefetch_related(
            "answers__question", "answers__option", "answers__scale_point", "equality__groups"
        )
    )
    exported = []
    with transaction.atomic():
        for response in responses:
            item = {
                "response": response.pk,
                "consultation": response.consultation.title,
                "submitted": response.submitted_at.isoformat(),
                "how it reached us": response.get_channel_display(),
                "who is responding": response.get_respondent_type_display(),
                "organisation": response.organisation_name,
                "where they live": response.get_whereabouts_display(),
                "policing area": str(response.policing_area or ""),
                "local authority": str(response.local_authority or ""),
                "email address": response.email,
                "wants to hear the outcome": response.wants_feedback,
                "answers": _answers(response),
            }
            equality = getattr(response, "equality", None)
            if equality is not None:
                if with_equality:
                    item["equality monitoring"] = _equality(equality)
                    record_equality_access(
                        consultation=response.consultation,
                        by=by,
                        action=EqualityAccess.Action.EXPORTED,
                    )
                else:
                    item["equality monitoring"] = EQUALITY_HELD_APART
            exported.append(item)
    logger.info(
        "Subject access: responses %s downloaded by user %s",
        [r.pk for r in responses],
        by.pk,
    )
    return {
        "downloaded": timezone.now().isoformat(),
        "responses": exported,
        "answers saved to finish later": saving.export_saved_of(email),
    }


def erase_responses_of(*, email: str, by) -> int:
    """Delete every response that left this email address, with its answers and equality
    answers, and the answers saved under it to finish later, in one transaction; the number of
    responses erased."""
    _check(email=email, by=by)
    with transaction.atomic():
        ids = list(_matching(email).select_for_update().values_list("pk", flat=True))
        Answer.objects.filter(response_id__in=ids).delete()
        EqualityAnswers.objects.filter(response_id__in=ids).delete()
        Response.objects.filter(pk__in=ids).delete()
        saved = saving.erase_saved_of(email)
    logger.info("Erasure: responses %s and %s saved answers erased by user %s", ids, saved, by.pk)
    return len(ids)
