"""How django-axes identifies a sign-in attempt: the client address (pseudonymised) and the
username."""

import hashlib

from .client_ip import pseudonymous_address

# django-axes keeps the username in 255-character columns; a longer one (nobody's email address
# is: RFC 5321 stops at 254) is kept as a hash, so typing one cannot fail the sign-in.
AXES_USERNAME_MAX_LENGTH = 255


def client_ip_for_axes(request, *args) -> str:
    # Lockouts are keyed on the address, but the address is personal data: axes stores a daily
    # keyed hash of it instead (a lockout that spans midnight ends at midnight).
    return pseudonymous_address(request)


def normalise_username(username: str) -> str:
    """A username as lockouts count it: lower-cased and trimmed, so that changing its case does
    not escape a lockout."""
    return str(username or "").strip().lower()


def username_for_axes(request, credentials=None) -> str:
    """The username tried, from any of the portal's sign-in forms, normalised, and hashed when
    it is too long for axes to store."""
    credentials = credentials or {}
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    username = normalise_username(
        credentials.get("username")
        or credentials.get("email")
        or data.get("auth-username")
        or data.get("username")
        or ""
    )
    if len(username) > AXES_USERNAME_MAX_LENGTH:
        return "sha256:" + hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()
    return username
