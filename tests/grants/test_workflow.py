"""The workflows are data: every state has its names and a tag colour, every move a rule that
is registered, and the one status include draws a state by the name each reader sees."""

import pytest
import rules
from django.template.loader import render_to_string

from engagement.workflow import TAG_COLOURS
from grants import workflow
from grants.workflow import ApplicationStatus as S

ALL_MOVES = [move for key in workflow.STATES for move in workflow.moves_from(key)]


def test_the_eligibility_check_is_received_to_the_applicant():
    state = workflow.state_of(S.SUBMITTED)
    assert str(state.staff_name) == "Eligibility check"
    assert str(state.public_name) == "Received"


@pytest.mark.parametrize("key", list(workflow.STATES))
def test_every_state_has_names_and_a_tag_colour(key):
    state = workflow.STATES[key]
    assert state.staff_name and state.public_name
    assert state.colour in TAG_COLOURS


@pytest.mark.parametrize("move", ALL_MOVES, ids=lambda m: f"{m.source}->{m.target}")
def test_every_move_asks_a_registered_rule(move):
    assert rules.perm_exists(move.rule)


def test_every_state_but_draft_can_be_reached_and_the_final_ones_have_no_way_out():
    targets = {move.target for move in ALL_MOVES}
    assert targets == set(workflow.STATES) - {S.DRAFT}
    for final in (S.INELIGIBLE, S.DECLINED, S.CLOSED, S.WITHDRAWN):
        assert workflow.moves_from(final) == ()


def test_moves_that_the_applicant_is_told_about_need_a_reason():
    needing = {(m.source, m.target) for m in ALL_MOVES if m.needs_reason}
    assert needing == {
        (S.SUBMITTED, S.INELIGIBLE),
        (S.ASSESSED, S.DECLINED),
        (S.RECOMMENDED, S.DECLINED),
    }


def test_a_round_and_a_report_have_workflows_of_their_own():
    assert workflow.ROUND_TRANSITIONS[workflow.RoundStatus.DRAFT]
    for moves in (*workflow.ROUND_TRANSITIONS.values(), *workflow.REPORT_TRANSITIONS.values()):
        for move in moves.values():
            assert rules.perm_exists(move.rule)


def test_the_status_include_draws_the_staff_or_the_public_name():
    state = workflow.state_of(S.SUBMITTED)
    staff = render_to_string("includes/status_tag.html", {"state": state})
    public = render_to_string("includes/status_tag.html", {"state": state, "public": True})
    assert "govuk-tag--blue" in staff and "Eligibility check" in staff
    assert "Received" in public and "Eligibility check" not in public


def test_an_unknown_key_shows_as_itself():
    assert workflow.state_of("archived").staff_name == "archived"
