from pathlib import Path

from django.apps import AppConfig

STATEMENTS = Path(__file__).resolve().parent / "data" / "statements"


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultations"

    def ready(self):
        from pcc_portal import registry

        from . import rules  # noqa: F401  (registers the rules)
        from .reminders import consultation_reminders
        from .role_permissions import NAMED_ONLY, ROLE_PERMISSIONS

        registry.register_role_permissions(self.label, ROLE_PERMISSIONS)
        registry.register_named_only_permissions(self.label, NAMED_ONLY)
        registry.register_reminder_provider(self.label, consultation_reminders)
        from .newsletter_sections import open_consultations, recent_outcomes

        for section in (
            registry.NewsletterSection(
                "consultations", "Have your say: open consultations", 10, open_consultations
            ),
            registry.NewsletterSection("outcomes", "You said, we did", 20, recent_outcomes),
        ):
            registry.register_newsletter_section(section)
        from . import demo

        registry.demo_fillers.register(self.label, demo.fill)

        from . import api

        registry.register_api("consultations", api.ConsultationViewSet, basename="consultation")
        self._plug_in_public_pages(registry)
        from . import bench

        registry.register_bench_scenario(bench.SCENARIO)

    def _plug_in_public_pages(self, registry):
        from pcc_portal.registry import HomeSection, NavEntry, StatementPart

        from . import signals
        from .plan import open_consultations

        # A changed consultation, question or option refreshes the cached public pages.
        signals.connect()
        registry.register_nav(NavEntry("Consultations", "consultations:list", "public", order=15))
        registry.register_nav(
            NavEntry(
                "Consultations",
                "consultations_staff:list",
                "staff",
                rule="consultations.see_results",
                order=50,
            )
        )
        registry.register_nav(
            NavEntry(
                "Personal data requests",
                "consultations_staff:people",
                "staff",
                rule="consultations.manage_personal_data",
                order=60,
            )
        )
        registry.register_home_section(
            HomeSection(
                "consultations",
                "Consultations",
                order=10,
                items=open_consultations,
                empty="There are no consultations open at the moment.",
            )
        )
        for page, title in (("privacy", "Consultations"), ("accessibility", "Consultations")):
            registry.register_statement_part(
                StatementPart(
                    page=page,
                    app_label=self.label,
                    title=title,
                    body=(STATEMENTS / f"{page}.md").read_text(encoding="utf-8"),
                    order=30,
                )
            )
