"""The delivery plan: the strategy's commitments (actions) by activity area, the tasks that carry
each out with their leads and milestones, every RAG status given to a task with its dated
comment, and the reports issued from it.

A task keeps a copy of its latest update (status, comment, date, public or not) so a report of
hundreds of tasks reads one row per task; the history in RagUpdate is the record, and the
services write both in one transaction (services.py).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pcc_portal.limits import LimitedTextField

from .querysets import ActionQuerySet, MilestoneQuerySet, PlanQuerySet, TaskQuerySet
from .rag import ORDER, Definition, RagStatus, definition_of

COMMENT_LIMIT = 5000


class Plan(models.Model):
    """A delivery plan over a period, such as the community engagement strategy's. An office
    keeps several: the one it works to now and those it reported on before."""

    name = models.CharField(
        _("name"),
        max_length=200,
        unique=True,
        help_text=_("e.g. Community Engagement Strategy delivery plan 2026-28"),
    )
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("The end of its address on the portal, e.g. engagement-2026-28"),
    )
    introduction = LimitedTextField(
        _("introduction"),
        max_length=2000,
        blank=True,
        help_text=_("Printed above the report, e.g. who supports the office holder in it"),
    )
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delivery_plans",
        help_text=_("Who keeps the plan and issues its reports"),
    )
    is_current = models.BooleanField(
        _("current"),
        default=True,
        help_text=_(
            "The office works to it now. A historic plan is kept as it was reported: nothing "
            "is suggested or flagged as stale in it."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delivery plan")
        verbose_name_plural = _("delivery plans")
        ordering = ["-is_current", "-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="plan_period_ends_after_it_starts",
                violation_error_message=_("The period must end on or after the day it starts"),
            )
        ]

    def __str__(self):
        return self.name


class Action(models.Model):
    """One of the strategy's commitments under an activity area ("Sustain and improve ways to
    fulfil PCC's statutory responsibilities to consult ..."). Its reference is the office's own
    and need not be unique: the December 2015 plan has two 1s in one area (decision 8), so the
    order is kept by position."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions"
    )
    activity_area = models.ForeignKey(
        "engagement.ActivityArea",
        verbose_name=_("activity area"),
        on_delete=models.PROTECT,
        related_name="delivery_actions",
    )
    reference = models.CharField(
        _("ref"), max_length=10, blank=True, help_text=_("As the plan numbers it, e.g. 1 or 3a")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    commitment = LimitedTextField(
        _("action"),
        max_length=2000,
        help_text=_("The commitment in the strategy's words"),
    )
    objectives = models.ManyToManyField(
        "pcc_portal.Objective",
        verbose_name=_("police and crime objectives"),
        blank=True,
        related_name="delivery_actions",
        help_text=_("The objectives it contributes to"),
    )

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan", "activity_area__number", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "activity_area", "position"], name="action_unique_position"
            )
        ]

    def __str__(self):
        text = self.commitment if len(self.commitment) <= 80 else self.commitment[:79] + "…"
        return f"{self.reference}. {text}" if self.reference else text


