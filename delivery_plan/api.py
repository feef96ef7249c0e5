"""The delivery plan's API: the plans, their actions and their tasks with each task's current
status, for the staff who may see them; and a task's RAG status recorded by its lead or a
performance officer.

Thin, as the rest of the API: what a person sees comes from the querysets' `visible_to`, what they
may do from the rules in rules.py, and a status is recorded by `services.record_rag_update`, the
same verb the staff pages call. A refusal is a 403 (the person) or a 400 with messages by field
(the input), never a 500. Bodies are strict JSON (decision 38).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings

from engagement.models import ActivityArea
from pcc_portal.api_parsers import JSONParser
from pcc_portal.api_permissions import RulePermissions
from pcc_portal.dates import SANE_EARLIEST, date_range_checker
from pcc_portal.models import StaffMember

from . import rules, services
from .models import COMMENT_LIMIT, Action, Milestone, Plan, RagUpdate, Task
from .rag import ORDER, RagStatus, choices_with_meanings, definition_of
from .suggestions import suggestion_for

NOT_RATED = "none"
STATUS_DATE = "The date of the status"

_ERROR_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}}
_FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


class SeesPlans(BasePermission):
    """Those who may see the plans (performance officers, the office holder and deputy), and
    leads, who see the tasks they lead: the rule every staff page of the plan asks."""

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm(rules.OPEN_PLAN_PAGES)


def sees_every_plan(user) -> bool:
    return user.has_perm(rules.SEE_PLANS)


# --- Shapes shared by the serializers ---------------------------------------------------------


class RagStatusSerializer(serializers.Serializer):
    """A RAG status as the office defines it, so a client shows its meaning, not a colour."""

    key = serializers.CharField(help_text='"red", "amber", "green", or "" when not rated yet')
    name = serializers.CharField(help_text='As staff read it: "Red"')
    public_name = serializers.CharField(help_text='As the public progress page says it: "Behind"')
    meaning = serializers.CharField(help_text="The office's definition of the status")


def status_data(key: str) -> dict:
    definition = definition_of(key)
    return {
        "key": definition.key,
        "name": str(definition.staff_name),
        "public_name": str(definition.public_name),
        "meaning": str(definition.meaning),
    }


class DeliveryActivityAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityArea
        fields = ["number", "name"]


class RagStatusCountsSerializer(serializers.Serializer):
    red = serializers.IntegerField()
    amber = serializers.IntegerField()
    green = serializers.IntegerField()
    none = serializers.IntegerField(help_text="Tasks not rated yet")


# --- Plans ------------------------------------------------------------------------------------


class DeliveryPlanSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField(help_text="Who keeps the plan")
    tasks = serializers.IntegerField(source="task_count", read_only=True)
    statuses = serializers.SerializerMethodField(help_text="How many tasks stand at each status")

    class Meta:
        model = Plan
        fields = [
            "id",
            "name",
            "slug",
            "introduction",
            "period_start",
            "period_end",
            "is_current",
            "owner",
            "tasks",
            "statuses",
        ]

    def get_owner(self, plan) -> str | None:
        return plan.owner.get_full_name() if plan.owner is not None else None

    @extend_schema_field(RagStatusCountsSerializer)
    def get_statuses(self, plan) -> dict:
        counts = {key: getattr(plan, f"tasks_{key}") for key in ORDER}
        counts[NOT_RATED] = plan.task_count - sum(counts.values())
        return counts


def plans_visible_to(user):
    plans = Plan.objects.all()
    if not sees_every_plan(user):
        plans = plans.filter(pk__in=Task.objects.visible_to(user).values("action__plan"))
    counted = {
        f"tasks_{key}": Count("actions__tasks", filter=Q(actions__tasks__rag_status=key))
        for key in ORDER
    }
    return (
        plans.select_related("owner")
        .annotate(task_count=Count("actions__tasks"), **counted)
        .order_by("-is_current", "-period_start", "name")
    )


@extend_schema_view(
    list=extend_schema(
        description=(
            "The delivery plans, the current ones first, with how many of their tasks stand at "
            "each RAG status. A lead who may not see the plans sees those with a task of theirs."
        )
    ),
    retrieve=extend_schema(
        responses={
            200: DeliveryPlanSerializer,
            404: OpenApiResponse(_ERROR_DETAIL, description="No plan of yours here"),
        }
    ),
)
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """The office's delivery plans."""

    queryset = Plan.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = DeliveryPlanSerializer
    permission_classes = [IsAuthenticated, SeesPlans]
    filter_backends = []
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        return plans_visible_to(self.request.user)


# --- Actions ----------------------------------------------------------------------------------


