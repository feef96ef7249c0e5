from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "pcc_portal"
    verbose_name = "Portal"

    def ready(self):
        from . import api, checks  # noqa: F401  (checks registers the office system checks)
        from .public_cache import watch_portal_records
        from .registry import (
            LandingPage,
            NavEntry,
            register_api,
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
