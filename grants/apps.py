from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Grants"

    def ready(self):
        from pcc_portal import registry

        from . import rules  # noqa: F401  (registers the rules)
        from .role_permissions import ROLE_PERMISSIONS

        registry.register_role_permissions(self.label, ROLE_PERMISSIONS)
        self._plug_in_api_reminders_and_statements(registry)
        self._plug_in_publication(registry)
        self._plug_in_case_work(registry)
        self._plug_in_assessment_and_awards(registry)
        self._plug_in_applying(registry)
        from . import bench

        registry.register_bench_scenario(bench.SCENARIO)

    def _plug_in_publication(self, registry):
        """The awards published (the Specified Information Order's monthly list and the
        360Giving data) and the staff reports on them."""
        from pcc_portal.registry import NavEntry

        from . import checks, signals  # noqa: F401  (importing checks registers them)
        from .rules import SEE_AWARDS

        # Changed awards, applications and schemes refresh the cached public pages.
        signals.connect()
        registry.register_nav(NavEntry("Grants awarded", "grants:awarded", "footer", order=45))
        registry.register_nav(
            NavEntry("Grant reports", "grants_staff:reports", "staff", rule=SEE_AWARDS, order=75)
        )

    def _plug_in_api_reminders_and_statements(self, registry):
        """The API's grant routes, the reminders of reports and closing rounds, the app's parts
        of the privacy notice and accessibility statement, and its demo records."""
        from pathlib import Path

        from pcc_portal.registry import StatementPart

        from . import api, demo
        from .reminders import grants_reminders

        registry.register_api("grant-rounds", api.GrantRoundViewSet, basename="grant-round")
        registry.register_api("applications", api.ApplicationViewSet, basename="application")
        registry.register_api("awards", api.AwardViewSet, basename="award")
        registry.register_reminder_provider(self.label, grants_reminders)
        from .newsletter_sections import open_grant_rounds

        registry.register_newsletter_section(
            registry.NewsletterSection("grant_rounds", "Open grant rounds", 40, open_grant_rounds)
        )
        registry.demo_fillers.register(self.label, demo.fill)
        statements = Path(__file__).resolve().parent / "data" / "statements"
        for page, title in (("privacy", "Grants"), ("accessibility", "Grant pages")):
            registry.register_statement_part(
                StatementPart(
                    page=page,
                    app_label=self.label,
                    title=title,
                    body=(statements / f"{page}.md").read_text(encoding="utf-8"),
                    order=40,
                )
            )

    def _plug_in_case_work(self, registry):
        """The grants officers' queue of applications: in the staff menu, and where a grants
        officer starts after signing in."""
        from pcc_portal.registry import LandingPage, NavEntry
        from pcc_portal.roles import GRANTS_OFFICER

        from .rules import OPEN_STAFF_GRANTS

        registry.register_nav(
            NavEntry(
                "Grants", "grants_staff:applications", "staff", rule=OPEN_STAFF_GRANTS, order=70
            )
        )
        registry.register_landing_page(
            LandingPage(GRANTS_OFFICER.name, "grants_staff:applications", OPEN_STAFF_GRANTS)
        )

    def _plug_in_assessment_and_awards(self, registry):
        """The assessors' applications to score (where an assessor starts after signing in), the
        rounds with their budgets, and the awards with their monitoring."""
        from pcc_portal.registry import LandingPage, NavEntry
        from pcc_portal.roles import GRANT_ASSESSOR

        from .rules import ASSESS_APPLICATIONS, SEE_AWARDS, SEE_BUDGETS

        for entry in (
            NavEntry(
                "Applications to score",
                "grants_staff:assessor_queue",
                "staff",
                rule=ASSESS_APPLICATIONS,
                order=68,
            ),
            NavEntry(
                "Grant rounds", "grants_staff:rounds_overview", "staff", rule=SEE_BUDGETS, order=72
            ),
            NavEntry("Grant awards", "grants_staff:award_list", "staff", rule=SEE_AWARDS, order=73),
        ):
            registry.register_nav(entry)
        registry.register_landing_page(
            LandingPage(GRANT_ASSESSOR.name, "grants_staff:assessor_queue", ASSESS_APPLICATIONS)
        )

    def _plug_in_applying(self, registry):
        """The open rounds for the public (menu and home page), and an applicant's start after
        signing in: their applications."""
        from pcc_portal.registry import HomeSection, LandingPage, NavEntry
        from pcc_portal.roles import APPLICANT

        from .public_views import open_rounds
        from .rules import APPLY

        registry.register_nav(NavEntry("Grants", "grants:round_list", "public", order=25))
        registry.register_home_section(
            HomeSection(
                "grant_rounds",
                "Open grant rounds",
                order=20,
                items=open_rounds,
                empty="There are no grant rounds open at the moment.",
            )
        )
        registry.register_landing_page(
            LandingPage(APPLICANT.name, "grants:application_list", APPLY)
        )
