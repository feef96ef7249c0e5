"""The verbs of the distribution lists: subscribing with double opt-in, confirming, unsubscribing,
the suppression list, and importing existing contacts.

Double opt-in: whoever starts a subscription (the person on the sign-up page, at the end of a
consultation, or an ambassador or officer who met them and recorded their consent), it is
pending until the person follows the signed link emailed to them; the link expires after
CONFIRMATION_VALID_FOR. The consent record (when, how, the words shown, the lawful basis, who
added it) is written when the subscription is asked for and kept on the subscription.

Unsubscribing: every email carries `unsubscribe_url(recipient, list, also=...)`, a signed link
that never expires and takes the address off every list the email was sent to it through.
Opening it shows a page with one button; a POST unsubscribes, and so does the RFC 8058 one-click
POST a mail program sends (`List-Unsubscribe=One-Click`, no cookies).

The suppression list: an address on it receives nothing the lists send
(`DistributionList.recipients`), and imports skip it. The person's own confirmed request (a new
double opt-in) lifts an "unsubscribed" or "bounced" entry; a complaint or an entry staff made
stays until staff remove it.
"""

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils import timezone

from pcc_portal.mail.services import absolute_url, date_in_words, send_email

from .models import (
    DistributionList,
    Subscriber,
    Subscription,
    Suppression,
    normalise_email,
)
from .newsletter_models import ConsentMethod, LawfulBasis

logger = logging.getLogger(__name__)

CONFIRMATION_VALID_FOR = timedelta(days=7)
# A second request for the same lists within this time sends no second email (a form sent
# twice, or someone typing another person's address again and again).
RESEND_AFTER = timedelta(minutes=10)
CONFIRM_SALT = "engagement.subscriptions.confirm"
UNSUBSCRIBE_SALT = "engagement.subscriptions.unsubscribe"
CONFIRMATION_TEMPLATE = "engagement/email/subscription_confirm"
# The slug of the list the end of a consultation offers.
CONSULTATIONS_LIST = "consultations"

# Suppressions the person's own confirmed request lifts; the others stay until staff act.
LIFTED_BY_CONFIRMATION = (Suppression.Reason.UNSUBSCRIBED, Suppression.Reason.BOUNCED)

INVALID_ADDRESS = "Enter an email address in the correct format, like name@example.com"
NO_LISTS = "Select at least one list"
NO_CONSENT = "Confirm that the person agreed to receive these emails"
LINK_EXPIRED = "This link has expired"
LINK_INVALID = "This link is not valid"
IMPORT_PUBLIC_LIST = (
    "Contacts can only be imported into an internal list: people join a public list by "
    "confirming their address themselves"
)
IMPORT_NO_EMAIL_COLUMN = 'The file must have a column headed "email"'
IMPORT_EMPTY = "The file has no contacts in it"
IMPORT_NOT_CSV = "The file must be a CSV file saved as UTF-8"
IMPORT_TOO_MANY = "The file must have 50,000 rows or fewer"
IMPORT_MAX_ROWS = 50_000


# The words each way of joining shows the person; what is stored with their consent is these
# words, as they were, after the lists they chose.
SIGN_UP_STATEMENT = (
    "We will email you a link to confirm your address; nothing is sent until you do. You can "
    "unsubscribe at any time from the link in every email. Our privacy notice explains how we "
    "use your address."
)
FIELD_STATEMENT = (
    "You will get an email to confirm your address, and join the lists only when you do. You "
    "can unsubscribe at any time from the link in every email, and our privacy notice explains "
    "how your address is used."
)
CONSULTATION_WORDING = (
    "Tell me by email about future consultations. I can unsubscribe at any time from the link in "
    "every email."
)


def _names(lists) -> str:
    return ", ".join(str(item) for item in lists)


def sign_up_wording(lists) -> str:
    """What the sign-up page showed a person who chose `lists`."""
    return f"Lists chosen: {_names(lists)}. {SIGN_UP_STATEMENT}"


def field_wording(lists) -> str:
    """What an ambassador or officer read to a person met in the field, who agreed to `lists`."""
    return f"Lists agreed to: {_names(lists)}. Read to the person: {FIELD_STATEMENT}"


