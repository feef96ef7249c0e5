"""The delivery plan's questions: which plans are current, which tasks a person may see, which
are stale or overdue and what their milestones suggest, each list in a fixed number of queries
whatever its length."""

from datetime import date

from django.db import models
from django.db.models import BooleanField, Case, Count, OuterRef, Q, Subquery, Value, When

from .rag import RagStatus
from .rules import SEE_PLANS
from .suggestions import due_soon_until, quiet_cutoff, stale_cutoff


class PlanQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def historic(self):
        return self.filter(is_current=False)


class ActionQuerySet(models.QuerySet):
    def in_plan(self, plan):
        return self.filter(plan=plan)

    def for_report(self):
        return self.select_related("activity_area", "plan").prefetch_related("objectives")


class TaskQuerySet(models.QuerySet):
    def in_plan(self, plan):
        return self.filter(action__plan=plan)

    def in_current_plans(self):
        return self.filter(action__plan__is_current=True)

    def led_by(self, user):
        """The tasks this person leads (through the staff record linked to their account)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(leads__user=user)

    def visible_to(self, user):
        """Those who may see the plan see every task; a lead sees the tasks they lead; anyone
        else none."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm(SEE_PLANS):
            return self
        return self.led_by(user)

    def for_report(self):
        """What a row of the report shows: its action, area and plan, and its leads."""
        return self.select_related("action__activity_area", "action__plan").prefetch_related(
            "leads"
        )

    def with_signals(self, today: date):
        """Annotate what the suggestions read, as of `today` (suggestions.py):

        `overdue_milestone_on` / `overdue_milestone`: the earliest milestone past due and not done;
        `due_soon_milestone_on` / `due_soon_milestone`: the earliest not done, due within 14 days;
        `is_stale`: no update for 90 days; `suggested_status`: "red", "amber" or "".
        """
        from .models import Milestone

        open_milestones = Milestone.objects.filter(
            task=OuterRef("pk"), done_on__isnull=True
        ).order_by("due_on", "id")
        overdue = open_milestones.filter(due_on__lt=today)
        due_soon = open_milestones.filter(due_on__gte=today, due_on__lte=due_soon_until(today))
        # Done tasks and historic plans are left as they were reported.
        settled = Q(is_done=True) | Q(action__plan__is_current=False)
        quiet = Q(rag_updated_on__lte=quiet_cutoff(today)) | Q(
            rag_updated_on__isnull=True, created_at__date__lte=quiet_cutoff(today)
        )
        stale = Q(rag_updated_on__lte=stale_cutoff(today)) | Q(
            rag_updated_on__isnull=True, created_at__date__lte=stale_cutoff(today)
        )
        return self.annotate(
            overdue_milestone_on=Subquery(overdue.values("due_on")[:1]),
            overdue_milestone=Subquery(overdue.values("description")[:1]),
            due_soon_milestone_on=Subquery(due_soon.values("due_on")[:1]),
            due_soon_milestone=Subquery(due_soon.values("description")[:1]),
        ).annotate(
            is_stale=Case(
                When(settled, then=Value(False)),
                When(stale, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            suggested_status=Case(
                When(settled, then=Value("")),
                When(overdue_milestone_on__isnull=False, then=Value(RagStatus.RED.value)),
                When(
                    Q(due_soon_milestone_on__isnull=False) & quiet,
                    then=Value(RagStatus.AMBER.value),
                ),
                default=Value(""),
                output_field=models.CharField(),
            ),
        )

    def stale(self, today: date):
        return self.with_signals(today).filter(is_stale=True)

    def overdue(self, today: date):
        """Tasks of current plans with a milestone past due and not done."""
        return self.with_signals(today).filter(suggested_status=RagStatus.RED)

    def status_counts(self) -> dict[tuple[int, str], int]:
        """{(activity area id, status): tasks}, "" for tasks not rated yet, in one query."""
        rows = (
            self.order_by()
            .values("action__activity_area", "rag_status")
            .annotate(tasks=Count("pk"))
            .values_list("action__activity_area", "rag_status", "tasks")
        )
        return {(area, status): tasks for area, status, tasks in rows}


class MilestoneQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_on__isnull=True)

    def in_current_plans(self):
        return self.filter(task__action__plan__is_current=True)

    def due_between(self, start: date, end: date):
        """Not done, due from `start` to `end` inclusive: what the reminders offer."""
        return self.open().filter(due_on__gte=start, due_on__lte=end)

    def overdue(self, today: date):
        return self.open().filter(due_on__lt=today)

    def in_period_of(self, plan):
        return self.filter(due_on__gte=plan.period_start, due_on__lte=plan.period_end)
