"""The grants API: the rounds open now, with their rules (anyone); applications (an applicant
starts, fills in and sends their own; staff read those sent to the office); and the awards made
(anyone reads what is published; those who run the scheme read each award's full record).

Thin by design: an input serializer checks the shape of what is sent, the services in
grants/services.py apply every rule, and an output serializer shows the result. A refusal by a
service is a 403 (the person) or a 400 with field messages (the input), never a 500.
"""

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings

from engagement.models import ActivityArea
from pcc_portal.api_parsers import JSONParser
from pcc_portal.api_permissions import RulePermissions
from pcc_portal.models import Objective, PolicingArea

from . import rules, services
from .applying import DRAFT_FIELDS
from .models import (
    Application,
    ApplicationTransition,
    AssessmentCriterion,
    Attachment,
    Award,
    GrantRound,
    GrantScheme,
    Instalment,
    MonitoringReport,
    RoundQuestion,
)
from .workflow import ApplicationStatus, State

# The services name a budget line, a round's question or a consortium member by its number or
# id ("line_2", "question_14", "member_1"); the API names them as the body does.
_NUMBERED = {
    "line": "budget_lines",
    "question": "answers",
    "member": "consortium_members",
}
_NUMBERED_KEY = re.compile(r"^(line|question|member)_(\d+)$")
_COUNTED_FROM_ONE = {"budget_lines", "consortium_members"}
NOT_A_QUESTION_ID = 'Each answer must be keyed by the id of a question, like "14"'
TOO_MANY_ANSWERS = "Send no more than {limit} answers"
# Far more than any round asks or any budget needs; refuses a body of junk before any work.
MOST_ITEMS = 100
# A kind of organisation as a plain string (checked by the services): given as an enum here too,
# the schema would name the organisations API's choice set twice.
KIND_OF_ORGANISATION = "A kind of organisation as the organisations API lists them, e.g. voluntary"

_ERROR_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}}
_FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError keyed as the body is: "budget_lines.2", "answers.14",
    "consortium_members.1", the field's own name otherwise."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    errors: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        found = _NUMBERED_KEY.match(name)
        key = f"{_NUMBERED[found.group(1)]}.{found.group(2)}" if found else name
        errors.setdefault(key, []).extend(messages)
    return errors


def input_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """An input serializer's nested errors keyed as the services' are: "budget_lines.1.amount"
    for the first line's amount (lines and members counted from 1, as the person counts them),
    "answers.14" for the answer to question 14."""
    if isinstance(errors, Mapping):
        items = list(errors.items())
    elif isinstance(errors, list) and errors and not isinstance(errors[0], str):
        items = [(n, item) for n, item in enumerate(errors) if item]
    else:
        return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in errors]}
    flat: dict[str, list[str]] = {}
    for name, value in items:
        name = str(name)
        if prefix in _COUNTED_FROM_ONE and name.isdigit():
            name = str(int(name) + 1)
        key = f"{prefix}.{name}" if prefix else name
        for field, messages in input_errors(value, key).items():
            flat.setdefault(field, []).extend(messages)
    return flat


def _valid(serializer: serializers.Serializer) -> serializers.Serializer:
    if not serializer.is_valid():
        raise serializers.ValidationError(input_errors(serializer.errors))
    return serializer


def _name(state: State, *, public: bool) -> str:
    return str(state.public_name if public else state.staff_name)


# --- Grant rounds -------------------------------------------------------------------------------


class SchemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = GrantScheme
        fields = ["name", "slug", "description", "funder", "eligibility"]


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentCriterion
        fields = ["name", "guidance", "weight", "max_score"]


class RoundQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoundQuestion
        fields = ["id", "text", "help_text", "required", "max_length"]


class ActivityAreaRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityArea
        fields = ["number", "name"]


class ObjectiveRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ["id", "number", "title"]


