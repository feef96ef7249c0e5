"""The delivery plan's reminders (decision 18).

- A milestone due within 14 days goes to its task's leads, so it is met or its status changed in
  time. A lead with no account (or a closed one) cannot sign in to act on it: the performance
  officers get it for them, as they do for a task with no lead.
- An ongoing task's review date within 14 days goes to its leads (or the performance officers
  for them), as a milestone does.
- A task whose status has not been updated for 90 days (stale, suggestions.py) goes to its leads
  and the performance officers, and stays offered until someone records a status.
- A summary of each current plan goes to the office holder and deputy (the Commissioner role)
  every month, on its first working day: the day the office's month starts, with the last
  month's updates in. It stays offered for the rest of the month, so a digest that missed the
  day still sends it.

Only current plans are chased: a historic plan is kept as it was reported. Milestones and
staleness are read from the Milestone rows and the status dates, never from the office's wording.
Every key names the date it is about, so a new date is a new reminder and none is sent twice.
"""

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from pcc_portal.dates import in_words
from pcc_portal.models import StaffMember
from pcc_portal.registry import Reminder
from pcc_portal.roles import COMMISSIONER, PERFORMANCE_OFFICER

from .models import Milestone, Plan, Task
from .rag import DEFINITIONS, NOT_RATED, ORDER
from .suggestions import DUE_SOON_DAYS, STALE_AFTER_DAYS

DUE_NOTICE = timedelta(days=DUE_SOON_DAYS)
STALE_AFTER = timedelta(days=STALE_AFTER_DAYS)
TASK_WORDS = 12


def delivery_plan_reminders(*, start: date, end: date) -> Iterator[Reminder]:
    """Milestones due soon, stale tasks, then the monthly summaries, for the days from `start`
    to `end` (inclusive)."""
    officers = tuple(get_user_model().objects.holding_role(PERFORMANCE_OFFICER.name).order_by("pk"))
    yield from _milestones_due(start=start, end=end, officers=officers)
    yield from _reviews_due(start=start, end=end, officers=officers)
    yield from _stale_tasks(end=end, officers=officers)
    yield from _monthly_summaries(start=start, end=end)


# --- Who is reminded --------------------------------------------------------------------------


def _can_sign_in(lead: StaffMember) -> bool:
    return lead.user is not None and lead.user.is_active


def _unique(people: Iterable) -> tuple:
    seen, unique = set(), []
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return tuple(unique)


def leads_or_officers(task: Task, officers: tuple) -> tuple:
    """The task's leads who can sign in, and the performance officers in place of any who
    cannot (or when the task has no lead)."""
    leads = list(task.leads.all())
    users = [lead.user for lead in leads if _can_sign_in(lead)]
    if not leads or len(users) < len(leads):
        users += officers
    return _unique(users)


def _with_leads(tasks):
    leads = StaffMember.objects.select_related("user").order_by("name", "pk")
    return tasks.prefetch_related(Prefetch("leads", queryset=leads))


def _task_name(task: Task) -> str:
    return Truncator(task.summary).words(TASK_WORDS)


def _task_url(task: Task) -> str:
    return reverse("delivery_plan_staff:task", args=[task.pk])


# --- Milestones due ---------------------------------------------------------------------------


def _milestones_due(*, start: date, end: date, officers: tuple) -> Iterator[Reminder]:
    """Milestones not done, of tasks not done in current plans, due from `start` to two weeks
    after `end`."""
    tasks = _with_leads(Task.objects.all())
    milestones = (
        Milestone.objects.in_current_plans()
        .due_between(start, end + DUE_NOTICE)
        .filter(task__is_done=False)
        .prefetch_related(Prefetch("task", queryset=tasks))
        .order_by("due_on", "pk")
    )
    for milestone in milestones:
        task = milestone.task
        recipients = leads_or_officers(task, officers)
        if not recipients:
            continue
        what = f"“{milestone.description}” for " if milestone.description else ""
        yield Reminder(
            key=f"delivery_plan.milestone:{milestone.pk}:{milestone.due_on.isoformat()}",
            recipients=recipients,
            due_on=milestone.due_on,
            title=f"Milestone due {in_words(milestone.due_on)}: {what}{_task_name(task)}",
            url=_task_url(task),
        )


# --- Reviews of ongoing tasks -----------------------------------------------------------------


