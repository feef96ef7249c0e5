"""Who may do what with the delivery plan: named predicates, registered as permissions and asked by
every door (the admin, the services, the querysets' `visible_to`, the pages and the API), with the
task when there is one: `user.has_perm(UPDATE_TASK, task)`.

A performance officer keeps the plan and may update any task; a lead (anyone working for the
office whose staff record names them as a task's lead) updates the tasks they lead; the office
holder and deputy read. A historic plan is kept as it was reported: nobody updates it.
"""

import rules

from engagement.rules import is_staff, staff_holding

# --- Pages and lists (asked without a record) --------------------------------------------------
SEE_PLANS = "delivery_plan.see_plans"
MANAGE_PLANS = "delivery_plan.manage_plans"
IMPORT_PLAN = "delivery_plan.import_plan"
ISSUE_REPORT = "delivery_plan.issue_report"
OPEN_OWN_TASKS = "delivery_plan.open_own_tasks"
# --- Records (asked with the task) -------------------------------------------------------------
VIEW_TASK = "delivery_plan.view_task_record"
UPDATE_TASK = "delivery_plan.update_task"


def _task_of(record):
    """The task a record belongs to: itself, or a milestone's or an update's."""
    if record is None or hasattr(record, "action_id"):
        return record
    return getattr(record, "task", None)


@rules.predicate
def leads_the_task(user, record) -> bool:
    """The person's staff record is one of the task's leads. Reads the task's leads as a list
    prefetched them, so a page asks it of every row without a query per row."""
    task = _task_of(record)
    if task is None or not user.is_authenticated:
        return False
    return any(lead.user_id == user.pk for lead in task.leads.all())


@rules.predicate
def leads_any_task(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    # Asked by the staff menu on every page: once per request (the user object is the request's).
    cached = getattr(user, "_leads_any_task", None)
    if cached is None:
        from .models import Task  # the models' querysets ask these rules

        cached = user._leads_any_task = Task.objects.in_current_plans().led_by(user).exists()
    return cached


@rules.predicate
def in_current_plan(user, record) -> bool:
    task = _task_of(record)
    return task is not None and task.action.plan.is_current


may_see_plans = staff_holding("delivery_plan.view_task")
may_manage_plans = staff_holding("delivery_plan.change_task")
is_lead = is_staff & leads_the_task

RULES = {
    SEE_PLANS: may_see_plans,
    MANAGE_PLANS: may_manage_plans,
    IMPORT_PLAN: staff_holding("delivery_plan.add_plan"),
    ISSUE_REPORT: staff_holding("delivery_plan.add_reportsnapshot"),
    # A lead's own list of tasks to update.
    OPEN_OWN_TASKS: is_staff & leads_any_task,
    VIEW_TASK: may_see_plans | is_lead,
    # The status, comment, milestones done and the task done: a performance officer for any
    # task, a lead for their own, and only while the plan is the one worked to.
    UPDATE_TASK: (may_manage_plans | is_lead) & in_current_plan,
}

for _name, _predicate in RULES.items():
    rules.set_perm(_name, _predicate)

# --- The staff pages of the plan (asked without a record) --------------------------------------
# Those who read the plans, and the leads of the current plans' tasks, who reach their own tasks
# through them. The menu entry and every staff page of the plan ask this one rule; what a lead
# sees there is narrowed to their tasks by Task.objects.visible_to.
OPEN_PLAN_PAGES = "delivery_plan.open_plan_pages"
rules.set_perm(OPEN_PLAN_PAGES, may_see_plans | RULES[OPEN_OWN_TASKS])
