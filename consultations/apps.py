from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultations"

    def ready(self):
        from pcc_portal import registry

        from . import rules  # noqa: F401  (registers the rules)
        from .role_permissions import ROLE_PERMISSIONS

        registry.register_role_permissions(self.label, ROLE_PERMISSIONS)
