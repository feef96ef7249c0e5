from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ActivityArea, CharterPrinciple, EngagementLevel


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
