"""The delivery plan in the admin: plans with their actions, actions with their tasks, tasks with
their milestones and their history of statuses.

A task's status changes only through record_rag_update (adding a RAG update here calls it), which
writes the update and the task's copy of it together; the history is never edited. Milestones
and tasks are marked done through the actions, which call the services. Who may open and change
what is asked of the rules (rules.py).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BLANK_CHOICE_DASH
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from engagement.admin import RecordRulesMixin

from . import rules, services
from .models import Action, Milestone, Plan, RagUpdate, ReportSnapshot, Task
from .rag import choices_with_meanings

RAG_COPY = ("rag_status", "rag_comment", "rag_updated_on", "rag_comment_is_public")


def _action(verb, label: str, name: str, argument: str, **kwargs):
    """An admin action calling a service for each selected record, saying what happened."""

    def action(modeladmin, request, queryset):
        for record in queryset:
            try:
                verb(by=request.user, **{argument: record}, **kwargs)
            except (ValidationError, PermissionDenied) as error:
                reasons = getattr(error, "messages", None) or [str(error)]
                modeladmin.message_user(
                    request, f"{record}: {' '.join(reasons)}", level=messages.ERROR
                )
            else:
                modeladmin.message_user(request, f"{record}: {label.lower()}")

    action.__name__ = name
    action.short_description = label
    return action


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ("activity_area", "reference", "position", "commitment")
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(RecordRulesMixin, SimpleHistoryAdmin):
    change_rule = rules.MANAGE_PLANS
    delete_rule = rules.MANAGE_PLANS
    list_display = ("name", "period_start", "period_end", "is_current", "owner")
    list_filter = ("is_current",)
    list_select_related = ("owner",)
    search_fields = ("name", "introduction")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("owner",)
    readonly_fields = ("created_at", "updated_at")
    inlines = [ActionInline]
    actions = ["issue_report"]

    @admin.action(description="Issue the report as it stands today")
    def issue_report(self, request, queryset):
        for plan in queryset:
            try:
                snapshot = services.issue_report(plan=plan, by=request.user)
            except PermissionDenied as error:
                self.message_user(request, f"{plan}: {error}", level=messages.ERROR)
            else:
                self.message_user(request, f"{snapshot} issued")


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ("position", "summary", "milestones_text", "is_ongoing", "rag_status", "is_done")
    readonly_fields = ("rag_status", "is_done")
    show_change_link = True


@admin.register(Action)
class ActionAdmin(RecordRulesMixin, SimpleHistoryAdmin):
    change_rule = rules.MANAGE_PLANS
    delete_rule = rules.MANAGE_PLANS
    list_display = ("__str__", "reference", "activity_area", "plan", "position")
    list_filter = ("plan", "activity_area")
    list_select_related = ("plan", "activity_area")
    search_fields = ("commitment", "reference")
    filter_horizontal = ("objectives",)
    inlines = [TaskInline]


class MilestoneInline(admin.TabularInline):
    """Added and changed here; marked done through the milestones' action, which settles the
    task's own done flag too."""

    model = Milestone
    extra = 0
    fields = ("due_on", "description", "recurrence", "done_on")
    readonly_fields = ("done_on",)


class RagUpdateInline(admin.TabularInline):
    model = RagUpdate
    extra = 0
    can_delete = False
    fields = ("on", "status", "comment", "is_public", "by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(RecordRulesMixin, SimpleHistoryAdmin):
    """The status fields are a copy of the latest RAG update and read here; add a RAG update to
    change them."""

    view_rule = rules.VIEW_TASK
    change_rule = rules.MANAGE_PLANS
    delete_rule = rules.MANAGE_PLANS
    list_display = (
        "__str__",
        "action",
        "rag_status",
        "rag_updated_on",
        "is_done",
        "review_on",
    )
    list_filter = ("action__plan", "action__activity_area", "rag_status", "is_done", "is_ongoing")
    list_select_related = ("action__plan", "action__activity_area")
    search_fields = ("summary", "milestones_text", "rag_comment", "leads__name", "leads__initials")
    filter_horizontal = ("leads",)
    readonly_fields = (*RAG_COPY, "is_done", "done_on", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("action", "position", "summary", "leads")}),
        ("Milestones and timescale", {"fields": ("milestones_text", "is_ongoing", "review_on")}),
        ("Status", {"fields": (*RAG_COPY, "is_done", "done_on")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )
    inlines = [MilestoneInline, RagUpdateInline]
    actions = [
        _action(services.mark_task_done, "Mark done", "mark_done", "task"),
        _action(services.mark_task_done, "Mark not done", "mark_not_done", "task", done=False),
    ]

    def get_queryset(self, request):
        # The admin lists what the rules let a person see, as every other door does.
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("__str__", "task", "due_on", "done_on")
    list_filter = ("task__action__plan", "done_on")
    list_select_related = ("task",)
    search_fields = ("description", "task__summary")
    date_hierarchy = "due_on"
    readonly_fields = ("done_on",)
    autocomplete_fields = ("task",)
    actions = [
        _action(services.mark_milestone_done, "Mark done", "mark_done", "milestone"),
        _action(
            services.mark_milestone_done, "Mark not done", "mark_not_done", "milestone", done=False
        ),
    ]


@admin.register(RagUpdate)
class RagUpdateAdmin(admin.ModelAdmin):
    """Adding one here calls record_rag_update, which asks whether this person may update the
    task and writes the task's copy with it. The history is added to, never rewritten."""

    list_display = ("task", "status", "on", "by", "is_public")
    list_filter = ("status", "is_public", "task__action__plan")
    list_select_related = ("task", "by")
    search_fields = ("comment", "task__summary")
    date_hierarchy = "on"
    autocomplete_fields = ("task",)
    fields = ("task", "status", "comment", "on", "is_public")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        user = request.user

        class AskingTheRules(form):
            """The service's own refusals, as the form's errors rather than a failed page; each
            status offered with what it means, as on the staff pages."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if "status" in self.fields:
                    self.fields["status"].choices = [*BLANK_CHOICE_DASH, *choices_with_meanings()]

            def clean(self):
                data = super().clean()
                task, on = data.get("task"), data.get("on")
                if task is not None and not user.has_perm(rules.UPDATE_TASK, task):
                    self.add_error("task", services.CANNOT_UPDATE)
                if on is not None and on > timezone.localdate():
                    self.add_error("on", services.FUTURE_DATE)
                return data

        return AskingTheRules

    def save_model(self, request, obj, form, change):
        update = services.record_rag_update(
            task=obj.task,
            status=obj.status,
            comment=obj.comment,
            on=obj.on,
            is_public=obj.is_public,
            by=request.user,
        )
        obj.pk = update.pk
        obj.by = update.by
        obj.created_at = update.created_at

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(admin.ModelAdmin):
    """Issued from the plans' action "Issue the report": as sent, never changed."""

    list_display = ("__str__", "plan", "issued_on", "issued_by")
    list_filter = ("plan",)
    list_select_related = ("plan", "issued_by")
    readonly_fields = ("plan", "issued_on", "issued_by", "title", "rows", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
