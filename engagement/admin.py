from django.contrib import admin
from django.db.models import URLField
from simple_history.admin import SimpleHistoryAdmin

from . import rules
from .models import (
    ActivityArea,
    Ambassador,
    CharterPrinciple,
    Contact,
    ContactVolunteer,
    EngagementLevel,
    Event,
    Network,
    Organisation,
    RaisedIssue,
    RaisedIssueTransition,
    ReachedGroup,
    StandingMeeting,
    WorkPlan,
    WorkPlanFocus,
    WorkPlanReview,
)


@admin.register(ActivityArea)
class ActivityAreaAdmin(admin.ModelAdmin):
    list_display = ("number", "name")
    search_fields = ("name", "description")


@admin.register(CharterPrinciple)
class CharterPrincipleAdmin(SimpleHistoryAdmin):
    list_display = ("title", "position")
    list_editable = ("position",)
    search_fields = ("title", "commitment")


@admin.register(EngagementLevel)
class EngagementLevelAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "aim")
    list_editable = ("position",)
    search_fields = ("name", "aim", "commitment", "ways_to_engage")


@admin.register(ReachedGroup)
class ReachedGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "position")
    list_editable = ("position",)
    search_fields = ("name",)


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    # A web address typed without a scheme is taken as https.
    formfield_overrides = {URLField: {"assume_scheme": "https"}}
    list_display = ("name", "kind", "org_id", "contact_name", "email", "consent_basis")
    list_filter = ("kind", "policing_areas", "networks", "consent_basis")
    search_fields = ("name", "contact_name", "email", "charity_number", "company_number")
    filter_horizontal = ("policing_areas", "networks")
    readonly_fields = ("org_id", "created_at", "updated_at")


class WorkPlanFocusInline(admin.TabularInline):
    model = WorkPlanFocus
    extra = 1
    autocomplete_fields = ("activity_area",)


class WorkPlanReviewInline(admin.TabularInline):
    model = WorkPlanReview
    extra = 1
    autocomplete_fields = ("reviewed_by",)


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ("ambassador", "next_review_on")
    list_select_related = ("ambassador__user",)
    search_fields = ("ambassador__user__full_name",)
    inlines = [WorkPlanFocusInline, WorkPlanReviewInline]


@admin.register(Ambassador)
class AmbassadorAdmin(admin.ModelAdmin):
    list_display = ("user", "remit", "started_on", "active")
    list_filter = ("active", "policing_area", "communications")
    list_select_related = ("user", "policing_area")
    search_fields = ("user__full_name", "user__email")
    autocomplete_fields = ("user",)


@admin.register(ContactVolunteer)
class ContactVolunteerAdmin(admin.ModelAdmin):
    list_display = ("name", "policing_area", "ambassador", "consent_given_on", "active")
    list_filter = ("active", "policing_area")
    list_select_related = ("policing_area", "ambassador__user")
    search_fields = ("name", "email")


class RecordRulesMixin:
    """A record's page asks the app's object rules (rules.py), as the staff pages and the API do;
    lists and the add page keep Django's model permissions, which the roles grant."""

    view_rule: str | None = None
    change_rule: str | None = None
    delete_rule: str | None = None

    def has_view_permission(self, request, obj=None):
        if obj is None or self.view_rule is None:
            return super().has_view_permission(request, obj)
        return request.user.has_perm(self.view_rule, obj) or self.has_change_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        if obj is None or self.change_rule is None:
            return super().has_change_permission(request, obj)
        return request.user.has_perm(self.change_rule, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None or self.delete_rule is None:
            return super().has_delete_permission(request, obj)
        return request.user.has_perm(self.delete_rule, obj)


@admin.register(Contact)
class ContactAdmin(RecordRulesMixin, admin.ModelAdmin):
    """Saving here meets the phone form's rules: they are the model's (Contact.clean), and the
    activity areas are a required field."""

    view_rule = rules.VIEW_CONTACT_RECORD
    change_rule = rules.CHANGE_CONTACT_RECORD
    delete_rule = rules.DELETE_CONTACT_RECORD
    list_display = (
        "occurred_on",
        "__str__",
        "ambassador",
        "policing_area",
        "method",
        "people_reached",
    )
    list_filter = (
        "policing_area",
        "method",
        "engagement_level",
        "activity_areas",
        "groups_reached",
    )
    list_select_related = ("ambassador__user", "policing_area", "organisation")
    search_fields = ("who", "place", "topics", "issues_raised", "organisation__name")
    date_hierarchy = "occurred_on"
    autocomplete_fields = ("organisation",)
    filter_horizontal = ("activity_areas", "groups_reached")
    readonly_fields = ("submission_key", "created_at", "updated_at")


class TransitionInline(admin.TabularInline):
    model = RaisedIssueTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "by", "at", "note")

    # Moves are made through the issue queue (move_issue), which checks and records them.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RaisedIssue)
class RaisedIssueAdmin(admin.ModelAdmin):
    """Read here; issues are raised from a contact (raise_issue) or logged on the staff pages
    (log_issue) and moved in the staff officer's queue (move_issue), so every move is checked
    against the workflow and recorded."""

    list_display = ("summary", "status", "source", "raised_at", "updated_at")
    list_filter = ("status", "source")
    list_select_related = ("contact",)
    search_fields = ("summary", "answer", "details", "raised_by_name")
    readonly_fields = (
        "source",
        "contact",
        "raised_by_name",
        "raised_by_contact",
        "logged_by",
        "summary",
        "details",
        "status",
        "answer",
        "raised_at",
        "updated_at",
    )
    inlines = [TransitionInline]

    def has_add_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(rules.OPEN_ISSUE_QUEUE)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Adding and changing here asks the same rules as the staff calendar's pages."""

    # A web address typed without a scheme is taken as https.
    formfield_overrides = {URLField: {"assume_scheme": "https"}}

    list_display = ("title", "kind", "starts_at", "policing_area", "is_public")
    list_filter = ("kind", "is_public", "policing_area")
    list_select_related = ("policing_area",)
    search_fields = ("title", "venue", "description")
    date_hierarchy = "starts_at"
    filter_horizontal = ("ambassadors", "officers", "activity_areas")

    def has_add_permission(self, request):
        return request.user.has_perm(rules.ADD_EVENTS)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(rules.CHANGE_EVENT_RECORD, obj)


@admin.register(StandingMeeting)
class StandingMeetingAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "chair", "frequency", "opcc_attendance", "opcc_lead")
    list_filter = ("category",)
    search_fields = ("name", "chair", "opcc_lead", "notes")
    autocomplete_fields = ("organisation",)


# The distribution lists, subscribers and the suppression list.
from . import subscription_admin  # noqa: E402, F401
