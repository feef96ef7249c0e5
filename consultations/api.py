"""The consultations API: open consultations for anyone to read, and responses sent back to them.

Anonymous by design, like the consultation pages: no sign-in, so no session and no CSRF token
(DRF asks for CSRF only of a person signed in by session, and these views sign nobody in). A
response carries the one-time `form_token` its consultation was read with, so a phone that sends
twice stores one response. Only a flood is refused (decision 20); anything else that looks wrong
is stored and flagged, and the answer never says so.
"""

import re
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response as APIResponse
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from engagement.models import ReachedGroup
from pcc_portal.api_parsers import JSONParser

from . import abuse
from .answering import EQUALITY, EmailAnswer, Place, Respondent, submit_response
from .documents import content_type_of, kind_of
from .equality import CHARACTERISTICS
from .equality_forms import NOT_AN_OPTION as NOT_AN_ANSWER_ABOUT_YOU
from .models import (
    Consultation,
    ConsultationDocument,
    Question,
    QuestionOption,
    Response,
    ScalePoint,
)
from .tokens import LONGEST, issue_token, read_token

THROTTLE_SCOPE = "consultation_responses"
# Far more than any consultation asks; refuses a body of junk keys before any work on them.
MOST_ANSWERS = 500
# A question id fits a 64-bit column with room to spare.
LONGEST_ID = 18

FLOODED = (
    "Too many responses have been sent from your connection in the last minute. "
    "Wait a minute, then send your answers again."
)
NOT_A_MAPPING = "Send the answers as an object keyed by question id"
NOT_A_QUESTION_ID = 'Each answer must be keyed by the id of a question, like "12"'
TOO_MANY_ANSWERS = "Send no more than {limit} answers"
ABOUT_YOU_NOT_A_MAPPING = "Send the answers about you as an object keyed by question name"
ABOUT_YOU_UNKNOWN = "Send only these answers about you: {names}"
GROUP_IDS = "Send the groups as a list of their ids, like [3, 5]"
# More than the office's list of groups reached will ever hold.
MOST_GROUPS = 50

_FIELD_NAME = re.compile(r"^q(\d+)(?:_(\w+))?$")


# --- Reading ----------------------------------------------------------------------------------


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuestionOption
        fields = ["id", "label"]


class ScalePointSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScalePoint
        fields = ["id", "label"]


class QuestionSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)
    scale_points = serializers.SerializerMethodField()
    show_if_question = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    show_if_options = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "position",
            "text",
            "help_text",
            "required",
            "kind",
            "options",
            "scale_points",
            "show_if_question",
            "show_if_options",
        ]

    @extend_schema_field(ScalePointSerializer(many=True))
    def get_scale_points(self, question) -> list:
        if question.scale is None:
            return []
        return ScalePointSerializer(question.scale.points.all(), many=True).data


class DocumentSerializer(serializers.ModelSerializer):
    """A document the consultation asks about, to download before answering."""

    url = serializers.SerializerMethodField(help_text="Where to download it")
    kind = serializers.SerializerMethodField(help_text='Its format, such as "PDF"')
    content_type = serializers.SerializerMethodField(
        help_text="Its content type, as checked when it was uploaded"
    )

    class Meta:
        model = ConsultationDocument
        fields = ["title", "url", "kind", "content_type"]

    def get_url(self, document) -> str:
        url = document.file.url
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_kind(self, document) -> str:
        return kind_of(document)

    def get_content_type(self, document) -> str:
        return content_type_of(document)


class ConsultationSerializer(serializers.ModelSerializer):
    questions = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "title",
            "slug",
            "summary",
            "why",
            "audience",
            "opens_at",
            "closes_at",
            "sensitive",
            "asks_equality",
            "questions",
            "documents",
        ]

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, consultation) -> list:
        questions = consultation.asked
        if consultation.sensitive:
            # Decision 22: no contact details are asked in a sensitive consultation.
            questions = [q for q in questions if q.kind not in Question.PERSONAL]
        return QuestionSerializer(questions, many=True).data


class GroupReachedSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReachedGroup
        fields = ["id", "name"]


