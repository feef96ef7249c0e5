from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from two_factor.urls import urlpatterns as two_factor_urls

from . import views
from .api_urls import router

app_urls = (
    [
        path("", views.home, name="home"),
        path("accessibility/", views.site_page, {"slug": "accessibility"}, name="accessibility"),
        path("privacy/", views.site_page, {"slug": "privacy"}, name="privacy"),
        path("account/", views.account, name="account"),
        path("account/start/", views.landing, name="landing"),
        path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
        path("account/session/keepalive/", views.session_keepalive, name="session_keepalive"),
        path("office-theme.css", views.office_theme, name="office_theme"),
    ],
    "pcc_portal",
)

urlpatterns = [
    path("", include(app_urls)),
    path("", include("engagement.urls")),
    path("healthz", views.healthz, name="healthz"),
    # Every sign-in, the admin's included, goes through the two-factor login.
    path("admin/login/", RedirectView.as_view(pattern_name="two_factor:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("", include(two_factor_urls)),
    path("account/logout/", LogoutView.as_view(), name="logout"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Errors are pages of the portal (pcc_portal/errors.py).
handler400 = "pcc_portal.errors.bad_request"
handler403 = "pcc_portal.errors.permission_denied"
handler404 = "pcc_portal.errors.page_not_found"
handler500 = "pcc_portal.errors.server_error"
