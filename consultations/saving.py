"""Saving a long consultation part-way and carrying on later from a link sent by email.

The link holds a random secret; only its SHA-256 is stored (SavedResponse.secret_hash), so
neither the table nor a copy of it opens anyone's answers. The answers are kept as the form
posted them (field name to list of values), unchecked: they are checked when the person finally
sends their response. Only the questions' own fields are kept, each cut to its field's limit,
never the form's tokens, the honeypot or the "About you" answers (special category data, held
apart from everything else once sent, and not worth keeping beside an email address meanwhile).

The resumed form carries the secret back as a hidden field (RESUME_FIELD): saving again from it
updates the same row and the link keeps working, and sending the response deletes the row in
the response's own transaction. Sensitive consultations (decision 22) offer none of this: no
link, no email. Rows of closed consultations are deleted by the daily retention job.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from pcc_portal.mail.services import absolute_url, send_email
from pcc_portal.models import OutboundMessage

from .models import Consultation, SavedResponse
from .plan import day_in_words, in_words

RESUME_FIELD = "resume"
# 32 random bytes, URL-safe base64 without padding: 43 characters.
SECRET_BYTES = 32
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
EMAIL_TEMPLATE = "consultations/email/resume_link"
EMAIL_MAX = SavedResponse._meta.get_field("email").max_length
# Fields of the form that are not answers: the one-time token and the honeypot.
NOT_ANSWERS = frozenset({"form_token", "website"})
# For fields without a length of their own (choices, numbers): longer than any value they take.
VALUE_MAX = 100
# Anyone can type anyone's address: this many links an hour to one address stops saving being
# used to fill someone's inbox from many places at once. The flood limit bounds each place.
LINKS_PER_HOUR = 5

ENTER_EMAIL = "Enter your email address"
BAD_EMAIL = "Enter an email address in the correct format, like name@example.com"
TOO_MANY_LINKS = (
    "We have sent a lot of links to this email address in the last hour. Use the link in one "
    "of those emails, or try again later"
)
NOT_OPEN = "This consultation is not taking answers, so they cannot be saved"
NOT_IN_SENSITIVE = "Answers to this consultation cannot be saved"


def offers_saving(consultation: Consultation, now: datetime | None = None) -> bool:
    """Whether the consultation's form offers "Save and come back later" now."""
    return not consultation.sensitive and consultation.accepts_responses(now)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def carried_secret(data) -> str:
    """The link's secret a resumed form carries back, or "" when it carries none that could
    be one."""
    value = data.get(RESUME_FIELD, "")
    return value if isinstance(value, str) and SECRET_PATTERN.fullmatch(value) else ""


def _response_form(consultation: Consultation):
    # Imported here: the form builds on answering.py, which imports this module.
    from .forms import ResponseForm

    return ResponseForm(consultation)


def _values(data, name: str) -> list:
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def answers_in(data, form: forms.Form) -> dict[str, list[str]]:
    """What `data` (a QueryDict or a dict of values or lists) holds for `form`'s answer
    fields, as a dict of lists of strings, bounded so that it cannot be used to store megabytes:
    fields the form does not have are dropped, text is cut to its field's limit, a field
    takes no more values than it has choices (one unless it is a multiple choice), and the
    NUL character, which PostgreSQL's JSON cannot hold, is removed. Empty answers are left out.
    """
    kept = {}
    for name, field in form.fields.items():
        if name in NOT_ANSWERS:
            continue
        limit = getattr(field, "max_length", None) or VALUE_MAX
        most = len(field.choices) if isinstance(field, forms.MultipleChoiceField) else 1
        values = [
            value.replace("\x00", "")[:limit]
            for value in _values(data, form.add_prefix(name))[:most]
            if isinstance(value, str)
        ]
        values = [value for value in values if value.strip()]
        if values:
            kept[name] = values
    return kept


def _checked_email(email) -> str:
    email = (email or "").strip() if isinstance(email, str) else ""
    if not email:
        raise ValidationError({"email": ENTER_EMAIL}, code="required")
    try:
        if len(email) > EMAIL_MAX or "\x00" in email:
            raise ValidationError(BAD_EMAIL)
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": BAD_EMAIL}, code="invalid") from None
    return email


def _links_sent(email: str, now: datetime) -> int:
    return OutboundMessage.objects.filter(
        to_email__iexact=email, template=EMAIL_TEMPLATE, created_at__gte=now - timedelta(hours=1)
    ).count()


def _check_open(consultation: Consultation, now: datetime) -> None:
    if consultation.sensitive:
        raise ValidationError(NOT_IN_SENSITIVE, code="sensitive")
    if not consultation.accepts_responses(now):
        raise ValidationError(NOT_OPEN, code="not_open")


def find_saved(*, consultation: Consultation, secret: str) -> SavedResponse | None:
    """The consultation's saved answers that `secret` opens, whether or not it still takes
    answers; None for a secret that opens nothing.

    The row is found by the secret's hash, never by comparing the secret itself: what a
    database's comparison takes longer or shorter over is the hash, which tells an attacker
    timing it nothing about any secret.
    """
    if not isinstance(secret, str) or not SECRET_PATTERN.fullmatch(secret):
        return None
    return SavedResponse.objects.filter(
        consultation=consultation, secret_hash=_digest(secret)
    ).first()


