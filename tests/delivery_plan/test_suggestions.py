"""What the milestones suggest and which tasks are stale, on fixed dates: a milestone past due
and not done suggests Red; one due within 14 days with no update for 60 days suggests Amber; no
update for 90 days is stale. A person decides; the suggestion gives its reason."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from delivery_plan.models import Task
from delivery_plan.rag import RagStatus
from delivery_plan.services import write_rag_update
from delivery_plan.suggestions import suggestion_for, suggests_a_change
from tests.delivery_plan.factories import (
    TODAY,
    MilestoneFactory,
    PlanFactory,
    TaskFactory,
    _aware,
)

pytestmark = pytest.mark.django_db


def read(task, today=TODAY):
    return Task.objects.with_signals(today).get(pk=task.pk)


def updated(task, days_ago: int, status=RagStatus.GREEN):
    write_rag_update(
        task=task, status=status, comment="As reported", on=TODAY - timedelta(days=days_ago)
    )
    return task


def test_a_milestone_past_due_and_not_done_suggests_red_with_its_reason():
    task = updated(TaskFactory(), days_ago=5)
    MilestoneFactory(task=task, due_on=date(2026, 6, 14), description="June newsletter")
    MilestoneFactory(task=task, due_on=date(2026, 5, 31), description="May newsletter")

    suggestion = suggestion_for(read(task))

    assert suggestion.status == RagStatus.RED
    # The earliest one that is late.
    assert suggestion.reason == "“May newsletter” was due on 31 May 2026 and is not marked done"
    assert suggests_a_change(read(task))


def test_a_milestone_due_today_is_not_yet_late():
    task = updated(TaskFactory(), days_ago=5)
    MilestoneFactory(task=task, due_on=TODAY)
    assert suggestion_for(read(task)) is None


def test_a_done_milestone_suggests_nothing():
    task = updated(TaskFactory(), days_ago=5)
    MilestoneFactory(task=task, due_on=date(2026, 5, 31), done_on=date(2026, 5, 30))
    assert suggestion_for(read(task)) is None


@pytest.mark.parametrize(
    ("due_in", "quiet_for", "expected"),
    [
        (14, 60, RagStatus.AMBER),  # both at their limits
        (0, 60, RagStatus.AMBER),
        (15, 60, None),  # not yet close
        (14, 59, None),  # updated recently enough
        (7, 200, RagStatus.AMBER),
    ],
)
def test_a_milestone_close_at_hand_after_a_quiet_spell_suggests_amber(due_in, quiet_for, expected):
    task = updated(TaskFactory(), days_ago=quiet_for)
    MilestoneFactory(
        task=task, due_on=TODAY + timedelta(days=due_in), description="Annual report published"
    )
    suggestion = suggestion_for(read(task))
    assert (suggestion.status if suggestion else None) == expected
    if expected:
        last = TODAY - timedelta(days=quiet_for)
        assert suggestion.reason == (
            f"“Annual report published” is due on {(TODAY + timedelta(days=due_in)).day} "
            f"{(TODAY + timedelta(days=due_in)):%B %Y} and the status has not been updated "
            f"since {last.day} {last:%B %Y}"
        )


def test_a_task_never_updated_counts_from_the_day_it_was_added():
    old = TaskFactory(created_at=_aware(date(2026, 1, 5)))
    new = TaskFactory(created_at=_aware(date(2026, 6, 1)))
    for task in (old, new):
        MilestoneFactory(task=task, due_on=date(2026, 6, 20), description="")
    suggestion = suggestion_for(read(old))
    assert suggestion.status == RagStatus.AMBER
    assert suggestion.reason == (
        "“The milestone due 20 June 2026” is due on 20 June 2026 and the status has never "
        "been updated"
    )
    assert suggestion_for(read(new)) is None
    assert read(old).is_stale and not read(new).is_stale


def test_red_outranks_amber_and_a_red_task_is_not_told_to_change():
    task = updated(TaskFactory(), days_ago=100, status=RagStatus.RED)
    MilestoneFactory(task=task, due_on=date(2026, 6, 1))
    MilestoneFactory(task=task, due_on=date(2026, 6, 20))
    assert suggestion_for(read(task)).status == RagStatus.RED
    assert not suggests_a_change(read(task))


@pytest.mark.parametrize(("days_ago", "stale"), [(89, False), (90, True), (400, True)])
def test_no_update_for_90_days_is_stale(days_ago, stale):
    task = updated(TaskFactory(), days_ago=days_ago)
    assert read(task).is_stale is stale
    assert (task in Task.objects.stale(TODAY)) is stale


def test_done_tasks_and_historic_plans_are_neither_stale_nor_suggested_about():
    done = updated(TaskFactory(is_done=True, done_on=date(2026, 1, 10)), days_ago=300)
    historic = updated(TaskFactory(action__plan=PlanFactory(is_current=False)), days_ago=300)
    for task in (done, historic):
        MilestoneFactory(task=task, due_on=date(2026, 1, 31))
        assert suggestion_for(read(task)) is None
        assert not read(task).is_stale
    assert not Task.objects.overdue(TODAY).exists()


def test_the_same_task_on_another_day():
    task = updated(TaskFactory(), days_ago=10)
    MilestoneFactory(task=task, due_on=date(2026, 7, 31))
    assert suggestion_for(read(task)) is None
    assert suggestion_for(read(task, today=date(2026, 8, 1))).status == RagStatus.RED
    assert read(task, today=date(2026, 9, 3)).is_stale  # 90 days after 5 June


def test_a_task_read_without_its_signals_says_how_to_read_it():
    with pytest.raises(AttributeError, match="with_signals"):
        suggestion_for(TaskFactory())


def test_a_list_of_tasks_with_suggestions_takes_as_many_queries_for_50_as_for_5(lead):
    plan = PlanFactory()

    def make(count):
        for n in range(count):
            task = TaskFactory(action__plan=plan, leads=[lead[1]])
            updated(task, days_ago=(n * 7) % 150)
            MilestoneFactory(task=task, due_on=TODAY + timedelta(days=(n % 30) - 15))

    def run():
        rows = list(Task.objects.in_plan(plan).for_report().with_signals(TODAY))
        return [
            (suggestion_for(t), t.is_stale, [lead.name for lead in t.leads.all()], t.action.plan)
            for t in rows
        ]

    make(5)
    with CaptureQueriesContext(connection) as five:
        assert len(run()) == 5
    make(45)
    with CaptureQueriesContext(connection) as fifty:
        rows = run()
    assert len(rows) == 50
    assert len(five) == len(fifty) == 2
    suggested = {suggestion.status if suggestion else None for suggestion, *_ in rows}
    assert suggested == {RagStatus.RED, RagStatus.AMBER, None}
