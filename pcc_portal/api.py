"""Read endpoints for the office's reference data."""

from django.db.models import Prefetch
from rest_framework import serializers, viewsets

from .models import Aim, LocalAuthority, Objective, PolicingArea, SuccessMeasure


class PolicingAreaSerializer(serializers.ModelSerializer):
    residents = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = PolicingArea
        fields = ["id", "slug", "name", "residents"]


class LocalAuthoritySerializer(serializers.ModelSerializer):
    policing_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="ons_code", read_only=True, allow_null=True)

    class Meta:
        model = LocalAuthority
        fields = [
            "id",
            "ons_code",
            "name",
            "kind",
            "parent",
            "policing_area",
            "residents",
            "residents_source",
            "residents_year",
        ]


class ObjectiveSerializer(serializers.ModelSerializer):
    aim = serializers.IntegerField(source="aim.number", read_only=True)
    success_measures = serializers.SerializerMethodField()

    class Meta:
        model = Objective
        fields = ["id", "number", "title", "aim", "success_measures"]

    def get_success_measures(self, objective) -> list[str]:
        return [measure.text for measure in objective.success_measures.all()]


class AimSerializer(serializers.ModelSerializer):
    objectives = ObjectiveSerializer(many=True, read_only=True)

    class Meta:
        model = Aim
        fields = ["id", "number", "title", "objectives"]


measures = Prefetch("success_measures", queryset=SuccessMeasure.objects.order_by("position"))


class PolicingAreaViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = PolicingArea.objects.with_residents()
    serializer_class = PolicingAreaSerializer
    lookup_field = "slug"


class LocalAuthorityViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = LocalAuthority.objects.select_related("parent", "policing_area")
    serializer_class = LocalAuthoritySerializer
    filterset_fields = ["kind", "policing_area__slug"]
    lookup_field = "ons_code"


class AimViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Aim.objects.prefetch_related(
        Prefetch(
            "objectives",
            queryset=Objective.objects.select_related("aim").prefetch_related(measures),
        )
    )
    serializer_class = AimSerializer


class ObjectiveViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Objective.objects.select_related("aim").prefetch_related(measures)
    serializer_class = ObjectiveSerializer
    filterset_fields = ["aim__number"]
