"""The delivery plan in `make bench`: the plan's report and the office holder's dashboard at the
size of a busy plan, and the public progress page.

The budgets: the report (`/staff/delivery-plan/<plan>/`) and the dashboard
(`/staff/delivery-plan/<plan>/dashboard/`) of a plan of 300 tasks with 3,000 status updates,
each loaded by 5 staff at once, answer with a 95th percentile under 300 ms; the progress page as
fast as any public page (decision 35, measured in the public pages' table).

`prepare` adds a current plan of its own beside the demo's: 300 tasks (fewer when the bench is
asked for a smaller volume) under the office's activity areas, each with its leads, its
milestones around today and ten statuses over the past year, the latest copied onto the task as
the services copy it. They are written in bulk: the services record one status at a time on a
locked task, which would take the seeding minutes, not seconds. The courses are mixed as the
office's are, so the report's suggestions and stale flags and the dashboard's quarter-end mixes
all have work to do. Each measure then runs in a process of its own under the bench settings
(pcc_portal/bench) while gunicorn serves, signed in as a performance officer who has passed
two-factor sign-in.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as day_time
from importlib import import_module
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from engagement.models import ActivityArea
from pcc_portal.models import StaffMember, User
from pcc_portal.registry import BenchCheck, BenchScenario
from pcc_portal.roles import PERFORMANCE_OFFICER
from pcc_portal.services import set_roles

from .demo import period_around
from .models import Action, Milestone, Plan, RagUpdate, Task
from .rag import RagStatus

MOST_TASKS = 300
UPDATES_PER_TASK = 10
TASKS_PER_ACTION = 5
LEADS = 12
STAFF = 5  # people loading the pages at once
BUDGET_P95_MS = 300
BATCH = 1000
PLAN_SLUG = "bench-delivery-plan"
PLAN_NAME = "Bench delivery plan"
OFFICER_EMAIL = "bench.performance@example.invalid"
# Each task's ten statuses, oldest first, by its number: most stay on track, some slip, some
# recover, so every quarter end has its own mix.
COURSES = (
    "GGGGGGGGGG",
    "GGGAAGGGGG",
    "GGAAARRRAA",
    "RRAAGGGGGG",
    "AAGGGGGGAR",
    "GGGGGAAAAA",
)
STATUS = {"R": RagStatus.RED, "A": RagStatus.AMBER, "G": RagStatus.GREEN}
COMMENTS = {
    RagStatus.RED: "Behind: the milestone will be missed; a new date is being agreed.",
    RagStatus.AMBER: "At risk: waiting on partners before the next step.",
    RagStatus.GREEN: "On course: the work is going as planned.",
}


# --- Seeding ----------------------------------------------------------------------------------


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, day_time(9)))


def bench_plan(today: date) -> Plan:
    plan = Plan.objects.filter(slug=PLAN_SLUG).first()
    if plan is None:
        # Started a year before the demo's current plan, so the public progress page, which
        # shows the latest to start, stays the demo's: a plan of the office's own size.
        start, end = period_around(today - timedelta(days=365))
        plan = Plan.objects.create(
            name=PLAN_NAME,
            slug=PLAN_SLUG,
            introduction="A plan of the size the bench measures.",
            period_start=start,
            period_end=end,
            is_current=True,
        )
    return plan


def _leads() -> list[StaffMember]:
    leads = []
    for number in range(1, LEADS + 1):
        lead, _ = StaffMember.objects.get_or_create(
            name=f"Bench lead {number}", defaults={"initials": f"B{number}"}
        )
        leads.append(lead)
    return leads


def _update_days(today: date, number: int, count: int) -> list[date]:
    """`count` days over the past year, oldest first, the last within the past 120 days so
    that some tasks are stale (no update for 90 days) and most are not."""
    last = 3 + (number * 7) % 118
    step = max(1, (365 - last) // max(count, 1))
    return sorted(today - timedelta(days=last + step * n) for n in range(count))


def seed_plan(
    *, tasks: int, updates_per_task: int = UPDATES_PER_TASK, today: date | None = None
) -> int:
    """Top the bench plan up to `tasks` tasks, each with `updates_per_task` statuses over the
    past year, its leads and milestones; returns how many tasks were added."""
    today = today or timezone.localdate()
    areas = list(ActivityArea.objects.order_by("number"))
    if not areas:
        raise SystemExit("No activity areas to plan under: load the reference data first.")
    with transaction.atomic():
        plan = bench_plan(today)
        existing = Task.objects.in_plan(plan).count()
        wanted = max(0, tasks - existing)
        if not wanted:
            return 0
        leads = _leads()
        actions: dict[int, Action] = {}
        made = [
            _task(plan, areas, existing + n, today, updates_per_task, actions)
            for n in range(wanted)
        ]
        _write(made, leads)
    return wanted


@dataclass
class _Made:
    number: int
    action: Action
    task: Task
    updates: list[RagUpdate]
    milestones: list[Milestone]


def _action(plan: Plan, areas: list[ActivityArea], number: int, actions: dict) -> Action:
    """The action the number-th task sits under: five tasks to an action, the actions taking
    the activity areas in turn."""
    index = number // TASKS_PER_ACTION
    if index in actions:
        return actions[index]
    area = areas[index % len(areas)]
    position = index // len(areas) + 1
    actions[index], _ = Action.objects.get_or_create(
        plan=plan,
        activity_area=area,
        position=position,
        defaults={
            "reference": str(position),
            "commitment": f"Bench commitment {position} of {area.name.lower()}",
        },
    )
    return actions[index]


def _task(plan, areas, number: int, today: date, count: int, actions: dict) -> _Made:
    action = _action(plan, areas, number, actions)
    course = COURSES[number % len(COURSES)]
    days = _update_days(today, number, count)
    updates = []
    for n, on in enumerate(days):
        status = STATUS[course[n * len(course) // max(count, 1)]]
        updates.append(
            RagUpdate(
                status=status,
                comment=f"{COMMENTS[status]} ({on:%B %Y})",
                on=on,
                is_public=n % 3 == 0,
                created_at=_at(on),
            )
        )
    latest = updates[-1] if updates else None
    task = Task(
        action=action,
        position=number % TASKS_PER_ACTION + 1,
        summary=f"Bench task {number + 1}: keep the community informed and involved",
        milestones_text="Ongoing (March, June, September, December)",
        is_ongoing=True,
        review_on=today + timedelta(days=30 + number % 60),
        created_at=_at(plan.period_start),
        rag_status=latest.status if latest else "",
        rag_comment=latest.comment if latest else "",
        rag_updated_on=latest.on if latest else None,
        rag_comment_is_public=latest.is_public if latest else False,
    )
    # One milestone past and done, one around today (some past due and not done, some within
    # two weeks), one ahead.
    around = today + timedelta(days=number % 29 - 10)
    milestones = [
        Milestone(
            due_on=today - timedelta(days=60),
            done_on=today - timedelta(days=62),
            description="Last quarter's",
        ),
        Milestone(due_on=around, description="This quarter's"),
        Milestone(due_on=today + timedelta(days=120), description="Next quarter's"),
    ]
    return _Made(number, action, task, updates, milestones)


def _write(made: list[_Made], leads: list[StaffMember]) -> None:
    Task.objects.bulk_create([m.task for m in made], batch_size=BATCH)
    for m in made:
        for row in (*m.updates, *m.milestones):
            row.task_id = m.task.pk
    RagUpdate.objects.bulk_create([u for m in made for u in m.updates], batch_size=BATCH)
    Milestone.objects.bulk_create([ms for m in made for ms in m.milestones], batch_size=BATCH)
    through = Task.leads.through
    through.objects.bulk_create(
        (
            through(task_id=m.task.pk, staffmember_id=leads[(m.number + k) % len(leads)].pk)
            for m in made
            for k in range(1 + m.number % 2)
        ),
        batch_size=BATCH,
    )


def prepare(*, volume: int) -> None:
    """Top the bench plan up to its 300 tasks (the volume, when smaller), then let the planner
    see the rows, as autovacuum would on tables that grew this much."""
    wanted = min(volume, MOST_TASKS)
    made = seed_plan(tasks=wanted)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Task, RagUpdate, Milestone, Action):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    plan = Plan.objects.get(slug=PLAN_SLUG)
    updates = RagUpdate.objects.filter(task__action__plan=plan).count()
    print(f"{PLAN_SLUG}: {made:,} tasks added, {wanted:,} in all, {updates:,} updates", flush=True)


# --- Talking to the portal --------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: bytes
    seconds: float


def request(base_url: str, path: str, *, cookie: str) -> Reply:
    """A GET as the signed-in officer, timed to its last byte."""
    parts = urlsplit(base_url)
    link = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    began = time.perf_counter()
    try:
        link.request("GET", path, headers={"Cookie": cookie})
        reply = link.getresponse()
        body = reply.read()
        return Reply(reply.status, body, time.perf_counter() - began)
    finally:
        link.close()


def staff_cookie() -> str:
    """A session for a performance officer who has passed two-factor sign-in, as the Cookie
    header that carries it: the bench signs in as the test client does, without a form."""
    user = User.objects.filter(email=OFFICER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=OFFICER_EMAIL, full_name="Bench performance officer")
    set_roles(user=user, roles=[PERFORMANCE_OFFICER])
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="Bench", confirmed=True
    )
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Load:
    seconds: list[float]
    statuses: list[int]
    elapsed: float

    @property
    def failures(self) -> int:
        return sum(1 for status in self.statuses if status != 200)


def load(*, base_url: str, path: str, cookie: str, people: int, duration: float) -> Load:
    """`people` staff at once, each loading the page again and again for `duration` seconds."""
    seconds: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def person() -> None:
        mine, codes = [], []
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                reply = request(base_url, path, cookie=cookie)
            except OSError:  # refused or timed out: counted as a failure, not lost
                mine.append(time.perf_counter() - began)
                codes.append(0)
                continue
            mine.append(reply.seconds)
            codes.append(reply.status)
        with lock:
            seconds.extend(mine)
            statuses.extend(codes)

    began = time.perf_counter()
    threads = [threading.Thread(target=person) for _ in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(seconds, statuses, time.perf_counter() - began)


# --- The measures -----------------------------------------------------------------------------


def _measured_plan() -> Plan:
    plan = Plan.objects.filter(slug=PLAN_SLUG).first()
    if plan is None:
        raise SystemExit("No bench delivery plan to measure: run the scenario's prepare first.")
    return plan


def _measure_page(*, name: str, url_name: str, base_url: str, duration: int) -> BenchCheck:
    plan = _measured_plan()
    tasks = Task.objects.in_plan(plan).count()
    updates = RagUpdate.objects.filter(task__action__plan=plan).count()
    path = reverse(url_name, args=[plan.pk])
    cookie = staff_cookie()
    first = request(base_url, path, cookie=cookie)
    if first.status != 200:
        raise SystemExit(f"{path} answered {first.status} to a signed-in performance officer.")
    figures = load(base_url=base_url, path=path, cookie=cookie, people=STAFF, duration=duration)
    p95 = percentile(figures.seconds, 0.95) * 1000
    p50 = percentile(figures.seconds, 0.50) * 1000
    rate = len(figures.seconds) / figures.elapsed if figures.elapsed else 0.0
    failed = f", {figures.failures} not 200" if figures.failures else ""
    return BenchCheck(
        name=f"{name}, {tasks:,} tasks and {updates:,} updates, {STAFF} staff at once",
        figure=f"p95 {p95:.0f} ms, p50 {p50:.0f} ms, {rate:.0f} pages/s{failed}",
        budget=f"p95 under {BUDGET_P95_MS} ms",
        passed=bool(figures.seconds) and figures.failures == 0 and p95 < BUDGET_P95_MS,
        note=(
            f"`{path}` as a signed-in performance officer, {STAFF} at once, one GET after "
            f"another for {duration} s; the first, not counted, took {first.seconds:.2f} s"
        ),
    )


def measure_report(*, base_url: str, duration: int, **_) -> list[BenchCheck]:
    return [
        _measure_page(
            name="Plan report",
            url_name="delivery_plan_staff:report",
            base_url=base_url,
            duration=duration,
        )
    ]


def measure_dashboard(*, base_url: str, duration: int, **_) -> list[BenchCheck]:
    return [
        _measure_page(
            name="Dashboard",
            url_name="delivery_plan_staff:dashboard",
            base_url=base_url,
            duration=duration,
        )
    ]


# --- The public page --------------------------------------------------------------------------


def public_pages(get) -> list[tuple[str, str]]:
    """The progress page, which must show a plan."""
    path = reverse("delivery_plan:progress")
    status, _, body = get(path)
    if status != 200 or 'id="no-plan"' in body:
        raise SystemExit(f"{path} shows no plan to measure.")
    return [("Delivery plan progress", path)]


SCENARIO = BenchScenario(
    key="delivery_plan",
    title="Delivery plan",
    about=(
        "The public progress page (`/delivery-plan/`) is a row of the table above. Before the "
        f"portal started, a current plan of {MOST_TASKS} tasks (fewer when the bench's volume "
        f"is smaller) was added beside the demo's, each task with {UPDATES_PER_TASK} statuses "
        "over the past year, its leads and its milestones around today, written in bulk as the "
        "services would have written them. The plan's report and its dashboard were then each "
        f"loaded by {STAFF} signed-in performance officers at once, in a process of its own "
        "under the bench settings while gunicorn served. The budget: a 95th percentile under "
        f"{BUDGET_P95_MS} ms."
    ),
    public_pages=public_pages,
    prepare=prepare,
    measures=(measure_report, measure_dashboard),
)
