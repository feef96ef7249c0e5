from django.apps import AppConfig


class DeliveryPlanConfig(AppConfig):
    name = "delivery_plan"
    verbose_name = "Delivery plan"

    def ready(self):
        from pcc_portal import registry

        from . import rules  # noqa: F401  (registers the rules)
        from .role_permissions import ROLE_PERMISSIONS

        registry.register_role_permissions(self.label, ROLE_PERMISSIONS)
        self._plug_in_progress_page(registry)
        self._plug_in_api(registry)
        from .reminders import delivery_plan_reminders

        registry.register_reminder_provider(self.label, delivery_plan_reminders)
        from . import demo

        registry.demo_fillers.register(self.label, demo.fill)
        from . import bench

        registry.register_bench_scenario(bench.SCENARIO)
        self._plug_in_working_pages(registry)

    def _plug_in_progress_page(self, registry):
        """The public progress page (in the footer, cached until the plan changes) and the
        app's parts of the privacy notice and accessibility statement."""
        from pathlib import Path

        from pcc_portal.registry import NavEntry, StatementPart

        from . import signals

        signals.connect()
        registry.register_nav(
            NavEntry("Delivery plan progress", "delivery_plan:progress", "footer", order=50)
        )
        statements = Path(__file__).resolve().parent / "data" / "statements"
        for page, title in (("privacy", "Delivery plan"), ("accessibility", "Delivery plan")):
            registry.register_statement_part(
                StatementPart(
                    page=page,
                    app_label=self.label,
                    title=title,
                    body=(statements / f"{page}.md").read_text(encoding="utf-8"),
                    order=50,
                )
            )

    def _plug_in_api(self, registry):
        """The plans at /api/v1/delivery-plan/, with their actions and tasks beside them."""
        from . import api

        registry.register_api("delivery-plan/actions", api.ActionViewSet, "delivery-plan-action")
        registry.register_api("delivery-plan/tasks", api.TaskViewSet, "delivery-plan-task")
        registry.register_api("delivery-plan", api.PlanViewSet, "delivery-plan")

    def _plug_in_working_pages(self, registry):
        """The plans, their reports and the tasks: in the staff menu for those who read the plans
        and for the tasks' leads, and where a performance officer starts after signing in."""
        from pcc_portal.registry import LandingPage, NavEntry
        from pcc_portal.roles import PERFORMANCE_OFFICER

        from .rules import OPEN_PLAN_PAGES

        registry.register_nav(
            NavEntry(
                "Delivery plan",
                "delivery_plan_staff:plans",
                "staff",
                rule=OPEN_PLAN_PAGES,
                order=80,
            )
        )
        # Keeping the delivery plan is the performance officer's first work: their page comes
        # before the one the engagement app registered for them.
        page = LandingPage(PERFORMANCE_OFFICER.name, "delivery_plan_staff:plans", OPEN_PLAN_PAGES)
        others = [
            other
            for other in registry.landing_pages.get(PERFORMANCE_OFFICER.name, [])
            if other.url_name != page.url_name
        ]
        registry.landing_pages.register(PERFORMANCE_OFFICER.name, [page, *others])
