from django.conf import settings

from .navigation import menu_for
from .public_cache import office_profile


def office(request):
    """The office's profile on every page, and the idle-timeout figures for signed-in staff."""
    context = {"office": office_profile()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["session_timeout_seconds"] = settings.SESSION_COOKIE_AGE
        context["session_warning_seconds"] = settings.SESSION_WARNING_SECONDS
    return context


def menus(request):
    """The menus the apps registered, cut down to what this person may open."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    path = request.path
    return {
        "public_nav": menu_for(user, "public", path),
        "personal_nav": menu_for(user, "personal", path),
        "staff_nav": menu_for(user, "staff", path),
        "footer_nav": menu_for(user, "footer", path),
    }
