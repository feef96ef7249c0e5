"""Nothing personal is kept by a cache: not a shared proxy's, nor the browser's copy that the
back button shows after signing out on a shared computer."""

from django.conf import settings

NO_STORE = "no-store, private"
API_PREFIX = "/api/"


class PrivateResponsesMiddleware:
    """`Cache-Control: no-store, private` on every response to a signed-in or token-carrying
    request and on every API response, unless the view said otherwise (a public feed sets its
    own). One rule for every page, so that a new page holding personal data needs no
    decorator to be safe; the public cache only ever keeps anonymous visitors' pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response and self._personal(request):
            response["Cache-Control"] = NO_STORE
        return response

    @staticmethod
    def _personal(request) -> bool:
        if request.path.startswith(API_PREFIX) or "HTTP_AUTHORIZATION" in request.META:
            return True
        # Only a visitor who sent a session cookie can be signed in; asking anyone else would
        # read (and mark as read) an empty session for nothing.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