def _reviews_due(*, start: date, end: date, officers: tuple) -> Iterator[Reminder]:
    """Ongoing tasks, not done, of current plans, whose review falls from `start` to two weeks
    after `end`: an ongoing task has a review date where another has milestones."""
    tasks = _with_leads(
        Task.objects.in_current_plans()
        .filter(
            is_ongoing=True,
            is_done=False,
            review_on__gte=start,
            review_on__lte=end + DUE_NOTICE,
        )
        .order_by("review_on", "pk")
    )
    for task in tasks:
        recipients = leads_or_officers(task, officers)
        if not recipients:
            continue
        yield Reminder(
            key=f"delivery_plan.review:{task.pk}:{task.review_on.isoformat()}",
            recipients=recipients,
            due_on=task.review_on,
            title=f"Review due {in_words(task.review_on)}: {_task_name(task)}",
            url=_task_url(task),
        )


# --- Stale tasks ------------------------------------------------------------------------------


def stale_since(task: Task) -> date:
    """The day the task went stale: 90 days after its last status, or after it was added."""
    last = task.rag_updated_on or timezone.localdate(task.created_at)
    return last + STALE_AFTER


def _stale_tasks(*, end: date, officers: tuple) -> Iterator[Reminder]:
    stale = _with_leads(
        Task.objects.in_current_plans().stale(end).order_by("rag_updated_on", "created_at", "pk")
    )
    for task in stale:
        recipients = _unique([*leads_or_officers(task, ()), *officers])
        if not recipients:
            continue
        since = stale_since(task)
        if task.rag_updated_on is not None:
            title = f"No status update since {in_words(task.rag_updated_on)}"
        else:
            title = f"No status given since it was added on {in_words(since - STALE_AFTER)}"
        yield Reminder(
            key=f"delivery_plan.stale:{task.pk}:{since.isoformat()}",
            recipients=recipients,
            due_on=since,
            title=f"{title}: {_task_name(task)}",
            url=_task_url(task),
        )


# --- The monthly summary ----------------------------------------------------------------------


def _easter_sunday(year: int) -> date:
    """The Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * shift) // 451
    month, day = divmod(h + shift - 7 * m + 114, 31)
    return date(year, month, day + 1)


def bank_holidays_early_in_month(year: int) -> set[date]:
    """The bank holidays of England and Wales (where the office holders are) that can fall on
    the first weekday of a month: New Year's Day or the weekday it moves to, Good Friday and
    Easter Monday (Easter can fall on the first days of April), and the early May bank holiday
    (the first Monday in May). The others fall late in their months. The standing rules only:
    a holiday moved by proclamation in a particular year is not known here."""
    new_year = date(year, 1, 1)
    while new_year.weekday() >= 5:
        new_year += timedelta(days=1)
    easter = _easter_sunday(year)
    early_may = date(year, 5, 1)
    while early_may.weekday() != 0:
        early_may += timedelta(days=1)
    return {new_year, easter - timedelta(days=2), easter + timedelta(days=1), early_may}


def first_working_day(year: int, month: int) -> date:
    """The first day of the month that is neither a weekend nor a bank holiday."""
    holidays = bank_holidays_early_in_month(year)
    day = date(year, month, 1)
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return day


def _months(start: date, end: date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def summary_days(start: date, end: date) -> list[date]:
    """The first working days whose summary is offered in the days from `start` to `end`: each
    from its day to the end of its month."""
    days = []
    for year, month in _months(start, end):
        due = first_working_day(year, month)
        if due <= end:
            days.append(due)
    return days


def summary_title(plan: Plan, *, month: date, today: date) -> str:
    """ "<plan>, November 2026: 2 behind, 5 at risk, 30 on track, 3 not rated yet; 4 stale,
    1 with a milestone overdue"."""
    tasks = Task.objects.in_plan(plan)
    counts: dict[str, int] = {}
    for (_area, status), number in tasks.status_counts().items():
        counts[status or ""] = counts.get(status or "", 0) + number
    definitions = [DEFINITIONS[key] for key in ORDER] + [NOT_RATED]
    statuses = [
        f"{counts[d.key]} {str(d.public_name).lower()}" for d in definitions if counts.get(d.key)
    ]
    stale = tasks.stale(today).count()
    overdue = tasks.overdue(today).count()
    flags = f"{stale} stale, {overdue} with a milestone overdue"
    return f"{plan.name}, {month:%B %Y}: {', '.join(statuses) or 'no tasks'}; {flags}"


def _monthly_summaries(*, start: date, end: date) -> Iterator[Reminder]:
    days = summary_days(start, end)
    if not days:
        return
    commissioners = tuple(get_user_model().objects.holding_role(COMMISSIONER.name).order_by("pk"))
    if not commissioners:
        return
    for plan in Plan.objects.current().order_by("-period_start", "name"):
        for due in days:
            yield Reminder(
                key=f"delivery_plan.monthly_summary:{plan.pk}:{due.isoformat()}",
                recipients=commissioners,
                due_on=due,
                title=summary_title(plan, month=due, today=end),
                url=reverse("delivery_plan_staff:dashboard", args=[plan.pk]),
            )
