"""The plan's reporting to the office holder: the report as a workbook and as a page to print,
the reports issued (each read again as it was sent), and the dashboard.

Those who may see the plans (rule delivery_plan.see_plans: the office holder, the deputy and
the performance officers) open every page here; issuing a report asks its own rule
(delivery_plan.issue_report), through the service that freezes it.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from engagement.forms import add_service_errors
from engagement.views.access import rule_required

from . import dashboard as dashboards
from . import report_exports, services
from .milestones import long_date
from .models import Plan, ReportSnapshot
from .rules import ISSUE_REPORT, SEE_PLANS

ISSUED = "Report issued: {title}"
TITLE_HELP = "For example, Quarterly report, June 2026. Leave it empty to call it by its date"


def _plan(pk: int) -> Plan:
    return get_object_or_404(Plan, pk=pk)


def _snapshot(plan: Plan, snapshot_pk: int) -> ReportSnapshot:
    return get_object_or_404(
        ReportSnapshot.objects.select_related("issued_by", "plan"), pk=snapshot_pk, plan=plan
    )


def _xlsx(areas, *, plan: Plan, on) -> FileResponse:
    workbook = report_exports.write_xlsx(areas, plan_name=plan.name, as_at=f"As at {long_date(on)}")
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=report_exports.filename(plan, on),
        content_type=report_exports.XLSX_TYPE,
    )


# --- The live report --------------------------------------------------------------------------


@require_safe
@rule_required(SEE_PLANS)
def report_xlsx(request, pk):
    plan = _plan(pk)
    areas = report_exports.areas_of(services.report_rows(plan))
    return _xlsx(areas, plan=plan, on=timezone.localdate())


@require_safe
@rule_required(SEE_PLANS)
def report_print(request, pk):
    plan = _plan(pk)
    return render(
        request,
        "delivery_plan/staff/print.html",
        {
            "plan": plan,
            "areas": report_exports.areas_of(services.report_rows(plan)),
            "as_at": timezone.localdate(),
            "key": report_exports.key(),
            # A page for paper: no menus on it.
            "staff_nav": [],
        },
    )


# --- Issued reports ---------------------------------------------------------------------------


class IssueReportForm(forms.Form):
    title = forms.CharField(
        label="Title of the report (optional)",
        help_text=TITLE_HELP,
        max_length=ReportSnapshot._meta.get_field("title").max_length,
        required=False,
        error_messages={"max_length": "The title must be %(limit_value)s characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(Field.text("title"), Submit("submit", "Issue the report"))


@require_safe
@rule_required(SEE_PLANS)
def snapshot_list(request, pk):
    plan = _plan(pk)
    snapshots = plan.snapshots.select_related("issued_by").order_by(
        "-issued_on", "-created_at", "-id"
    )
    return render(
        request,
        "delivery_plan/staff/snapshots.html",
        {
            "plan": plan,
            "snapshots": [
                (snapshot, dashboards.Mix(str(snapshot), snapshot.status_counts()))
                for snapshot in snapshots
            ],
            "statuses": dashboards.definitions(),
            "may_issue": request.user.has_perm(ISSUE_REPORT),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(ISSUE_REPORT)
def issue_report(request, pk):
    plan = _plan(pk)
    form = IssueReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            snapshot = services.issue_report(
                plan=plan, by=request.user, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, ISSUED.format(title=snapshot))
            return redirect("delivery_plan_staff:snapshot", pk=plan.pk, snapshot_pk=snapshot.pk)
    counts = dashboards.all_areas(dashboards.by_area(plan))
    return render(
        request,
        "delivery_plan/staff/issue_report.html",
        {"plan": plan, "form": form, "counts": counts, "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )


@require_safe
@rule_required(SEE_PLANS)
def snapshot_detail(request, pk, snapshot_pk):
    plan = _plan(pk)
    snapshot = _snapshot(plan, snapshot_pk)
    counts = snapshot.status_counts()
    return render(
        request,
        "delivery_plan/staff/snapshot.html",
        {
            "plan": plan,
            "snapshot": snapshot,
            "areas": report_exports.areas_of(snapshot.rows),
            "counts": dashboards.Mix("In the report", counts),
            "key": report_exports.key(),
        },
    )


@require_safe
@rule_required(SEE_PLANS)
def snapshot_xlsx(request, pk, snapshot_pk):
    plan = _plan(pk)
    snapshot = _snapshot(plan, snapshot_pk)
    return _xlsx(report_exports.areas_of(snapshot.rows), plan=plan, on=snapshot.issued_on)


# --- The dashboard ----------------------------------------------------------------------------


@require_safe
@rule_required(SEE_PLANS)
def dashboard(request, pk):
    plan = _plan(pk)
    board = dashboards.build_dashboard(plan, today=timezone.localdate())
    return render(
        request,
        "delivery_plan/staff/dashboard.html",
        {
            "plan": plan,
            "board": board,
            "may_issue": request.user.has_perm(ISSUE_REPORT),
        },
    )
