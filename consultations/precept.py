"""The precept consultation's questions.

Every year the office consults on its proposal for the policing precept, and the law asks it to
consult representatives of business ratepayers on its spending proposals too (Local Government
Finance Act 1992, section 65). So the template asks who is responding before the single question
about paying more, and the results can count businesses apart from residents.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from . import rules
from .models import Consultation, Question

# A Band D rise above this is not a precept proposal anyone would put to the public.
MOST = Decimal(1000)
PENNY = Decimal("0.01")

CANNOT_BUILD = "You cannot change the questions of this consultation"
HAS_RESPONSES = (
    "People have already answered this consultation: its questions cannot be added to now"
)
NOT_AN_AMOUNT = "Enter the Band D increase as an amount in pounds and pence, like 4.99"
NOT_POSITIVE = "Enter a Band D increase of more than £0"
TOO_MUCH = "Enter a Band D increase of £1,000 or less"
TOO_MANY_PLACES = (
    "Enter the Band D increase in pounds and pence, with no more than 2 decimal places"
)

RESPONDENT_TYPE = (
    "Are you responding as a resident, as a business, or on behalf of an organisation?"
)
RESPONDENT_HINT = (
    "We also ask businesses that pay business rates for their views on the precept, "
    "and we report their answers separately."
)
WILLING = "Would you be willing to pay {amount} more a year for policing (Band D property)?"
WILLING_HINT = (
    "The police precept is the part of your council tax that pays for policing. The increase "
    "is shown for a Band D property; homes in lower bands would pay less, in higher bands more."
)
COMMENT = "Is there anything else you would like to tell us about the precept?"
COMMENT_HINT = "Optional."


def pounds(amount: Decimal) -> str:
    """£5.00 as "£5", £4.99 as "£4.99": how an amount of money reads in a question."""
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


def _check_amount(amount) -> Decimal:
    # A float cannot hold 4.99 exactly; money arrives as a Decimal or not at all.
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValidationError({"band_d_increase": NOT_AN_AMOUNT})
    if amount <= 0:
        raise ValidationError({"band_d_increase": NOT_POSITIVE})
    if amount > MOST:
        raise ValidationError({"band_d_increase": TOO_MUCH})
    try:
        exact = amount.quantize(PENNY)
    except InvalidOperation:
        raise ValidationError({"band_d_increase": NOT_AN_AMOUNT}) from None
    if exact != amount:
        raise ValidationError({"band_d_increase": TOO_MANY_PLACES})
    return exact


ALREADY_ASKED = "This consultation already asks the precept question for this amount"


def add_precept_questions(
    *, consultation: Consultation, band_d_increase: Decimal, by
) -> list[Question]:
    """Add the precept questions after the consultation's own: who is responding, whether they
    would pay `band_d_increase` more a year (Band D), and an optional comment. Returns the three
    questions, in order.

    Raises PermissionDenied for someone who may not build the consultation, and ValidationError
    for an increase that is not an amount of money between a penny and £1,000, or when people
    have already answered (a new required question would make their responses incomplete).
    Nothing is written then.
    """
    if not by.has_perm(rules.BUILD_CONSULTATIONS, consultation):
        raise PermissionDenied(CANNOT_BUILD)
    amount = _check_amount(band_d_increase)
    with transaction.atomic():
        # Lock the consultation so two clicks add one set, after the last question either saw.
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        if consultation.responses.exists():
            raise ValidationError(HAS_RESPONSES, code="has_responses")
        willing = WILLING.format(amount=pounds(amount))
        if consultation.questions.filter(kind=Question.Kind.YES_NO, text=willing).exists():
            raise ValidationError(ALREADY_ASKED, code="already_asked")
        last = consultation.questions.aggregate(last=Max("position"))["last"] or 0
        # The results separate business ratepayers by the one "who is responding" question a
        # consultation may ask; one it asks already serves.
        respondent = consultation.questions.filter(kind=Question.Kind.RESPONDENT_TYPE).first()
        new = [
            Question(
                kind=Question.Kind.YES_NO, text=willing, help_text=WILLING_HINT, required=True
            ),
            Question(kind=Question.Kind.LONG_TEXT, text=COMMENT, help_text=COMMENT_HINT),
        ]
        if respondent is None:
            respondent = Question(
                kind=Question.Kind.RESPONDENT_TYPE,
                text=RESPONDENT_TYPE,
                help_text=RESPONDENT_HINT,
                required=True,
            )
            new.insert(0, respondent)
        for position, question in enumerate(new, start=last + 1):
            question.consultation = consultation
            question.position = position
            question._history_user = by
            question.save()
    return [respondent, *new[-2:]]
