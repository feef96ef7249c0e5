"""The client's address, read so that nobody can forge it with a header.

X-Forwarded-For is believed only when TRUSTED_PROXY_COUNT says how many proxies stand in front
of the portal; the address is then the one that many hops from the right, the last one a proxy
of ours saw. Otherwise the socket's address is used.
"""

from django.conf import settings


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
