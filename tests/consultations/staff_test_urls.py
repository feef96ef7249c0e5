"""The root URLconf with the consultations staff pages, whether or not the root includes them
yet; the error handlers are the portal's."""

from django.urls import include, path

from pcc_portal import urls as root

_included = any(
    getattr(pattern, "namespace", None) == "consultations_staff" for pattern in root.urlpatterns
)
urlpatterns = list(root.urlpatterns)
if not _included:
    urlpatterns.insert(0, path("", include("consultations.staff_urls")))

handler400 = root.handler400
handler403 = root.handler403
handler404 = root.handler404
handler500 = root.handler500
