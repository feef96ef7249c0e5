"""The staff pages of the delivery plan, included by the root URLconf."""

from django.urls import path  # noqa: F401

app_name = "delivery_plan_staff"
urlpatterns = []

# The report as a workbook and on paper, the reports issued, and the office holder's dashboard.
from . import report_views  # noqa: E402

urlpatterns += [
    path("staff/delivery-plan/<int:pk>/report.xlsx", report_views.report_xlsx, name="report_xlsx"),
    path("staff/delivery-plan/<int:pk>/print/", report_views.report_print, name="report_print"),
    path("staff/delivery-plan/<int:pk>/dashboard/", report_views.dashboard, name="dashboard"),
    path("staff/delivery-plan/<int:pk>/reports/", report_views.snapshot_list, name="snapshots"),
    path(
        "staff/delivery-plan/<int:pk>/reports/issue/",
        report_views.issue_report,
        name="issue_report",
    ),
    path(
        "staff/delivery-plan/<int:pk>/reports/<int:snapshot_pk>/",
        report_views.snapshot_detail,
        name="snapshot",
    ),
    path(
        "staff/delivery-plan/<int:pk>/reports/<int:snapshot_pk>/report.xlsx",
        report_views.snapshot_xlsx,
        name="snapshot_xlsx",
    ),
]

# The plans, a plan's report, a task's page, an activity area's tasks in one form, and the import.
from . import staff_views, task_views  # noqa: E402

urlpatterns += [
    path("staff/delivery-plan/", staff_views.plan_list, name="plans"),
    path("staff/delivery-plan/import/", staff_views.import_plan, name="import"),
    path(
        "staff/delivery-plan/import/template.csv",
        staff_views.import_template,
        name="import_template",
    ),
    path("staff/delivery-plan/tasks/<int:pk>/", task_views.task_page, name="task"),
    path("staff/delivery-plan/<int:pk>/", staff_views.report, name="report"),
    path("staff/delivery-plan/<int:pk>/areas/<int:number>/", staff_views.area_grid, name="grid"),
]
