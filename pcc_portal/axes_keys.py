"""How django-axes identifies a sign-in attempt: the client address (pseudonymised) and the
username."""

from .client_ip import pseudonymous_address


def client_ip_for_axes(request, *args) -> str:
    # Lockouts are keyed on the address, but the address is personal data: axes stores a daily
    # keyed hash of it instead (a lockout that spans midnight ends at midnight).
    return pseudonymous_address(request)


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
