from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement"

    def ready(self):
        from pcc_portal.registry import reference_sections

        from . import reference_data

        reference_sections.register("activity_areas", reference_data.load_activity_areas)
        reference_sections.register("charter_principles", reference_data.load_charter_principles)
        reference_sections.register("engagement_levels", reference_data.load_engagement_levels)
