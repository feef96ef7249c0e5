"""The demo delivery plans: the December 2015 plan imported from the shipped CSV as a historic plan
with its report issued, and a current plan dated around the day it is loaded (decision 23), whose
tasks give the suggestions, stale flags, reminders and dashboard something to show; several
statuses per task over the past year, some comments public; a second load adds nothing."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db.models import Count, Max, Min
from django.utils import timezone

from delivery_plan import demo
from delivery_plan.importing import DECEMBER_2015
from delivery_plan.models import Milestone, Plan, RagUpdate, ReportSnapshot, Task
from delivery_plan.reminders import delivery_plan_reminders
from pcc_portal.demo import create_demo_users
from pcc_portal.models import OutboundMessage, StaffMember
from pcc_portal.reference_data import load_reference_data
from pcc_portal.registry import demo_fillers

pytestmark = pytest.mark.django_db


def load(today=None) -> str:
    out = io.StringIO()
    demo.fill(today=today or timezone.localdate(), stdout=out)
    return out.getvalue()


@pytest.fixture
def filled(reference_data):
    create_demo_users()
    return load()


def current_plan() -> Plan:
    return Plan.objects.get(slug=demo.CURRENT_SLUG)


def status_at(plan: Plan, day: date) -> dict[int, str]:
    """Each task's status as its history stood at the end of `day`."""
    found: dict[int, tuple] = {}
    for update in RagUpdate.objects.filter(task__action__plan=plan, on__lte=day):
        key = (update.on, update.created_at, update.pk)
        if update.task_id not in found or key > found[update.task_id][0]:
            found[update.task_id] = (key, update.status)
    return {task: status for task, (_, status) in found.items()}


def test_the_filler_is_registered():
    assert demo_fillers.get("delivery_plan") is demo.fill


def test_both_plans_are_there_once_and_a_second_load_adds_nothing(filled):
    models = (Plan, Task, Milestone, RagUpdate, ReportSnapshot, StaffMember)
    counts = [model.objects.count() for model in models]
    plans, tasks, _, updates, reports, _ = counts
    assert plans == 2
    assert filled.strip() == (
        f"{plans} plans, {tasks} tasks, {updates} status updates, {reports} reports issued"
    )
    assert load().strip() == "0 plans, 0 tasks, 0 status updates, 0 reports issued"
    assert [model.objects.count() for model in models] == counts
    # Loading the demo writes to nobody.
    assert not OutboundMessage.objects.exists()


def test_the_december_2015_plan_is_imported_from_the_shipped_csv_as_it_stood(filled):
    historic = Plan.objects.get(name=DECEMBER_2015.name)
    assert not historic.is_current
    rows = list(csv.DictReader(DECEMBER_2015.file.read_text(encoding="utf-8").splitlines()))
    tasks = Task.objects.in_plan(historic)
    assert tasks.count() == len(rows)
    rated = [row for row in rows if row["RAG status"].strip()]
    assert RagUpdate.objects.filter(task__action__plan=historic).count() == len(rated)
    assert set(
        RagUpdate.objects.filter(task__action__plan=historic).values_list("on", flat=True)
    ) <= {date.fromisoformat(row["RAG status date"]) for row in rated if row["RAG status date"]} | {
        DECEMBER_2015.as_at
    }
    (report,) = historic.snapshots.all()
    assert report.issued_on == date(2015, 12, 1)
    assert len(report.rows) == len(rows)


def test_the_current_plan_runs_around_today_with_a_year_behind_it(filled):
    plan = current_plan()
    today = timezone.localdate()
    assert plan.is_current
    assert plan.period_start <= today - timedelta(days=365) and plan.period_end > today
    assert plan.period_start.month == 4 and plan.period_start.day == 1
    areas = set(Task.objects.in_plan(plan).values_list("action__activity_area__number", flat=True))
    assert areas == {1, 2, 3, 4, 5}
    assert Milestone.objects.filter(task__action__plan=plan, due_on__lt=today).exists()
    assert Milestone.objects.filter(task__action__plan=plan, due_on__gt=today).exists()


