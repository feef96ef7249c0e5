"""What the portal suggests about a task's status, and when a task has gone stale.

A person decides the status; the portal only points at what its milestones say, with the reason:
- a milestone past its due date and not done suggests Red;
- a milestone due within 14 days, when the status has not been updated for 60 days, suggests
  Amber;
- a task whose status has not been updated for 90 days is stale, and is marked so on every view.

A task never updated counts from the day it was added. Done tasks and the tasks of a historic
plan are neither suggested about nor stale. The figures are read from the annotations of
`Task.objects.with_signals(today)`, so a list of any length costs one query.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from .milestones import long_date
from .rag import RagStatus, definition_of

STALE_AFTER_DAYS = 90
AMBER_WHEN_QUIET_FOR_DAYS = 60
DUE_SOON_DAYS = 14

OVERDUE_REASON = "“{milestone}” was due on {due} and is not marked done"
DUE_SOON_REASON = "“{milestone}” is due on {due} and the status has not been updated since {last}"
DUE_SOON_NEVER_REASON = "“{milestone}” is due on {due} and the status has never been updated"
NOT_ANNOTATED = "Read the task through Task.objects.with_signals(today) to see its suggestion"


@dataclass(frozen=True)
class Suggestion:
    status: str
    reason: str

    @property
    def rag(self):
        return definition_of(self.status)

    state = rag


def stale_cutoff(today: date) -> date:
    """A status last updated on or before this day is stale."""
    return today - timedelta(days=STALE_AFTER_DAYS)


def quiet_cutoff(today: date) -> date:
    """A status last updated on or before this day has been quiet long enough to suggest Amber
    when a milestone is close."""
    return today - timedelta(days=AMBER_WHEN_QUIET_FOR_DAYS)


def due_soon_until(today: date) -> date:
    return today + timedelta(days=DUE_SOON_DAYS)


def _milestone_name(description: str, due: date) -> str:
    return description or f"The milestone due {long_date(due)}"


def suggestion_for(task) -> Suggestion | None:
    """The status the task's milestones suggest, with its reason; None when they suggest
    nothing. The task must come from `with_signals(today)`."""
    try:
        suggested = task.suggested_status
    except AttributeError as error:
        raise AttributeError(NOT_ANNOTATED) from error
    if suggested == RagStatus.RED:
        due = task.overdue_milestone_on
        return Suggestion(
            RagStatus.RED,
            OVERDUE_REASON.format(
                milestone=_milestone_name(task.overdue_milestone, due), due=long_date(due)
            ),
        )
    if suggested == RagStatus.AMBER:
        due = task.due_soon_milestone_on
        name = _milestone_name(task.due_soon_milestone, due)
        if task.rag_updated_on is None:
            return Suggestion(
                RagStatus.AMBER, DUE_SOON_NEVER_REASON.format(milestone=name, due=long_date(due))
            )
        return Suggestion(
            RagStatus.AMBER,
            DUE_SOON_REASON.format(
                milestone=name, due=long_date(due), last=long_date(task.rag_updated_on)
            ),
        )
    return None


def suggests_a_change(task) -> bool:
    """The suggestion differs from the status the task has now: worth a person's look."""
    suggestion = suggestion_for(task)
    return suggestion is not None and suggestion.status != task.rag_status
