"""The raised-issue workflow as data (engagement/workflow.py) and the one service that reads it."""

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError

from engagement import workflow
from engagement.models import RaisedIssue
from engagement.services import move_issue
from engagement.workflow import STATES, TAG_COLOURS, TRANSITIONS, IssueStatus
from tests.engagement.factories import RaisedIssueFactory

MOVES = [move for targets in TRANSITIONS.values() for move in targets.values()]


def test_every_stored_status_is_a_state():
    assert set(STATES) == set(IssueStatus.values)
    assert workflow.INITIAL in STATES


@pytest.mark.parametrize("key", list(STATES))
def test_every_state_has_its_names_and_a_tag_colour(key):
    state = STATES[key]
    assert state.key == key
    assert str(state.staff_name).strip()
    assert str(state.public_name).strip()
    assert state.colour in TAG_COLOURS
    # The model's choices show the staff name: the admin and the history say the same.
    assert str(state.staff_name) == str(IssueStatus(key).label)


def test_the_states_are_told_apart_by_colour():
    colours = [state.colour for state in STATES.values()]
    assert len(set(colours)) == len(colours)


@pytest.mark.parametrize("move", MOVES, ids=lambda m: f"{m.source}->{m.target}")
def test_every_move_says_who_may_make_it(move):
    assert move.source in STATES and move.target in STATES
    assert move.source != move.target
    assert str(move.action).strip()
    assert rules.perm_exists(move.rule), f"{move.rule} is not a registered rule"
    assert move.rule in workflow.MOVE_RULES


def test_every_state_but_a_final_one_has_a_way_out():
    for key, state in STATES.items():
        assert bool(TRANSITIONS[key]) is state.outstanding, key


def test_an_answer_is_needed_and_sent_on_the_way_into_answered():
    into_answered = [m for m in MOVES if m.target == IssueStatus.ANSWERED]
    assert into_answered and all(m.needs_answer and m.tell_ambassador for m in into_answered)
    assert not any(m.tell_ambassador for m in MOVES if m.target != IssueStatus.ANSWERED)


def test_an_unknown_stored_status_still_shows():
    state = workflow.state_of("withdrawn")
    assert (state.staff_name, state.public_name, state.colour) == ("withdrawn",) * 2 + ("grey",)


# --- on an issue ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_issue_shows_its_state():
    issue = RaisedIssueFactory()
    assert issue.state is STATES[IssueStatus.OPEN]
    assert (issue.state.staff_name, issue.state.public_name, issue.state.colour) == (
        "Open",
        "Received",
        "blue",
    )
    issue.status = IssueStatus.CLOSED
    assert issue.state.colour == "grey"


@pytest.mark.django_db
def test_each_recorded_move_shows_its_states(officer):
    issue = RaisedIssueFactory()
    move_issue(issue=issue, to=IssueStatus.RAISED, by=officer)
    step = issue.transitions.get()
    assert (step.from_state, step.to_state) == (STATES["open"], STATES[IssueStatus.RAISED])


@pytest.mark.django_db
def test_outstanding_issues_are_those_in_an_outstanding_state(officer):
    open_issue, closed_issue = RaisedIssueFactory(), RaisedIssueFactory()
    move_issue(issue=closed_issue, to=IssueStatus.CLOSED, by=officer)
    assert list(RaisedIssue.objects.outstanding()) == [open_issue]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start, target",
    [(s, t) for s in IssueStatus for t in [*IssueStatus, "nowhere"] if t not in TRANSITIONS[s]],
)
def test_a_move_the_workflow_lacks_is_refused_and_nothing_is_written(officer, start, target):
    issue = RaisedIssueFactory()
    RaisedIssue.objects.filter(pk=issue.pk).update(status=start, answer="An answer")
    with pytest.raises(ValidationError) as error:
        move_issue(issue=issue, to=target, by=officer)
    current, wanted = (str(workflow.state_of(k).staff_name).lower() for k in (start, target))
    assert error.value.message_dict["to"] == [
        f"An issue that is {current} cannot be moved to {wanted}"
    ]
    issue.refresh_from_db()
    assert issue.status == start
    assert issue.transitions.count() == 0


@pytest.mark.django_db
def test_a_move_asks_its_own_rule(officer, monkeypatch):
    """The officer may escalate but, once the answering rule says no, may not answer."""
    issue = RaisedIssueFactory()
    monkeypatch.setitem(rules.permissions.permissions, workflow.ANSWER, rules.always_deny)
    with pytest.raises(PermissionDenied):
        move_issue(issue=issue, to=IssueStatus.ANSWERED, by=officer, answer="Checks on Monday")
    issue.refresh_from_db()
    assert (issue.status, issue.answer, issue.transitions.count()) == ("open", "", 0)
    move_issue(issue=issue, to=IssueStatus.RAISED, by=officer)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RAISED


@pytest.mark.django_db
def test_the_issue_page_offers_the_moves_the_person_may_make(client, sign_in, officer, monkeypatch):
    issue = RaisedIssueFactory()
    sign_in(officer)
    page = client.get(f"/staff/engagement/issues/{issue.pk}/").content.decode()
    for move in workflow.moves_from(issue.status):
        assert f'value="{move.target}"' in page
    monkeypatch.setitem(rules.permissions.permissions, workflow.CLOSE, rules.always_deny)
    page = client.get(f"/staff/engagement/issues/{issue.pk}/").content.decode()
    assert f'value="{IssueStatus.CLOSED}"' not in page
    assert f'value="{IssueStatus.RAISED}"' in page
