"""The grants admin: schemes, rounds, applications, awards and monitoring, for staff.

Statuses, money and decisions change only through the actions, which call the same services as
every other door: each move is checked against the workflow and recorded, and awards meet the
budget guard. Who may open and change what is asked of the rules (rules.py).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from engagement.admin import RecordRulesMixin

from . import rules, services, workflow
from .models import (
    Application,
    ApplicationTransition,
    AssessmentCriterion,
    Attachment,
    Award,
    BeneficiaryFigure,
    BudgetLine,
    ConflictOfInterest,
    ConsortiumMember,
    GrantRound,
    GrantScheme,
    Instalment,
    MonitoringReport,
    RoundAnswer,
    RoundQuestion,
    Score,
)


def _run(modeladmin, request, queryset, verb, label: str, **kwargs) -> None:
    """Call a service for each selected record, saying what happened to each."""
    for record in queryset:
        try:
            verb(by=request.user, **{modeladmin.record_argument: record}, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            reasons = getattr(error, "messages", None) or [str(error)]
            modeladmin.message_user(request, f"{record}: {' '.join(reasons)}", level=messages.ERROR)
        else:
            modeladmin.message_user(request, f"{record}: {label}")


def _action(verb, label: str, name: str, **kwargs):
    def action(modeladmin, request, queryset):
        _run(modeladmin, request, queryset, verb, label.lower(), **kwargs)

    action.__name__ = name
    action.short_description = label
    return action


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Schemes and rounds -------------------------------------------------------------------------


@admin.register(GrantScheme)
class GrantSchemeAdmin(RecordRulesMixin, SimpleHistoryAdmin):
    change_rule = rules.MANAGE_ROUNDS
    list_display = ("name", "funder", "annual_budget", "is_public", "crime_and_disorder_reduction")
    list_filter = ("is_public", "crime_and_disorder_reduction")
    search_fields = ("name", "funder", "description")
    prepopulated_fields = {"slug": ("name",)}


class CriterionInline(admin.TabularInline):
    model = AssessmentCriterion
    extra = 1
    fields = ("position", "name", "weight", "max_score", "guidance")


class RoundQuestionInline(admin.TabularInline):
    model = RoundQuestion
    extra = 0
    fields = ("position", "text", "required", "max_length", "help_text")


@admin.register(GrantRound)
class GrantRoundAdmin(RecordRulesMixin, SimpleHistoryAdmin):
    """Publishing and withdrawing go through the actions (move_round), which check the round is
    ready and record who did it."""

    change_rule = rules.MANAGE_ROUNDS
    delete_rule = rules.MANAGE_ROUNDS
    list_display = ("name", "scheme", "tier", "status", "opens_at", "closes_at", "budget")
    list_filter = ("status", "scheme", "tier")
    list_select_related = ("scheme",)
    search_fields = ("name", "description", "slug")
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "opens_at"
    readonly_fields = ("status", "created_at", "updated_at")
    filter_horizontal = ("activity_areas", "objectives")
    inlines = [CriterionInline, RoundQuestionInline]
    actions = [
        _action(services.move_round, "Publish", "publish", to=workflow.RoundStatus.PUBLISHED),
        _action(services.move_round, "Withdraw", "withdraw", to=workflow.RoundStatus.WITHDRAWN),
        _action(
            services.move_round, "Return to draft", "return_to_draft", to=workflow.RoundStatus.DRAFT
        ),
    ]
    record_argument = "grant_round"
    fieldsets = (
        (None, {"fields": ("scheme", "name", "slug", "tier", "status", "description")}),
        ("When", {"fields": ("opens_at", "closes_at", "decisions_expected_on")}),
        (
            "Money",
            {
                "fields": (
                    "budget",
                    "minimum_award",
                    "maximum_award",
                    "longest_project_months",
                )
            },
        ),
        ("What it funds", {"fields": ("activity_areas", "objectives")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


# --- Applications -------------------------------------------------------------------------------


class BudgetLineInline(ReadOnlyInline):
    model = BudgetLine
    fields = ("position", "description", "amount")
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("kind", "original_name", "size", "uploaded_at", "monitoring_report")
    readonly_fields = fields


class RoundAnswerInline(ReadOnlyInline):
    model = RoundAnswer
    fields = ("question", "answer")
    readonly_fields = fields


class ConsortiumMemberInline(ReadOnlyInline):
    model = ConsortiumMember
    fields = ("organisation_name", "charity_number", "company_number", "role", "organisation")
    readonly_fields = fields


class TransitionInline(ReadOnlyInline):
    model = ApplicationTransition
    fields = ("at", "from_status", "to_status", "by", "note")
    readonly_fields = fields


class ConflictInline(ReadOnlyInline):
    model = ConflictOfInterest
    fields = ("assessor", "declared_at", "note")
    readonly_fields = fields


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = ("assessor", "criterion", "score", "comment", "scored_at")
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(rules.SEE_SCORES)


@admin.register(Application)
class ApplicationAdmin(RecordRulesMixin, SimpleHistoryAdmin):
    """Read here: an application is the applicant's words, and its status moves only through
    the services (the actions below for the moves that need nothing more than a click)."""

    view_rule = rules.VIEW_APPLICATION
    list_display = (
        "reference",
        "project_title",
        "organisation_name",
        "kind",
        "round",
        "status",
        "amount_requested",
        "submitted_at",
    )
    list_filter = ("status", "kind", "scheme", "round")
    list_select_related = ("round__scheme", "scheme")
    search_fields = (
        "reference",
        "project_title",
        "organisation_name",
        "charity_number",
        "company_number",
        "contact_name",
    )
    date_hierarchy = "created_at"
    inlines = [
        ConsortiumMemberInline,
        BudgetLineInline,
        RoundAnswerInline,
        AttachmentInline,
        ConflictInline,
        ScoreInline,
        TransitionInline,
    ]
    actions = [
        _action(services.check_eligibility, "Mark as eligible", "mark_eligible", eligible=True),
        _action(services.complete_assessment, "Close the assessment", "complete_assessment"),
        _action(
            services.link_organisation,
            "Link to the organisation on record (by charity or company number)",
            "link_organisation",
        ),
        _action(services.accept_offer, "Record the offer as accepted", "accept_offer"),
        _action(services.activate_award, "Start the grant", "activate_award"),
    ]
    record_argument = "application"

    def get_queryset(self, request):
        # The admin lists what the rules let a person see, as every other door does.
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Application._meta.concrete_fields] + [
            "objectives",
            "policing_areas",
        ]

    def has_add_permission(self, request):
        # Applications are made by applicants online, and direct awards by their service.
        return False

    def has_change_permission(self, request, obj=None):
        # The actions, which call the services, are the only changes.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Assessment ---------------------------------------------------------------------------------


@admin.register(Score)
class ScoreAdmin(SimpleHistoryAdmin):
    """Scores are given through score_application, which refuses a conflicted assessor."""

    list_display = ("application", "criterion", "assessor", "score", "scored_at")
    list_filter = ("criterion__round",)
    list_select_related = ("application", "criterion", "assessor")
    search_fields = ("application__reference", "application__project_title", "comment")
    readonly_fields = ("application", "criterion", "assessor", "score", "comment", "scored_at")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(rules.SEE_SCORES)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    list_display = ("assessor", "application", "declared_at")
    list_select_related = ("assessor", "application")
    search_fields = ("application__reference", "assessor__full_name", "note")
    readonly_fields = ("assessor", "application", "declared_at", "note")

    def has_add_permission(self, request):
        # Declared through declare_conflict, which also removes any scores already given.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A declaration stays on the record.
        return False


# --- Awards, instalments and monitoring ---------------------------------------------------------


class InstalmentInline(ReadOnlyInline):
    model = Instalment
    fields = (
        "number",
        "due_on",
        "amount",
        "financial_year",
        "held_for_report",
        "released_at",
        "paid_at",
    )
    readonly_fields = fields


class MonitoringReportInline(ReadOnlyInline):
    model = MonitoringReport
    fields = ("title", "due_on", "status", "submitted_at", "people_reached", "spend_to_date")
    readonly_fields = fields
    show_change_link = True


@admin.register(Award)
class AwardAdmin(RecordRulesMixin, SimpleHistoryAdmin):
    """Made by award_grant, which meets the budget guard and enters the decision in the
    register. The amount and the decision are not changed here."""

    view_rule = rules.VIEW_AWARD
    list_display = (
        "application",
        "recipient_name",
        "amount",
        "decided_on",
        "decided_by",
        "is_multi_year",
    )
    list_filter = ("is_multi_year", "application__scheme", "application__round")
    list_select_related = ("application__organisation", "application__round")
    search_fields = (
        "application__reference",
        "application__project_title",
        "application__organisation_name",
        "application__organisation__name",
    )
    date_hierarchy = "decided_on"
    inlines = [InstalmentInline, MonitoringReportInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Award._meta.concrete_fields] + ["beneficiary_areas"]

    @admin.display(description="Recipient")
    def recipient_name(self, obj):
        return obj.recipient_name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The actions, which call the services, are the only changes.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Instalment)
class InstalmentAdmin(SimpleHistoryAdmin):
    list_display = ("award", "number", "due_on", "amount", "financial_year", "released_at")
    list_filter = ("financial_year", "award__application__scheme")
    list_select_related = ("award__application__organisation", "award__application")
    date_hierarchy = "due_on"
    actions = [
        _action(services.release_instalment, "Release for payment", "release_instalment"),
        _action(services.record_instalment_paid, "Record as paid", "record_instalment_paid"),
    ]
    record_argument = "instalment"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Instalment._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The actions, which call the services, are the only changes.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BeneficiaryFigureInline(ReadOnlyInline):
    model = BeneficiaryFigure
    fields = ("category", "band", "count")
    readonly_fields = fields


@admin.register(MonitoringReport)
class MonitoringReportAdmin(SimpleHistoryAdmin):
    list_display = ("title", "award", "due_on", "status", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("award__application__organisation", "award__application")
    date_hierarchy = "due_on"
    inlines = [BeneficiaryFigureInline]
    actions = [
        _action(services.accept_monitoring_report, "Accept as satisfactory", "accept_report"),
    ]
    record_argument = "report"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in MonitoringReport._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The actions, which call the services, are the only changes.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
