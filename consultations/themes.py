"""Themes of free-text answers: staff name the themes of a consultation ("speeding",
"visibility") and tag its free-text answers with them, so hundreds of comments can be read,
counted and exported by what they are about.

A theme belongs to one consultation and is named once in it, whatever the capitals. Only free-text
answers are tagged, and only with their own consultation's themes. Each verb checks the rule
consultations.tag_answers itself, so a page, the admin or a command cannot get round it.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from .models import Answer, Consultation, Theme
from .results import TEXT
from .rules import TAG_ANSWERS

CANNOT_TAG = "You do not have permission to change the themes of this consultation"
NAME_MISSING = "Enter the name of the theme"
NAME_TAKEN = "There is already a theme called “{name}” in this consultation"
NOT_ITS_ANSWERS = "Choose answers to this consultation's free-text questions"
NOT_ITS_THEMES = "Choose themes of this consultation"


def _check_may_tag(by: AbstractBaseUser, consultation: Consultation | None) -> None:
    if not by.has_perm(TAG_ANSWERS, consultation):
        raise PermissionDenied(CANNOT_TAG)


def _tidy(name: str) -> str:
    # Pasted names bring line breaks and double spaces; "Speeding " and "Speeding" are one theme.
    return " ".join((name or "").split())


def _name_theme(theme: Theme, name: str) -> Theme:
    """Save `theme` under `name` once no other theme of its consultation has it. The caller
    holds the consultation's row lock, so two people naming the same theme cannot both pass."""
    theme.name = _tidy(name)
    if not theme.name:
        raise ValidationError({"name": NAME_MISSING}, code="required")
    theme.full_clean(exclude=["consultation"], validate_unique=False, validate_constraints=False)
    taken = (
        Theme.objects.filter(consultation_id=theme.consultation_id, name__iexact=theme.name)
        .exclude(pk=theme.pk)
        .exists()
    )
    if taken:
        raise ValidationError({"name": NAME_TAKEN.format(name=theme.name)}, code="unique")
    try:
        with transaction.atomic():
            theme.save()
    except IntegrityError as error:
        # Only reached if a write skipped the lock; the constraint still holds the line.
        raise ValidationError({"name": NAME_TAKEN.format(name=theme.name)}) from error
    return theme


def add_theme(*, consultation: Consultation, name: str, by: AbstractBaseUser) -> Theme:
    """Name a new theme of the consultation and return it.

    Raises PermissionDenied for someone the rules refuse, and ValidationError for an empty name,
    a name over its limit or one the consultation already has (whatever the capitals).
    """
    _check_may_tag(by, consultation)
    with transaction.atomic():
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        return _name_theme(Theme(consultation=consultation), name)


def rename_theme(*, theme: Theme, name: str, by: AbstractBaseUser) -> Theme:
    """Give a theme another name; the answers it tags keep it. Raises as add_theme does."""
    _check_may_tag(by, theme.consultation)
    with transaction.atomic():
        Consultation.objects.select_for_update().filter(pk=theme.consultation_id).first()
        return _name_theme(Theme.objects.get(pk=theme.pk), name)


def remove_theme(*, theme: Theme, by: AbstractBaseUser) -> int:
    """Remove a theme. The answers it tagged stay, without it. Returns how many answers it
    tagged. Raises PermissionDenied for someone the rules refuse."""
    _check_may_tag(by, theme.consultation)
    with transaction.atomic():
        tagged = Answer.themes.through.objects.filter(theme_id=theme.pk).count()
        Theme.objects.filter(pk=theme.pk).delete()
    return tagged


def _checked(
    answers: Iterable[Answer], themes: Iterable[Theme], by: AbstractBaseUser
) -> tuple[list[int], list[int]]:
    """The ids of the answers and themes, once each, after checking the rule and that they
    all belong to one consultation and the answers are free-text ones."""
    _check_may_tag(by, None)
    answer_ids = sorted({answer.pk for answer in answers})
    theme_ids = sorted({theme.pk for theme in themes})
    if not answer_ids or not theme_ids:
        return answer_ids, theme_ids
    consultations = set(
        Theme.objects.filter(pk__in=theme_ids).values_list("consultation_id", flat=True)
    )
    if len(consultations) != 1:
        raise ValidationError({"themes": NOT_ITS_THEMES})
    consultation = Consultation.objects.get(pk=consultations.pop())
    _check_may_tag(by, consultation)
    found = (
        Answer.objects.filter(
            pk__in=answer_ids, response__consultation=consultation, question__kind__in=TEXT
        )
        .exclude(text="")
        .count()
    )
    if found != len(answer_ids):
        raise ValidationError({"answers": NOT_ITS_ANSWERS})
    return answer_ids, theme_ids


def tag_answers(*, answers: Iterable[Answer], themes: Iterable[Theme], by: AbstractBaseUser) -> int:
    """Tag each of the answers with each of the themes; a tag already there stays as it was.
    Returns how many tags were added.

    Raises PermissionDenied for someone the rules refuse, and ValidationError when the themes
    are not of one consultation or an answer is not a free-text answer to it; nothing is tagged
    then.
    """
    answer_ids, theme_ids = _checked(answers, themes, by)
    if not answer_ids or not theme_ids:
        return 0
    through = Answer.themes.through
    with transaction.atomic():
        there = set(
            through.objects.filter(answer_id__in=answer_ids, theme_id__in=theme_ids).values_list(
                "answer_id", "theme_id"
            )
        )
        new = [
            through(answer_id=answer_id, theme_id=theme_id)
            for answer_id in answer_ids
            for theme_id in theme_ids
            if (answer_id, theme_id) not in there
        ]
        # Someone tagging the same answers at the same moment adds the same rows: keep one.
        through.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def untag_answers(
    *, answers: Iterable[Answer], themes: Iterable[Theme], by: AbstractBaseUser
) -> int:
    """Take the themes off the answers; an answer without one of them is left as it is.
    Returns how many tags were removed. Raises as tag_answers does."""
    answer_ids, theme_ids = _checked(answers, themes, by)
    if not answer_ids or not theme_ids:
        return 0
    with transaction.atomic():
        removed, _ = Answer.themes.through.objects.filter(
            answer_id__in=answer_ids, theme_id__in=theme_ids
        ).delete()
    return removed
