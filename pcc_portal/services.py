"""The portal floor's verbs."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import DeviceToken, User
from .roles import ROLES_BY_NAME, Role
from .secret_keys import new_secret, open_secret, revoke_secret

TOKEN_NAME_REQUIRED = "Enter a name for the device, such as Work phone"  # noqa: S105
TOKEN_NEEDS_TWO_FACTOR = "Sign in with two-factor authentication before you issue a device token"  # noqa: S105


@transaction.atomic
def set_roles(*, user: User, roles: list[Role | str]) -> User:
    """Give the person exactly these roles; staff status follows from them."""
    chosen = [ROLES_BY_NAME[r] if isinstance(r, str) else r for r in roles]
    user.groups.set(Group.objects.filter(name__in=[role.name for role in chosen]))
    user.is_staff = user.is_superuser or any(role.staff for role in chosen)
    user.save(update_fields=["is_staff"])
    return user


def issue_device_token(*, user: User, name: str, verified: bool) -> tuple[DeviceToken, str]:
    """Issue a token for one device and return it with its key, which is never shown again.

    `verified` says whether the person signed in with a second factor in this session; where
    two-factor sign-in is required, a token cannot be had without it.
    Raises ValidationError for an empty name or an unverified sign-in.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": TOKEN_NAME_REQUIRED})
    if settings.TWO_FACTOR_REQUIRED and not verified:
        raise ValidationError(TOKEN_NEEDS_TWO_FACTOR)
    key, stored = new_secret(DeviceToken.new_key, shown=8)
    now = timezone.now()
    token = DeviceToken.objects.create(
        user=user,
        name=name[:100],
        **stored,
        created_at=now,
        expires_at=now + timedelta(days=settings.DEVICE_TOKEN_DAYS),
    )
    return token, key


def revoke_device_token(*, token: DeviceToken) -> DeviceToken:
    """Revoke the token from now on; revoking twice keeps the first time."""
    return revoke_secret(token)


def authenticate_device_token(key: str) -> DeviceToken | None:
    """The active token with this key, its last use noted at most once a minute."""
    return open_secret(DeviceToken, key)
