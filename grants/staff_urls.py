"""The staff pages of grants, included by the root URLconf."""

from django.urls import path  # noqa: F401

app_name = "grants_staff"
urlpatterns = []

# Assessing applications, a round's assessment, the rounds' budgets and the awards.
from . import assessment_views, award_views  # noqa: E402

urlpatterns += [
    path("staff/grants/assessment/", assessment_views.assessor_queue, name="assessor_queue"),
    path(
        "staff/grants/assessment/<int:pk>/",
        assessment_views.score_application,
        name="score_application",
    ),
    path(
        "staff/grants/assessment/<int:pk>/conflict/",
        assessment_views.declare_conflict,
        name="declare_conflict",
    ),
    path("staff/grants/rounds/", award_views.rounds_overview, name="rounds_overview"),
    path(
        "staff/grants/rounds/<int:pk>/assessment/",
        assessment_views.round_assessment,
        name="round_assessment",
    ),
    path(
        "staff/grants/rounds/<int:pk>/assessment/<int:application_pk>/",
        assessment_views.application_assessment,
        name="application_assessment",
    ),
    path("staff/grants/awards/", award_views.award_list, name="award_list"),
    path("staff/grants/awards/<int:pk>/", award_views.award_detail, name="award_detail"),
    path("staff/grants/awards/<int:pk>/close/", award_views.award_close, name="award_close"),
    path(
        "staff/grants/awards/<int:pk>/reports/<int:report_pk>/",
        award_views.report_review,
        name="report_review",
    ),
]

# The grants officers' queue of applications and the moves on each (grants/staff_views.py).
from . import staff_views  # noqa: E402

urlpatterns += [
    path("staff/grants/applications/", staff_views.application_queue, name="applications"),
    path(
        "staff/grants/applications/<int:pk>/",
        staff_views.application_detail,
        name="application",
    ),
    path(
        "staff/grants/applications/<int:pk>/eligibility/",
        staff_views.eligibility,
        name="eligibility",
    ),
    path(
        "staff/grants/applications/<int:pk>/organisation/",
        staff_views.link_organisation,
        name="link_organisation",
    ),
    path(
        "staff/grants/applications/<int:pk>/recommend/",
        staff_views.recommend,
        name="recommend",
    ),
    path("staff/grants/applications/<int:pk>/decide/", staff_views.decide, name="decide"),
    path("staff/grants/applications/<int:pk>/withdraw/", staff_views.withdraw, name="withdraw"),
    path("staff/grants/direct-awards/new/", staff_views.direct_award, name="direct_award"),
    path(
        "staff/grants/attachments/<int:pk>/",
        staff_views.attachment_download,
        name="attachment",
    ),
]

# The reports on the awards and the budgets, and their workbook.
from . import report_views  # noqa: E402

urlpatterns += [
    path("staff/grants/reports/", report_views.report_page, name="reports"),
    path("staff/grants/reports.xlsx", report_views.report_xlsx, name="reports_xlsx"),
]
