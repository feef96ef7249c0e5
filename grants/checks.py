"""System checks for what the grants' publication needs from the office's set-up."""

from django.core.checks import Warning, register
from django.db import DatabaseError

from .threesixty import office_prefix

PREFIX_HINT = (
    "Register a prefix with 360Giving (it starts 360G-) and set threesixty_prefix to it in the "
    "[office] section of the office's data file (or in the admin, under Office profile): the "
    "grants published in the 360Giving data are identified by it."
)


@register("office")
def threesixty_giving_prefix_is_set(app_configs, **kwargs):
    """Without the office's prefix the 360Giving data would carry grant identifiers that clash
    with every other publisher's."""
    try:
        if office_prefix():
            return []
    except DatabaseError:
        return []  # not migrated yet; migrate comes first
    return [
        Warning(
            "The office's 360Giving identifier prefix is not set, so the grants published at "
            "/grants/360giving.json have no identifiers of their own.",
            hint=PREFIX_HINT,
            id="grants.W001",
        )
    ]
