"""Who may open the staff pages: signed in, staff, and holding the page's permission."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def staff_permission_required(perm: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (request.user.is_staff and request.user.has_perm(perm)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def ambassador_required(view):
    """The ambassador's pages: signed in as someone with an active ambassador record."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        ambassador = getattr(request.user, "ambassador", None)
        if ambassador is None or not ambassador.active:
            raise PermissionDenied
        request.ambassador = ambassador
        return view(request, *args, **kwargs)

    return wrapped