@dataclass
class SubscriptionRequest:
    """What `request_subscription` did: the subscriber, the lists now waiting for confirmation
    and whether a confirmation email went out."""

    subscriber: Subscriber | None
    pending: list = field(default_factory=list)
    emailed: bool = False


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email=normalise_email(email)).exists()


def _clean_address(email: str) -> str:
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": INVALID_ADDRESS}) from None
    return email


@transaction.atomic
def request_subscription(
    *,
    email: str,
    lists,
    method: str,
    wording: str,
    name: str = "",
    policing_area=None,
    added_by=None,
    now: datetime | None = None,
) -> SubscriptionRequest:
    """Start the double opt-in for `email` on `lists`: record the consent and email a link to
    confirm. Lists the address is already confirmed on are left as they are.

    Nothing is sent to an address suppressed after a complaint or by staff; what the person is
    shown does not say so (the page must not tell anyone whether an address is known).
    """
    now = now or timezone.now()
    email = _clean_address(email)
    lists = list(lists)
    if not lists:
        raise ValidationError({"lists": NO_LISTS})
    if not wording:
        raise ValidationError({"consent": NO_CONSENT})
    suppression = Suppression.objects.filter(email=email).first()
    if suppression is not None and suppression.reason not in LIFTED_BY_CONFIRMATION:
        logger.info("Subscription to %s asked for a suppressed address; nothing sent.", lists)
        return SubscriptionRequest(subscriber=None)

    subscriber, _ = Subscriber.objects.select_for_update().get_or_create(email=email)
    changed = []
    if name and not subscriber.name:
        subscriber.name, changed = name[:150], [*changed, "name"]
    if policing_area is not None and subscriber.policing_area_id is None:
        subscriber.policing_area, changed = policing_area, [*changed, "policing_area"]
    if changed:
        subscriber.save(update_fields=changed)

    existing = {s.list_id: s for s in subscriber.subscriptions.filter(list__in=lists)}
    pending, recently_asked = [], []
    for distribution_list in lists:
        subscription = existing.get(distribution_list.pk)
        if subscription is not None and subscription.status == Subscription.Status.CONFIRMED:
            continue
        if subscription is None:
            subscription = Subscription(subscriber=subscriber, list=distribution_list)
        elif (
            subscription.status == Subscription.Status.PENDING
            and subscription.consent_at > now - RESEND_AFTER
        ):
            recently_asked.append(distribution_list)
        subscription.status = Subscription.Status.PENDING
        subscription.consent_at = now
        subscription.consent_method = method
        subscription.consent_wording = wording
        subscription.lawful_basis = LawfulBasis.CONSENT
        subscription.added_by = added_by
        subscription.full_clean(exclude=["subscriber", "list"], validate_unique=False)
        subscription.save()
        pending.append(distribution_list)

    if not pending:
        return SubscriptionRequest(subscriber=subscriber)
    if len(recently_asked) == len(pending):
        return SubscriptionRequest(subscriber=subscriber, pending=pending)
    token = confirmation_token(subscriber, pending)
    send_email(
        to=subscriber.email,
        subject="Confirm your email subscription",
        template=CONFIRMATION_TEMPLATE,
        context={
            "name": subscriber.name,
            "lists": [str(item) for item in pending],
            "url": absolute_url(reverse("engagement:subscription_confirm", args=[token])),
            "expires": date_in_words(timezone.localdate(now + CONFIRMATION_VALID_FOR)),
            "in_person": method == ConsentMethod.IN_PERSON,
        },
        related=subscriber,
    )
    return SubscriptionRequest(subscriber=subscriber, pending=pending, emailed=True)


def confirmation_token(subscriber: Subscriber, lists) -> str:
    return signing.dumps(
        {"s": subscriber.pk, "l": sorted(item.pk for item in lists)}, salt=CONFIRM_SALT
    )