class DeliveryActionSerializer(serializers.ModelSerializer):
    activity_area = DeliveryActivityAreaSerializer(read_only=True)
    objectives = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="The police and crime objectives it serves, by id"
    )
    tasks = serializers.IntegerField(source="task_count", read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "plan",
            "activity_area",
            "reference",
            "position",
            "commitment",
            "objectives",
            "tasks",
        ]


class ActionFilter(filters.FilterSet):
    plan = filters.ModelChoiceFilter(queryset=Plan.objects.all(), help_text="The plan's id")
    area = filters.NumberFilter(
        field_name="activity_area__number", help_text="The activity area's number"
    )

    class Meta:
        model = Action
        fields = ["plan", "area"]


@extend_schema_view(
    list=extend_schema(
        description=(
            "The plans' actions (the strategy's commitments) in the plan's order: by plan, "
            "activity area and position. A lead who may not see the plans sees the actions of "
            "the tasks they lead."
        )
    ),
    retrieve=extend_schema(
        responses={
            200: DeliveryActionSerializer,
            404: OpenApiResponse(_ERROR_DETAIL, description="No action of yours here"),
        }
    ),
)
class ActionViewSet(viewsets.ReadOnlyModelViewSet):
    """The actions of the delivery plans."""

    queryset = Action.objects.none()
    serializer_class = DeliveryActionSerializer
    filterset_class = ActionFilter
    permission_classes = [IsAuthenticated, SeesPlans]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Action.objects.none()
        user = self.request.user
        actions = Action.objects.all()
        if not sees_every_plan(user):
            actions = actions.filter(pk__in=Task.objects.visible_to(user).values("action"))
        return (
            actions.select_related("activity_area")
            .prefetch_related("objectives")
            .annotate(task_count=Count("tasks"))
            .order_by("-plan__is_current", "plan", "activity_area__number", "position", "id")
        )


# --- Tasks ------------------------------------------------------------------------------------


class TaskLeadSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffMember
        fields = ["id", "name", "initials"]


class TaskMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "due_on", "done_on", "description", "recurrence"]


class RagSuggestionSerializer(serializers.Serializer):
    status = serializers.CharField(help_text='"red" or "amber"')
    reason = serializers.CharField()


class DeliveryTaskSerializer(serializers.ModelSerializer):
    """A task with its current status: the latest RAG update, what its milestones suggest and
    whether it has gone stale (no update for 90 days)."""

    plan = serializers.IntegerField(source="action.plan_id", read_only=True)
    activity_area = serializers.IntegerField(
        source="action.activity_area.number", read_only=True, help_text="Its number"
    )
    reference = serializers.CharField(source="action.reference", read_only=True)
    leads = TaskLeadSerializer(many=True, read_only=True)
    milestones = TaskMilestoneSerializer(many=True, read_only=True)
    status = serializers.SerializerMethodField()
    comment = serializers.CharField(source="rag_comment", read_only=True)
    comment_is_public = serializers.BooleanField(source="rag_comment_is_public", read_only=True)
    status_updated_on = serializers.DateField(source="rag_updated_on", read_only=True)
    is_stale = serializers.BooleanField(
        read_only=True, help_text="No status update for 90 days (never, in a historic plan)"
    )
    suggestion = serializers.SerializerMethodField(
        help_text="The status its milestones suggest, with the reason; a person decides"
    )
    can_update = serializers.SerializerMethodField(
        help_text="Whether the person asking may record a status for it"
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "action",
            "activity_area",
            "reference",
            "position",
            "summary",
            "leads",
            "milestones_text",
            "milestones",
            "is_ongoing",
            "review_on",
            "is_done",
            "done_on",
            "status",
            "comment",
            "comment_is_public",
            "status_updated_on",
            "is_stale",
            "suggestion",
            "can_update",
        ]

    @extend_schema_field(RagStatusSerializer)
    def get_status(self, task) -> dict:
        return status_data(task.rag_status)

    @extend_schema_field(RagSuggestionSerializer(allow_null=True))
    def get_suggestion(self, task) -> dict | None:
        suggestion = suggestion_for(task)
        if suggestion is None:
            return None
        return {"status": suggestion.status, "reason": suggestion.reason}

    def get_can_update(self, task) -> bool:
        request = self.context.get("request")
        return bool(request is not None and request.user.has_perm(rules.UPDATE_TASK, task))


class TaskFilter(filters.FilterSet):
    plan = filters.ModelChoiceFilter(
        field_name="action__plan", queryset=Plan.objects.all(), help_text="The plan's id"
    )
    area = filters.NumberFilter(
        field_name="action__activity_area__number", help_text="The activity area's number"
    )
    status = filters.ChoiceFilter(
        choices=[*RagStatus.choices, (NOT_RATED, "Not rated yet")],
        method="with_status",
        help_text='The current RAG status, or "none" for tasks not rated yet',
    )
    lead = filters.ModelChoiceFilter(
        field_name="leads", queryset=StaffMember.objects.all(), help_text="A lead's id"
    )
    stale = filters.BooleanFilter(
        field_name="is_stale", help_text="true: only tasks with no status update for 90 days"
    )
    done = filters.BooleanFilter(field_name="is_done")

    class Meta:
        model = Task
        fields = ["plan", "area", "status", "lead", "stale", "done"]

    def with_status(self, queryset, name, value):
        return queryset.filter(rag_status="" if value == NOT_RATED else value)