class GrantRoundSerializer(serializers.ModelSerializer):
    """An open round and its rules, as applicants read them."""

    scheme = SchemeSerializer(read_only=True)
    activity_areas = ActivityAreaRefSerializer(
        many=True, read_only=True, help_text="The activity areas it funds; empty for any"
    )
    objectives = ObjectiveRefSerializer(
        many=True, read_only=True, help_text="The objectives it funds; empty for any"
    )
    criteria = CriterionSerializer(
        many=True, read_only=True, help_text="What applications are scored on, with weights"
    )
    questions = RoundQuestionSerializer(
        many=True, read_only=True, help_text="The round's own questions, beyond the standard ones"
    )

    class Meta:
        model = GrantRound
        fields = [
            "slug",
            "name",
            "scheme",
            "tier",
            "description",
            "opens_at",
            "closes_at",
            "decisions_expected_on",
            "budget",
            "minimum_award",
            "maximum_award",
            "longest_project_months",
            "activity_areas",
            "objectives",
            "criteria",
            "questions",
        ]


@extend_schema_view(
    list=extend_schema(description="Grant rounds open for applications now, soonest to close."),
    retrieve=extend_schema(
        description="One round open now, with its rules.",
        responses={
            200: GrantRoundSerializer,
            404: OpenApiResponse(_ERROR_DETAIL, description="No round open here"),
        },
    ),
)
class GrantRoundViewSet(viewsets.ReadOnlyModelViewSet):
    """The rounds of the public schemes that accept applications now."""

    queryset = GrantRound.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = GrantRoundSerializer
    lookup_field = "slug"
    permission_classes = [AllowAny]
    filter_backends = []

    def get_queryset(self):
        return (
            GrantRound.objects.open(timezone.now())
            .filter(scheme__is_public=True)
            .select_related("scheme")
            .prefetch_related(
                "activity_areas",
                "objectives",
                Prefetch("criteria", queryset=AssessmentCriterion.objects.order_by("position")),
                Prefetch("questions", queryset=RoundQuestion.objects.order_by("position")),
            )
            .order_by("closes_at", "pk")
        )


# --- Awards -------------------------------------------------------------------------------------


class InstalmentSerializer(serializers.ModelSerializer):
    held_for_report = serializers.SerializerMethodField(
        help_text="The monitoring report that must be accepted before it is released"
    )

    class Meta:
        model = Instalment
        fields = [
            "number",
            "due_on",
            "amount",
            "financial_year",
            "held_for_report",
            "released_at",
            "paid_at",
        ]

    def get_held_for_report(self, instalment) -> str | None:
        report = instalment.held_for_report
        return report.title if report is not None else None


class ReportSerializer(serializers.ModelSerializer):
    status_name = serializers.SerializerMethodField()

    class Meta:
        model = MonitoringReport
        fields = ["id", "title", "due_on", "is_final", "status", "status_name", "submitted_at"]

    def get_status_name(self, report) -> str:
        return _name(report.state, public=self.context.get("public_names", False))


class PublicAwardSerializer(serializers.ModelSerializer):
    """An award as it is published: who got how much, for what, when, from which scheme and
    where, with its conditions and reasons (the Specified Information Order)."""

    recipient = serializers.CharField(source="recipient_name", read_only=True)
    recipient_org_id = serializers.SerializerMethodField(
        help_text="The 360Giving identifier of the organisation: GB-CHC-..., GB-COH-... or local"
    )
    purpose = serializers.CharField(source="application.project_title", read_only=True)
    summary = serializers.CharField(source="application.project_summary", read_only=True)
    date = serializers.DateField(source="decided_on", read_only=True)
    scheme = serializers.CharField(source="application.scheme.name", read_only=True)
    round = serializers.SerializerMethodField()
    areas = serializers.SlugRelatedField(
        source="beneficiary_areas",
        slug_field="name",
        many=True,
        read_only=True,
        help_text="The policing areas the grant serves",
    )
    activity_area = serializers.SerializerMethodField()

    class Meta:
        model = Award
        fields = [
            "id",
            "recipient",
            "recipient_org_id",
            "amount",
            "purpose",
            "summary",
            "date",
            "scheme",
            "round",
            "areas",
            "activity_area",
            "conditions",
            "reasons",
        ]

    def get_recipient_org_id(self, award) -> str | None:
        organisation = award.application.organisation
        return organisation.org_id if organisation is not None else None

    def get_round(self, award) -> str | None:
        grant_round = award.application.round
        return grant_round.name if grant_round is not None else None

    def get_activity_area(self, award) -> str | None:
        area = award.application.activity_area
        return area.name if area is not None else None