def read_confirmation(token: str) -> tuple[Subscriber, list]:
    """The subscriber and lists a confirmation link names. Raises ValidationError when the link
    has expired or is not one of ours."""
    try:
        data = signing.loads(
            token, salt=CONFIRM_SALT, max_age=CONFIRMATION_VALID_FOR.total_seconds()
        )
    except signing.SignatureExpired:
        raise ValidationError(LINK_EXPIRED, code="expired") from None
    except signing.BadSignature:
        raise ValidationError(LINK_INVALID, code="invalid") from None
    try:
        subscriber = Subscriber.objects.get(pk=data["s"])
    except (Subscriber.DoesNotExist, KeyError, TypeError):
        raise ValidationError(LINK_INVALID, code="invalid") from None
    lists = list(DistributionList.objects.filter(pk__in=data.get("l") or []))
    return subscriber, lists


@transaction.atomic
def confirm_subscription(*, token: str, now: datetime | None = None) -> tuple[Subscriber, list]:
    """Confirm the subscriptions a link names that are still waiting; returns the subscriber and
    every list of the link they are now confirmed on. Following the link twice is harmless; a
    subscription ended since the link was sent stays ended."""
    now = now or timezone.now()
    subscriber, lists = read_confirmation(token)
    Subscription.objects.filter(
        subscriber=subscriber, list__in=lists, status=Subscription.Status.PENDING
    ).update(status=Subscription.Status.CONFIRMED, confirmed_at=now)
    confirmed = [
        s.list
        for s in subscriber.subscriptions.filter(
            list__in=lists, status=Subscription.Status.CONFIRMED
        ).select_related("list")
    ]
    if confirmed:
        # The person has just shown that the address works and that they want the emails.
        Suppression.objects.filter(
            email=subscriber.email, reason__in=LIFTED_BY_CONFIRMATION
        ).delete()
    return subscriber, confirmed


# --- Unsubscribing ------------------------------------------------------------------------------


def _address_of(recipient) -> str:
    if isinstance(recipient, str):
        return normalise_email(recipient)
    return normalise_email(recipient.email)


