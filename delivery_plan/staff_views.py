"""The delivery plan's staff working pages: the plans, a plan's report laid out as the office
reports it, an activity area's tasks updated in one form, and a plan brought in from a
spreadsheet.

Each door asks a rule of delivery_plan/rules.py; which tasks a person sees is
Task.objects.visible_to, and which they may update the rule delivery_plan.update_task, asked of
each task. The writing is the services' (services.py, importing.py).
"""

import csv
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from engagement.models import ActivityArea
from engagement.views.access import rule_required

from . import importing, report_rows, rules, services
from .forms import AreaGridForm, ImportForm, ReportFilter
from .models import Plan, RagUpdate, Task
from .rag import DEFINITIONS, NOT_RATED, ORDER
from .suggestions import suggestion_for

NOTHING_CHANGED = "Nothing was changed, so nothing was recorded"
IMPORT_REFUSED = "The file has {count} to put right, listed below: nothing was imported"


# --- The rows of the report -------------------------------------------------------------------


@dataclass
class Row:
    task: Task
    suggestion: object
    may_update: bool
    html: str = ""  # the row as the report page draws it (report_rows.draw)


@dataclass
class ActionBlock:
    action: object
    rows: list[Row] = field(default_factory=list)


@dataclass
class AreaBlock:
    area: ActivityArea
    actions: list[ActionBlock] = field(default_factory=list)
    may_update: bool = False

    @property
    def tasks(self) -> int:
        return sum(len(block.rows) for block in self.actions)


