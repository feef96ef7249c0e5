"""The delivery plan in `make bench`: the plan it seeds in bulk (tasks with their leads,
milestones and statuses, each task's current status its latest, as the services leave them), the
pages it measures, and its checks, here at a small volume against Django's live server instead
of gunicorn."""

import pytest
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from delivery_plan import bench
from delivery_plan.models import Action, Milestone, Plan, RagUpdate, Task
from pcc_portal.registry import bench_scenarios

pytestmark = pytest.mark.django_db
LIVE = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _get(client):
    def get(path):
        page = client.get(path)
        return page.status_code, dict(page.headers), page.content.decode()

    return get


def bench_plan() -> Plan:
    return Plan.objects.get(slug=bench.PLAN_SLUG)


def test_the_scenario_is_plugged_in_with_its_page_seeding_and_measures():
    scenario = bench_scenarios.get("delivery_plan")
    assert scenario is bench.SCENARIO
    assert scenario.public_pages is bench.public_pages
    assert scenario.prepare is bench.prepare
    assert scenario.measures == (bench.measure_report, bench.measure_dashboard)


def test_seeding_gives_the_tasks_and_updates_asked_for(reference_data):
    assert bench.seed_plan(tasks=23) == 23
    plan = bench_plan()
    assert plan.is_current
    tasks = Task.objects.in_plan(plan)
    assert tasks.count() == 23
    assert RagUpdate.objects.filter(task__action__plan=plan).count() == 230
    # Five tasks to an action, numbered from 1 within it; the actions across the areas.
    assert set(tasks.values_list("position", flat=True)) == {1, 2, 3, 4, 5}
    assert Action.objects.filter(plan=plan).count() == 5
    assert Action.objects.filter(plan=plan).values("activity_area").distinct().count() == 5


def test_each_task_is_as_the_services_leave_it(reference_data):
    bench.seed_plan(tasks=30)
    today = timezone.localdate()
    tasks = Task.objects.in_plan(bench_plan()).annotate(
        last=Max("rag_updates__on"), leads_count=Count("leads", distinct=True)
    )
    for task in tasks:
        latest = task.rag_updates.latest()
        assert (task.rag_status, task.rag_comment, task.rag_updated_on) == (
            latest.status,
            latest.comment,
            latest.on,
        )
        assert task.rag_comment_is_public == latest.is_public
        assert task.last <= today
        assert task.leads_count >= 1
        assert task.milestones.count() == 3
        assert today - task.rag_updates.order_by("on").first().on <= timezone.timedelta(days=365)
    # The courses are mixed, so the report and the dashboard have work to do.
    signals = list(Task.objects.in_plan(bench_plan()).with_signals(today))
    assert {t.rag_status for t in signals} == {"red", "amber", "green"}
    assert any(t.is_stale for t in signals) and not all(t.is_stale for t in signals)
    assert {"red", "amber"} <= {t.suggested_status for t in signals}
    assert Milestone.objects.filter(task__action__plan=bench_plan()).exists()


def test_preparing_tops_the_plan_up_to_the_volume_and_no_further(reference_data):
    bench.seed_plan(tasks=4)
    bench.prepare(volume=11)
    assert Task.objects.in_plan(bench_plan()).count() == 11
    positions = list(
        Task.objects.in_plan(bench_plan()).values_list("action", "position").order_by("pk")
    )
    assert len(set(positions)) == 11
    updates = RagUpdate.objects.count()
    bench.prepare(volume=11)
    assert (Task.objects.count(), RagUpdate.objects.count()) == (11, updates)


def test_a_larger_volume_stops_at_the_plans_size(reference_data, monkeypatch):
    monkeypatch.setattr(bench, "MOST_TASKS", 6)
    bench.prepare(volume=100_000)
    assert Task.objects.in_plan(bench_plan()).count() == 6


def test_without_activity_areas_there_is_nothing_to_seed(db):
    with pytest.raises(SystemExit, match="No activity areas"):
        bench.seed_plan(tasks=3)


def test_the_public_page_is_the_progress_page(reference_data, client):
    bench.seed_plan(tasks=3)
    path = reverse("delivery_plan:progress")
    assert bench.public_pages(_get(client)) == [("Delivery plan progress", path)]


def test_with_no_plan_there_is_no_public_page_to_measure(reference_data, client):
    with pytest.raises(SystemExit, match="shows no plan"):
        bench.public_pages(_get(client))


def test_the_signed_in_session_opens_the_report_and_the_dashboard(reference_data, client):
    bench.seed_plan(tasks=5)
    plan = bench_plan()
    name, _, key = bench.staff_cookie().partition("=")
    client.cookies[name] = key
    for url_name in ("delivery_plan_staff:report", "delivery_plan_staff:dashboard"):
        assert client.get(reverse(url_name, args=[plan.pk])).status_code == 200, url_name


def _request_through(client, *, seconds):
    """bench.request answered by the test client, taking `seconds`."""

    def request(base_url, path, *, cookie):
        name, _, key = cookie.partition("=")
        client.cookies[name] = key
        page = client.get(path)
        return bench.Reply(page.status_code, page.content, seconds)

    return request


def _load_in_turn(*, base_url, path, cookie, people, duration):
    """bench.load with its people taking turns in this thread, which holds the test's data."""
    replies = [bench.request(base_url, path, cookie=cookie) for _ in range(people * 4)]
    return bench.Load(
        [reply.seconds for reply in replies], [reply.status for reply in replies], duration
    )


def test_a_page_slower_than_its_budget_fails(reference_data, client, monkeypatch):
    bench.seed_plan(tasks=3)
    monkeypatch.setattr(bench, "load", _load_in_turn)
    monkeypatch.setattr(bench, "request", _request_through(client, seconds=0.35))
    (check,) = bench.measure_report(base_url="http://testserver", duration=0.2)
    assert not check.passed
    assert check.figure.startswith("p95 350 ms")
    monkeypatch.setattr(bench, "request", _request_through(client, seconds=0.05))
    (check,) = bench.measure_dashboard(base_url="http://testserver", duration=0.2)
    assert check.passed, check.figure
    assert check.name == "Dashboard, 3 tasks and 30 updates, 5 staff at once"


# --- Against a live server -------------------------------------------------------------------


@pytest.fixture
def live(live_server, reference_data):
    bench.seed_plan(tasks=8)
    return live_server.url


@LIVE
def test_the_report_and_the_dashboard_are_measured_against_the_live_server(live, monkeypatch):
    # One at a time: the live server's threads share the test database's one connection.
    monkeypatch.setattr(bench, "STAFF", 1)
    (report,) = bench.measure_report(base_url=live, duration=1)
    (dashboard,) = bench.measure_dashboard(base_url=live, duration=1)
    for check in (report, dashboard):
        assert "not 200" not in check.figure, check.figure
        assert check.budget == "p95 under 300 ms"
    assert report.name == "Plan report, 8 tasks and 80 updates, 1 staff at once"
