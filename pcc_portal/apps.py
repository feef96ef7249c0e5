from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "pcc_portal"
    verbose_name = "Portal"

    def ready(self):
        from . import checks  # noqa: F401  (registers the office system checks)
        from .roles import sync_roles_after_migrate

        # Later apps add models; their permissions join the roles after every migrate.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="pcc_portal.sync_roles")
