"""The delivery plan's reminder provider (decision 18), on fixed dates: milestones due within 14
days to their leads (the performance officers for a lead who cannot sign in), tasks with no
status update for 90 days to their leads and the performance officers, and a monthly summary to
the office holder on the first working day of the month."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from delivery_plan.reminders import delivery_plan_reminders, first_working_day
from delivery_plan.services import record_rag_update, write_rag_update
from pcc_portal.registry import due_reminders, reminder_providers
from tests.delivery_plan.factories import MilestoneFactory, PlanFactory, TaskFactory, lead_user
from tests.engagement.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 6, 15)


def reminders(start=MONDAY, end=None, *, kind=""):
    return [
        r
        for r in delivery_plan_reminders(start=start, end=end or start)
        if r.key.startswith(f"delivery_plan.{kind}")
    ]


def kept_fresh(task, on=MONDAY - timedelta(days=10)):
    """A status recorded recently, so the task is not stale."""
    write_rag_update(task=task, status="green", comment="On course", on=on)
    return task


@pytest.fixture
def officers(performance_officer, make_user):
    return (performance_officer, make_user("Performance officer"))


# --- Milestones due ---------------------------------------------------------------------------


def test_a_milestone_due_within_two_weeks_goes_to_the_tasks_leads(lead, officers):
    user, member = lead
    task = kept_fresh(TaskFactory(leads=[member], summary="Produce the newsletter"))
    milestone = MilestoneFactory(task=task, due_on=date(2026, 6, 29), description="June issue")

    (reminder,) = reminders(kind="milestone")

    assert reminder.key == f"delivery_plan.milestone:{milestone.pk}:2026-06-29"
    assert reminder.recipients == (user,)
    assert reminder.due_on == date(2026, 6, 29)
    assert reminder.title == "Milestone due 29 June 2026: “June issue” for Produce the newsletter"
    assert reminder.url == reverse("delivery_plan_staff:task", args=[task.pk])


def test_fifteen_days_ahead_is_too_early_and_yesterday_is_past(lead):
    task = kept_fresh(TaskFactory(leads=[lead[1]]))
    MilestoneFactory(task=task, due_on=MONDAY + timedelta(days=15))
    MilestoneFactory(task=task, due_on=MONDAY - timedelta(days=1))
    assert reminders(kind="milestone") == []
    due_today = MilestoneFactory(task=task, due_on=MONDAY)
    assert [r.key for r in reminders(kind="milestone")] == [
        f"delivery_plan.milestone:{due_today.pk}:2026-06-15"
    ]


def test_a_range_of_days_reaches_two_weeks_past_its_end(lead):
    task = kept_fresh(TaskFactory(leads=[lead[1]]))
    MilestoneFactory(task=task, due_on=date(2026, 7, 3))
    assert reminders(kind="milestone") == []
    assert len(reminders(MONDAY, MONDAY + timedelta(days=4), kind="milestone")) == 1


def test_nothing_is_due_of_a_done_milestone_a_done_task_or_a_historic_plan(lead):
    member = lead[1]
    task = kept_fresh(TaskFactory(leads=[member]))
    MilestoneFactory(task=task, due_on=date(2026, 6, 20), done_on=date(2026, 6, 10))
    finished = kept_fresh(TaskFactory(leads=[member], is_done=True, done_on=date(2026, 6, 1)))
    MilestoneFactory(task=finished, due_on=date(2026, 6, 20))
    historic = TaskFactory(leads=[member], action__plan=PlanFactory(is_current=False))
    MilestoneFactory(task=historic, due_on=date(2026, 6, 20))
    assert reminders() == []


def test_a_lead_who_cannot_sign_in_is_covered_by_the_performance_officers(lead, officers):
    user, member = lead
    no_account = StaffMemberFactory(name="Jackie Irvin", user=None)
    task = kept_fresh(TaskFactory(leads=[member, no_account]))
    MilestoneFactory(task=task, due_on=date(2026, 6, 20))
    alone = kept_fresh(TaskFactory(leads=[no_account]))
    MilestoneFactory(task=alone, due_on=date(2026, 6, 21))
    unled = kept_fresh(TaskFactory())
    MilestoneFactory(task=unled, due_on=date(2026, 6, 22))

    shared, covered, nobody = reminders(kind="milestone")

    assert shared.recipients == (user, *officers)
    assert covered.recipients == officers
    assert nobody.recipients == officers
    user.is_active = False
    user.save()
    assert reminders(kind="milestone")[0].recipients == officers


def test_with_no_one_to_tell_nothing_is_offered():
    task = kept_fresh(TaskFactory(leads=[StaffMemberFactory(user=None)]))
    MilestoneFactory(task=task, due_on=date(2026, 6, 20))
    assert reminders(kind="milestone") == []


# --- Stale tasks ------------------------------------------------------------------------------


def test_an_ongoing_tasks_review_within_two_weeks_goes_to_its_leads(lead, officers):
    user, member = lead
    ongoing = kept_fresh(
        TaskFactory(leads=[member], summary="Attend parish councils", is_ongoing=True)
    )
    ongoing.review_on = date(2026, 6, 26)
    ongoing.save()
    later = kept_fresh(TaskFactory(leads=[member], is_ongoing=True))
    later.review_on = MONDAY + timedelta(days=15)
    later.save()
    done = kept_fresh(TaskFactory(leads=[member], is_ongoing=True))
    done.review_on, done.is_done, done.done_on = date(2026, 6, 20), True, MONDAY
    done.save()

    (reminder,) = reminders(kind="review")

    assert reminder.key == f"delivery_plan.review:{ongoing.pk}:2026-06-26"
    assert reminder.recipients == (user,)
    assert reminder.title == "Review due 26 June 2026: Attend parish councils"
    assert reminder.url == reverse("delivery_plan_staff:task", args=[ongoing.pk])


def test_a_task_with_no_update_for_90_days_goes_to_its_leads_and_the_officers(lead, officers):
    user, member = lead
    task = TaskFactory(leads=[member], summary="Review the volunteer scheme")
    write_rag_update(task=task, status="amber", comment="Started", on=MONDAY - timedelta(days=90))
    kept_fresh(TaskFactory(leads=[member]), on=MONDAY - timedelta(days=89))

    (reminder,) = reminders(kind="stale")

    assert reminder.key == f"delivery_plan.stale:{task.pk}:2026-06-15"
    assert reminder.recipients == (user, *officers)
    assert reminder.due_on == MONDAY
    assert reminder.title == "No status update since 17 March 2026: Review the volunteer scheme"
    assert reminder.url == reverse("delivery_plan_staff:task", args=[task.pk])
    # Offered every day until a status is recorded, under the same key.
    later = reminders(MONDAY + timedelta(days=20), kind="stale")
    assert reminder.key in [r.key for r in later]
    record_rag_update(task=task, status="green", comment="Back on course", by=user, today=MONDAY)
    assert reminders(kind="stale") == []
    assert reminder.key not in [r.key for r in reminders(MONDAY + timedelta(days=20))]


def test_a_task_never_updated_counts_from_the_day_it_was_added(officers):
    task = TaskFactory(summary="Hold a rural crime forum")  # added on 5 January 2026
    (reminder,) = reminders(kind="stale")
    assert reminder.key == f"delivery_plan.stale:{task.pk}:2026-04-05"
    assert reminder.due_on == date(2026, 4, 5)
    assert reminder.recipients == officers
    assert reminder.title.startswith("No status given since it was added on 5 January 2026")


def test_done_tasks_and_historic_plans_never_go_stale(officers):
    TaskFactory(is_done=True, done_on=date(2026, 2, 1))
    TaskFactory(action__plan=PlanFactory(is_current=False))
    assert reminders(kind="stale") == []


def test_a_lead_who_is_also_a_performance_officer_is_told_once(make_user, officers):
    user, member = lead_user(make_user, role="Performance officer")
    TaskFactory(leads=[member])
    (reminder,) = reminders(kind="stale")
    assert reminder.recipients == (user, *officers)


# --- The monthly summary ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "first"),
    [
        (2026, 12, date(2026, 12, 1)),  # a Tuesday
        (2026, 8, date(2026, 8, 3)),  # the 1st is a Saturday
        (2027, 1, date(2027, 1, 4)),  # New Year's Day is a Friday
        (2022, 1, date(2022, 1, 4)),  # New Year's Day a Saturday, its holiday the Monday
        (2024, 4, date(2024, 4, 2)),  # Easter Monday is 1 April
        (2016, 4, date(2016, 4, 1)),  # Easter was in March
        (2027, 5, date(2027, 5, 4)),  # the early May bank holiday is the 3rd
        (2026, 5, date(2026, 5, 1)),  # a Friday, the bank holiday on the 4th
    ],
)
def test_the_first_working_day_of_the_month(year, month, first):
    assert first_working_day(year, month) == first


def test_the_commissioner_gets_each_current_plans_summary_on_the_first_working_day(
    commissioner, lead
):
    plan = PlanFactory(name="Engagement plan 2026-28")
    red = TaskFactory(action__plan=plan)
    write_rag_update(task=red, status="red", comment="Late", on=date(2026, 11, 20))
    MilestoneFactory(task=red, due_on=date(2026, 11, 30))
    for _ in range(2):
        kept_fresh(TaskFactory(action__plan=plan), on=date(2026, 11, 25))
    TaskFactory(action__plan=plan)  # never rated, added in January: stale
    PlanFactory(is_current=False)

    (summary,) = reminders(date(2026, 12, 1), kind="monthly_summary")

    assert summary.key == f"delivery_plan.monthly_summary:{plan.pk}:2026-12-01"
    assert summary.recipients == (commissioner,)
    assert summary.due_on == date(2026, 12, 1)
    assert summary.url == reverse("delivery_plan_staff:dashboard", args=[plan.pk])
    assert summary.title == (
        "Engagement plan 2026-28, December 2026: 1 behind, 2 on track, 1 not rated yet; "
        "1 stale, 1 with a milestone overdue"
    )


def test_the_summary_stays_offered_for_the_rest_of_its_month_and_no_longer(commissioner):
    plan = PlanFactory()
    keys = lambda day: [r.key for r in reminders(day, kind="monthly_summary")]  # noqa: E731
    december = f"delivery_plan.monthly_summary:{plan.pk}:2026-12-01"
    assert keys(date(2026, 11, 30)) == [f"delivery_plan.monthly_summary:{plan.pk}:2026-11-02"]
    assert keys(date(2026, 12, 31)) == [december]
    # New Year's Day is a holiday and the 2nd and 3rd a weekend: nothing until Monday the 4th.
    assert keys(date(2027, 1, 1)) == []
    assert keys(date(2027, 1, 3)) == []
    assert keys(date(2027, 1, 4)) == [f"delivery_plan.monthly_summary:{plan.pk}:2027-01-04"]
    both = [r.key for r in reminders(date(2026, 12, 28), date(2027, 1, 5), kind="monthly_summary")]
    assert both == [december, f"delivery_plan.monthly_summary:{plan.pk}:2027-01-04"]


def test_no_summary_without_someone_holding_the_commissioners_role():
    PlanFactory()
    assert reminders(date(2026, 12, 1), kind="monthly_summary") == []


def test_each_current_plan_has_its_own_summary(commissioner):
    plans = [PlanFactory(), PlanFactory(period_start=date(2026, 5, 1))]
    found = reminders(date(2026, 12, 1), kind="monthly_summary")
    assert {r.key for r in found} == {
        f"delivery_plan.monthly_summary:{plan.pk}:2026-12-01" for plan in plans
    }


# --- The registry -----------------------------------------------------------------------------


def test_the_provider_is_registered_and_its_reminders_gathered(lead, officers, commissioner):
    assert reminder_providers.get("delivery_plan") is delivery_plan_reminders
    task = kept_fresh(TaskFactory(leads=[lead[1]]))
    milestone = MilestoneFactory(task=task, due_on=date(2026, 6, 20))
    keys = [r.key for r in due_reminders(start=MONDAY, end=MONDAY)]
    assert f"delivery_plan.milestone:{milestone.pk}:2026-06-20" in keys