class ConsultationDetailSerializer(ConsultationSerializer):
    form_token = serializers.SerializerMethodField(
        help_text="Send it back with the response: the same token twice stores one response"
    )
    groups_reached = serializers.SerializerMethodField(
        help_text=(
            "The groups the 'About you' section offers (its 'groups' answer takes their ids); "
            "empty when the consultation does not ask it"
        )
    )

    class Meta(ConsultationSerializer.Meta):
        fields = [*ConsultationSerializer.Meta.fields, "groups_reached", "form_token"]

    def get_form_token(self, consultation) -> str:
        return issue_token(consultation)

    @extend_schema_field(GroupReachedSerializer(many=True))
    def get_groups_reached(self, consultation) -> list:
        if not consultation.asks_equality:
            return []
        return GroupReachedSerializer(
            ReachedGroup.objects.order_by("position", "name"), many=True
        ).data


# --- Answering --------------------------------------------------------------------------------


def answer_value(value):
    """A JSON answer as the answering service takes it. Anything of the wrong shape is passed on
    untouched, for the question's own check to refuse with its message."""
    if isinstance(value, float):
        return Decimal(str(value))
    if not isinstance(value, dict):
        return value
    keys = set(value)
    if keys == {"where"}:
        code = value["where"]
        # Only ASCII digits make an id: "²" passes str.isdigit() but not int().
        if isinstance(code, str) and code.isascii():
            return Place.from_code(code) or value
        return value
    if "type" in keys and keys <= {"type", "organisation"}:
        kind, organisation = value["type"], value.get("organisation", "")
        if isinstance(kind, str) and isinstance(organisation, str):
            return Respondent(type=kind, organisation=organisation)
        return value
    if "email" in keys and keys <= {"email", "wants_feedback"}:
        address, wants = value["email"], value.get("wants_feedback", False)
        if isinstance(address, str) and isinstance(wants, bool):
            return EmailAnswer(address=address, wants_feedback=wants)
    return value


@extend_schema_field(
    {
        "type": "object",
        "description": (
            "Answers keyed by question id. By the question's kind: an option id (single "
            "choice), a list of option ids (multiple choice), true or false (yes/no), a scale "
            'point id (scale), a number, text, {"where": "area:2" | "authority:7" | "outside" | '
            '"prefer_not"} (where you live), {"type": "resident" | "business" | "organisation", '
            '"organisation": "..."} (who is responding), {"email": "...", "wants_feedback": '
            "true} (email). A question left out, or answered with null, is unanswered."
        ),
        "additionalProperties": {
            "oneOf": [
                {"type": "integer"},
                {"type": "array", "items": {"type": "integer"}},
                {"type": "boolean"},
                {"type": "number"},
                {"type": "string"},
                {"type": "object"},
            ],
            "nullable": True,
        },
        "example": {"12": 31, "13": [40, 42], "14": "More patrols in the evenings"},
    }
)
class AnswersField(serializers.Field):
    def to_internal_value(self, data) -> dict[int, object]:
        if not isinstance(data, dict):
            raise serializers.ValidationError(NOT_A_MAPPING)
        if len(data) > MOST_ANSWERS:
            raise serializers.ValidationError(TOO_MANY_ANSWERS.format(limit=MOST_ANSWERS))
        answers = {}
        for key, value in data.items():
            if not (key.isascii() and key.isdigit() and len(key) <= LONGEST_ID):
                raise serializers.ValidationError(NOT_A_QUESTION_ID)
            answers[int(key)] = answer_value(value)
        return answers

    def to_representation(self, value):
        return value


class GroupIdsField(serializers.Field):
    def to_internal_value(self, data) -> list[int]:
        if (
            not isinstance(data, list)
            or len(data) > MOST_GROUPS
            or not all(_is_group_id(value) for value in data)
        ):
            raise serializers.ValidationError(GROUP_IDS)
        # Whether each names a group is the answering service's check.
        return list(dict.fromkeys(data))

    def to_representation(self, value):
        return value


def _is_group_id(value) -> bool:
    # Bounded, so that a huge number is refused here rather than overflowing the database's.
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**LONGEST_ID