class Task(models.Model):
    """A row of the plan under an action: what is done, by whom and by when, and how it is going.

    `milestones_text` is the office's own wording ("Ongoing (March, June, Aug, Oct, Dec)"), kept
    for the report; the dates that suggestions and reminders read are its Milestone rows. An
    ongoing task has a review date instead of an end.
    """

    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="tasks"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    summary = LimitedTextField(
        _("summary of task"),
        max_length=2000,
        help_text=_("e.g. Produce bi-monthly newsletter."),
    )
    leads = models.ManyToManyField(
        "pcc_portal.StaffMember",
        verbose_name=_("leads"),
        blank=True,
        related_name="delivery_tasks",
        help_text=_("The office's lead officers; a lead may update the task's status"),
    )
    milestones_text = models.CharField(
        _("milestones and timescale"),
        max_length=500,
        blank=True,
        help_text=_("As the plan words it, e.g. By 31 January 2014, then ongoing"),
    )
    is_ongoing = models.BooleanField(
        _("ongoing"), default=False, help_text=_("It goes on: reviewed rather than finished")
    )
    review_on = models.DateField(
        _("review date"),
        null=True,
        blank=True,
        help_text=_("When an ongoing task is next reviewed"),
    )
    is_done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # The latest RAG update, copied here by the services in the update's own transaction.
    rag_status = models.CharField(
        _("RAG status"), max_length=10, choices=RagStatus.choices, blank=True
    )
    rag_comment = LimitedTextField(_("RAG status comment"), max_length=COMMENT_LIMIT, blank=True)
    rag_updated_on = models.DateField(_("status last updated"), null=True, blank=True)
    rag_comment_is_public = models.BooleanField(_("comment is public"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = TaskQuerySet.as_manager()
    # The status fields have their own history (RagUpdate); this one keeps the wording and leads.
    history = HistoricalRecords(
        excluded_fields=["rag_status", "rag_comment", "rag_updated_on", "rag_comment_is_public"]
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["action__plan", "action__activity_area__number", "action__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["action", "position"], name="task_unique_position"),
            models.CheckConstraint(
                condition=Q(is_done=True) | Q(done_on__isnull=True),
                name="task_done_on_only_when_done",
                violation_error_message=_("Only a task that is done has a date it was done"),
            ),
        ]

    def __str__(self):
        return self.summary if len(self.summary) <= 80 else self.summary[:79] + "…"

    @property
    def rag(self) -> Definition:
        """The current status's definition: its names, meaning and colour. The status tag include
        reads it as `state`, as it reads every app's statuses."""
        return definition_of(self.rag_status)

    state = rag

    @property
    def plan(self) -> Plan:
        return self.action.plan


class Milestone(models.Model):
    """A date a task is due by (decision 6). A recurring milestone ("March, June, August, October,
    December") is stored as its occurrences, one row each, so each is marked done on its own."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="milestones"
    )
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    description = models.CharField(
        _("milestone"), max_length=200, blank=True, help_text=_("e.g. June newsletter sent")
    )
    recurrence = models.CharField(
        _("recurring"),
        max_length=200,
        blank=True,
        help_text=_("The recurring milestone it is one of, e.g. Each March, June and December"),
    )

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["task", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "due_on", "description"], name="milestone_unique_per_task"
            )
        ]
        indexes = [models.Index(fields=["due_on", "done_on"], name="milestone_due_idx")]

    def __str__(self):
        return self.description or f"Due {self.due_on:%d %B %Y}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class RagUpdate(models.Model):
    """A status given to a task, with the comment that explains it, as the history reads it:
    "Nov 15: Victim Support contract now in place ...". Written only with the task's own copy of
    its latest status, in one transaction (services.record_rag_update)."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="rag_updates"
    )
    status = models.CharField(_("RAG status"), max_length=10, choices=RagStatus.choices)
    comment = LimitedTextField(_("comment"), max_length=COMMENT_LIMIT)
    on = models.DateField(
        _("as at"),
        default=timezone.localdate,
        help_text=_("The day the status speaks for; usually today"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rag_updates",
        help_text=_("Empty for a status brought in from a spreadsheet"),
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("The comment may be shown on the public progress page"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("RAG update")
        verbose_name_plural = _("RAG updates")
        ordering = ["task", "-on", "-created_at", "-id"]
        indexes = [models.Index(fields=["task", "on"], name="ragupdate_task_on_idx")]
        get_latest_by = ["on", "created_at", "id"]

    def __str__(self):
        return f"{self.rag}: {self.on:%d %B %Y}"

    @property
    def rag(self) -> Definition:
        return definition_of(self.status)

    state = rag


class ReportSnapshot(models.Model):
    """A report issued from the plan (the quarterly report to the office holder), frozen as it
    stood: each task's status and comment that day, so what changed since can be shown and the
    report read again as it was sent."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="snapshots"
    )
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delivery_plan_reports",
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("e.g. Quarterly report, December 2026")
    )
    rows = models.JSONField(
        _("tasks as reported"),
        default=list,
        help_text=_("Each task's place, wording, leads, status and comment on the day"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        ordering = ["plan", "-issued_on", "-created_at", "-id"]
        get_latest_by = ["issued_on", "created_at", "id"]

    def __str__(self):
        return self.title or f"{self.plan} as at {self.issued_on:%d %B %Y}"

    def clean(self):
        super().clean()
        if not isinstance(self.rows, list):
            raise ValidationError({"rows": _("The tasks as reported must be a list")})

    def status_counts(self) -> dict[str, int]:
        """How many tasks stood at each status in the report, worst first; "" for not rated."""
        counts = dict.fromkeys((*ORDER, ""), 0)
        for row in self.rows:
            status = row.get("status", "")
            counts[status if status in counts else ""] += 1
        return counts

    def row_for(self, task_id: int) -> dict | None:
        return next((row for row in self.rows if row.get("task") == task_id), None)
