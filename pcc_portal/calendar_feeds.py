"""Private calendar feeds (decision 13): issuing, revoking and opening one by its secret.

A feed's secret is not a device token: it opens its one feed and nothing else, and a device
token opens no feed. Which events a feed shows, and who may have one, is for the app that serves
it to decide.
"""

from django.conf import settings
from django.core.exceptions import ValidationError

from .models import CalendarFeed, User
from .secret_keys import new_secret, open_secret, revoke_secret

FEED_NEEDS_TWO_FACTOR = (
    "Sign in with two-factor authentication before you get a private calendar link"
)


def issue_calendar_feed(
    *, user: User, verified: bool, name: str = "Calendar feed"
) -> tuple[CalendarFeed, str]:
    """Issue a private feed for `user` and return it with its secret, which is never shown again.

    `verified` says whether the person signed in with a second factor in this session; where
    two-factor sign-in is required, a feed cannot be had without it.
    Raises ValidationError for an unverified sign-in.
    """
    if settings.TWO_FACTOR_REQUIRED and not verified:
        raise ValidationError(FEED_NEEDS_TWO_FACTOR)
    key, stored = new_secret(CalendarFeed.new_key, shown=len(CalendarFeed.KEY_PREFIX) + 6)
    feed = CalendarFeed.objects.create(
        user=user, name=(name or "").strip()[:100] or "Calendar feed", **stored
    )
    return feed, key


def revoke_calendar_feed(*, feed: CalendarFeed) -> CalendarFeed:
    """End the feed from now on; revoking twice keeps the first time."""
    return revoke_secret(feed)


def is_feed_key(key: str) -> bool:
    """Whether `key` has the shape of a feed's secret (the API refuses those unseen)."""
    return key.startswith(CalendarFeed.KEY_PREFIX)


def open_calendar_feed(key: str) -> CalendarFeed | None:
    """The active feed with this secret, of an active person, its last use noted at most once a
    minute; None for anything else (a device token's key included)."""
    if not is_feed_key(key):
        return None
    return open_secret(CalendarFeed, key)
