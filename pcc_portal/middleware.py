from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .roles import requires_two_factor

# Pages a signed-in person can reach before they have set up a second factor.
OPEN_PATH_PREFIXES = (
    "/account/two_factor/",
    "/account/login/",
    "/account/logout/",
    "/static/",
    "/media/",
    "/healthz",
    "/accessibility/",
    "/privacy/",
)


class TwoFactorRequiredMiddleware:
    """Where two-factor sign-in is required, a staff member or ambassador who signed in without
    one is sent to set it up (or to verify it) before anything else; API token requests are
    authenticated by DRF later and never carry a session, so they pass."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TWO_FACTOR_REQUIRED and self._must_verify(request):
            return redirect(f"{reverse('two_factor:setup')}")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(OPEN_PATH_PREFIXES):
            return False
        if not requires_two_factor(user):
            return False
        return not user.is_verified()
