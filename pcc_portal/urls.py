from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from two_factor.urls import urlpatterns as two_factor_urls

from . import media, staff_views, views
from .api_urls import router

app_urls = (
    [
        path("", views.home, name="home"),
        path("accessibility/", views.site_page, {"slug": "accessibility"}, name="accessibility"),
        path("privacy/", views.site_page, {"slug": "privacy"}, name="privacy"),
        path("decisions/", views.decision_list, name="decision_list"),
        path("decisions/<slug:slug>/", views.decision_detail, name="decision_detail"),
        path("account/", views.account, name="account"),
        path("account/start/", views.landing, name="landing"),
        path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
        path("account/calendar-feeds/<int:pk>/revoke/", views.revoke_feed, name="revoke_feed"),
        path("account/session/keepalive/", views.session_keepalive, name="session_keepalive"),
        # Before the two-factor app's own URLs, so that this sign-in view answers.
        path("account/login/", views.SignInView.as_view(), name="sign_in"),
        path("account/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
        path(
            "account/password_reset/done/",
            views.PasswordResetDoneView.as_view(),
            name="password_reset_done",
        ),
        path(
            "account/reset/<uidb64>/<token>/",
            views.PasswordResetConfirmView.as_view(),
            name="password_reset_confirm",
        ),
        path(
            "account/reset/done/",
            views.PasswordResetCompleteView.as_view(),
            name="password_reset_complete",
        ),
        path(
            "account/password_change/",
            views.PasswordChangeView.as_view(),
            name="password_change",
        ),
        path(
            "account/password_change/done/",
            views.PasswordChangeDoneView.as_view(),
            name="password_change_done",
        ),
        path("office-theme.css", views.office_theme, name="office_theme"),
        path("staff/reminders/", staff_views.reminders_sent, name="reminders_sent"),
    ],
    "pcc_portal",
)

urlpatterns = [
    path("", include(app_urls)),
    path("", include("engagement.urls")),
    path("", include("consultations.urls")),
    path("", include("consultations.staff_urls")),
    path("", include("grants.urls")),
    path("", include("grants.staff_urls")),
    path("", include("delivery_plan.urls")),
    path("", include("delivery_plan.staff_urls")),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page names; temporary, as the file's name
    # changes with its content.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("portal/favicon.ico"))),
    # Every sign-in, the admin's included, goes through the two-factor login.
    path("admin/login/", RedirectView.as_view(pattern_name="two_factor:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("", include(two_factor_urls)),
    path("account/logout/", LogoutView.as_view(), name="logout"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

# Uploaded files, with or without DEBUG (pcc_portal/media.py), unless MEDIA_URL points at a web
# server or a store that serves them itself.
if settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve_upload, name="media")
    )

# The mail provider's tracking webhooks, when one is configured (settings: ANYMAIL_ESP).
if "anymail" in settings.INSTALLED_APPS:
    urlpatterns.append(path("anymail/", include("anymail.urls")))

# Errors are pages of the portal (pcc_portal/errors.py).
handler400 = "pcc_portal.errors.bad_request"
handler403 = "pcc_portal.errors.permission_denied"
handler404 = "pcc_portal.errors.page_not_found"
handler500 = "pcc_portal.errors.server_error"
