"""The raised-issue workflow as data: its states, the moves allowed from each, and the moves the
ambassador is told about."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RAISED = "raised_with_chief_constable", _("Raised with the Chief Constable")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


TRANSITIONS: dict[str, tuple[str, ...]] = {
    IssueStatus.OPEN: (IssueStatus.RAISED, IssueStatus.ANSWERED, IssueStatus.CLOSED),
    IssueStatus.RAISED: (IssueStatus.ANSWERED, IssueStatus.CLOSED),
    IssueStatus.ANSWERED: (IssueStatus.CLOSED, IssueStatus.RAISED),
    IssueStatus.CLOSED: (),
}

# Moving into these needs the answer written down.
NEEDS_ANSWER = {IssueStatus.ANSWERED}
# The ambassador who raised the issue is emailed when it reaches these.
TELL_AMBASSADOR = {IssueStatus.ANSWERED}

# The permission that lets a person move issues along (the staff officer's role holds it).
PERMISSION = "engagement.change_raisedissue"


def allowed_moves(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())