def _tasks_for_report(user, plan: Plan, today):
    """The plan's tasks this person may see, as a report row shows them, in the plan's order,
    with their suggestions, staleness and how many updates each has had."""
    updates = (
        RagUpdate.objects.filter(task=OuterRef("pk"))
        .order_by()
        .values("task")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return (
        Task.objects.visible_to(user)
        .in_plan(plan)
        .for_report()
        .with_signals(today)
        .annotate(update_count=Coalesce(Subquery(updates), 0))
    )


def _layout(tasks, user) -> list[AreaBlock]:
    """The tasks grouped as the report prints them: by activity area, then by action."""
    areas: list[AreaBlock] = []
    for task in tasks:
        action = task.action
        if not areas or areas[-1].area.pk != action.activity_area_id:
            areas.append(AreaBlock(action.activity_area))
        block = areas[-1]
        if not block.actions or block.actions[-1].action.pk != action.pk:
            block.actions.append(ActionBlock(action))
        may_update = user.has_perm(rules.UPDATE_TASK, task)
        block.may_update = block.may_update or may_update
        block.actions[-1].rows.append(Row(task, suggestion_for(task), may_update))
    return areas


def _rag_key() -> list:
    return [DEFINITIONS[key] for key in ORDER]


# --- The plans ----------------------------------------------------------------------------------


@require_safe
@rule_required(rules.OPEN_PLAN_PAGES)
def plan_list(request):
    user = request.user
    today = timezone.localdate()
    visible = Task.objects.visible_to(user)
    counts: dict[int, dict[str, int]] = {}
    for plan_id, status, total in (
        visible.order_by()
        .values("action__plan", "rag_status")
        .annotate(total=Count("pk", distinct=True))
        .values_list("action__plan", "rag_status", "total")
    ):
        counts.setdefault(plan_id, {})[status] = total
    stale = dict(
        visible.stale(today)
        .order_by()
        .values("action__plan")
        .annotate(total=Count("pk", distinct=True))
        .values_list("action__plan", "total")
    )
    may_see_plans = user.has_perm(rules.SEE_PLANS)
    plans = Plan.objects.all() if may_see_plans else Plan.objects.filter(pk__in=list(counts))
    rows = []
    for plan in plans:
        by_status = counts.get(plan.pk, {})
        rows.append(
            {
                "plan": plan,
                "tasks": sum(by_status.values()),
                "statuses": [
                    (definition, by_status.get(definition.key, 0))
                    for definition in (*_rag_key(), NOT_RATED)
                ],
                "stale": stale.get(plan.pk, 0),
            }
        )
    own = [
        Row(task, suggestion_for(task), user.has_perm(rules.UPDATE_TASK, task))
        for task in Task.objects.in_current_plans().led_by(user).for_report().with_signals(today)
    ]
    return render(
        request,
        "delivery_plan/staff/plans.html",
        {
            "current": [row for row in rows if row["plan"].is_current],
            "historic": [row for row in rows if not row["plan"].is_current],
            "own_tasks": own,
            "may_import": user.has_perm(rules.IMPORT_PLAN),
            "may_see_plans": may_see_plans,
        },
    )


# --- A plan's report ----------------------------------------------------------------------------


@require_safe
@rule_required(rules.OPEN_PLAN_PAGES)
def report(request, pk):
    plan = get_object_or_404(Plan, pk=pk)
    today = timezone.localdate()
    tasks = _tasks_for_report(request.user, plan, today)
    filters = ReportFilter(request.GET, queryset=tasks, request=request, plan=plan)
    valid = filters.is_valid()
    areas = _layout(filters.qs if valid else tasks.none(), request.user)
    report_rows.draw(areas)
    return render(
        request,
        "delivery_plan/staff/report.html",
        {
            "plan": plan,
            "filters": filters,
            "areas": areas,
            "shown": sum(area.tasks for area in areas),
            "rag_key": _rag_key(),
            "today": today,
            "may_see_plans": request.user.has_perm(rules.SEE_PLANS),
        },
        status=200 if valid else 400,
    )


# --- An activity area's tasks in one form -------------------------------------------------------


def _area_tasks(user, plan: Plan, area: ActivityArea, today) -> list[Task]:
    return list(_tasks_for_report(user, plan, today).filter(action__activity_area=area))


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.OPEN_PLAN_PAGES)
def area_grid(request, pk, number):
    plan = get_object_or_404(Plan, pk=pk)
    area = get_object_or_404(ActivityArea, number=number)
    if not plan.actions.filter(activity_area=area).exists():
        raise Http404("The plan has no actions in this activity area")
    user = request.user
    today = timezone.localdate()
    tasks = _area_tasks(user, plan, area, today)
    editable = [task for task in tasks if user.has_perm(rules.UPDATE_TASK, task)]
    form = AreaGridForm(request.POST or None, tasks=editable)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            changes = form.changes()
            if not changes:
                messages.info(request, NOTHING_CHANGED)
                return redirect("delivery_plan_staff:grid", pk=plan.pk, number=area.number)
            try:
                made = services.record_rag_updates(updates=changes, by=user, today=today)
            except services.RagUpdatesRefused as refused:
                form.add_task_errors(refused.by_task)
                # The tasks as they stand: nothing was recorded.
                tasks = _area_tasks(user, plan, area, today)
            else:
                count = len(made)
                messages.success(request, f"{count} update{'' if count == 1 else 's'} recorded.")
                return redirect(
                    f"{reverse('delivery_plan_staff:report', kwargs={'pk': plan.pk})}"
                    f"#area-{area.number}"
                )
    rows = [
        {
            "task": task,
            "suggestion": suggestion_for(task),
            "fields": form.fields_of(task),
        }
        for task in tasks
    ]
    return render(
        request,
        "delivery_plan/staff/grid.html",
        {
            "plan": plan,
            "area": area,
            "form": form,
            "rows": rows,
            "editable": len(editable),
            "rag_key": _rag_key(),
        },
        status=400 if form.errors else 200,
    )


# --- A plan from a spreadsheet ------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.IMPORT_PLAN)
def import_plan(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[importing.RowError] = []
    result = None
    if request.method == "POST" and form.is_valid():
        arguments = form.import_arguments()
        try:
            result = importing.import_plan(by=request.user, **arguments)
        except importing.ImportRefused as refused:
            name = " ".join(arguments["name"].split())
            for problem in refused.problems:
                if problem.row is None and problem.message == importing.PLAN_EXISTS.format(
                    name=name
                ):
                    form.add_error("name", problem.message)
                else:
                    problems.append(problem)
            if problems:
                count = len(problems)
                form.add_error(
                    "file",
                    IMPORT_REFUSED.format(count=f"{count} problem{'' if count == 1 else 's'}"),
                )
    return render(
        request,
        "delivery_plan/staff/import.html",
        {
            "form": form,
            "problems": problems,
            "result": result,
            "summary": list(importing.describe(result))[0] if result else "",
            "columns": importing.COLUMNS,
        },
        status=400 if form.errors else 200,
    )


@require_safe
@rule_required(rules.IMPORT_PLAN)
def import_template(request):
    """The template's header row as a CSV file to fill in."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="delivery-plan-template.csv"'
    # Excel reads a UTF-8 file as its own code page unless it starts with a byte-order mark.
    response.write("\ufeff")
    csv.writer(response).writerow(importing.template_headers())
    return response
