"""Applicants' accounts: registering with an email address, and proving it is theirs.

A new account holds no role until its owner opens the link emailed to them; only then does it
join the Applicant role (no second factor), which is what lets it apply (rule grants.apply). So
an address typed by someone else never gets an account that can apply in its owner's name.

Registering never tells anyone whether an address already has an account: the page says the
same thing whatever happened, and the address's owner is emailed either a link to confirm it or
a note that they already have an account. Each address gets at most EMAILS_PER_HOUR of these an
hour, so the form cannot be used to fill someone's inbox; a client registering more than
REGISTRATIONS_PER_HOUR accounts is refused with the 429 page.

The link is signed and expires (LINK_LIFETIME). It names the account and its address, so it
stops working if the address is changed.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pcc_portal.account_limits import forget_wrong_passwords, seconds_to_wait
from pcc_portal.mail.services import absolute_url, date_in_words, send_email
from pcc_portal.models import OutboundMessage, User
from pcc_portal.roles import APPLICANT
from pcc_portal.services import set_roles

VERIFY_SALT = "grants.accounts.verify-email"
LINK_LIFETIME = timedelta(days=3)
EMAILS_PER_HOUR = 3
REGISTRATIONS_PER_HOUR = 10
VERIFY_TEMPLATE = "grants/public/email/verify_email"
ALREADY_REGISTERED_TEMPLATE = "grants/public/email/already_registered"
VERIFY_SUBJECT = "Confirm your email address to apply for a grant"
ALREADY_REGISTERED_SUBJECT = "You already have an account to apply for grants"
FLOOD_KEY = "grants:registrations:{client}:{hour}"

EMAIL_REQUIRED = "Enter your email address"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
NAME_REQUIRED = "Enter your full name"
LINK_EXPIRED = "The link has expired"
LINK_BROKEN = "The link is not right"


@dataclass(frozen=True)
class Verification:
    user: User
    newly_verified: bool


def awaiting_verification(user) -> bool:
    """A public account that has not yet proved its address: signed in, no role at all."""
    return bool(
        user.is_authenticated
        and user.is_active
        and not user.is_staff
        and not user.is_superuser
        and not user.groups.exists()
    )


def verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email.lower()}, salt=VERIFY_SALT)


def verification_url(user: User) -> str:
    return absolute_url(reverse("grants:verify", args=[verification_token(user)]))


def _emails_this_hour(email: str) -> int:
    return OutboundMessage.objects.filter(
        to_email__iexact=email,
        template__in=(VERIFY_TEMPLATE, ALREADY_REGISTERED_TEMPLATE),
        created_at__gte=timezone.now() - timedelta(hours=1),
    ).count()


def send_verification(*, user: User) -> OutboundMessage | None:
    """Email the account's owner the link that confirms their address. Returns the message, or
    None when the address has had EMAILS_PER_HOUR already this hour."""
    if _emails_this_hour(user.email) >= EMAILS_PER_HOUR:
        return None
    expires = timezone.localdate(timezone.now() + LINK_LIFETIME)
    return send_email(
        to=user.email,
        subject=VERIFY_SUBJECT,
        template=VERIFY_TEMPLATE,
        context={
            "name": user.get_short_name(),
            "verify_url": verification_url(user),
            "expires": date_in_words(expires),
            "grants_url": absolute_url(reverse("grants:round_list")),
        },
        related=user,
    )


def _tell_already_registered(user: User) -> OutboundMessage | None:
    if _emails_this_hour(user.email) >= EMAILS_PER_HOUR:
        return None
    return send_email(
        to=user.email,
        subject=ALREADY_REGISTERED_SUBJECT,
        template=ALREADY_REGISTERED_TEMPLATE,
        context={
            "name": user.get_short_name(),
            "sign_in_url": absolute_url(reverse("two_factor:login")),
            "reset_url": absolute_url(reverse("pcc_portal:password_reset")),
        },
        related=user,
    )


def registration_wait(*, email: str, client_key: str, now=None) -> int:
    """0 if this client may register this address now, else the seconds to wait: while the
    address's sign-in is slowed down (someone guessing its password), or once the client has
    registered REGISTRATIONS_PER_HOUR accounts this hour. Counts one registration."""
    wait = seconds_to_wait(username=email)
    if wait:
        return wait
    now = now or timezone.now()
    hour = int(now.timestamp()) // 3600
    key = FLOOD_KEY.format(client=client_key, hour=hour)
    # add() then incr() keeps the count right with several web processes on one shared cache.
    cache.add(key, 0, timeout=7200)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=7200)
        count = 1
    if count > REGISTRATIONS_PER_HOUR:
        return 3600 - int(now.timestamp()) % 3600
    return 0


def register_applicant(*, email: str, full_name: str, password: str) -> User:
    """Open an applicant's account, or, for an address that has one, email its owner instead.

    The account holds no role until its address is confirmed (verify_applicant); the link is
    emailed when the caller's transaction commits. Returns the account the address belongs to.
    Raises ValidationError for a missing name, a bad address or a password the portal refuses
    (checked first, so that the answer never depends on whether the address has an account).
    """
    email = User.objects.normalize_email((email or "").strip()).lower()
    full_name = " ".join((full_name or "").split())
    errors: dict[str, list[str]] = {}
    if not email:
        errors["email"] = [EMAIL_REQUIRED]
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [EMAIL_FORMAT]
    if not full_name:
        errors["full_name"] = [NAME_REQUIRED]
    candidate = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        errors["password"] = error.messages
    if not errors:
        try:
            candidate.full_clean(exclude=["password"], validate_unique=False)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        candidate.set_password(password)
        try:
            with transaction.atomic():
                candidate.save()
        except IntegrityError:
            # Registered a moment ago, by another request with the same address.
            existing = User.objects.get(email__iexact=email)
        else:
            send_verification(user=candidate)
            return candidate
    if awaiting_verification(existing):
        send_verification(user=existing)
    else:
        _tell_already_registered(existing)
    return existing


def verify_applicant(*, token: str) -> Verification:
    """Confirm the address the link was sent to: the account joins the Applicant role, and any
    wait on its sign-in ends (its owner has just proved the address is theirs). Opening the
    link again changes nothing. Raises ValidationError LINK_EXPIRED (code "expired") or
    LINK_BROKEN (code "broken")."""
    try:
        payload = signing.loads(token, salt=VERIFY_SALT, max_age=LINK_LIFETIME)
    except signing.SignatureExpired:
        raise ValidationError(LINK_EXPIRED, code="expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError(LINK_BROKEN, code="broken") from None
    if not isinstance(payload, dict):
        raise ValidationError(LINK_BROKEN, code="broken")
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=payload.get("user")).first()
        if user is None or not user.is_active or user.email.lower() != payload.get("email"):
            raise ValidationError(LINK_BROKEN, code="broken")
        if not awaiting_verification(user):
            return Verification(user=user, newly_verified=False)
        set_roles(user=user, roles=[APPLICANT])
        forget_wrong_passwords(user=user)
    return Verification(user=user, newly_verified=True)
