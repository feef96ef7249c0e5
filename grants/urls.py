"""The public grant pages and the applicant's own pages, included by the root URLconf."""

from django.urls import path  # noqa: F401

from . import account_views, application_views, grantee_views, public_views, published_views

app_name = "grants"
urlpatterns = []

# The grantee's own award, its offer and its monitoring reports.
urlpatterns += [
    path("grants/awards/<int:pk>/", grantee_views.award_detail, name="grantee_award"),
    path("grants/awards/<int:pk>/accept/", grantee_views.accept, name="grantee_accept"),
    path(
        "grants/awards/<int:pk>/reports/<int:report_pk>/",
        grantee_views.report_detail,
        name="grantee_report",
    ),
]

# What the office publishes: every award, and the same as 360Giving data.
urlpatterns += [
    path("grants/awarded/", published_views.awarded, name="awarded"),
    path("grants/360giving.json", published_views.threesixty_json, name="threesixty_json"),
    path("grants/360giving.csv", published_views.threesixty_csv, name="threesixty_csv"),
]

# The open rounds, and an applicant's account and applications. The paths with words come before
# a round's address, so no round's name can hide them.
urlpatterns += [
    path("grants/", public_views.round_list, name="round_list"),
    path("grants/account/register/", account_views.register, name="register"),
    path("grants/account/check-your-email/", account_views.registered, name="registered"),
    path("grants/account/confirm/<str:token>/", account_views.verify, name="verify"),
    path("grants/account/send-link-again/", account_views.send_link_again, name="send_link_again"),
    path("grants/applications/", application_views.application_list, name="application_list"),
    path("grants/applications/<int:pk>/", application_views.application_detail, name="application"),
    path("grants/applications/<int:pk>/check/", application_views.check, name="check"),
    path("grants/applications/<int:pk>/sent/", application_views.sent, name="sent"),
    path(
        "grants/applications/<int:pk>/attachments/<int:attachment_pk>/remove/",
        application_views.remove_attachment,
        name="remove_attachment",
    ),
    path("grants/applications/<int:pk>/<slug:section>/", application_views.section, name="section"),
    path("grants/rounds/<slug:slug>/", public_views.round_detail, name="round_detail"),
    path("grants/rounds/<slug:slug>/apply/", application_views.start, name="start"),
]