def _about_you_schema() -> dict:
    """The section's schema, drawn from the same list of questions as its fields. Written out
    rather than generated, so that its lists of answers stay with their questions: two questions
    share the yes / no / prefer-not list, and schema components would merge them under one
    question's name."""
    properties = {}
    for characteristic in CHARACTERISTICS:
        if characteristic.choices is None:
            properties[characteristic.field] = {
                "type": "array",
                "items": {"type": "integer", "minimum": 1},
                "maxItems": MOST_GROUPS,
                "nullable": True,
                "description": (
                    f"{characteristic.question} The ids of the office's groups reached, as the "
                    "consultation's page offers them. Leave out, or send [], to name none or to "
                    "prefer not to say."
                ),
            }
            continue
        offered = "; ".join(
            f'"{value}": {label}' for value, label in characteristic.choices.choices
        )
        properties[characteristic.field] = {
            "type": "string",
            "enum": [*characteristic.choices.values, "", None],
            "nullable": True,
            "description": (
                f'{characteristic.question} {offered}. Left out, "" or null: not answered.'
            ),
        }
    return {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "nullable": True,
        "description": (
            "The optional questions about the person (equality monitoring), for a consultation "
            "whose page asks them; a consultation that does not ask them refuses any answer "
            "here. Stored apart from the answers."
        ),
    }


@extend_schema_field(_about_you_schema())
class AboutYouSerializer(serializers.Serializer):
    """The optional "About you" section (equality monitoring), asked only by consultations that
    ask it: each question's answer from those offered ("prefer_not" for "Prefer not to say"),
    or left out. Stored apart from the answers and only ever reported for groups of people."""

    def get_fields(self):
        fields = {}
        for characteristic in CHARACTERISTICS:
            if characteristic.choices is None:
                fields[characteristic.field] = GroupIdsField(required=False, allow_null=True)
                continue
            message = NOT_AN_ANSWER_ABOUT_YOU.format(question=characteristic.question)
            fields[characteristic.field] = serializers.ChoiceField(
                choices=characteristic.choices.choices,
                required=False,
                allow_blank=True,
                allow_null=True,
                help_text=characteristic.question,
                error_messages={"invalid_choice": message},
            )
        return fields

    def to_internal_value(self, data) -> dict:
        if not isinstance(data, Mapping):
            raise serializers.ValidationError([ABOUT_YOU_NOT_A_MAPPING])
        # A misspelt question would otherwise be dropped without a word.
        if any(name not in self.fields for name in data):
            names = ", ".join(self.fields)
            raise serializers.ValidationError([ABOUT_YOU_UNKNOWN.format(names=names)])
        values = super().to_internal_value(data)
        return {
            c.field: values.get(c.field) or ([] if c.choices is None else "")
            for c in CHARACTERISTICS
        }


class HoneypotField(serializers.CharField):
    """The form's field people never see and machines fill in. Whatever is in it only ever
    flags the response (decision 20): a length or a character checked here would refuse a
    suspect response and tell the machine what was noticed."""

    def run_validators(self, value):
        return None


