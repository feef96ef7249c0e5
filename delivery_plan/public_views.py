"""The public progress page: the delivery plan the office works to now, action by action under
its activity areas, each task's status in words and the comments staff chose to publish.

The strategy promises the public a yearly report on its progress; this page is that report kept
current. It shows no lead's name and no comment that was not marked public: a task's status is
the office's account to the public, the comments behind it are staff's until they say otherwise.

The same for every anonymous visitor, so it is cached (decision 35) until a plan, action, task,
status or activity area changes (delivery_plan/signals.py).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_GET

from engagement.models import ActivityArea
from pcc_portal.public_cache import cached_for_visitors

from .models import Action, Plan, RagUpdate, Task
from .rag import DEFINITIONS, NOT_RATED, ORDER, Definition
from .signals import PROGRESS


@dataclass(frozen=True)
class StatusCount:
    definition: Definition
    tasks: int


@dataclass
class AreaProgress:
    """An activity area's actions, and how many of its tasks stand at each status."""

    area: ActivityArea
    actions: list[Action] = field(default_factory=list)

    @property
    def tasks(self) -> list[Task]:
        return [task for action in self.actions for task in action.tasks.all()]

    @property
    def counts(self) -> list[StatusCount]:
        """Worst first, then those not rated yet; only the statuses some task has."""
        found = Counter(task.rag_status or "" for task in self.tasks)
        definitions = [DEFINITIONS[key] for key in ORDER] + [NOT_RATED]
        return [StatusCount(d, found[d.key]) for d in definitions if found[d.key]]


def public_updates():
    """The statuses whose comments staff marked public, newest first: all the page may quote."""
    return RagUpdate.objects.filter(is_public=True).order_by("-on", "-created_at", "-id")


def progress_of(plan: Plan) -> list[AreaProgress]:
    """The plan's actions grouped by activity area, in the plan's order, in three queries
    whatever its size: the actions with their areas, their tasks, and the public comments."""
    tasks = Task.objects.order_by("position", "id").prefetch_related(
        Prefetch("rag_updates", queryset=public_updates(), to_attr="public_updates")
    )
    actions = (
        Action.objects.in_plan(plan)
        .select_related("activity_area")
        .prefetch_related(Prefetch("tasks", queryset=tasks))
        .order_by("activity_area__number", "position", "id")
    )
    areas: dict[int, AreaProgress] = {}
    for action in actions:
        entry = areas.setdefault(action.activity_area_id, AreaProgress(action.activity_area))
        entry.actions.append(action)
    return list(areas.values())


@require_GET
@cached_for_visitors(PROGRESS)
def progress(request):
    """The plan the office works to now; when it keeps more than one, the latest to start."""
    plan = Plan.objects.current().order_by("-period_start", "name").first()
    areas = progress_of(plan) if plan is not None else []
    return render(
        request,
        "delivery_plan/public/progress.html",
        {
            "plan": plan,
            "areas": areas,
            "definitions": [DEFINITIONS[key] for key in ORDER],
            "not_rated": NOT_RATED,
        },
    )
