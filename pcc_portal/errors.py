"""Errors are pages of the portal (decision 36): 400, 403, 404, 429 and 500 use the base layout,
say what happened and what to do next, and show no detail.

The root URLconf points handler400/403/404/500 here. A signed-in person refused a page gets the
403 page, never the sign-in form. Anything that refuses a person for asking too often renders
`too_many_requests()`.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from .models import OfficeProfile

logger = logging.getLogger(__name__)


def _office():
    """The office's profile, or a neutral stand-in when the database cannot give one (a 500 may
    be the database failing)."""
    try:
        return OfficeProfile.objects.get_current()
    except Exception:
        logger.warning("error page: the office profile could not be loaded", exc_info=True)
        return OfficeProfile(
            office_name="Engagement Portal", area_name="", holder_title="Commissioner"
        )


def render_error(request, template_name: str, status: int, context=None) -> HttpResponse:
    """Render an error page with the portal's layout. With a request, the context processors run
    (the office, the signed-in person); if that fails, or without a request, the page is drawn
    from the office alone."""
    template = loader.get_template(template_name)
    context = {"status_code": status, **(context or {})}
    if request is not None:
        try:
            return HttpResponse(template.render(context, request), status=status)
        except Exception:
            logger.warning(
                "error page %s: rendering with the request failed", status, exc_info=True
            )
    body = template.render({"office": _office(), **context})
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return render_error(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return render_error(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render_error(request, "404.html", 404)


def server_error(request):
    # No request context: whatever failed (a context processor, the database, the session) must
    # not fail the error page too.
    return render_error(None, "500.html", 500)


def too_many_requests(request, *, retry_after: int | None = None) -> HttpResponse:
    """The 429 page: a person asked too often. retry_after (seconds) becomes Retry-After and is
    told to them in minutes."""
    context = {}
    if retry_after:
        context["retry_after_minutes"] = max(1, -(-int(retry_after) // 60))
    response = render_error(request, "429.html", 429, context)
    if retry_after:
        response["Retry-After"] = str(int(retry_after))
    return response


class AdminRefusalMiddleware:
    """A signed-in person who may not use the admin (not staff) is told so with the 403 page,
    rather than sent back to the sign-in form as Django's admin does. The public still goes to
    sign in. It comes last in MIDDLEWARE, so that its 403 page passes through all the others
    (the Content-Security-Policy among them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._in_admin(request.path):
            from django.contrib import admin

            if not admin.site.has_permission(request):
                raise PermissionDenied
        return self.get_response(request)

    @staticmethod
    def _in_admin(path: str) -> bool:
        from django.urls import NoReverseMatch, reverse

        try:
            prefix = reverse("admin:index")
        except NoReverseMatch:
            return False
        return path.startswith(prefix) and not path.startswith(f"{prefix}login/")