class ResponseInputSerializer(serializers.Serializer):
    """What a client sends: the token it read the consultation with, the answers, and the
    answers about the person if the consultation asks them."""

    form_token = serializers.CharField(max_length=LONGEST)
    answers = AnswersField()
    website = HoneypotField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Leave empty",
    )
    equality = AboutYouSerializer(required=False, allow_null=True)

    def validate_form_token(self, value):
        try:
            return read_token(value, self.context["consultation"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def submission(self) -> dict:
        """submit_response's keyword arguments that come from the body."""
        token, issued_at = self.validated_data["form_token"]
        return {
            "answers": self.validated_data["answers"],
            "form_token": token,
            "issued_at": issued_at,
            "honeypot": self.validated_data["website"],
            "equality": self.validated_data.get("equality"),
        }


class ReceiptSerializer(serializers.ModelSerializer):
    """What the person is told: their response arrived. Never whether it looks suspect."""

    class Meta:
        model = Response
        fields = ["id", "submitted_at"]


def flat_errors(errors: Mapping, prefix: str = "") -> dict[str, list[str]]:
    """A serializer's errors with nested ones keyed as the service's are: "equality.sex"."""
    flat: dict[str, list[str]] = {}
    for name, messages in errors.items():
        key = f"{prefix}.{name}" if prefix else str(name)
        if isinstance(messages, Mapping):
            flat.update(flat_errors(messages, key))
        else:
            flat[key] = list(messages)
    return flat


def field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """The answering service's errors keyed as the body is: "answers.12" for question 12,
    "answers.12.organisation" for the organisation's name it asks, "equality.<name>" for an
    answer about the person and "equality" for the section as a whole."""
    if not hasattr(error, "error_dict"):
        key = "form_token" if error.code == "other_consultation" else None
        return {key or api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    errors: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        found = _FIELD_NAME.match(name)
        if found:
            key = ".".join(part for part in ("answers", *found.groups()) if part)
        elif name == NON_FIELD_ERRORS:
            # The answers' only error that names no question: an answer to one not asked.
            key = "answers"
        elif name.startswith(f"{EQUALITY}_"):
            key = f"{EQUALITY}.{name.removeprefix(f'{EQUALITY}_')}"
        else:
            key = name
        errors.setdefault(key, []).extend(messages)
    return errors


class ResponsesThrottle(ScopedRateThrottle):
    """The scope's rate per client, the client read as the flood count reads it (decision 21),
    so a forged X-Forwarded-For does not start a new count."""

    def get_ident(self, request):
        return abuse.client_key(request)


_ERROR_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}}
_FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


@extend_schema_view(
    list=extend_schema(description="Consultations open now, soonest to close first."),
    retrieve=extend_schema(
        description=(
            "One open consultation, with a new one-time `form_token` to send back with the "
            "response."
        ),
        responses={
            200: ConsultationDetailSerializer,
            404: OpenApiResponse(_ERROR_DETAIL, description="No consultation open here"),
        },
    ),
)
class ConsultationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Consultations open now, with their questions, and the responses sent to them."""

    queryset = Consultation.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = ConsultationSerializer
    lookup_field = "slug"
    authentication_classes = []
    permission_classes = [AllowAny]
    filter_backends = []
    throttle_scope = THROTTLE_SCOPE

    def get_queryset(self):
        if self.action == "responses":
            # A closed or not yet open consultation is found, to be told why it takes nothing.
            return Consultation.objects.published()
        questions = Prefetch("questions", queryset=Question.objects.in_order(), to_attr="asked")
        return (
            Consultation.objects.open(timezone.now())
            .prefetch_related(questions, "documents")
            .order_by("closes_at", "pk")
        )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ConsultationDetailSerializer
        return ConsultationSerializer

    @extend_schema(
        request=ResponseInputSerializer,
        responses={
            201: ReceiptSerializer,
            200: OpenApiResponse(
                ReceiptSerializer, description="The same form_token again: the first response"
            ),
            400: OpenApiResponse(
                _FIELD_ERRORS,
                description='Messages by field: "form_token", "answers", "answers.<question id>", '
                '"answers.<question id>.organisation", "equality" (answers about the person sent '
                'to a consultation that does not ask them), "equality.<question name>", or '
                '"non_field_errors" for a consultation that is closed or not open yet',
            ),
            404: OpenApiResponse(_ERROR_DETAIL, description="No consultation published here"),
            429: OpenApiResponse(_ERROR_DETAIL, description="Too many sent: wait and send again"),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="responses",
        throttle_classes=[ResponsesThrottle],
        # Answers are typed JSON values; a form body cannot carry them.
        parser_classes=[JSONParser],
    )
    def responses(self, request, slug=None):
        """Send one response. Answers go in "answers", keyed by question id; the optional
        answers about the person, where the consultation asks them, in "equality"."""
        consultation = self.get_object()
        if abuse.flooding(request):
            raise Throttled(wait=abuse.retry_after(), detail=FLOODED)
        incoming = ResponseInputSerializer(
            data=request.data, context={"consultation": consultation}
        )
        if not incoming.is_valid():
            raise serializers.ValidationError(flat_errors(incoming.errors))
        try:
            response, created = submit_response(
                consultation=consultation,
                channel=Response.Channel.ONLINE,
                client_key=abuse.client_key(request),
                **incoming.submission(),
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        return APIResponse(
            ReceiptSerializer(response).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
