"""Floods of submissions (decisions 20 and 21): the only abuse that is refused.

Everything else that looks wrong is stored and flagged (answering.py). A flood is counted per
client per minute in the cache, keyed on the client's daily hashed address, never the raw one;
the address is the socket's, or X-Forwarded-For's only behind TRUSTED_PROXY_COUNT proxies of
ours (pcc_portal/client_ip.py), so nobody escapes the count by sending the header themselves.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from pcc_portal.client_ip import client_fingerprint

KEY = "consultations:flood:{client}:{minute}"


def client_key(request) -> str:
    """The client's address as stored on a response: a keyed hash that changes daily."""
    return client_fingerprint(request).hex()


def per_minute() -> int:
    return getattr(settings, "CONSULTATION_FLOOD_PER_MINUTE", 30)


def flooding(request, *, now=None) -> bool:
    """Count one submission from this client; True once it has sent more than the limit this
    minute, for the view to answer 429 (pcc_portal.errors.too_many_requests) with the typed
    answers kept. Call it for submissions only, not for showing the form."""
    now = now or timezone.now()
    key = KEY.format(client=client_key(request), minute=int(now.timestamp()) // 60)
    # add() then incr() keeps the count right with several web processes on one shared cache.
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between the two calls: this is the minute's first.
        cache.set(key, 1, timeout=120)
        count = 1
    return count > per_minute()


def retry_after(*, now=None) -> int:
    """Seconds until the next minute, when the count starts again."""
    now = now or timezone.now()
    return 60 - int(now.timestamp()) % 60
