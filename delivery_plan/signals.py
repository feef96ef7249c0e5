"""What the delivery plan's public page shows, and the records whose changes make it stale.

`connect()` runs from DeliveryPlanConfig.ready(): each save or delete of these records (or a
change of their many-to-many relations) bumps the kind's version in `pcc_portal.public_cache`,
so the next anonymous GET of the progress page is rendered afresh.

A status is recorded as a RagUpdate row, and the services copy it onto its task with a queryset
update, which sends no signal: the update's own save is what bumps the page.
"""

PROGRESS = "delivery_plan"  # the public progress page: the current plan's tasks and statuses


def connect() -> None:
    from engagement.models import ActivityArea
    from pcc_portal.public_cache import invalidate_on

    from .models import Action, Plan, RagUpdate, Task

    invalidate_on(Plan, PROGRESS)
    # An action's reference and words; the objectives it serves are not shown.
    invalidate_on(Action, PROGRESS, many_to_many=False)
    # A task's wording, timescale and done flag; its leads are not shown to the public.
    invalidate_on(Task, PROGRESS, many_to_many=False)
    invalidate_on(RagUpdate, PROGRESS)
    # The page groups the actions under their activity areas, by name.
    invalidate_on(ActivityArea, PROGRESS, many_to_many=False)
