from django.conf import settings

from .models import OfficeProfile


def office(request):
    """The office's profile on every page, and the idle-timeout figures for signed-in staff."""
    context = {"office": OfficeProfile.objects.get_current()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["session_timeout_seconds"] = settings.SESSION_COOKIE_AGE
        context["session_warning_seconds"] = settings.SESSION_WARNING_SECONDS
    return context