def resume(
    *, consultation: Consultation, secret: str, now: datetime | None = None
) -> dict[str, list[str]] | None:
    """The answers saved under `secret`, as the form posted them (field name to values); None
    for an unknown secret and once the consultation no longer takes answers."""
    if consultation.sensitive or not consultation.accepts_responses(now):
        return None
    saved = find_saved(consultation=consultation, secret=secret)
    return dict(saved.answers) if saved is not None else None


def save_answers(
    *, consultation: Consultation, data, email: str, now: datetime | None = None
) -> str:
    """Keep the answers in `data` (the posted form) and email `email` a link to carry on from
    them; returns the link's secret.

    Nothing in the answers is checked (that waits for the response), only the address and
    that the consultation takes answers. When `data` carries the secret of this consultation's
    saved answers (a resumed form), those are replaced and the same link is sent again;
    otherwise new ones are made under a new secret. A secret that opens nothing is never
    taken as a new row's, so nobody can choose a link for answers that are not theirs.

    Raises ValidationError for a sensitive consultation or one not taking answers, and, keyed
    "email", for a missing or malformed address or one sent LINKS_PER_HOUR links in the last
    hour. Nothing is saved or sent then.
    """
    now = now or timezone.now()
    _check_open(consultation, now)
    email = _checked_email(email)
    answers = answers_in(data, _response_form(consultation))
    carried = carried_secret(data)
    with transaction.atomic():
        saved = None
        if carried:
            saved = (
                SavedResponse.objects.select_for_update()
                .filter(consultation=consultation, secret_hash=_digest(carried))
                .first()
            )
        if _links_sent(email, now) >= LINKS_PER_HOUR:
            raise ValidationError({"email": TOO_MANY_LINKS}, code="too_many_links")
        if saved is None:
            secret = secrets.token_urlsafe(SECRET_BYTES)
            saved = SavedResponse(consultation=consultation, secret_hash=_digest(secret))
        else:
            secret = carried
        saved.email, saved.answers = email, answers
        saved.save()
        _send_link(saved=saved, secret=secret, now=now)
    return secret


def _send_link(*, saved: SavedResponse, secret: str, now: datetime) -> None:
    consultation = saved.consultation
    send_email(
        to=saved.email,
        subject=f"Your saved answers to {consultation.title}",
        template=EMAIL_TEMPLATE,
        context={
            "title": consultation.title,
            "url": absolute_url(reverse("consultations:resume", args=[consultation.slug, secret])),
            "consultation_url": absolute_url(
                reverse("consultations:detail", args=[consultation.slug])
            ),
            "saved_on": day_in_words(now),
            "closes": in_words(consultation.closes_at),
        },
        related=saved,
    )


# --- Keeping them no longer than needed ---------------------------------------------------------


def delete_saved_of_closed(*, now: datetime | None = None) -> int:
    """Delete the saved answers of every consultation that has closed: they can no longer be
    sent. The number of rows deleted."""
    now = now or timezone.now()
    deleted, _ = SavedResponse.objects.filter(consultation__closes_at__lte=now).delete()
    return deleted


def _matching(email: str) -> QuerySet[SavedResponse]:
    email = (email or "").strip()
    if not email:
        return SavedResponse.objects.none()
    return SavedResponse.objects.filter(email__iexact=email)


def _readable(saved: SavedResponse, form: forms.Form) -> list[dict]:
    """The saved answers in the questions' order, choices by their labels."""
    rows = []
    for name, field in form.fields.items():
        values = saved.answers.get(name)
        if name in NOT_ANSWERS or not values:
            continue
        labels = {}
        for value, label in getattr(field, "choices", ()):
            if isinstance(label, list | tuple):  # a group of choices
                labels.update({str(v): str(lbl) for v, lbl in label})
            else:
                labels[str(value)] = str(label)
        rows.append(
            {
                "question": str(field.label),
                "answer": [labels.get(str(value), value) for value in values],
            }
        )
    return rows


def saved_of(email: str) -> QuerySet[SavedResponse]:
    """The answers saved part-way under this email address, newest first."""
    return _matching(email).select_related("consultation").order_by("-saved_at", "-pk")


def export_saved_of(email: str) -> list[dict]:
    """Every answer saved part-way under this email address, for a subject access request."""
    saved_rows = list(_matching(email).select_related("consultation").order_by("-saved_at", "pk"))
    forms_by_consultation = {}
    exported = []
    for saved in saved_rows:
        consultation = saved.consultation
        if consultation.pk not in forms_by_consultation:
            forms_by_consultation[consultation.pk] = _response_form(consultation)
        exported.append(
            {
                "consultation": consultation.title,
                "first saved": saved.created_at.isoformat(),
                "last saved": saved.saved_at.isoformat(),
                "email address": saved.email,
                "answers": _readable(saved, forms_by_consultation[consultation.pk]),
            }
        )
    return exported


def erase_saved_of(email: str) -> int:
    """Delete every answer saved part-way under this email address; the number of rows."""
    deleted, _ = _matching(email).delete()
    return deleted