def unsubscribe_token(recipient, distribution_list: DistributionList, *, also=()) -> str:
    data = {"e": _address_of(recipient), "l": distribution_list.pk}
    others = sorted({item.pk for item in also} - {distribution_list.pk})
    if others:
        data["a"] = others
    return signing.dumps(data, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(recipient, distribution_list: DistributionList, *, also=()) -> str:
    """The absolute address of the one-click unsubscribe link for one recipient of one list:
    `recipient` is a Subscriber, a ListRecipient or an email address. An email sent to several
    lists at once names the other lists the address is on in `also`, so that the one click stops
    that email. It never expires, and is also the `List-Unsubscribe` header's https address
    (RFC 8058)."""
    token = unsubscribe_token(recipient, distribution_list, also=also)
    return absolute_url(reverse("engagement:unsubscribe", args=[token]))


@dataclass(frozen=True)
class UnsubscribeLink:
    email: str
    list: DistributionList
    # Every list the link unsubscribes from: `list` first, then the others it names.
    lists: tuple = ()

    @property
    def names(self) -> str:
        return " and ".join(item.name for item in self.lists or (self.list,))


def read_unsubscribe(token: str) -> UnsubscribeLink:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        email, list_id = normalise_email(data["e"]), int(data["l"])
        other_ids = [int(pk) for pk in data.get("a") or ()]
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        raise ValidationError(LINK_INVALID, code="invalid") from None
    found = DistributionList.objects.in_bulk([list_id, *other_ids])
    distribution_list = found.get(list_id)
    if distribution_list is None:
        raise ValidationError(LINK_INVALID, code="invalid")
    others = tuple(found[pk] for pk in other_ids if pk in found and pk != list_id)
    return UnsubscribeLink(email=email, list=distribution_list, lists=(distribution_list, *others))


@transaction.atomic
def unsubscribe(
    *, email: str, distribution_list: DistributionList, source: str = "", now=None
) -> None:
    """Take the address off the list. A subscriber's subscription ends (their other lists go
    on); an organisation's contact address on the list (named, or of the list's kind), which
    nobody subscribed, is suppressed, so that nothing is sent to it again. Safe to repeat."""
    now = now or timezone.now()
    email = normalise_email(email)
    ended = Subscription.objects.filter(subscriber__email=email, list=distribution_list).exclude(
        status=Subscription.Status.UNSUBSCRIBED
    )
    ended.update(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=now)
    on_list_as_organisation = (
        distribution_list.member_organisations()
        .annotate(list_address=Lower(Trim("email")))
        .filter(list_address=email)
        .exists()
    )
    if on_list_as_organisation:
        suppress(
            email=email,
            reason=Suppression.Reason.UNSUBSCRIBED,
            source=source or f"Unsubscribed from {distribution_list}",
        )


def unsubscribe_everywhere(*, email: str, source: str = "", now=None) -> None:
    """Stop every email the lists send to this address: every subscription ends and the address
    is suppressed (re-imports skip it too)."""
    now = now or timezone.now()
    email = normalise_email(email)
    with transaction.atomic():
        Subscription.objects.filter(subscriber__email=email).exclude(
            status=Subscription.Status.UNSUBSCRIBED
        ).update(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=now)
        suppress(email=email, reason=Suppression.Reason.UNSUBSCRIBED, source=source)


def suppress(*, email: str, reason: str, source: str = "") -> Suppression:
    """Put an address on the suppression list (or keep the entry it has: the first reason
    stays, except that a complaint or a staff entry outranks an unsubscribe or a bounce, since
    only those two are lifted by the person's confirming again)."""
    email = normalise_email(email)
    suppression, created = Suppression.objects.get_or_create(
        email=email, defaults={"reason": reason, "source": source[:255]}
    )
    if (
        not created
        and suppression.reason in LIFTED_BY_CONFIRMATION
        and reason not in LIFTED_BY_CONFIRMATION
    ):
        suppression.reason, suppression.source = reason, source[:255]
        suppression.save(update_fields=["reason", "source"])
    return suppression


# --- Importing existing contacts ----------------------------------------------------------------


@dataclass
class ImportResult:
    added: int = 0
    already_on_list: int = 0
    suppressed: int = 0
    unsubscribed: int = 0


def _read_rows(data: bytes | str) -> list[dict]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(IMPORT_NOT_CSV) from None
    try:
        reader = csv.DictReader(io.StringIO(data))
        header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
        if "email" not in header:
            raise ValidationError(IMPORT_NO_EMAIL_COLUMN)
        reader.fieldnames = header
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) > IMPORT_MAX_ROWS:
                raise ValidationError(IMPORT_TOO_MANY)
    except csv.Error:
        raise ValidationError(IMPORT_NOT_CSV) from None
    return rows


