"""System checks for a misconfigured office: no profile, or no policing areas."""

from django.core.checks import Warning, register
from django.db import DatabaseError


@register("office", deploy=True)
def office_is_configured(app_configs, **kwargs):
    from .models import OfficeProfile, PolicingArea

    try:
        has_profile = OfficeProfile.objects.exists()
        has_areas = PolicingArea.objects.exists()
    except DatabaseError:
        return []  # not migrated yet; migrate comes first
    problems = []
    if not has_profile:
        problems.append(
            Warning(
                "The office profile is empty, so pages show a neutral name.",
                hint="Run `manage.py load_reference_data --office <name>`.",
                id="pcc_portal.W001",
            )
        )
    if not has_areas:
        problems.append(
            Warning(
                "No policing areas are loaded.",
                hint="Run `manage.py load_reference_data --office <name>`.",
                id="pcc_portal.W002",
            )
        )
    return problems