def test_every_signal_has_something_to_show_today(filled):
    today = timezone.localdate()
    tasks = list(Task.objects.in_plan(current_plan()).with_signals(today))
    assert {t.rag_status for t in tasks} == {"red", "amber", "green", ""}
    suggested = {t.suggested_status for t in tasks}
    assert {"red", "amber"} <= suggested
    # Red is suggested for a task rated green: worth a person's look.
    assert any(t.suggested_status == "red" and t.rag_status == "green" for t in tasks)
    assert any(t.is_stale for t in tasks)
    assert any(t.is_done for t in tasks)
    assert any(t.rag_status == "" for t in tasks)


def test_each_task_has_several_statuses_over_the_past_year(filled):
    plan = current_plan()
    today = timezone.localdate()
    history = (
        Task.objects.in_plan(plan)
        .filter(rag_updates__isnull=False)
        .annotate(updates=Count("rag_updates"), first=Min("rag_updates__on"))
        .annotate(last=Max("rag_updates__on"))
    )
    assert history.count() == Task.objects.in_plan(plan).count() - 1  # the one not rated yet
    for task in history:
        assert task.updates >= 3, task
        assert today - timedelta(days=365) <= task.first <= task.last <= today
        current = Task.objects.get(pk=task.pk)
        assert current.rag_updated_on == task.last
    # The history changes: a status at each quarter end differs from the next.
    reports = list(plan.snapshots.order_by("issued_on"))
    assert len(reports) == demo.REPORTS_ISSUED
    mixes = [status_at(plan, report.issued_on) for report in reports]
    assert mixes[0] != mixes[1] != status_at(plan, today)
    # Each report holds the statuses as they stood on its day.
    for report, mix in zip(reports, mixes, strict=True):
        assert {row["task"]: row["status"] for row in report.rows if row["status"]} == mix


def test_some_comments_are_public_and_some_are_not(filled, client):
    updates = RagUpdate.objects.filter(task__action__plan=current_plan())
    public = updates.filter(is_public=True)
    assert public.exists() and updates.filter(is_public=False).exists()
    html = client.get("/delivery-plan/").content.decode()
    assert public.order_by("-on").first().comment in html
    private = updates.filter(is_public=False).exclude(comment__in=public.values("comment")).first()
    assert private.comment not in html


def test_leads_are_demo_users_and_officers_with_no_account(filled):
    leads = StaffMember.objects.filter(delivery_tasks__action__plan=current_plan()).distinct()
    assert leads.filter(user__isnull=False).exists()
    assert leads.filter(user__isnull=True).exists()
    # The statuses a lead gave are theirs.
    assert RagUpdate.objects.filter(task__action__plan=current_plan(), by__isnull=False).exists()


def test_the_reminders_have_something_to_offer_today(filled):
    today = timezone.localdate()
    kinds = {r.key.split(":")[0] for r in delivery_plan_reminders(start=today, end=today)}
    assert {"delivery_plan.milestone", "delivery_plan.stale"} <= kinds


def test_a_load_on_another_day_is_dated_around_that_day(reference_data):
    create_demo_users()
    day = date(2031, 2, 10)
    load(day)
    plan = current_plan()
    assert (plan.period_start, plan.period_end) == (date(2029, 4, 1), date(2032, 3, 31))
    assert (
        RagUpdate.objects.filter(task__action__plan=plan).aggregate(last=Max("on"))["last"] <= day
    )
    tasks = list(Task.objects.in_plan(plan).with_signals(day))
    assert {"red", "amber"} <= {t.suggested_status for t in tasks}
    assert any(t.is_stale for t in tasks)
    assert [r.issued_on for r in plan.snapshots.order_by("issued_on")] == [
        date(2030, 9, 30),
        date(2030, 12, 31),
    ]


def test_without_activity_areas_nothing_is_made(db):
    assert "no activity areas" in load()
    assert not Plan.objects.exists()


def test_without_the_demo_users_the_plans_are_made_all_the_same(reference_data):
    load()
    plan = current_plan()
    assert Task.objects.in_plan(plan).exists()
    assert not plan.snapshots.exists()
    assert not StaffMember.objects.filter(user__isnull=False).exists()


def test_another_offices_demo_has_its_current_plan_without_the_december_2015_one(db):
    load_reference_data(office="warwickshire")
    create_demo_users()
    out = load()
    assert "the December 2015 plan does not fit this office" in out
    assert not Plan.objects.filter(name=DECEMBER_2015.name).exists()
    assert Task.objects.in_plan(current_plan()).exists()
