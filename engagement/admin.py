from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request, obj=None):
        return False  # moves are made through the issue queue, which records them


@admin.register(RaisedIssue)
class RaisedIssueAdmin(admin.ModelAdmin):
    """Read here; issues are moved in the staff officer's queue, so every move is recorded."""

    list_display = ("summary", "status", "raised_at", "updated_at")
    list_filter = ("status",)
    search_fields = ("summary", "answer")
    readonly_fields = ("contact", "summary", "status", "answer", "raised_at", "updated_at")
    inlines = [TransitionInline]

    def has_add_permission(self, request):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "policing_area", "is_public")
    list_filter = ("kind", "is_public", "policing_area")
    list_select_related = ("policing_area",)
    search_fields = ("title", "venue", "description")
    date_hierarchy = "starts_at"
    filter_horizontal = ("ambassadors", "officers")


@admin.register(StandingMeeting)
class StandingMeetingAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "chair", "frequency", "opcc_attendance", "opcc_lead")
    list_filter = ("category",)
    search_fields = ("name", "chair", "opcc_lead", "notes")
    autocomplete_fields = ("organisation",)