class RagUpdateInputSerializer(serializers.Serializer):
    """A status for the task with the comment that explains it, as at a day (today if left
    out); `is_public` lets the comment be quoted on the public progress page."""

    status = serializers.ChoiceField(
        choices=RagStatus.choices,
        # What each status means, as the pages show it wherever a status is chosen.
        help_text="; ".join(f'"{key}": {meaning}' for key, meaning in choices_with_meanings()),
        error_messages={
            "required": services.CHOOSE_STATUS,
            "null": services.CHOOSE_STATUS,
            "invalid_choice": services.CHOOSE_STATUS,
        },
    )
    comment = serializers.CharField(
        max_length=COMMENT_LIMIT,
        error_messages={
            "required": services.ENTER_COMMENT,
            "blank": services.ENTER_COMMENT,
            "null": services.ENTER_COMMENT,
        },
    )
    on = serializers.DateField(
        required=False,
        help_text="The day the status speaks for (YYYY-MM-DD): today or before; today if left out",
        validators=[date_range_checker(name=STATUS_DATE, earliest=SANE_EARLIEST)],
    )
    is_public = serializers.BooleanField(
        default=False, help_text="The comment may be shown on the public progress page"
    )


class RagUpdateSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    by = serializers.SerializerMethodField(help_text="Who recorded it")

    class Meta:
        model = RagUpdate
        fields = ["id", "task", "status", "comment", "on", "is_public", "by", "created_at"]

    @extend_schema_field(RagStatusSerializer)
    def get_status(self, update) -> dict:
        return status_data(update.status)

    def get_by(self, update) -> str | None:
        return update.by.get_full_name() if update.by is not None else None


@extend_schema_view(
    list=extend_schema(
        description=(
            "The tasks of the delivery plans in the plan's order, each with its current RAG "
            "status and comment, its milestones, what they suggest and whether it is stale. "
            "Those who may see the plans see every task; a lead sees the tasks they lead."
        )
    ),
    retrieve=extend_schema(
        responses={
            200: DeliveryTaskSerializer,
            404: OpenApiResponse(_ERROR_DETAIL, description="No task of yours here"),
        }
    ),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The tasks of the delivery plans, and their RAG statuses."""

    queryset = Task.objects.none()
    serializer_class = DeliveryTaskSerializer
    filterset_class = TaskFilter
    permission_classes = [IsAuthenticated, SeesPlans, RulePermissions]
    parser_classes = [JSONParser]
    lookup_value_regex = r"[0-9]+"
    object_rules = {"retrieve": rules.VIEW_TASK, "rag_updates": rules.UPDATE_TASK}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        milestones = Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id"))
        return (
            Task.objects.visible_to(self.request.user)
            .for_report()
            .with_signals(timezone.localdate())
            .prefetch_related(milestones)
            .order_by(
                "-action__plan__is_current",
                "action__plan",
                "action__activity_area__number",
                "action__position",
                "position",
                "id",
            )
        )

    @extend_schema(
        request=RagUpdateInputSerializer,
        responses={
            201: RagUpdateSerializer,
            400: OpenApiResponse(
                _FIELD_ERRORS,
                description='Messages by field: "status", "comment", "on" or "is_public"',
            ),
            403: OpenApiResponse(
                _ERROR_DETAIL,
                description="Not a task you may update (not yours, or in a historic plan)",
            ),
            404: OpenApiResponse(_ERROR_DETAIL, description="No task of yours here"),
        },
        description=(
            "Record a RAG status for the task with the comment that explains it. It becomes the "
            "task's current status (unless dated before the current one) and is kept in its "
            "history. A lead records statuses for the tasks they lead, a performance officer "
            "for any task of a current plan."
        ),
    )
    @action(detail=True, methods=["post"], url_path="rag-updates")
    def rag_updates(self, request, pk=None):
        task = self.get_object()
        incoming = RagUpdateInputSerializer(data=request.data)
        if not incoming.is_valid():
            raise serializers.ValidationError(incoming.errors)
        data = incoming.validated_data
        try:
            update = services.record_rag_update(
                task=task,
                status=data["status"],
                comment=data["comment"],
                on=data.get("on"),
                is_public=data["is_public"],
                by=request.user,
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise serializers.ValidationError(error.message_dict) from error
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
            ) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        return Response(RagUpdateSerializer(update).data, status=status.HTTP_201_CREATED)
