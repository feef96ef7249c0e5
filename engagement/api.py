"""Read endpoints for the engagement charter."""

from rest_framework import serializers, viewsets

from .models import ActivityArea, CharterPrinciple, EngagementLevel


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
