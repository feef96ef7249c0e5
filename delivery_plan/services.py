"""The delivery plan's verbs. Pages, the API, the admin, the import and the demo data call these;
none of them repeats their rules.

Each takes keyword arguments, asks the rules in rules.py with the task, validates, and owns its
transaction. A task's row is locked first, so two people updating it at once act one after the
other, the second on what the first left. Refusals are PermissionDenied (the person) or
ValidationError (the input, with field messages); nothing is written then.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from . import rules
from .milestones import Timescale, read_timescale
from .models import Milestone, Plan, RagUpdate, ReportSnapshot, Task
from .rag import RagStatus

__all__ = [
    "add_milestone",
    "add_milestones_from_wording",
    "create_milestones",
    "issue_report",
    "mark_milestone_done",
    "mark_task_done",
    "record_rag_update",
    "report_rows",
    "set_review_date",
    "unique_plan_slug",
    "write_rag_update",
]

CANNOT_UPDATE = "You cannot update this task"
CANNOT_ISSUE = "You cannot issue reports of the delivery plan"
CHOOSE_STATUS = "Select the RAG status: red, amber or green"
ENTER_COMMENT = "Enter a comment on the status"
FUTURE_DATE = "The date of the status must be today or in the past"
FUTURE_DONE = "The date it was done must be today or in the past"
NOT_ONGOING = "Only an ongoing task has a review date: this task's milestones say when it is due"
NOTHING_READ = "No date could be read from “{wording}”: enter the dates of the milestones"


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _lock(task: Task) -> Task:
    """The task's row, locked until the caller's transaction ends, with its plan (which the
    rules read). Only the task's row is locked: the plan's stays free for the other tasks."""
    return (
        Task.objects.select_for_update(of=("self",)).select_related("action__plan").get(pk=task.pk)
    )


def _ask(by, rule: str, record, message: str) -> None:
    if by is None or not by.has_perm(rule, record):
        raise PermissionDenied(message)


# --- The status -----------------------------------------------------------------------------


def _set_current(task: Task, update: RagUpdate) -> None:
    """Copy the update onto the task as its current status, unless a later one is there already
    (an update back-dated to fill in the history leaves the current status alone)."""
    if task.rag_updated_on is not None and update.on < task.rag_updated_on:
        return
    task.rag_status = update.status
    task.rag_comment = update.comment
    task.rag_updated_on = update.on
    task.rag_comment_is_public = update.is_public
    # An update, not a save: the task's own history (its wording and leads) is not touched.
    Task.objects.filter(pk=task.pk).update(
        rag_status=update.status,
        rag_comment=update.comment,
        rag_updated_on=update.on,
        rag_comment_is_public=update.is_public,
        updated_at=timezone.now(),
    )


def write_rag_update(
    *, task: Task, status: str, comment: str, on: date, by=None, is_public: bool = False
) -> RagUpdate:
    """The update and the task's copy of it, in the caller's transaction, with no rule asked:
    for the import and the demo data, which bring in what the office reported before. Pages and
    the API call record_rag_update."""
    update = RagUpdate(task=task, status=status, comment=comment, on=on, by=by, is_public=is_public)
    update.full_clean()
    update.save()
    _set_current(task, update)
    return update


def record_rag_update(
    *,
    task: Task,
    status: str,
    comment: str,
    by,
    on: date | None = None,
    is_public: bool = False,
    today: date | None = None,
) -> RagUpdate:
    """Give a task a RAG status with the comment that explains it, as at `on` (today unless
    told), and make it the task's current status. The update and the task's copy are written in
    one transaction on the locked task: both or neither.

    Raises PermissionDenied for someone the rule delivery_plan.update_task refuses for this task
    (a performance officer may update any task, a lead their own, and nobody a historic plan's),
    and ValidationError for a status that is not red, amber or green, a missing or over-long
    comment, or a date in the future.
    """
    today = _today(today)
    on = on or today
    comment = (comment or "").strip()
    errors = {}
    if status not in RagStatus.values:
        errors["status"] = CHOOSE_STATUS
    if not comment:
        errors["comment"] = ENTER_COMMENT
    if on > today:
        errors["on"] = FUTURE_DATE
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(task)
        _ask(by, rules.UPDATE_TASK, locked, CANNOT_UPDATE)
        update = write_rag_update(
            task=locked, status=status, comment=comment, on=on, by=by, is_public=is_public
        )
    for name in ("rag_status", "rag_comment", "rag_updated_on", "rag_comment_is_public"):
        setattr(task, name, getattr(locked, name))
    return update


# --- Milestones and done --------------------------------------------------------------------


def _settle_done(task: Task, milestone: Milestone) -> None:
    """Decision 6: a task that is not ongoing is done once every milestone in its plan's period
    is done, and open again when one of those is undone."""
    plan = task.action.plan
    if task.is_ongoing or not plan.period_start <= milestone.due_on <= plan.period_end:
        return
    if milestone.done_on is None:
        done, done_on = False, None
    else:
        in_period = list(task.milestones.in_period_of(plan).values_list("done_on", flat=True))
        if any(day is None for day in in_period):
            return
        done, done_on = True, max(in_period)
    if (task.is_done, task.done_on) != (done, done_on):
        task.is_done, task.done_on = done, done_on
        task.save(update_fields=["is_done", "done_on", "updated_at"])


def mark_milestone_done(
    *,
    milestone: Milestone,
    by,
    done: bool = True,
    on: date | None = None,
    today: date | None = None,
) -> Milestone:
    """Mark one milestone (one occurrence of a recurring one) done on `on` (today unless told),
    or not done with done=False. The task is done once every milestone in the plan's period is,
    unless it is ongoing.

    Raises PermissionDenied as record_rag_update does, and ValidationError for a date ahead.
    """
    today = _today(today)
    on = on or today
    if done and on > today:
        raise ValidationError({"done_on": FUTURE_DONE})
    with transaction.atomic():
        locked = _lock(milestone.task)
        _ask(by, rules.UPDATE_TASK, locked, CANNOT_UPDATE)
        current = Milestone.objects.select_for_update().get(pk=milestone.pk, task=locked)
        current.done_on = on if done else None
        current.save(update_fields=["done_on"])
        _settle_done(locked, current)
    milestone.done_on = current.done_on
    return current


def mark_task_done(
    *, task: Task, by, done: bool = True, on: date | None = None, today: date | None = None
) -> Task:
    """Mark the task done on `on` (today unless told), or open again with done=False. Its
    milestones are left as they are: the office may finish a task early.

    Raises PermissionDenied as record_rag_update does, and ValidationError for a date ahead.
    """
    today = _today(today)
    on = on or today
    if done and on > today:
        raise ValidationError({"done_on": FUTURE_DONE})
    with transaction.atomic():
        locked = _lock(task)
        _ask(by, rules.UPDATE_TASK, locked, CANNOT_UPDATE)
        locked.is_done = done
        locked.done_on = on if done else None
        locked.full_clean()
        locked._history_user = by
        locked.save()
    task.is_done, task.done_on = locked.is_done, locked.done_on
    return locked


def add_milestone(*, task: Task, due_on: date, by, description: str = "") -> Milestone:
    """Add one milestone to the task; the same due date and description twice is one milestone.

    Raises PermissionDenied as record_rag_update does.
    """
    with transaction.atomic():
        locked = _lock(task)
        _ask(by, rules.UPDATE_TASK, locked, CANNOT_UPDATE)
        milestone, created = Milestone.objects.get_or_create(
            task=locked, due_on=due_on, description=(description or "").strip()
        )
        if created:
            milestone.full_clean()
    return milestone


def create_milestones(task: Task, timescale: Timescale) -> list[Milestone]:
    """The timescale's occurrences as the task's milestones, those it has already kept, in the
    caller's transaction; an ongoing timescale makes the task ongoing."""
    existing = set(task.milestones.values_list("due_on", "description"))
    new = [
        Milestone(
            task=task,
            due_on=occurrence.due_on,
            description=occurrence.description,
            recurrence=occurrence.recurrence,
        )
        for occurrence in timescale.occurrences
        if (occurrence.due_on, occurrence.description) not in existing
    ]
    for milestone in new:
        milestone.full_clean(validate_unique=False)
    Milestone.objects.bulk_create(new)
    if timescale.ongoing and not task.is_ongoing:
        task.is_ongoing = True
        Task.objects.filter(pk=task.pk).update(is_ongoing=True)
    return new


def add_milestones_from_wording(*, task: Task, wording: str, by) -> list[Milestone]:
    """Read the office's wording ("Ongoing (March, June, Aug, Oct, Dec)", "each September", "By
    31 January 2014, then ongoing") into milestones within the plan's period (milestones.py),
    and return those added. "Ongoing" makes the task ongoing.

    Raises PermissionDenied as record_rag_update does, and ValidationError when nothing in the
    wording can be read as a date or as ongoing.
    """
    with transaction.atomic():
        locked = _lock(task)
        _ask(by, rules.UPDATE_TASK, locked, CANNOT_UPDATE)
        plan = locked.action.plan
        timescale = read_timescale(wording, start=plan.period_start, end=plan.period_end)
        if timescale.unread:
            raise ValidationError({"wording": NOTHING_READ.format(wording=wording.strip())})
        return create_milestones(locked, timescale)


def set_review_date(*, task: Task, review_on: date | None, by) -> Task:
    """Set the date an ongoing task is next reviewed (None to clear it).

    Raises PermissionDenied as record_rag_update does, and ValidationError for a task that is
    not ongoing (its milestones say when it is due).
    """
    with transaction.atomic():
        locked = _lock(task)
        _ask(by, rules.UPDATE_TASK, locked, CANNOT_UPDATE)
        if review_on is not None and not locked.is_ongoing:
            raise ValidationError({"review_on": NOT_ONGOING})
        locked.review_on = review_on
        locked._history_user = by
        locked.save(update_fields=["review_on", "updated_at"])
    task.review_on = review_on
    return locked


# --- Reports --------------------------------------------------------------------------------


def report_rows(plan: Plan) -> list[dict]:
    """Each task of the plan as the report shows it, in the report's order: what an issued
    report freezes."""
    rows = []
    for task in Task.objects.in_plan(plan).for_report():
        action = task.action
        rows.append(
            {
                "task": task.pk,
                "activity_area": action.activity_area.number,
                "activity_area_name": action.activity_area.name,
                "action": action.pk,
                "ref": action.reference,
                "commitment": action.commitment,
                "summary": task.summary,
                "leads": [lead.name for lead in task.leads.all()],
                "milestones": task.milestones_text,
                "status": task.rag_status,
                "comment": task.rag_comment,
                "updated_on": task.rag_updated_on.isoformat() if task.rag_updated_on else None,
                "comment_is_public": task.rag_comment_is_public,
                "done": task.is_done,
            }
        )
    return rows


NOTHING_TO_REPORT = "This plan has no tasks yet, so there is no report to issue"


def issue_report(*, plan: Plan, by, on: date | None = None, title: str = "") -> ReportSnapshot:
    """Issue the plan's report as it stands, dated `on` (today unless told): every task's status
    and comment are frozen in it, so what changed since can be shown and the report read again
    as it was sent.

    Raises PermissionDenied for someone the rule delivery_plan.issue_report refuses.
    """
    _ask(by, rules.ISSUE_REPORT, None, CANNOT_ISSUE)
    with transaction.atomic():
        # Locked so no status changes between reading the tasks and writing the report.
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        list(Task.objects.in_plan(plan).select_for_update().values_list("pk", flat=True))
        rows = report_rows(plan)
        if not rows:
            raise ValidationError({"plan": NOTHING_TO_REPORT})
        snapshot = ReportSnapshot(
            plan=plan,
            issued_on=on or timezone.localdate(),
            issued_by=by,
            title=(title or "").strip(),
            rows=rows,
        )
        snapshot.full_clean()
        snapshot.save()
    return snapshot


# --- Plans ----------------------------------------------------------------------------------


def unique_plan_slug(name: str, *, taken: Iterable[str] = ()) -> str:
    """A web address for a new plan from its name, numbered if another plan has it."""
    base = (slugify(name) or "plan")[:70].strip("-")
    used = set(taken) | set(
        Plan.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in used:
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- Several tasks at once ------------------------------------------------------------------


class RagUpdatesRefused(ValidationError):
    """Nothing was recorded; `by_task` maps each refused task's pk to its ValidationError."""

    def __init__(self, by_task: dict[int, ValidationError]):
        self.by_task = by_task
        super().__init__([message for error in by_task.values() for message in error.messages])


def record_rag_updates(*, updates: Iterable[dict], by, today: date | None = None) -> list:
    """Record several tasks' updates (each a dict of record_rag_update's task, status, comment
    and is_public) as one change: all of them or none. Every update is checked, so a refusal
    names each task it concerns, not only the first.

    Raises RagUpdatesRefused (a ValidationError) listing the refused tasks, and PermissionDenied
    as record_rag_update does; nothing is written then.
    """
    today = _today(today)
    # Locked in a fixed order, so two people updating overlapping tasks cannot deadlock.
    updates = sorted(updates, key=lambda update: update["task"].pk)
    refused: dict[int, ValidationError] = {}
    made = []
    with transaction.atomic():
        for update in updates:
            try:
                with transaction.atomic():
                    made.append(record_rag_update(by=by, today=today, **update))
            except ValidationError as error:
                refused[update["task"].pk] = error
        if refused:
            raise RagUpdatesRefused(refused)
    return made
