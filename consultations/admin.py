from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from engagement.admin import RecordRulesMixin

from . import workflow
from .equality import VIEW_RAW, record_equality_access
from .models import (
    AnswerScale,
    Consultation,
    EqualityAccess,
    EqualityAnswers,
    Question,
    QuestionOption,
    ScalePoint,
)
from .rules import BUILD_CONSULTATIONS
from .services import move_consultation


class ScalePointInline(admin.TabularInline):
    model = ScalePoint
    extra = 1


@admin.register(AnswerScale)
class AnswerScaleAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ScalePointInline]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("position", "text", "kind", "required", "scale")
    show_change_link = True
    autocomplete_fields = ("scale",)


def _move(to: str, label: str):
    def action(modeladmin, request, queryset):
        for consultation in queryset:
            try:
                move_consultation(consultation=consultation, to=to, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                reasons = getattr(error, "messages", None) or [str(error)]
                modeladmin.message_user(
                    request, f"{consultation}: {' '.join(reasons)}", level=messages.ERROR
                )
            else:
                modeladmin.message_user(request, f"{consultation}: {label.lower()}")

    action.__name__ = f"move_to_{to}"
    action.short_description = label
    return action


@admin.register(Consultation)
class ConsultationAdmin(RecordRulesMixin, SimpleHistoryAdmin):
    """Status moves through the actions, which call the same service as every other door, so
    publishing checks the consultation is ready and the history records who moved it."""

    change_rule = BUILD_CONSULTATIONS
    delete_rule = BUILD_CONSULTATIONS
    list_display = ("title", "status", "opens_at", "closes_at", "owner", "sensitive")
    list_filter = ("status", "sensitive", "activity_areas")
    list_select_related = ("owner",)
    search_fields = ("title", "summary", "slug")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "opens_at"
    readonly_fields = ("status", "created_at", "updated_at")
    filter_horizontal = ("activity_areas", "objectives")
    autocomplete_fields = ("partners", "owner")
    inlines = [QuestionInline]
    actions = [
        _move(workflow.PUBLISHED, "Publish"),
        _move(workflow.WITHDRAWN, "Withdraw"),
        _move(workflow.DRAFT, "Return to draft"),
    ]
    fieldsets = (
        (None, {"fields": ("title", "slug", "owner", "status", "sensitive")}),
        (
            "What it is and why",
            {"fields": ("summary", "why", "can_change", "cannot_change", "audience")},
        ),
        ("When", {"fields": ("opens_at", "closes_at", "retention_months")}),
        ("Links", {"fields": ("activity_areas", "objectives", "partners")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


class QuestionOptionInline(admin.TabularInline):
    model = QuestionOption
    extra = 2


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ("text", "consultation", "position", "kind", "required")
    list_filter = ("kind", "required")
    list_select_related = ("consultation",)
    search_fields = ("text", "consultation__title")
    autocomplete_fields = ("consultation", "scale", "show_if_question")
    filter_horizontal = ("measure_points", "show_if_options")
    inlines = [QuestionOptionInline]

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request, obj)
        return request.user.has_perm(BUILD_CONSULTATIONS, obj.consultation)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EqualityAnswers)
class EqualityAnswersAdmin(ReadOnlyAdmin):
    """Raw special category data: only for people given the permission by name, and every
    look at a list or a record is logged."""

    list_display = (
        "response",
        "age_band",
        "sex",
        "gender_same_as_birth",
        "ethnicity",
        "disability",
        "religion",
        "sexual_orientation",
    )
    list_filter = ("response__consultation",)
    list_select_related = ("response__consultation",)
    search_fields = ("response__consultation__title",)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_RAW)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            chosen = request.GET.get("response__consultation__id__exact", "")
            consultation = (
                Consultation.objects.filter(pk=chosen).first() if chosen.isdigit() else None
            )
            record_equality_access(
                consultation=consultation, by=request.user, action=EqualityAccess.Action.VIEWED
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        if response.status_code == 200 and original is not None:
            record_equality_access(
                consultation=original.response.consultation,
                by=request.user,
                action=EqualityAccess.Action.VIEWED,
            )
        return response


@admin.register(EqualityAccess)
class EqualityAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "action", "consultation")
    list_filter = ("action",)
    list_select_related = ("user", "consultation")
    search_fields = ("user__email", "consultation__title")
    date_hierarchy = "at"