class StaffAwardSerializer(PublicAwardSerializer):
    """An award's full record, for those who run the scheme or decide its grants."""

    application = serializers.PrimaryKeyRelatedField(read_only=True)
    reference = serializers.CharField(source="application.reference", read_only=True)
    status = serializers.CharField(source="application.status", read_only=True)
    decision = serializers.SerializerMethodField(
        help_text="The decision's reference in the decisions register"
    )
    instalments = InstalmentSerializer(many=True, read_only=True)
    reports = ReportSerializer(many=True, read_only=True)

    class Meta(PublicAwardSerializer.Meta):
        fields = [
            *PublicAwardSerializer.Meta.fields,
            "application",
            "reference",
            "status",
            "starts_on",
            "ends_on",
            "decided_by",
            "decision",
            "is_multi_year",
            "offer_accepted_at",
            "closed_at",
            "underspend_returned",
            "instalments",
            "reports",
        ]

    def get_decision(self, award) -> str | None:
        record = award.decision_record
        return record.reference if record is not None else None


class AwardFilter(filters.FilterSet):
    scheme = filters.ModelChoiceFilter(
        field_name="application__scheme",
        to_field_name="slug",
        queryset=GrantScheme.objects.all(),
        help_text="The scheme's web address, e.g. grant-scheme",
    )
    round = filters.ModelChoiceFilter(
        field_name="application__round",
        to_field_name="slug",
        queryset=GrantRound.objects.all(),
        help_text="The round's web address",
    )
    area = filters.ModelChoiceFilter(
        field_name="beneficiary_areas",
        to_field_name="slug",
        queryset=PolicingArea.objects.all(),
        distinct=True,
        help_text="A policing area's slug",
    )
    decided_from = filters.DateFilter(
        field_name="decided_on", lookup_expr="gte", help_text="Decided on or after (YYYY-MM-DD)"
    )
    decided_to = filters.DateFilter(
        field_name="decided_on", lookup_expr="lte", help_text="Decided on or before (YYYY-MM-DD)"
    )

    class Meta:
        model = Award
        fields = ["scheme", "round", "area", "decided_from", "decided_to"]


_AWARD = PolymorphicProxySerializer(
    component_name="AwardAsSeen",
    serializers=[PublicAwardSerializer, StaffAwardSerializer],
    resource_type_field_name=None,
)


@extend_schema_view(
    list=extend_schema(
        description=(
            "Awards made, newest first. Anyone reads the published fields; those who run the "
            "scheme or decide its grants also read every award's full record."
        ),
        responses=PolymorphicProxySerializer(
            component_name="AwardAsSeen",
            serializers=[PublicAwardSerializer, StaffAwardSerializer],
            resource_type_field_name=None,
            many=True,
        ),
    ),
    retrieve=extend_schema(
        description="One award.",
        responses={
            200: _AWARD,
            404: OpenApiResponse(_ERROR_DETAIL, description="No award published here"),
        },
    ),
)
class AwardViewSet(viewsets.ReadOnlyModelViewSet):
    """Grants awarded."""

    queryset = Award.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = PublicAwardSerializer
    filterset_class = AwardFilter
    permission_classes = [AllowAny]

    def sees_everything(self) -> bool:
        request = getattr(self, "request", None)
        return bool(request is not None and request.user.has_perm(rules.SEE_AWARDS))

    def get_queryset(self):
        if self.sees_everything():
            awards = Award.objects.all().prefetch_related(
                Prefetch(
                    "instalments", queryset=Instalment.objects.select_related("held_for_report")
                ),
                "reports",
            )
        else:
            # What the public list and the 360Giving data publish (the querysets' rule).
            awards = Award.objects.published()
        return awards.for_lists().order_by("-decided_on", "-pk")

    def get_serializer_class(self):
        return StaffAwardSerializer if self.sees_everything() else PublicAwardSerializer


# --- Applications -------------------------------------------------------------------------------


class BudgetLineSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class ConsortiumMemberSerializer(serializers.Serializer):
    organisation_name = serializers.CharField(max_length=255)
    organisation_kind = serializers.CharField(
        max_length=30, required=False, allow_blank=True, help_text=KIND_OF_ORGANISATION
    )
    charity_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    company_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    role = serializers.CharField(max_length=300, required=False, allow_blank=True)


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    answer = serializers.CharField()


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="What the document is, e.g. accounts")

    class Meta:
        model = Attachment
        fields = ["id", "kind", "name", "size", "uploaded_at"]


class HistorySerializer(serializers.ModelSerializer):
    """One move of the application. The applicant reads the names they know the states by;
    who made the move and the office's note are the office's."""

    status = serializers.CharField(source="to_status", read_only=True)
    status_name = serializers.SerializerMethodField()
    by = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationTransition
        fields = ["status", "status_name", "at", "by", "note"]

    def _public(self) -> bool:
        return self.context.get("public_names", False)

    def get_status_name(self, transition) -> str:
        return _name(transition.to_state, public=self._public())

    def get_by(self, transition) -> str | None:
        return None if self._public() else transition.by.get_full_name()

    def get_note(self, transition) -> str:
        return "" if self._public() else transition.note


class AwardSummarySerializer(serializers.ModelSerializer):
    """The award an application led to, as its applicant and the office read it."""

    instalments = InstalmentSerializer(many=True, read_only=True)
    reports = ReportSerializer(many=True, read_only=True)

    class Meta:
        model = Award
        fields = [
            "id",
            "amount",
            "conditions",
            "reasons",
            "starts_on",
            "ends_on",
            "decided_on",
            "offer_accepted_at",
            "instalments",
            "reports",
        ]


class ApplicationSerializer(serializers.ModelSerializer):
    """An application as its applicant or the office reads it. The office's own workings (the
    recommendation, who recorded the decision, the organisation it was linked to) are null for
    the applicant, and each status is named as its reader knows it."""

    scheme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    round = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    organisation_kind = serializers.CharField(read_only=True, help_text=KIND_OF_ORGANISATION)
    status_name = serializers.SerializerMethodField()
    activity_area = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    objectives = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    policing_areas = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    budget_lines = BudgetLineSerializer(many=True, read_only=True)
    consortium_members = ConsortiumMemberSerializer(many=True, read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    history = HistorySerializer(source="transitions", many=True, read_only=True)
    organisation = serializers.SerializerMethodField(
        help_text="The organisation on record it is linked to (staff only)"
    )
    recommended_amount = serializers.SerializerMethodField(help_text="Staff only")
    recommendation = serializers.SerializerMethodField(help_text="Staff only")
    decided_by = serializers.SerializerMethodField(help_text="Staff only")
    award = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "kind",
            "scheme",
            "round",
            "status",
            "status_name",
            *DRAFT_FIELDS,
            "objectives",
            "policing_areas",
            "budget_lines",
            "consortium_members",
            "answers",
            "attachments",
            "declaration_given_at",
            "submitted_at",
            "outcome_reason",
            "decided_on",
            "organisation",
            "recommended_amount",
            "recommendation",
            "decided_by",
            "history",
            "award",
            "created_at",
            "updated_at",
        ]

    def _is_applicant(self, application) -> bool:
        viewer = self.context.get("viewer")
        return viewer is not None and application.applicant_id == viewer.pk

    def to_representation(self, application):
        # The applicant reads the public names of the states, in the history too.
        self.context["public_names"] = self._is_applicant(application)
        return super().to_representation(application)

    def get_status_name(self, application) -> str:
        return _name(application.state, public=self._is_applicant(application))

    def _office(self, application, value):
        return None if self._is_applicant(application) else value

    def get_organisation(self, application) -> int | None:
        return self._office(application, application.organisation_id)

    def get_recommended_amount(self, application) -> str | None:
        amount = application.recommended_amount
        return self._office(application, None if amount is None else f"{amount:.2f}")

    def get_recommendation(self, application) -> str | None:
        return self._office(application, application.recommendation)

    def get_decided_by(self, application) -> str | None:
        return self._office(application, application.decided_by)

    @extend_schema_field(AwardSummarySerializer(allow_null=True))
    def get_award(self, application) -> dict | None:
        award = getattr(application, "award", None)
        if award is None:
            return None
        if not (self._is_applicant(application) or self.context.get("sees_awards")):
            return None
        return AwardSummarySerializer(award, context=self.context).data


