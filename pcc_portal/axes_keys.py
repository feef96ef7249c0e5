"""How django-axes identifies a sign-in attempt: the real client address and the username."""

from .client_ip import client_ip


def client_ip_for_axes(request, *args) -> str:
    return client_ip(request)


def username_for_axes(request, credentials=None) -> str:
    """The username tried, from any of the portal's sign-in forms, lower-cased so that changing
    its case does not escape a lockout."""
    credentials = credentials or {}
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    username = (
        credentials.get("username")
        or credentials.get("email")
        or data.get("auth-username")
        or data.get("username")
        or ""
    )
    return username.strip().lower()
