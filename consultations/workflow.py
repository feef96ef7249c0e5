"""A consultation's stored status as data: the moves between draft, published and withdrawn, and
the rule that may make each. Upcoming, open and closed follow from the dates (decision 11)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"

PUBLISH = "consultations.publish_consultation"
WITHDRAW = "consultations.withdraw_consultation"


@dataclass(frozen=True)
class State:
    key: str
    staff_name: str
    public_name: str
    colour: str  # a GOV.UK tag modifier


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    action: str
    rule: str


STATES = {
    DRAFT: State(DRAFT, _("Draft"), _("Not published"), "grey"),
    PUBLISHED: State(PUBLISHED, _("Published"), _("Published"), "green"),
    WITHDRAWN: State(WITHDRAWN, _("Withdrawn"), _("Withdrawn"), "red"),
}

TRANSITIONS = (
    Move(DRAFT, PUBLISHED, _("Publish"), PUBLISH),
    Move(PUBLISHED, WITHDRAWN, _("Withdraw"), WITHDRAW),
    # A withdrawn consultation can be put right and published again.
    Move(WITHDRAWN, DRAFT, _("Return to draft"), WITHDRAW),
)


def moves_from(status: str) -> tuple[Move, ...]:
    return tuple(move for move in TRANSITIONS if move.source == status)


def find_move(source: str, target: str) -> Move | None:
    return next((m for m in TRANSITIONS if m.source == source and m.target == target), None)
