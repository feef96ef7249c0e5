"""The link that resets a forgotten password, and the emails that carry it.

Both the reset a person asks for and the warning sent when an account's sign-in is slowed down
(pcc_portal/account_limits.py) carry the same link, built with Django's token generator: it
works once, until the password changes, for PASSWORD_RESET_TIMEOUT.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .mail.services import send_email
from .models import OutboundMessage, User

RESET_EMAIL_TEMPLATE = "registration/email/password_reset"
RESET_SUBJECT = "Reset your password"
# Anyone can ask for a reset for any address: this many an hour per account stops the form
# being used to fill someone's inbox. Further requests are answered the same, and send nothing.
RESET_EMAILS_PER_HOUR = 3


def password_reset_url(*, user: User, request_base_url: str | None = None) -> str:
    """The absolute address of a fresh reset link for `user`: on SITE_URL when it is set, else
    on `request_base_url` (the scheme and host a request came to)."""
    path = reverse(
        "pcc_portal:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    base = getattr(settings, "SITE_URL", "") or request_base_url or ""
    return base.rstrip("/") + path


def link_lifetime() -> str:
    """How long a reset link works, in words: "3 days", "1 hour"."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds >= 86400 and seconds % 86400 == 0:
        days = seconds // 86400
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(1, seconds // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def send_password_reset(
    *, user: User, request_base_url: str | None = None
) -> OutboundMessage | None:
    """Email `user` a link to choose a new password, through the portal's send service.

    Returns the message, or None when the account has had RESET_EMAILS_PER_HOUR already this
    hour (the person asking is told the same either way).
    """
    recent = OutboundMessage.objects.filter(
        to_email=user.email,
        template=RESET_EMAIL_TEMPLATE,
        created_at__gte=timezone.now() - timedelta(hours=1),
    ).count()
    if recent >= RESET_EMAILS_PER_HOUR:
        return None
    return send_email(
        to=user.email,
        subject=RESET_SUBJECT,
        template=RESET_EMAIL_TEMPLATE,
        context={
            "name": user.get_short_name(),
            "reset_url": password_reset_url(user=user, request_base_url=request_base_url),
            "valid_for": link_lifetime(),
        },
        related=user,
    )
