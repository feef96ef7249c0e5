from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "pcc_portal"
    verbose_name = "Portal"

    def ready(self):
        from . import api, checks  # noqa: F401  (checks registers the office system checks)
        from .bench import mail as bench_mail
        from .public_cache import watch_portal_records
        from .registry import (
            LandingPage,
            NavEntry,
            register_api,
            register_bench_scenario,
            register_landing_page,
            register_nav,
        )
        from .roles import ADMINISTRATOR, sync_roles_after_migrate

        # Later apps add models; their permissions join the roles after every migrate.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="pcc_portal.sync_roles")
        # A changed office profile, statement or decision refreshes the cached public pages.
        watch_portal_records()

        register_api("policing-areas", api.PolicingAreaViewSet)
        register_api("local-authorities", api.LocalAuthorityViewSet)
        register_api("aims", api.AimViewSet)
        register_api("objectives", api.ObjectiveViewSet)
        register_landing_page(LandingPage(ADMINISTRATOR.name, "admin:index"))
        register_nav(NavEntry("Decisions", "pcc_portal:decision_list", "public", order=40))
        # Bulk email in `make bench`: a newsletter to 20,000 through SMTP.
        register_bench_scenario(bench_mail.SCENARIO)
        self._plug_in_reminders()

    def _plug_in_reminders(self):
        """The daily digests' record in the staff menu, for those who may read it, and each
        signed-in person's own upcoming reminders at the top of their home page."""
        from . import reminders
        from . import rules as portal_rules  # registers the rules
        from .registry import HomeSection, NavEntry, register_home_section, register_nav

        register_nav(
            NavEntry(
                "Reminders sent",
                "pcc_portal:reminders_sent",
                "staff",
                rule=portal_rules.SEE_REMINDERS_SENT,
                order=90,
            )
        )
        register_home_section(
            HomeSection(
                key="coming_up_for_you",
                title="Coming up for you",
                order=0,
                items=reminders.home_items,
                empty=f"Nothing is due for you in the next {reminders.UPCOMING_DAYS} days.",
                personal=True,
            )
        )
