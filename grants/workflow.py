"""The grant workflows as data.

An application's states, each with the name staff see, the name the applicant sees and the colour
of its tag, and its moves, each with the rule that says who may make it. A round's stored status
(draft, published, withdrawn) and a monitoring report's states are kept the same way; a round's
upcoming, open, closed and decided follow from its dates and its applications (decision 11).

`grants.services` reads these tables: every move is looked up here, asked of its rule, and
written with its history in one transaction. Adding a state or a move means editing the tables
below. A state's key is stored on every application and in its history: renaming one strands the
applications in it, so change names, never keys.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Eligibility check")
    ELIGIBLE = "eligible", _("Assessment")
    INELIGIBLE = "ineligible", _("Ineligible")
    ASSESSED = "assessed", _("Assessed")
    RECOMMENDED = "recommended", _("Recommended")
    APPROVED = "approved", _("Approved: offer made")
    DECLINED = "declined", _("Declined")
    OFFER_ACCEPTED = "offer_accepted", _("Offer accepted")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


@dataclass(frozen=True)
class State:
    key: str
    staff_name: str
    public_name: str  # what the applicant sees
    colour: str  # a govuk-tag modifier (engagement.workflow.TAG_COLOURS)
    # The office still has to decide: a round is "decided" once none of its applications is.
    awaiting_decision: bool = False
    # A grant was made (the award counts against the budgets).
    funded: bool = False

    def __str__(self):
        return str(self.staff_name)


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    action: str  # what the person choosing it reads, e.g. "Mark as eligible"
    rule: str  # asked as user.has_perm(rule, application); registered in grants/rules.py
    needs_reason: bool = False  # the applicant is told why: a reason must be written down
    direct_only: bool = False  # only for an award the office makes without a round


S = ApplicationStatus
INITIAL = S.DRAFT

STATES: dict[str, State] = {
    state.key: state
    for state in (
        State(S.DRAFT, S.DRAFT.label, _("Not sent yet"), "grey"),
        State(S.SUBMITTED, S.SUBMITTED.label, _("Received"), "blue", awaiting_decision=True),
        State(S.ELIGIBLE, S.ELIGIBLE.label, _("Being assessed"), "light-blue", True),
        State(S.INELIGIBLE, S.INELIGIBLE.label, _("Not eligible"), "red"),
        State(S.ASSESSED, S.ASSESSED.label, _("Being assessed"), "turquoise", True),
        State(S.RECOMMENDED, S.RECOMMENDED.label, _("Awaiting a decision"), "purple", True),
        State(S.APPROVED, S.APPROVED.label, _("Grant offered"), "green", funded=True),
        State(S.DECLINED, S.DECLINED.label, _("Not funded"), "red"),
        State(S.OFFER_ACCEPTED, S.OFFER_ACCEPTED.label, _("Offer accepted"), "green", funded=True),
        State(S.ACTIVE, S.ACTIVE.label, _("Funded"), "green", funded=True),
        State(S.CLOSED, S.CLOSED.label, _("Finished"), "grey", funded=True),
        State(S.WITHDRAWN, S.WITHDRAWN.label, _("Withdrawn"), "orange"),
    )
}

# The rules a move asks (grants/rules.py registers each).
SUBMIT = "grants.submit_application"
RECOMMEND_DIRECT = "grants.recommend_direct_award"
CHECK_ELIGIBILITY = "grants.check_eligibility"
COMPLETE_ASSESSMENT = "grants.complete_assessment"
RECOMMEND = "grants.recommend_application"
DECIDE = "grants.decide_application"
ACCEPT_OFFER = "grants.accept_offer"
ACTIVATE = "grants.activate_award"
CLOSE = "grants.close_award"
WITHDRAW = "grants.withdraw_application"

_WITHDRAWABLE = (
    S.DRAFT,
    S.SUBMITTED,
    S.ELIGIBLE,
    S.ASSESSED,
    S.RECOMMENDED,
    S.APPROVED,
    S.OFFER_ACCEPTED,
)

_MOVES = (
    Move(S.DRAFT, S.SUBMITTED, _("Submit the application"), SUBMIT),
    # The office commissions a named organisation: no round, no competition, a decision still.
    Move(S.DRAFT, S.RECOMMENDED, _("Recommend a direct award"), RECOMMEND_DIRECT, direct_only=True),
    Move(S.SUBMITTED, S.ELIGIBLE, _("Mark as eligible"), CHECK_ELIGIBILITY),
    Move(S.SUBMITTED, S.INELIGIBLE, _("Mark as ineligible"), CHECK_ELIGIBILITY, needs_reason=True),
    Move(S.ELIGIBLE, S.ASSESSED, _("Close the assessment"), COMPLETE_ASSESSMENT),
    Move(S.ASSESSED, S.RECOMMENDED, _("Recommend for funding"), RECOMMEND),
    Move(S.ASSESSED, S.DECLINED, _("Decline"), DECIDE, needs_reason=True),
    Move(S.RECOMMENDED, S.APPROVED, _("Approve and make an award"), DECIDE),
    Move(S.RECOMMENDED, S.DECLINED, _("Decline"), DECIDE, needs_reason=True),
    Move(S.APPROVED, S.OFFER_ACCEPTED, _("Accept the offer"), ACCEPT_OFFER),
    Move(S.OFFER_ACCEPTED, S.ACTIVE, _("Start the grant"), ACTIVATE),
    Move(S.ACTIVE, S.CLOSED, _("Close the grant"), CLOSE),
    *(Move(source, S.WITHDRAWN, _("Withdraw"), WITHDRAW) for source in _WITHDRAWABLE),
)

# source -> target -> the move; a state with no moves out is final.
TRANSITIONS: dict[str, dict[str, Move]] = {
    key: {move.target: move for move in _MOVES if move.source == key} for key in STATES
}
MOVE_RULES = tuple(dict.fromkeys(move.rule for move in _MOVES))


def state_of(key: str) -> State:
    """The state stored as `key`; an unknown key (a state since removed) shows as itself."""
    return STATES.get(key) or State(key, key, key, "grey")


def moves_from(key: str) -> tuple[Move, ...]:
    return tuple(TRANSITIONS.get(key, {}).values())


def find_move(source: str, target: str) -> Move | None:
    return TRANSITIONS.get(source, {}).get(target)


def awaiting_decision_keys() -> tuple[str, ...]:
    return tuple(key for key, state in STATES.items() if state.awaiting_decision)


def funded_keys() -> tuple[str, ...]:
    return tuple(key for key, state in STATES.items() if state.funded)


def decided_keys() -> tuple[str, ...]:
    """Sent to the office and settled one way or the other."""
    return tuple(
        key for key, state in STATES.items() if key != S.DRAFT and not state.awaiting_decision
    )


# --- A round's stored status --------------------------------------------------------------------


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RoundPhase(models.TextChoices):
    """Where a published round is at a given moment, from its dates and its applications."""

    UPCOMING = "upcoming", _("Opening soon")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    DECIDED = "decided", _("Decided")


MANAGE_ROUNDS = "grants.manage_rounds"

ROUND_STATES: dict[str, State] = {
    RoundStatus.DRAFT: State(RoundStatus.DRAFT, _("Draft"), _("Not published"), "grey"),
    RoundStatus.PUBLISHED: State(RoundStatus.PUBLISHED, _("Published"), _("Published"), "green"),
    RoundStatus.WITHDRAWN: State(RoundStatus.WITHDRAWN, _("Withdrawn"), _("Withdrawn"), "red"),
}
PHASE_COLOURS = {
    RoundPhase.UPCOMING: "yellow",
    RoundPhase.OPEN: "green",
    RoundPhase.CLOSED: "grey",
    RoundPhase.DECIDED: "blue",
}
ROUND_TRANSITIONS: dict[str, dict[str, Move]] = {
    RoundStatus.DRAFT: {
        RoundStatus.PUBLISHED: Move(
            RoundStatus.DRAFT, RoundStatus.PUBLISHED, _("Publish"), MANAGE_ROUNDS
        )
    },
    RoundStatus.PUBLISHED: {
        RoundStatus.WITHDRAWN: Move(
            RoundStatus.PUBLISHED, RoundStatus.WITHDRAWN, _("Withdraw"), MANAGE_ROUNDS
        )
    },
    # A withdrawn round can be put right and published again.
    RoundStatus.WITHDRAWN: {
        RoundStatus.DRAFT: Move(
            RoundStatus.WITHDRAWN, RoundStatus.DRAFT, _("Return to draft"), MANAGE_ROUNDS
        )
    },
}


def phase_state(phase: str) -> State:
    """A round's phase as the status include draws it."""
    label = RoundPhase(phase).label
    return State(phase, label, label, PHASE_COLOURS[phase])


