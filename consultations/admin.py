from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from engagement.admin import RecordRulesMixin

from . import editing, workflow
from .documents import remove_document
from .equality import ANSWER_FIELDS, VIEW_RAW, record_equality_access
from .models import (
    AnswerScale,
    Consultation,
    ConsultationDocument,
    EqualityAccess,
    EqualityAnswers,
    Outcome,
    Question,
    QuestionOption,
    ScalePoint,
)
from .outcomes import check_closed, publish_outcome, write_outcome
from .rules import BUILD_CONSULTATIONS, PUBLISH_OUTCOME, RECORD_OUTCOME_DECISION
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

    def has_delete_permission(self, request, obj=None):
        # obj is the consultation: once it has responses its questions stay (editing.py).
        if obj is not None and obj.has_responses():
            return False
        return super().has_delete_permission(request, obj)


class DocumentInlineForm(forms.ModelForm):
    class Meta:
        model = ConsultationDocument
        fields = ("position", "title", "file")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A stored file is not swapped in place, which would leave the old one in the
            # store: remove the document and add the new file.
            self.fields["file"].disabled = True


class DocumentFormSet(forms.BaseInlineFormSet):
    removed_by = None  # the person saving, set by the inline for each request

    def delete_existing(self, obj, commit=True):
        # The service deletes the stored file too, once the removal commits.
        if commit:
            remove_document(document=obj, by=self.removed_by)


