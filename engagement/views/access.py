"""The doors of the staff and ambassador pages: each asks one rule of engagement/rules.py.

Someone not signed in is sent to sign in; someone signed in whom the rule refuses is told so
(403), never sent back to the sign-in form.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from ..rules import OPEN_AMBASSADOR_PAGES


def rule_required(rule: str):
    """Open the view only to a signed-in person who passes `rule` (a page-level rule)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(rule):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.rule = rule
        return wrapped

    return decorator


def ambassador_required(view):
    """The ambassador's pages (rule engagement.open_ambassador_pages); the view finds the
    person's ambassador record as request.ambassador."""

    @rule_required(OPEN_AMBASSADOR_PAGES)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # A superuser passes every rule without necessarily being an ambassador.
        ambassador = getattr(request.user, "ambassador", None)
        if ambassador is None or not ambassador.active:
            raise PermissionDenied
        request.ambassador = ambassador
        return view(request, *args, **kwargs)

    return wrapped