# --- A monitoring report ----------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    MORE_INFORMATION = "more_information", _("More information requested")


SUBMIT_REPORT = "grants.submit_monitoring_report"
REVIEW_REPORT = "grants.review_monitoring_report"

REPORT_STATES: dict[str, State] = {
    ReportStatus.DUE: State(ReportStatus.DUE, _("Due"), _("Due"), "yellow"),
    ReportStatus.SUBMITTED: State(
        ReportStatus.SUBMITTED, _("To review"), _("Sent: being read"), "blue"
    ),
    ReportStatus.ACCEPTED: State(ReportStatus.ACCEPTED, _("Accepted"), _("Accepted"), "green"),
    ReportStatus.MORE_INFORMATION: State(
        ReportStatus.MORE_INFORMATION,
        _("More information requested"),
        _("More information needed"),
        "orange",
    ),
}
REPORT_TRANSITIONS: dict[str, dict[str, Move]] = {
    ReportStatus.DUE: {
        ReportStatus.SUBMITTED: Move(
            ReportStatus.DUE, ReportStatus.SUBMITTED, _("Send the report"), SUBMIT_REPORT
        )
    },
    ReportStatus.MORE_INFORMATION: {
        ReportStatus.SUBMITTED: Move(
            ReportStatus.MORE_INFORMATION,
            ReportStatus.SUBMITTED,
            _("Send the report again"),
            SUBMIT_REPORT,
        )
    },
    ReportStatus.SUBMITTED: {
        ReportStatus.ACCEPTED: Move(
            ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, _("Accept"), REVIEW_REPORT
        ),
        ReportStatus.MORE_INFORMATION: Move(
            ReportStatus.SUBMITTED,
            ReportStatus.MORE_INFORMATION,
            _("Ask for more information"),
            REVIEW_REPORT,
            needs_reason=True,
        ),
    },
}
# Still owed by the grantee.
REPORT_OUTSTANDING = (ReportStatus.DUE, ReportStatus.MORE_INFORMATION)
