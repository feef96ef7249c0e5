"""A limit on wrong passwords per account, whatever address they come from.

django-axes locks an account name from one address (AXES_LOCKOUT_PARAMETERS), so that nobody
can lock a colleague out from elsewhere; on its own it lets guesses spread over many addresses
go on for ever. So wrong passwords are also counted per account name across addresses. Once
SIGN_IN_ACCOUNT_FAILURE_LIMIT of them come within SIGN_IN_ACCOUNT_WINDOW, each further try
must wait: SIGN_IN_ACCOUNT_FIRST_DELAY_SECONDS after the last wrong password, doubling with
each one after, up to SIGN_IN_ACCOUNT_MAX_DELAY_SECONDS. A try made during the wait is refused
with the 429 page before the password is looked at, and is not counted.

Nothing here locks anyone out: once the wait has passed, the right password works. The owner
is emailed once each time sign-in slows down, with a link to reset the password; a reset ends
the wait. Unknown names are slowed down the same way, so the 429 tells nobody whether an
account exists.
"""

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .axes_keys import normalise_username
from .mail.services import send_email
from .models import AccountSignInFailures, User
from .password_reset import link_lifetime, password_reset_url

ATTEMPTS_EMAIL_TEMPLATE = "registration/email/sign_in_attempts"
ATTEMPTS_SUBJECT = "Attempts to sign in to your account"


def _key(username: str) -> str:
    return salted_hmac(
        "pcc_portal.account_limits", normalise_username(username), algorithm="sha256"
    ).hexdigest()


def sign_in_wait(*, failures: int) -> timedelta:
    """How long after the last wrong password the next try must wait, with this many counted."""
    over = failures - settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT
    if over < 0:
        return timedelta(0)
    # Past the cap the doubling no longer matters; stop before the number grows huge.
    seconds = settings.SIGN_IN_ACCOUNT_FIRST_DELAY_SECONDS * 2 ** min(over, 32)
    return timedelta(seconds=min(seconds, settings.SIGN_IN_ACCOUNT_MAX_DELAY_SECONDS))


def _episode_over(row: AccountSignInFailures, now: datetime) -> bool:
    """Whether the count has lapsed: under the limit, the window runs from the first wrong
    password; once slowed, from the last."""
    since = (
        row.last_failure_at
        if row.failures >= settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT
        else row.first_failure_at
    )
    return now - since > settings.SIGN_IN_ACCOUNT_WINDOW


def seconds_to_wait(*, username: str) -> int:
    """0 if a sign-in for `username` may be tried now, else the whole seconds left to wait."""
    if not username:
        return 0
    row = AccountSignInFailures.objects.filter(username_key=_key(username)).first()
    if row is None:
        return 0
    now = timezone.now()
    if _episode_over(row, now):
        return 0
    left = (row.last_failure_at + sign_in_wait(failures=row.failures) - now).total_seconds()
    return max(0, math.ceil(left))


def note_wrong_password(*, username: str) -> AccountSignInFailures | None:
    """Count one wrong password for `username`; when that makes sign-in slow down, email the
    owner (once until the count lapses or the password is reset).

    The email is queued when the caller's transaction commits (send_email).
    """
    if not username:
        return None
    now = timezone.now()
    with transaction.atomic():
        row, _ = AccountSignInFailures.objects.select_for_update().get_or_create(
            username_key=_key(username),
            defaults={"failures": 0, "first_failure_at": now, "last_failure_at": now},
        )
        if _episode_over(row, now):
            row.failures, row.first_failure_at, row.owner_told_at = 0, now, None
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT and row.owner_told_at is None:
            owner = User.objects.filter(email__iexact=username.strip(), is_active=True).first()
            if owner is not None:
                _tell_owner(owner=owner, failures=row.failures)
            row.owner_told_at = now
        row.save()
    return row


def _tell_owner(*, owner: User, failures: int) -> None:
    wait = sign_in_wait(failures=failures)
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    send_email(
        to=owner.email,
        subject=ATTEMPTS_SUBJECT,
        template=ATTEMPTS_EMAIL_TEMPLATE,
        context={
            "name": owner.get_short_name(),
            "failures": failures,
            "wait": f"{minutes} minute{'s' if minutes != 1 else ''}",
            "reset_url": password_reset_url(user=owner),
            "valid_for": link_lifetime(),
        },
        related=owner,
    )


def forget_wrong_passwords(*, user: User) -> None:
    """End the wait for `user`'s account: they have just proved it is theirs (a password reset)."""
    AccountSignInFailures.objects.filter(username_key=_key(user.email)).delete()


class WrongPasswordCounter:
    """An authentication backend that signs nobody in: it counts the wrong password.

    It comes last in AUTHENTICATION_BACKENDS, so Django only asks it once every backend before
    it has found the password wrong; a try that django-axes refused unseen (that name locked
    from that address) stops before it, with no password checked, and is not counted.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and password:
            note_wrong_password(username=str(username))
        return None

    def get_user(self, user_id):
        return None
