"""The December 2015 plan, transcribed from the office's report into the CSV the portal ships,
imports cleanly as a second, historic plan, and matches the report: its tasks and their RAG
statuses are counted in the report's own text (the seed), not in the CSV."""

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

import delivery_plan
from delivery_plan.importing import DECEMBER_2015, import_shipped
from delivery_plan.models import Plan, RagUpdate, Task
from delivery_plan.suggestions import suggestion_for
from tests.delivery_plan.factories import PlanFactory

pytestmark = pytest.mark.django_db

SEED = (
    Path(delivery_plan.__file__).resolve().parents[2]
    / "shared"
    / "seeds"
    / "delivery-plan-dec-2015.txt"
)
STATUSES = {"Red": "red", "Amber": "amber", "Green": "green"}


def seed_rows() -> list[tuple[str, str]]:
    """(status, the first words of the summary) of each task row of the report, in its order.

    The report is a PDF table turned into text: a task's row is a line whose cells (split on
    tabs) include a RAG status on its own; the summary is the cell two before it. Continuation
    lines (a comment carried onto the next page) have no status cell and are not rows.
    """
    assert SEED.is_file(), f"the seed is read from {SEED}"
    rows = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("\t")]
        found = [index for index, cell in enumerate(cells) if cell in STATUSES]
        if found:
            index = found[0]
            rows.append((STATUSES[cells[index]], cells[index - 2]))
    return rows


def first_words(text: str, count: int = 3) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())[:count]


@pytest.fixture
def imported(reference_data):
    PlanFactory(name="Community Engagement Strategy delivery plan 2026-28", is_current=True)
    return import_shipped(today=date(2026, 6, 15))


def test_the_seed_is_read_as_the_report_lays_it_out():
    rows = seed_rows()
    # Enough to be the report, and its one Amber among Greens, so the reading can fail.
    assert len(rows) > 40
    assert Counter(status for status, _ in rows)["amber"] == 1


def test_the_shipped_plan_has_the_reports_tasks_and_rag_mix(imported):
    plan = imported.plan
    tasks = list(Task.objects.in_plan(plan).for_report())
    rows = seed_rows()

    assert len(tasks) == len(rows) == imported.tasks
    assert Counter(t.rag_status for t in tasks) == Counter(status for status, _ in rows)
    # Row by row, in the report's order: the same status and the same task.
    assert [t.rag_status for t in tasks] == [status for status, _ in rows]
    assert [first_words(t.summary) for t in tasks] == [first_words(s) for _, s in rows]
    assert imported.updates == len(rows)
    assert RagUpdate.objects.filter(task__action__plan=plan).count() == len(rows)


def test_the_shipped_plan_is_a_second_historic_plan(imported):
    plan = imported.plan
    assert Plan.objects.count() == 2
    assert Plan.objects.current().get() != plan
    assert (plan.name, plan.is_current) == (DECEMBER_2015.name, False)
    assert (plan.period_start, plan.period_end) == (date(2014, 1, 1), date(2016, 3, 31))
    # The five activity areas, each under its own heading (the report prints some headings
    # only on a later page: the rows are placed by the strategy's areas and the refs).
    by_area = Counter(
        t.action.activity_area.number for t in Task.objects.in_plan(plan).for_report()
    )
    assert by_area == {1: 17, 2: 12, 3: 6, 4: 6, 5: 8}
    # Refs repeat within an area (decision 8): the plan's order keeps them apart.
    area_one = [a.reference for a in plan.actions.filter(activity_area__number=1)]
    assert area_one == ["1", "2", "3", "1"]


def test_the_shipped_plans_statuses_are_dated_as_reported(imported):
    amber = Task.objects.in_plan(imported.plan).get(rag_status="amber")
    assert amber.rag_comment.startswith("Nov 15: Victim Support contract")
    assert amber.rag_updated_on == date(2015, 11, 30)
    assert [lead.name for lead in amber.leads.all()] == ["Glyn Edwards"]
    assert set(Task.objects.in_plan(imported.plan).values_list("rag_updated_on", flat=True)) == {
        date(2015, 11, 30),
        date(2015, 12, 1),
    }


def test_the_shipped_plans_leads_and_milestones(imported):
    names = {person.name for person in imported.new_leads}
    assert {"AG", "GB", "Jackie Irvin", "Glyn Edwards", "Chris Jensen", "Andy Champness"} <= names
    newsletter = Task.objects.in_plan(imported.plan).get(summary="Produce bi-monthly newsletter.")
    assert newsletter.milestones_text == "Ongoing (March, June, Aug, Oct, Dec)"
    assert sorted(lead.initials for lead in newsletter.leads.all()) == ["AG", "GB"]
    assert newsletter.is_ongoing
    assert newsletter.milestones.count() == 11  # March 2014 to March 2016


def test_nothing_in_the_historic_plan_is_suggested_or_stale(imported):
    tasks = Task.objects.in_plan(imported.plan).with_signals(date(2026, 6, 15))
    assert not any(suggestion_for(task) or task.is_stale for task in tasks)
