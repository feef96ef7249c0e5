"""The raised-issue workflow as data: its states, each with the name staff see, the name the
ambassador and the public see and the colour of its tag; and its moves, each with the rule that
says who may make it.

`engagement.services.move_issue` is the one reader that acts on it. Adding a state or a move means
editing the tables below, nothing else. A state's key is stored on every issue and in its
history: renaming one strands the issues in it, so change names, never keys.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

# The modifiers of GOV.UK Frontend's tag (govuk-tag--<colour>).
TAG_COLOURS = (
    "grey",
    "blue",
    "light-blue",
    "turquoise",
    "green",
    "yellow",
    "orange",
    "red",
    "purple",
    "pink",
)


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RAISED = "raised_with_chief_constable", _("Raised with the Chief Constable")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


@dataclass(frozen=True)
class State:
    key: str
    staff_name: str
    public_name: str  # what the ambassador who raised the issue sees
    colour: str  # one of TAG_COLOURS
    # Still waiting for something from the office (listed as outstanding, counted for reminders).
    outstanding: bool = True

    def __str__(self):
        return str(self.staff_name)


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    action: str  # what the person choosing it reads, e.g. "Mark as answered"
    rule: str  # asked as user.has_perm(rule, issue); registered in engagement/rules.py
    needs_answer: bool = False  # the answer must be written down first
    # The ambassador who raised the issue is emailed once the move is committed; an issue the
    # office logged itself has nobody in the portal to tell.
    tell_ambassador: bool = False


INITIAL = IssueStatus.OPEN

STATES: dict[str, State] = {
    state.key: state
    for state in (
        State(IssueStatus.OPEN, IssueStatus.OPEN.label, _("Received"), "blue"),
        State(
            IssueStatus.RAISED,
            IssueStatus.RAISED.label,
            _("Raised with the Chief Constable"),
            "yellow",
        ),
        State(IssueStatus.ANSWERED, IssueStatus.ANSWERED.label, _("Answered"), "green"),
        State(IssueStatus.CLOSED, IssueStatus.CLOSED.label, _("Closed"), "grey", outstanding=False),
    )
}

ESCALATE = "engagement.escalate_issue"
ANSWER = "engagement.answer_issue"
CLOSE = "engagement.close_issue"

_MOVES = (
    Move(IssueStatus.OPEN, IssueStatus.RAISED, _("Raise with the Chief Constable"), ESCALATE),
    Move(
        IssueStatus.OPEN,
        IssueStatus.ANSWERED,
        _("Mark as answered"),
        ANSWER,
        needs_answer=True,
        tell_ambassador=True,
    ),
    Move(IssueStatus.OPEN, IssueStatus.CLOSED, _("Close without an answer"), CLOSE),
    Move(
        IssueStatus.RAISED,
        IssueStatus.ANSWERED,
        _("Mark as answered"),
        ANSWER,
        needs_answer=True,
        tell_ambassador=True,
    ),
    Move(IssueStatus.RAISED, IssueStatus.CLOSED, _("Close without an answer"), CLOSE),
    Move(IssueStatus.ANSWERED, IssueStatus.CLOSED, _("Close"), CLOSE),
    # The answer did not settle it: back to the force.
    Move(
        IssueStatus.ANSWERED,
        IssueStatus.RAISED,
        _("Raise with the Chief Constable again"),
        ESCALATE,
    ),
)

# source -> target -> the move; a state with no moves out is final.
TRANSITIONS: dict[str, dict[str, Move]] = {
    key: {move.target: move for move in _MOVES if move.source == key} for key in STATES
}
# Every rule a move can ask, for the pages that only need "may this person move issues at all".
MOVE_RULES = tuple(dict.fromkeys(move.rule for move in _MOVES))


def state_of(key: str) -> State:
    """The state stored as `key`; an unknown key (a state since removed) shows as itself."""
    return STATES.get(key) or State(key, key, key, "grey", outstanding=False)


def moves_from(key: str) -> tuple[Move, ...]:
    return tuple(TRANSITIONS.get(key, {}).values())


def find_move(source: str, target: str) -> Move | None:
    return TRANSITIONS.get(source, {}).get(target)


def allowed_moves(key: str) -> tuple[str, ...]:
    """The states an issue in `key` may move to, whoever asks."""
    return tuple(TRANSITIONS.get(key, {}))


def outstanding_keys() -> tuple[str, ...]:
    return tuple(key for key, state in STATES.items() if state.outstanding)