class DraftSerializer(serializers.ModelSerializer):
    """What an applicant sends to start or change their draft: any of its fields (each checked
    against the model's limits), the objectives (ids) and policing areas (slugs) it serves, its
    budget lines, its answers to the round's own questions (keyed by question id) and, for a
    consortium bid, its members. What is left out is left as it is."""

    activity_area = serializers.SlugRelatedField(
        slug_field="number",
        queryset=ActivityArea.objects.all(),
        required=False,
        allow_null=True,
        help_text="The activity area's number",
    )
    organisation_kind = serializers.CharField(
        max_length=30, required=False, allow_blank=True, help_text=KIND_OF_ORGANISATION
    )
    objectives = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Objective.objects.all(), required=False
    )
    policing_areas = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=PolicingArea.objects.all(), required=False
    )
    budget_lines = BudgetLineSerializer(
        many=True, required=False, max_length=MOST_ITEMS, help_text="Replace the budget lines"
    )
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=10_000),
        required=False,
        help_text='Answers to the round\'s own questions, keyed by question id: {"14": "..."}',
    )
    consortium_members = ConsortiumMemberSerializer(
        many=True, required=False, max_length=MOST_ITEMS, help_text="Replace the members"
    )

    class Meta:
        model = Application
        fields = [
            *DRAFT_FIELDS,
            "objectives",
            "policing_areas",
            "budget_lines",
            "answers",
            "consortium_members",
        ]
        extra_kwargs = {name: {"required": False} for name in DRAFT_FIELDS}

    def validate_answers(self, answers):
        if len(answers) > MOST_ITEMS:
            raise serializers.ValidationError(TOO_MANY_ANSWERS.format(limit=MOST_ITEMS))
        if not all(key.isascii() and key.isdigit() and len(key) < 12 for key in answers):
            raise serializers.ValidationError(NOT_A_QUESTION_ID)
        return {int(key): text for key, text in answers.items()}

    def save_into(self, application: Application, by) -> Application:
        """Hand what was sent to the services, which check and store it."""
        data = self.validated_data
        values = {name: data[name] for name in DRAFT_FIELDS if name in data}
        application = services.save_draft(
            application=application,
            by=by,
            values=values,
            objectives=data.get("objectives"),
            policing_areas=data.get("policing_areas"),
        )
        if "budget_lines" in data:
            services.set_budget_lines(
                application=application,
                by=by,
                lines=[(line["description"], line["amount"]) for line in data["budget_lines"]],
            )
        if data.get("answers"):
            services.answer_questions(application=application, by=by, answers=data["answers"])
        if "consortium_members" in data:
            services.set_consortium_members(
                application=application, by=by, members=data["consortium_members"]
            )
        return application


class NewApplicationSerializer(DraftSerializer):
    round = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=GrantRound.objects.all(),
        help_text="The web address of the open round applied to",
    )

    class Meta(DraftSerializer.Meta):
        fields = ["round", *DraftSerializer.Meta.fields]


class SubmitSerializer(serializers.Serializer):
    declaration = serializers.BooleanField(
        help_text="The applicant confirms the declaration: true to send"
    )


class AttachmentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices)
    file = serializers.FileField(
        help_text="PDF, Word, Excel, OpenDocument text, JPEG or PNG, at most 10 MB"
    )


class ApplicationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ApplicationStatus.choices)
    round = filters.ModelChoiceFilter(
        field_name="round", to_field_name="slug", queryset=GrantRound.objects.all()
    )

    class Meta:
        model = Application
        fields = ["status", "round"]


_REFUSED = {
    400: OpenApiResponse(_FIELD_ERRORS, description="Messages by field"),
    403: OpenApiResponse(_ERROR_DETAIL, description="Not yours to change, or not allowed"),
}
_REFUSED_OR_MISSING = {
    **_REFUSED,
    404: OpenApiResponse(_ERROR_DETAIL, description="No application of yours here"),
}


