"""What device tokens and calendar feeds do alike with their secrets.

Only a hash of a secret and its first few characters are stored: a stolen database opens
nothing, and the start is enough for a person to tell their secrets apart.
"""

from collections.abc import Callable
from datetime import timedelta

from django.db import models
from django.utils import timezone

from .models import hash_token_key

# Noting every use would write on every request made with the secret.
USE_NOTED_EVERY = timedelta(minutes=1)


def new_secret(new_key: Callable[[], str], *, shown: int) -> tuple[str, dict[str, str]]:
    """A new key, and the fields that stand for it in the database: its first `shown`
    characters and its hash."""
    key = new_key()
    return key, {"key_prefix": key[:shown], "key_hash": hash_token_key(key)}


def revoke_secret(held: models.Model) -> models.Model:
    """End it from now on; revoking twice keeps the first time."""
    if held.revoked_at is None:
        held.revoked_at = timezone.now()
        held.save(update_fields=["revoked_at"])
    return held


def open_secret(model: type[models.Model], key: str) -> models.Model | None:
    """The active one with this key, of an active person, its last use noted at most once a
    minute; None for any other key."""
    held = (
        model.objects.active()
        .select_related("user")
        .filter(key_hash=hash_token_key(key), user__is_active=True)
        .first()
    )
    if held is None:
        return None
    now = timezone.now()
    if held.last_used_at is None or now - held.last_used_at > USE_NOTED_EVERY:
        model.objects.filter(pk=held.pk).update(last_used_at=now)
        held.last_used_at = now
    return held
