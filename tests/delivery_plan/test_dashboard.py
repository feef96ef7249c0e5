"""The office holder's dashboard on known data and fixed dates: counts by RAG status in each
activity area, what changed since the last report issued, stale and overdue tasks, and the mix
of statuses at each quarter end read back from the history."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from delivery_plan import dashboard
from delivery_plan.rag import RagStatus
from delivery_plan.services import issue_report, write_rag_update
from tests.delivery_plan.factories import (
    TODAY,
    ActionFactory,
    MilestoneFactory,
    PlanFactory,
    TaskFactory,
)
from tests.engagement.factories import ActivityAreaFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

R, A, G = RagStatus.RED, RagStatus.AMBER, RagStatus.GREEN
REFUSED = ["Ambassador", "Applicant", "Grant assessor", "Engagement officer"]


def added_on(day: date):
    return timezone.make_aware(datetime.combine(day, time(9)))


def rate(task, status, on, comment="As reported"):
    return write_rag_update(task=task, status=status, comment=comment, on=on)


@pytest.fixture
def areas():
    return (
        ActivityAreaFactory(number=1, name="Strong voice"),
        ActivityAreaFactory(number=2, name="Victims and vulnerable people"),
    )


def task_in(plan, area, **kwargs):
    return TaskFactory(action=ActionFactory(plan=plan, activity_area=area), **kwargs)


# --- Counts by activity area -----------------------------------------------------------------


def test_counts_by_status_in_each_activity_area(areas):
    voice, victims = areas
    plan = PlanFactory()
    for status in (G, G, A, R):
        rate(task_in(plan, voice), status, date(2026, 5, 1))
    rate(task_in(plan, victims), R, date(2026, 5, 1))
    task_in(plan, victims)  # not rated yet
    # Another plan's tasks are not counted.
    rate(task_in(PlanFactory(), voice), R, date(2026, 5, 1))

    mixes = dashboard.by_area(plan)

    assert [mix.label for mix in mixes] == ["1. Strong voice", "2. Victims and vulnerable people"]
    assert mixes[0].counts == {R: 1, A: 1, G: 2, "": 0}
    assert mixes[1].counts == {R: 1, A: 0, G: 0, "": 1}
    assert dashboard.all_areas(mixes).counts == {R: 2, A: 1, G: 2, "": 1}
    assert dashboard.all_areas(mixes).total == 6


def test_a_bars_parts_are_as_wide_as_their_shares():
    mix = dashboard.Mix("1. Strong voice", {R: 1, A: 1, G: 2, "": 0})
    segments = mix.segments()
    assert [(s.rag.key, s.count, s.x, s.width) for s in segments] == [
        (R, 1, "0", "21.3"),
        (A, 1, "21.3", "21.2"),
        (G, 2, "42.5", "42.5"),
    ]
    assert dashboard.Mix("Empty", {R: 0}).segments() == []


# --- What changed since the last report --------------------------------------------------------


def test_the_changes_since_the_last_report_issued(areas, performance_officer):
    voice, victims = areas
    plan = PlanFactory()
    worse = task_in(plan, voice, summary="Publish specified information")
    rate(worse, G, date(2026, 4, 10))
    same = task_in(plan, voice, summary="Produce the newsletter")
    rate(same, G, date(2026, 4, 10))
    rated_since = task_in(plan, victims, summary="Commission victims' services")
    issue_report(plan=plan, by=performance_officer, on=date(2026, 3, 31), title="March report")
    issue_report(plan=plan, by=performance_officer, on=date(2026, 4, 30), title="April report")
    rate(worse, R, date(2026, 5, 20), comment="Two documents are late")
    rate(same, G, date(2026, 5, 20), comment="Still going well")
    rate(rated_since, A, date(2026, 5, 21), comment="Contract delayed")
    added = task_in(plan, victims, summary="Survey service users")
    rate(added, G, date(2026, 5, 22))

    board = dashboard.build_dashboard(plan, today=TODAY)

    assert board.report.title == "April report"
    changes = [
        (c.task.summary, c.before.key if c.before else None, c.after.key, c.comment)
        for c in board.changes
    ]
    assert changes == [
        ("Publish specified information", G, R, "Two documents are late"),
        ("Commission victims' services", "", A, "Contract delayed"),
        ("Survey service users", None, G, "As reported"),
    ]


def test_no_report_issued_means_no_changes_to_show(areas):
    plan = PlanFactory()
    rate(task_in(plan, areas[0]), G, date(2026, 5, 1))
    board = dashboard.build_dashboard(plan, today=TODAY)
    assert board.report is None
    assert board.changes == []


# --- Stale and overdue -------------------------------------------------------------------------


def test_stale_and_overdue_tasks_come_from_the_querysets(areas):
    plan = PlanFactory()
    fresh = task_in(plan, areas[0], summary="Fresh")
    rate(fresh, G, TODAY - timedelta(days=10))
    stale = task_in(plan, areas[0], summary="Quiet for months")
    rate(stale, G, TODAY - timedelta(days=91))
    late = task_in(plan, areas[1], summary="Newsletter late")
    rate(late, G, TODAY - timedelta(days=5))
    MilestoneFactory(task=late, due_on=date(2026, 6, 1), description="June newsletter")
    done_late = task_in(plan, areas[1], summary="Done on time")
    rate(done_late, G, TODAY - timedelta(days=5))
    MilestoneFactory(task=done_late, due_on=date(2026, 6, 1), done_on=date(2026, 5, 30))

    board = dashboard.build_dashboard(plan, today=TODAY)

    assert [f.task.summary for f in board.stale] == ["Quiet for months"]
    assert board.stale[0].reason == "The status was last updated on 16 March 2026"
    assert [f.task.summary for f in board.overdue] == ["Newsletter late"]
    assert board.overdue[0].suggestion.status == R
    assert "June newsletter" in board.overdue[0].reason
    assert "1 June 2026" in board.overdue[0].reason


def test_a_historic_plan_has_nothing_stale_or_overdue(areas):
    plan = PlanFactory(is_current=False)
    task = task_in(plan, areas[0])
    rate(task, G, date(2025, 1, 1))
    MilestoneFactory(task=task, due_on=date(2025, 6, 1))
    board = dashboard.build_dashboard(plan, today=TODAY)
    assert board.stale == [] and board.overdue == []


# --- The mix at each quarter end ---------------------------------------------------------------


def test_quarter_ends_within_the_days_given():
    assert dashboard.quarter_ends(date(2025, 4, 1), date(2026, 3, 31)) == [
        date(2025, 6, 30),
        date(2025, 9, 30),
        date(2025, 12, 31),
        date(2026, 3, 31),
    ]
    assert dashboard.quarter_ends(date(2026, 7, 1), date(2026, 9, 29)) == []
    plan = PlanFactory.build(period_start=date(2025, 4, 1), period_end=date(2027, 3, 31))
    assert dashboard.quarter_ends_of(plan, TODAY)[-1] == date(2026, 3, 31)
    historic = PlanFactory.build(period_start=date(2014, 1, 1), period_end=date(2016, 3, 31))
    assert len(dashboard.quarter_ends_of(historic, TODAY)) == 9


def test_the_mix_at_each_quarter_end_from_the_history(areas, django_assert_num_queries):
    plan = PlanFactory(period_start=date(2025, 4, 1), period_end=date(2027, 3, 31))
    spring = added_on(date(2025, 4, 5))
    a = task_in(plan, areas[0], created_at=spring)
    rate(a, G, date(2025, 5, 1))
    rate(a, A, date(2025, 8, 1))
    rate(a, R, date(2025, 9, 30))  # on the quarter end itself: counts for it
    rate(a, G, date(2026, 1, 10))
    b = task_in(plan, areas[0], created_at=spring)
    rate(b, A, date(2025, 10, 1))
    rate(b, G, date(2025, 10, 1))  # the later of two on one day stands
    c = task_in(plan, areas[1], created_at=added_on(date(2026, 1, 5)))
    rate(c, R, date(2026, 2, 1))
    # Brought in from a spreadsheet after the event: it counts from its first status's date.
    d = task_in(plan, areas[1], created_at=added_on(date(2026, 6, 1)))
    rate(d, G, date(2025, 7, 15))
    rate(task_in(PlanFactory(), areas[0], created_at=spring), R, date(2025, 5, 1))

    ends = dashboard.quarter_ends_of(plan, TODAY)
    with django_assert_num_queries(2):
        mixes = dashboard.mix_at(plan, ends)

    assert [mix.label for mix in mixes] == [
        "30 June 2025",
        "30 September 2025",
        "31 December 2025",
        "31 March 2026",
    ]
    assert [mix.counts for mix in mixes] == [
        {R: 0, A: 0, G: 1, "": 1},
        {R: 1, A: 0, G: 1, "": 1},
        {R: 1, A: 0, G: 2, "": 0},
        {R: 1, A: 0, G: 3, "": 0},
    ]


def test_the_quarters_start_with_the_first_that_had_a_task(areas):
    plan = PlanFactory(period_start=date(2025, 1, 1), period_end=date(2027, 3, 31))
    task = task_in(plan, areas[0], created_at=added_on(date(2025, 7, 1)))
    rate(task, A, date(2025, 8, 1))

    board = dashboard.build_dashboard(plan, today=TODAY)

    assert [mix.label for mix in board.quarters] == [
        "30 September 2025",
        "31 December 2025",
        "31 March 2026",
    ]
    assert all(mix.counts[A] == 1 for mix in board.quarters)


def test_the_mix_reads_the_history_in_the_same_queries_however_long(
    areas, django_assert_num_queries
):
    plan = PlanFactory(period_start=date(2025, 4, 1), period_end=date(2027, 3, 31))
    for n in range(30):
        task = task_in(plan, areas[n % 2], created_at=added_on(date(2025, 4, 5)))
        for month in (5, 8, 11):
            rate(task, (R, A, G)[(n + month) % 3], date(2025, month, 1))
    ends = dashboard.quarter_ends_of(plan, TODAY)
    with django_assert_num_queries(2):
        mixes = dashboard.mix_at(plan, ends)
    assert all(mix.total == 30 for mix in mixes)


# --- The page ----------------------------------------------------------------------------------


def url(plan):
    return reverse("delivery_plan_staff:dashboard", args=[plan.pk])


def test_the_page_shows_the_counts_changes_and_charts(
    client, signed_in_as, areas, performance_officer
):
    voice, victims = areas
    today = timezone.localdate()
    plan = PlanFactory(period_start=today - timedelta(days=400), period_end=today + timedelta(400))
    changed = task_in(plan, voice, summary="Publish specified information")
    rate(changed, G, today - timedelta(days=30))
    rate(task_in(plan, voice), A, today - timedelta(days=30))
    quiet = task_in(plan, victims, summary="Quiet for months")
    rate(quiet, G, today - timedelta(days=120))
    issue_report(plan=plan, by=performance_officer, on=today - timedelta(days=20))
    rate(changed, R, today - timedelta(days=2), comment="Two documents are late")
    signed_in_as("Commissioner and Deputy")

    page = client.get(url(plan)).content.decode()

    assert page.count('<svg class="portal-bar-chart portal-mix-chart"') == 2
    label = "Bar chart of tasks by RAG status in each activity area. 1. Strong voice: "
    assert f'aria-label="{label}Red 1, Amber 1, Green 0, Not rated yet 0;' in page
    assert 'data-mix="1"' in page and 'data-mix="all"' in page
    assert f'data-task="{changed.pk}"' in page
    assert 'data-was="green"' in page and 'data-now="red"' in page
    assert "Two documents are late" in page
    assert "Quiet for months" in page
    assert "Tasks by RAG status at each quarter end" in page


def test_the_overdue_and_stale_rows_show_each_change_on_the_next_load(client, signed_in_as, areas):
    """Their rows are kept by what they show (pcc_portal/fragments.py)."""
    today = timezone.localdate()
    plan = PlanFactory(period_start=today - timedelta(days=400), period_end=today + timedelta(400))
    lead = StaffMemberFactory(name="Glyn Brown")
    late = task_in(plan, areas[0], summary="Newsletter late", leads=[lead])
    rate(late, G, today - timedelta(days=5))
    MilestoneFactory(task=late, due_on=today - timedelta(days=3), description="Issue 4")
    quiet = task_in(plan, areas[1], summary="Quiet for months", leads=[lead])
    rate(quiet, A, today - timedelta(days=100))
    signed_in_as("Performance officer")
    page = client.get(url(plan)).content.decode()
    assert page.count("Glyn Brown") == 2

    lead.name = "Glyn Edwards"
    lead.save()
    late.milestones.update(done_on=today)
    rate(quiet, R, today - timedelta(days=95), comment="Later but still quiet")

    page = client.get(url(plan)).content.decode()

    assert "Glyn Brown" not in page
    assert 'id="overdue-table"' not in page
    stale_row = page[page.index(f'data-task="{quiet.pk}"') :]
    stale_row = stale_row[: stale_row.index("</tr>")]
    assert "Glyn Edwards" in stale_row
    assert ">Red<" in stale_row
    assert f"last updated on {(today - timedelta(days=95)):%-d %B %Y}" in stale_row


@pytest.mark.parametrize("role", ["Commissioner and Deputy", "Performance officer"])
def test_those_who_see_the_plans_open_it(client, signed_in_as, role):
    plan = PlanFactory()
    signed_in_as(role)
    assert client.get(url(plan)).status_code == 200


@pytest.mark.parametrize("role", REFUSED)
def test_others_are_refused(client, signed_in_as, role):
    plan = PlanFactory()
    signed_in_as(role)
    assert client.get(url(plan)).status_code == 403


def test_the_query_count_does_not_grow_with_the_tasks(
    client, signed_in_as, areas, performance_officer, assert_flat_queries
):
    today = timezone.localdate()
    plan = PlanFactory(period_start=today - timedelta(days=400), period_end=today + timedelta(400))
    first = task_in(plan, areas[0], created_at=added_on(plan.period_start))
    rate(first, G, today - timedelta(days=300))
    issue_report(plan=plan, by=performance_officer, on=today - timedelta(days=200))
    rate(first, G, today - timedelta(days=5))
    signed_in_as("Commissioner and Deputy")

    def make_rows(count):
        for n in range(count):
            task = task_in(plan, areas[n % 2], created_at=added_on(plan.period_start))
            rate(task, (R, A, G)[n % 3], today - timedelta(days=300))
            rate(task, (G, A, R)[n % 3], today - timedelta(days=100 + n % 2))
            MilestoneFactory(task=task, due_on=today - timedelta(days=3))

    response = assert_flat_queries(make_rows, lambda: client.get(url(plan)))
    board = response.context["board"]
    assert board.overall.total == 51
    # The tasks added after the report; the first kept its status.
    assert len(board.changes) == 50
    assert len(board.stale) == 50 and len(board.overdue) == 50
    assert board.quarters and all(mix.total == 51 for mix in board.quarters)
