"""The client's address, read so that nobody can forge it with a header.

X-Forwarded-For is believed only when TRUSTED_PROXY_COUNT says how many proxies stand in front
of the portal; the address is then the one that many hops from the right, the last one a proxy
of ours saw. Otherwise the socket's address is used.
"""

import hashlib
import hmac
import ipaddress
from datetime import date

from django.conf import settings
from django.utils import timezone


def client_ip(request) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_fingerprint(request, *, day: date | None = None) -> bytes:
    """The client's address as a keyed hash whose key changes every day: the same client gives
    the same value on one day (enough to spot repeats and floods) and cannot be traced back to
    an address, or linked across days, from what is stored."""
    day = day or timezone.localdate()
    key = hashlib.sha256(f"{settings.SECRET_KEY}:client-address:{day.isoformat()}".encode())
    return hmac.new(key.digest(), client_ip(request).encode(), hashlib.sha256).digest()


def pseudonymous_address(request) -> str:
    """The fingerprint shaped as an IPv6 unique-local address (fd00::/8), for stores such as
    django-axes' that only take an IP address field. It is never the client's real address."""
    return str(ipaddress.IPv6Address(b"\xfd" + client_fingerprint(request)[:15]))