@extend_schema_view(
    list=extend_schema(
        description=(
            "An applicant's own applications, drafts included; staff who work on grants see "
            "every application sent to the office, and direct awards."
        )
    ),
    retrieve=extend_schema(
        responses={
            200: ApplicationSerializer,
            404: OpenApiResponse(_ERROR_DETAIL, description="No application of yours here"),
        }
    ),
)
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Grant applications: an applicant starts a draft, fills it in (in as many goes as they
    like), attaches its documents and sends it; staff read what was sent."""

    queryset = Application.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    # Applicants hold no model permissions: what they may do follows from the application being
    # their own, which the rules decide.
    permission_classes = [IsAuthenticated, RulePermissions]
    # Typed JSON only: the budget lines, answers and members are lists and objects.
    parser_classes = [JSONParser]
    view_rules = {"create": rules.APPLY}
    object_rules = {
        "retrieve": rules.VIEW_APPLICATION,
        "partial_update": rules.EDIT_APPLICATION,
        "attachments": rules.EDIT_APPLICATION,
        "submit": rules.VIEW_APPLICATION,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drawing the schema: nobody signed in
            return Application.objects.none()
        return (
            Application.objects.visible_to(self.request.user)
            .select_related("scheme", "round", "activity_area", "award")
            .prefetch_related(
                "objectives",
                "policing_areas",
                "budget_lines",
                "consortium_members",
                "answers",
                "attachments",
                Prefetch(
                    "transitions",
                    queryset=ApplicationTransition.objects.select_related("by").order_by(
                        "at", "pk"
                    ),
                ),
                Prefetch(
                    "award__instalments",
                    queryset=Instalment.objects.select_related("held_for_report"),
                ),
                "award__reports",
            )
            .order_by("-created_at", "-pk")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = getattr(self.request, "user", None) if self.request else None
        if user is not None and user.is_authenticated:
            context["viewer"] = user
            context["sees_awards"] = user.has_perm(rules.SEE_AWARDS)
        return context

    def _shown(self, application: Application, *, created: bool = False) -> Response:
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(
            ApplicationSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        request=NewApplicationSerializer,
        responses={201: ApplicationSerializer, **_REFUSED},
        description=(
            "Start a draft application to an open round, with anything of it already to hand. "
            "Only a person with an applicant's account applies."
        ),
    )
    def create(self, request, *args, **kwargs):
        incoming = _valid(NewApplicationSerializer(data=request.data))
        try:
            # One draft or none: a bad budget line does not leave an empty draft behind.
            with transaction.atomic():
                application = services.start_application(
                    grant_round=incoming.validated_data["round"], by=request.user
                )
                application = incoming.save_into(application, request.user)
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        return self._shown(application, created=True)

    @extend_schema(
        request=DraftSerializer,
        responses={200: ApplicationSerializer, **_REFUSED_OR_MISSING},
        description="Change a draft: only what is sent changes. A sent application is not changed.",
    )
    def partial_update(self, request, *args, **kwargs):
        application = self.get_object()
        incoming = _valid(DraftSerializer(data=request.data, partial=True))
        try:
            with transaction.atomic():
                application = incoming.save_into(application, request.user)
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        return self._shown(application)

    @extend_schema(
        request=SubmitSerializer,
        responses={200: ApplicationSerializer, **_REFUSED_OR_MISSING},
        description=(
            "Send the draft to the office. Everything it must have is checked at once (the "
            "budget lines must add up to the amount asked for); a closed round accepts nothing. "
            "Sending twice makes one submission."
        ),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = self.get_object()
        incoming = _valid(SubmitSerializer(data=request.data))
        try:
            application = services.submit_application(
                application=application,
                by=request.user,
                declaration=incoming.validated_data["declaration"],
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        return self._shown(application)

    @extend_schema(
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentSerializer, **_REFUSED_OR_MISSING},
        description=(
            "Attach a document to the draft: its safeguarding policy, governing document, "
            "accounts or anything else that supports it. Each file is checked for what it "
            "really is, not only by its name."
        ),
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        application = self.get_object()
        incoming = _valid(AttachmentInputSerializer(data=request.data))
        try:
            attachment = services.add_attachment(
                application=application,
                by=request.user,
                kind=incoming.validated_data["kind"],
                upload=incoming.validated_data["file"],
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