def import_contacts(
    *,
    distribution_list: DistributionList,
    data: bytes | str,
    lawful_basis: str,
    by,
    now: datetime | None = None,
) -> ImportResult:
    """Add the contacts of a CSV file (columns "email" and, optionally, "name") to an internal
    list on the lawful basis stated, confirmed at once: they are people the office already
    corresponds with. All or nothing: any bad row refuses the whole file, with every bad row
    named by its row number (the header is row 1). Suppressed addresses, and people who
    unsubscribed from this list, are skipped and counted."""
    now = now or timezone.now()
    if distribution_list.is_public:
        raise ValidationError(IMPORT_PUBLIC_LIST)
    if lawful_basis not in LawfulBasis.values:
        raise ValidationError(
            {"lawful_basis": "Select the lawful basis for holding these addresses"}
        )
    rows = _read_rows(data)
    errors, contacts, seen = [], {}, set()
    for number, row in enumerate(rows, start=2):
        email = normalise_email(row.get("email"))
        name = (row.get("name") or "").strip()
        if (
            not email
            and not name
            and not any((v or "").strip() for v in row.values() if isinstance(v, str))
        ):
            continue  # a blank line
        if not email:
            errors.append(f"Row {number}: enter an email address")
            continue
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f"Row {number}: {email[:80]!r} is not a valid email address")
            continue
        if len(name) > 150:
            errors.append(f"Row {number}: the name must be 150 characters or fewer")
            continue
        if email in seen:
            continue  # one row per address; a repeat adds nothing
        seen.add(email)
        contacts[email] = name
    if errors:
        raise ValidationError(errors)
    if not contacts:
        raise ValidationError(IMPORT_EMPTY)

    result = ImportResult()
    wording = f"Imported by {by} on the basis of {LawfulBasis(lawful_basis).label.lower()}"
    with transaction.atomic():
        suppressed = set(
            Suppression.objects.filter(email__in=list(contacts)).values_list("email", flat=True)
        )
        result.suppressed = len(suppressed)
        wanted = {e: n for e, n in contacts.items() if e not in suppressed}
        Subscriber.objects.bulk_create(
            [Subscriber(email=e, name=n[:150]) for e, n in wanted.items()], ignore_conflicts=True
        )
        subscribers = {s.email: s for s in Subscriber.objects.filter(email__in=list(wanted))}
        existing = dict(
            Subscription.objects.filter(
                list=distribution_list, subscriber__email__in=list(wanted)
            ).values_list("subscriber__email", "status")
        )
        new = []
        for email in wanted:
            status = existing.get(email)
            if status == Subscription.Status.UNSUBSCRIBED:
                result.unsubscribed += 1
            elif status is not None:  # confirmed, or pending (confirmed below)
                result.already_on_list += 1
            else:
                new.append(
                    Subscription(
                        subscriber=subscribers[email],
                        list=distribution_list,
                        status=Subscription.Status.CONFIRMED,
                        consent_at=now,
                        consent_method=ConsentMethod.IMPORT,
                        consent_wording=wording,
                        lawful_basis=lawful_basis,
                        added_by=by,
                        confirmed_at=now,
                    )
                )
        Subscription.objects.bulk_create(new, batch_size=1000)
        # A pending subscription on an internal list is confirmed by the stated basis.
        Subscription.objects.filter(
            list=distribution_list,
            subscriber__email__in=list(wanted),
            status=Subscription.Status.PENDING,
        ).update(
            status=Subscription.Status.CONFIRMED,
            confirmed_at=now,
            lawful_basis=lawful_basis,
            consent_method=ConsentMethod.IMPORT,
            consent_wording=wording,
            added_by=by,
        )
        result.added = len(new)
    return result


# --- Bounces and complaints from the mail provider ----------------------------------------------

# anymail's normalised event types, and the suppression each one makes.
TRACKING_EVENTS = {
    "bounced": Suppression.Reason.BOUNCED,
    "complained": Suppression.Reason.COMPLAINT,
    "unsubscribed": Suppression.Reason.UNSUBSCRIBED,
}


def record_tracking_event(*, event_type: str, recipient: str, esp_name: str = "") -> bool:
    """Suppress the address of a bounce, complaint or provider-side unsubscribe (an anymail
    tracking event); returns whether the event was one of those. A soft bounce is reported by
    the providers as "deferred" and suppresses nothing."""
    reason = TRACKING_EVENTS.get(event_type)
    if reason is None or not recipient:
        return False
    try:
        validate_email(normalise_email(recipient))
    except ValidationError:
        logger.warning("A %s event named no usable address: %r", event_type, recipient)
        return False
    suppress(
        email=recipient,
        reason=reason,
        source=f"{esp_name or 'Mail provider'}: {event_type}",
    )
    return True


def consultations_list() -> DistributionList | None:
    return DistributionList.objects.filter(slug=CONSULTATIONS_LIST).first()


__all__ = [
    "CONSULTATION_WORDING",
    "ImportResult",
    "confirm_subscription",
    "consultations_list",
    "field_wording",
    "import_contacts",
    "is_suppressed",
    "read_unsubscribe",
    "record_tracking_event",
    "request_subscription",
    "sign_up_wording",
    "suppress",
    "unsubscribe",
    "unsubscribe_everywhere",
    "unsubscribe_url",
]


def handle_tracking(sender, event, esp_name="", **kwargs) -> None:
    """django-anymail's `tracking` signal receiver (connected in apps.py)."""
    record_tracking_event(
        event_type=getattr(event, "event_type", "") or "",
        recipient=getattr(event, "recipient", "") or "",
        esp_name=esp_name,
    )
