"""The engagement API: the charter (read only), contacts and organisations."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from pcc_portal.api_permissions import RolePermissions, RulePermissions
from pcc_portal.models import PolicingArea

from .filters import ContactFilter, OrganisationFilter
from .models import (
    ActivityArea,
    CharterPrinciple,
    Contact,
    EngagementLevel,
    Organisation,
    ReachedGroup,
)
from .rules import CHANGE_CONTACT_RECORD, LOG_CONTACTS, VIEW_CONTACT_RECORD
from .services import ContactAnswers, add_organisation, log_contact, update_contact


class ActivityAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityArea
        fields = ["id", "number", "name", "description"]


class CharterPrincipleSerializer(serializers.ModelSerializer):
    class Meta:
        model = CharterPrinciple
        fields = ["id", "position", "title", "commitment"]


class EngagementLevelSerializer(serializers.ModelSerializer):
    ways_to_engage = serializers.ListField(source="ways", child=serializers.CharField())

    class Meta:
        model = EngagementLevel
        fields = ["id", "position", "name", "aim", "commitment", "ways_to_engage"]


class ActivityAreaViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ActivityArea.objects.all()
    serializer_class = ActivityAreaSerializer


class CharterPrincipleViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = CharterPrinciple.objects.all()
    serializer_class = CharterPrincipleSerializer


class EngagementLevelViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = EngagementLevel.objects.all()
    serializer_class = EngagementLevelSerializer


class ContactSerializer(serializers.ModelSerializer):
    """A contact as the API shows it."""

    ambassador = serializers.CharField(source="ambassador.user.get_full_name", read_only=True)
    policing_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    engagement_level = serializers.SlugRelatedField(slug_field="name", read_only=True)
    activity_areas = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    groups_reached = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    raised_issue = serializers.SerializerMethodField()
    editable_until = serializers.DateField(read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "ambassador",
            "occurred_on",
            "policing_area",
            "place",
            "organisation",
            "who",
            "people_reached",
            "method",
            "engagement_level",
            "activity_areas",
            "groups_reached",
            "topics",
            "issues_raised",
            "raised_issue",
            "submission_key",
            "created_at",
            "updated_at",
            "editable_until",
        ]

    def get_raised_issue(self, contact) -> dict | None:
        issue = getattr(contact, "raised_issue", None)
        if issue is None:
            return None
        # The ambassador's phone shows the status by its public name.
        return {
            "summary": issue.summary,
            "status": issue.status,
            "status_name": str(issue.state.public_name),
            "answer": issue.answer,
        }


class ContactInputSerializer(serializers.Serializer):
    """What a phone sends to log or change a contact; the service applies the rules."""

    occurred_on = serializers.DateField()
    policing_area = serializers.SlugRelatedField(
        slug_field="slug", queryset=PolicingArea.objects.all()
    )
    place = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    who = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    people_reached = serializers.IntegerField(min_value=1, max_value=100_000)
    method = serializers.ChoiceField(choices=Contact.Method.choices)
    engagement_level = serializers.SlugRelatedField(
        slug_field="name", queryset=EngagementLevel.objects.all()
    )
    activity_areas = serializers.SlugRelatedField(
        slug_field="number", many=True, queryset=ActivityArea.objects.all(), allow_empty=False
    )
    groups_reached = serializers.PrimaryKeyRelatedField(
        many=True, queryset=ReachedGroup.objects.all(), required=False, default=list
    )
    topics = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    issues_raised = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=Contact._meta.get_field("issues_raised").max_length,
        default="",
    )
    raise_with_commissioner = serializers.BooleanField(required=False, default=False)
    raise_summary = serializers.CharField(
        required=False, allow_blank=True, max_length=300, default=""
    )
    submission_key = serializers.UUIDField(required=False, allow_null=True, default=None)

    def answers(self, *, base: ContactAnswers | None = None) -> ContactAnswers:
        """The contact's answers, as the phone form gives them; a partial update (which
        carries only what it changes, without the defaults) keeps the rest from `base`."""
        return ContactAnswers.from_input(self.validated_data, base=base)

    def raise_arguments(self) -> dict:
        return {
            "raise_with_commissioner": self.validated_data.get("raise_with_commissioner", False),
            "raise_summary": self.validated_data.get("raise_summary", ""),
        }


class ContactViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Ambassadors log and list their own contacts; staff list everyone's, with filters.

    Send a `submission_key` (a UUID made on the phone) with each new contact: sending the same
    contact again returns the first one (200) instead of creating a second (201).
    """

    queryset = Contact.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    permission_classes = [IsAuthenticated, RolePermissions, RulePermissions]
    view_rules = {"create": LOG_CONTACTS}
    object_rules = {
        "retrieve": VIEW_CONTACT_RECORD,
        "update": CHANGE_CONTACT_RECORD,
        "partial_update": CHANGE_CONTACT_RECORD,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drawing the schema: nobody signed in
            return Contact.objects.none()
        return Contact.objects.for_lists().visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ContactInputSerializer
        return ContactSerializer

    @extend_schema(request=ContactInputSerializer, responses={201: ContactSerializer})
    def create(self, request, *args, **kwargs):
        incoming = ContactInputSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        contact, created = log_contact(
            user=request.user,
            answers=incoming.answers(),
            submission_key=incoming.validated_data.get("submission_key"),
            **incoming.raise_arguments(),
        )
        contact = self.get_queryset().get(pk=contact.pk)
        return Response(
            ContactSerializer(contact).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=ContactInputSerializer, responses={200: ContactSerializer})
    def update(self, request, *args, **kwargs):
        contact = self.get_object()
        incoming = ContactInputSerializer(
            data=request.data, partial=kwargs.get("partial", False), context={"request": request}
        )
        incoming.is_valid(raise_exception=True)
        update_contact(
            user=request.user,
            contact=contact,
            answers=incoming.answers(base=ContactAnswers.of(contact)),
            **incoming.raise_arguments(),
        )
        return Response(ContactSerializer(self.get_queryset().get(pk=contact.pk)).data)


class OrganisationSerializer(serializers.ModelSerializer):
    policing_areas = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=PolicingArea.objects.all(), required=False
    )
    org_id = serializers.CharField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "org_id",
            "name",
            "kind",
            "charity_number",
            "company_number",
            "address",
            "policing_areas",
            "website",
            "contact_name",
            "email",
            "phone",
            "consent_basis",
        ]


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisations: staff see all; an ambassador sees and adds those of their own area."""

    queryset = Organisation.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drawing the schema: nobody signed in
            return Organisation.objects.none()
        return Organisation.objects.visible_to(self.request.user).prefetch_related("policing_areas")

    def perform_create(self, serializer):
        # The serializer's writable fields are the service's arguments, one for one.
        serializer.instance = add_organisation(user=self.request.user, **serializer.validated_data)
