from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement"

    def ready(self):
        from pcc_portal.registry import demo_fillers, open_now, reference_sections

        from . import calendar_text, demo, reference_data

        reference_sections.register("activity_areas", reference_data.load_activity_areas)
        reference_sections.register("charter_principles", reference_data.load_charter_principles)
        reference_sections.register("engagement_levels", reference_data.load_engagement_levels)
        reference_sections.register("standing_meetings", reference_data.load_standing_meetings)
        reference_sections.register("groups_reached", reference_data.load_groups_reached)
        demo_fillers.register("engagement", demo.fill)
        open_now.register("events", calendar_text.upcoming_public_events)