class ConsultationDocumentInline(admin.TabularInline):
    """The documents people are asked about. The staff documents page does the same with an
    upload form and up and down buttons."""

    model = ConsultationDocument
    form = DocumentInlineForm
    formset = DocumentFormSet
    extra = 0
    fields = ("position", "title", "file", "added_at")
    readonly_fields = ("added_at",)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.removed_by = request.user
        return formset

    def _may_build(self, request, obj) -> bool:
        return request.user.has_perm(BUILD_CONSULTATIONS, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_build(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_build(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_build(request, obj)


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
    list_display = (
        "title",
        "status",
        "opens_at",
        "closes_at",
        "owner",
        "sensitive",
        "feedback_overdue",
    )
    list_filter = ("status", "sensitive", "activity_areas")
    list_select_related = ("owner",)
    search_fields = ("title", "summary", "slug")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "opens_at"
    readonly_fields = ("status", "created_at", "updated_at")
    filter_horizontal = ("activity_areas", "objectives")
    autocomplete_fields = ("partners", "owner")
    inlines = [QuestionInline, ConsultationDocumentInline]
    actions = [
        _move(workflow.PUBLISHED, "Publish"),
        _move(workflow.WITHDRAWN, "Withdraw"),
        _move(workflow.DRAFT, "Return to draft"),
    ]
    fieldsets = (
        (None, {"fields": ("title", "slug", "owner", "status", "sensitive", "asks_equality")}),
        (
            "What it is and why",
            {"fields": ("summary", "why", "can_change", "cannot_change", "audience")},
        ),
        ("When", {"fields": ("opens_at", "closes_at", "retention_months")}),
        ("Links", {"fields": ("activity_areas", "objectives", "partners")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        # One subquery for the whole list: the overdue rule is the queryset's.
        overdue = Consultation.objects.feedback_overdue(timezone.now()).filter(pk=OuterRef("pk"))
        return super().get_queryset(request).annotate(is_feedback_overdue=Exists(overdue))

    @admin.display(boolean=True, description="Feedback overdue")
    def feedback_overdue(self, obj):
        return obj.is_feedback_overdue


class QuestionOptionInline(admin.TabularInline):
    model = QuestionOption
    extra = 2

    def has_delete_permission(self, request, obj=None):
        # obj is the question: once its consultation has responses its options stay.
        if obj is not None and obj.consultation.has_responses():
            return False
        return super().has_delete_permission(request, obj)


def _delete_unanswered_questions(modeladmin, request, queryset):
    """Django's "delete selected", leaving out (and saying so) the questions of consultations
    that have responses, rather than refusing the lot with a bare "permission denied"."""
    kept = queryset.filter(consultation__responses__isnull=False).distinct()
    if kept.exists():
        modeladmin.message_user(request, editing.QUESTION_KEPT, level=messages.ERROR)
        queryset = queryset.exclude(pk__in=kept.values("pk"))
    if not queryset.exists():
        return None
    return delete_selected(modeladmin, request, queryset)


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
        if obj is not None and obj.consultation.has_responses():
            return False
        return self.has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        question = self.get_object(request, object_id)
        if request.method == "GET" and question and question.consultation.has_responses():
            self.message_user(request, editing.QUESTION_KEPT, level=messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_delete_unanswered_questions, name, description)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        question = self.get_object(request, object_id)
        if question is not None and question.consultation.has_responses():
            # Say why rather than show a bare "permission denied" page.
            self.message_user(request, editing.QUESTION_KEPT, level=messages.ERROR)
            return redirect("admin:consultations_question_change", question.pk)
        return super().delete_view(request, object_id, extra_context)


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

    list_display = ("response", *ANSWER_FIELDS)
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


class OutcomeForm(forms.ModelForm):
    """Refuses, before saving, what consultations/outcomes.py would refuse: an outcome of a
    consultation that has not closed, or a second outcome of one consultation."""

    class Meta:
        model = Outcome
        fields = ("consultation", "said", "decision", "shaped_by", "decision_record")

    def clean(self):
        cleaned = super().clean()
        consultation = cleaned.get("consultation") or getattr(self.instance, "consultation", None)
        if consultation is not None:
            try:
                check_closed(consultation)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(Outcome)
class OutcomeAdmin(SimpleHistoryAdmin):
    """ "You said, we did". Saving and publishing call the same services as every other door:
    engagement officers write and publish; the Commissioner and Deputy record the decision."""

    form = OutcomeForm
    list_display = ("consultation", "published_at", "decision_record", "updated_at")
    list_select_related = ("consultation", "decision_record")
    search_fields = ("consultation__title", "said", "decision")
    autocomplete_fields = ("consultation",)
    actions = ["publish"]
    fields = (
        "consultation",
        "said",
        "decision",
        "shaped_by",
        "decision_record",
        "published_at",
        "created_at",
        "updated_at",
    )

    def _writes_everything(self, request, obj=None) -> bool:
        return request.user.has_perm(PUBLISH_OUTCOME, obj.consultation if obj else None)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["published_at", "created_at", "updated_at"]
        if obj is not None:
            readonly.insert(0, "consultation")
        if not self._writes_everything(request, obj):
            readonly[:0] = [f for f in ("consultation", "said", "shaped_by") if f not in readonly]
        return readonly

    def has_add_permission(self, request):
        return request.user.has_perm(PUBLISH_OUTCOME)

    def has_change_permission(self, request, obj=None):
        consultation = obj.consultation if obj else None
        return self._writes_everything(request, obj) or request.user.has_perm(
            RECORD_OUTCOME_DECISION, consultation
        )

    def has_delete_permission(self, request, obj=None):
        # What was published, and emailed, stays on the record.
        if obj is not None and obj.is_published:
            return False
        return self._writes_everything(request, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_OUTCOME)

    def save_model(self, request, obj, form, change):
        saved = write_outcome(
            consultation=obj.consultation,
            said=obj.said,
            decision=obj.decision,
            shaped_by=obj.shaped_by,
            decision_record=obj.decision_record,
            by=request.user,
        )
        obj.pk, obj.created_at, obj.updated_at = saved.pk, saved.created_at, saved.updated_at

    @admin.action(description="Publish and tell those who asked", permissions=["publish"])
    def publish(self, request, queryset):
        for outcome in queryset.select_related("consultation"):
            try:
                publish_outcome(outcome=outcome, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                reasons = getattr(error, "messages", None) or [str(error)]
                self.message_user(
                    request, f"{outcome.consultation}: {' '.join(reasons)}", level=messages.ERROR
                )
            else:
                self.message_user(request, f"{outcome.consultation}: outcome published")
