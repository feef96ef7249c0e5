"""System checks for a misconfigured office: no profile, no policing areas, or policing areas
without residents. Each app checks its own reference data the same way, under the same tag."""

from django.core.checks import Warning, register
from django.db import DatabaseError
from django.db.models import Q


@register("office", deploy=True)
def office_is_configured(app_configs, **kwargs):
    from .models import OfficeProfile, PolicingArea

    try:
        has_profile = OfficeProfile.objects.exists()
        has_areas = PolicingArea.objects.exists()
        # An area's population is the sum of its authorities' residents: one without figures,
        # or with no authority at all, shows blank rates per 10,000 residents.
        unpopulated = list(
            PolicingArea.objects.filter(
                Q(local_authorities__isnull=True) | Q(local_authorities__residents__isnull=True)
            )
            .distinct()
            .order_by("position", "name")
            .values_list("name", flat=True)
        )
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
    if unpopulated:
        problems.append(
            Warning(
                f"Policing areas without residents figures: {', '.join(unpopulated)}. Their "
                "coverage per 10,000 residents cannot be worked out.",
                hint="Give each of their local authorities its residents in the admin, or in "
                "the office's data file and load it again with --update.",
                id="pcc_portal.W003",
            )
        )
    return problems
