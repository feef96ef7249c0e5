"""The one reader of the application workflow (workflow.py) that acts on it.

Every verb that moves an application (submitting, checking eligibility, deciding, withdrawing
...) does its work inside `transition()`: it locks the application, looks the move up in the
workflow table, asks the move's rule of the person, lets the verb check and write what is its
own, then writes the new status and the move's history, all in one transaction. An illegal move
or a refused person writes nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import rules, workflow
from .models import Application, ApplicationTransition

ILLEGAL_MOVE = "This application is at “{current}”: it cannot be moved to “{target}”"
CANNOT_SEE = "You cannot see this application"
CANNOT_MAKE_MOVE = "You cannot move this application to {target}"
REASON_REQUIRED = "Enter the reason: the applicant is told it"


def state_name(key: str) -> str:
    return str(workflow.state_of(key).staff_name)


def lock(application: Application) -> Application:
    """The application's row, locked until the caller's transaction ends: two officers acting at
    once act one after the other, the second on what the first left."""
    return Application.objects.select_for_update().get(pk=application.pk)


def check_move(application: Application, to: str, by) -> workflow.Move:
    """The workflow's move from the application's state to `to`, if this person may make it.

    Raises PermissionDenied for someone who may not see the application or whom the move's rule
    refuses, and ValidationError for a move the workflow does not have.
    """
    if not by.has_perm(rules.VIEW_APPLICATION, application):
        raise PermissionDenied(CANNOT_SEE)
    move = workflow.find_move(application.status, to)
    if move is None or (move.direct_only and application.kind != Application.Kind.DIRECT_AWARD):
        raise ValidationError(
            {
                "status": ILLEGAL_MOVE.format(
                    current=state_name(application.status), target=state_name(to)
                )
            }
        )
    if not by.has_perm(move.rule, application):
        raise PermissionDenied(CANNOT_MAKE_MOVE.format(target=state_name(to)))
    return move


@contextmanager
def transition(application: Application, *, to: str, by, note: str = "") -> Iterator[Application]:
    """Move the application to `to`, recording who, when and why.

        with transition(application, to=ELIGIBLE, by=officer) as locked:
            ...  # the verb's own checks and writes, on the locked row

    The body runs in the same transaction after the move is found legal and allowed; an
    exception in it undoes everything. `note` is kept in the history (and required when the move
    needs a reason). Fields the body changes on the locked row are saved with the status; the
    verb returns the locked row, which shows what was written.
    """
    note = (note or "").strip()
    with transaction.atomic():
        locked = lock(application)
        move = check_move(locked, to, by)
        if move.needs_reason and not note:
            raise ValidationError({"reason": REASON_REQUIRED})
        yield locked
        source = locked.status
        locked.status = move.target
        locked._history_user = by
        locked.save()
        ApplicationTransition.objects.create(
            application=locked, from_status=source, to_status=move.target, by=by, note=note
        )
