"""One-time form tokens: a double submit or a replay of a consultation form stores one response.

A token is signed, not stored: issuing one on a GET writes nothing (an anonymous GET starts no
session, decision 35), so the cached page costs no write. The token names its consultation and a
random uuid; the uuid is what the stored response keeps, unique, so the same form sent twice finds
the first response. The signature's timestamp says when the form was drawn, which is how a
submission made faster than a person could type is noticed.
"""

import logging
import uuid
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

SALT = "consultations.form-token"
# A form left open overnight still counts; past this it is noted, never refused, since someone
# may well come back to a long consultation the next day.
STALE_AFTER = timedelta(hours=24)
# Far longer than any token issued here; refuses a megabyte of junk before any work on it.
LONGEST = 200

TAMPERED = "This form could not be checked. Check your answers and send them again."
OTHER_CONSULTATION = (
    "This form belongs to a different consultation. Check your answers and send them again."
)


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def issue_token(consultation) -> str:
    """A new signed token for one showing of the consultation's form."""
    return token_for(consultation.pk)


def token_for(consultation_pk: int) -> str:
    """`issue_token` from the consultation's key alone: kept with a cached page, it gives each
    visitor of that page a token of their own."""
    return _signer().sign(f"{consultation_pk}:{uuid.uuid4().hex}")


def read_token(value, consultation) -> tuple[uuid.UUID, datetime]:
    """The token's uuid and when it was issued (UTC).

    Raises ValidationError (code "tampered") for anything not signed here, and (code
    "other_consultation") for a token drawn for another consultation. A token older than
    STALE_AFTER is accepted and logged.
    """
    if not isinstance(value, str) or not value or len(value) > LONGEST:
        raise ValidationError(TAMPERED, code="tampered")
    signer = _signer()
    try:
        # The plain Signer's unsign checks the signature over "payload:timestamp" and leaves
        # the timestamp on, which TimestampSigner.unsign would check and then drop.
        signed = signing.Signer.unsign(signer, value)
        payload, stamp = signed.rsplit(signer.sep, 1)
        consultation_pk, hex_uuid = payload.split(signer.sep)
        token = uuid.UUID(hex=hex_uuid)
        issued_at = datetime.fromtimestamp(signing.b62_decode(stamp), tz=UTC)
    except (signing.BadSignature, ValueError, OverflowError, OSError) as error:
        raise ValidationError(TAMPERED, code="tampered") from error
    if consultation_pk != str(consultation.pk):
        raise ValidationError(OTHER_CONSULTATION, code="other_consultation")
    if datetime.now(tz=UTC) - issued_at > STALE_AFTER:
        logger.info("consultation %s: a form token issued at %s", consultation.pk, issued_at)
    return token, issued_at
