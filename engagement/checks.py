"""System checks for an office loaded without what engagement cannot work without (decision
39): with no activity areas no contact can be logged, and with no engagement levels neither can
a contact be logged nor the charter page show how the office engages."""

from django.core.checks import Warning, register
from django.db import DatabaseError

LOAD_HINT = (
    "Add the missing section to the office's data file and run "
    "`manage.py load_reference_data --office <name>`, or add them in the admin."
)


@register("office", deploy=True)
def engagement_reference_data_is_loaded(app_configs, **kwargs):
    from .models import ActivityArea, EngagementLevel

    try:
        has_activity_areas = ActivityArea.objects.exists()
        levels = list(EngagementLevel.objects.values_list("name", "aim", "commitment"))
    except DatabaseError:
        return []  # not migrated yet; migrate comes first
    problems = []
    if not has_activity_areas:
        problems.append(
            Warning(
                "No activity areas are loaded, so no contact can be logged.",
                hint=LOAD_HINT,
                id="engagement.W001",
            )
        )
    if not levels:
        problems.append(
            Warning(
                "No engagement levels are loaded, so no contact can be logged and the charter "
                "page cannot say how the office engages.",
                hint=LOAD_HINT,
                id="engagement.W002",
            )
        )
    blank = [name for name, aim, commitment in levels if not (aim.strip() and commitment.strip())]
    if blank:
        problems.append(
            Warning(
                f"Engagement levels without their aim or commitment: {', '.join(blank)}. The "
                "charter page would show them as empty headings.",
                hint="Fill them in under Engagement levels in the admin.",
                id="engagement.W003",
            )
        )
    return problems
