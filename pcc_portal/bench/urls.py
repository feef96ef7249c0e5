"""The portal's URLs plus a bare view, served only by the bench settings."""

from django.http import HttpResponse
from django.urls import path

from pcc_portal import urls as portal_urls


def bare(request):
    """The fastest page Django can serve through the portal's own middleware: the yardstick."""
    return HttpResponse("bare\n", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *portal_urls.urlpatterns]

# The portal's own error pages, if it names any.
for _name in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(portal_urls, _name):
        globals()[_name] = getattr(portal_urls, _name)
