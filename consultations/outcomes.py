"""Writing a closed consultation's outcome ("You said, we did") and publishing it.

Engagement officers write and publish; the Commissioner and Deputy may record what was decided
(consultations/rules.py). Publishing happens once: the outcome appears on the consultation's
page and everyone who left an email address and asked to hear the outcome is told, once per
address, when the publication commits. A sensitive consultation emails nobody (decision 22).
"""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pcc_portal.mail.services import absolute_url, date_in_words, send_email
from pcc_portal.models import Decision

from .models import Consultation, Outcome, Response
from .rules import PUBLISH_OUTCOME, RECORD_OUTCOME_DECISION

logger = logging.getLogger(__name__)

NOT_CLOSED = "You can write and publish the outcome only after the consultation has closed"
CANNOT_WRITE = "You do not have permission to write this consultation's outcome"
DECISION_ONLY = (
    "You can record what was decided and its decision in the register; an engagement officer "
    "writes what people said and how their views shaped it"
)
CANNOT_PUBLISH = "You do not have permission to publish this consultation's outcome"
ALREADY_PUBLISHED = "This outcome was published on {day}. It cannot be published again"
MISSING = {
    "said": "Enter what people said",
    "decision": "Enter what was decided",
    "shaped_by": "Enter how the views shaped the decision",
}
EMAIL_TEMPLATE = "consultations/email/outcome_published"


def check_closed(consultation: Consultation) -> None:
    """An outcome belongs to a consultation that has closed; raises ValidationError otherwise."""
    if consultation.phase() != Consultation.Phase.CLOSED:
        raise ValidationError(NOT_CLOSED, code="not_closed")


def write_outcome(
    *,
    consultation: Consultation,
    said: str,
    decision: str,
    shaped_by: str,
    decision_record: Decision | None = None,
    by: AbstractBaseUser,
) -> Outcome:
    """Create or change the outcome of a closed consultation.

    Someone who may only record decisions may change `decision` and `decision_record`; giving
    other text for the rest is refused. A published outcome may still be corrected (its history
    keeps each version); nobody is emailed again.

    Raises PermissionDenied for someone the rules refuse and ValidationError for a consultation
    that has not closed or text over its limit; nothing is written then.
    """
    writes_everything = by.has_perm(PUBLISH_OUTCOME, consultation)
    if not (writes_everything or by.has_perm(RECORD_OUTCOME_DECISION, consultation)):
        raise PermissionDenied(CANNOT_WRITE)
    said, decision, shaped_by = (
        text.strip() for text in (said or "", decision or "", shaped_by or "")
    )
    with transaction.atomic():
        # Two people saving at once make one outcome, not a clash of inserts.
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        check_closed(consultation)
        outcome = Outcome.objects.filter(consultation=consultation).first()
        if outcome is None:
            outcome = Outcome(consultation=consultation)
        if not writes_everything and (said, shaped_by) != (outcome.said, outcome.shaped_by):
            raise PermissionDenied(DECISION_ONLY)
        outcome.said, outcome.decision, outcome.shaped_by = said, decision, shaped_by
        outcome.decision_record = decision_record
        outcome.full_clean(exclude=["consultation"])
        outcome.save()
    return outcome


def publish_outcome(*, outcome: Outcome, by: AbstractBaseUser) -> Outcome:
    """Publish a complete outcome of a closed consultation, once, and email those who asked.

    Raises PermissionDenied for someone the rules refuse, and ValidationError for an outcome
    already published, a consultation not closed, or a part of the outcome left empty.
    """
    if not by.has_perm(PUBLISH_OUTCOME, outcome.consultation):
        raise PermissionDenied(CANNOT_PUBLISH)
    with transaction.atomic():
        # Locked before the check: two clicks on "publish" publish and email once.
        outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
        if outcome.published_at is not None:
            day = date_in_words(timezone.localdate(outcome.published_at))
            raise ValidationError(ALREADY_PUBLISHED.format(day=day), code="published")
        check_closed(outcome.consultation)
        missing = {
            field: message
            for field, message in MISSING.items()
            if not getattr(outcome, field).strip()
        }
        if missing:
            raise ValidationError(missing)
        outcome.published_at = timezone.now()
        outcome.save(update_fields=["published_at", "updated_at"])
        _tell_respondents(outcome)
    return outcome


def feedback_addresses(consultation: Consultation) -> list[str]:
    """Each address that asked to hear the outcome, once (whatever its case), in the order
    the responses came in. A sensitive consultation has none to write to."""
    if consultation.sensitive:
        return []
    emails = (
        Response.objects.filter(consultation=consultation, wants_feedback=True)
        .exclude(email="")
        .order_by("submitted_at", "pk")
        .values_list("email", flat=True)
    )
    seen, addresses = set(), []
    for email in emails:
        email = email.strip()
        if email and email.lower() not in seen:
            seen.add(email.lower())
            addresses.append(email)
    return addresses


def _tell_respondents(outcome: Outcome) -> None:
    consultation = outcome.consultation
    context = {
        "title": consultation.title,
        "closed_on": date_in_words(timezone.localdate(consultation.closes_at)),
        "decision": outcome.decision,
        "url": absolute_url(reverse("consultations:detail", args=[consultation.slug])),
    }
    subject = f"What we did after our consultation: {consultation.title}"
    for address in feedback_addresses(consultation):
        try:
            send_email(
                to=address,
                subject=subject,
                template=EMAIL_TEMPLATE,
                context=context,
                related=outcome,
            )
        except ValidationError:
            # An address keyed in from paper may be unusable; it must not stop the others.
            logger.warning(
                "Outcome %s: an address that cannot be written to was left out", outcome.pk
            )


def published_outcome(*, consultation: Consultation) -> Outcome | None:
    """The consultation's outcome once published, with its decision in the register."""
    return (
        Outcome.objects.filter(consultation=consultation, published_at__isnull=False)
        .select_related("decision_record")
        .first()
    )
