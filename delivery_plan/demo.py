"""Believable demo delivery plans (decision 23).

The December 2015 plan, transcribed from the office's report into the CSV shipped in
delivery_plan/data, is imported through the import service as a historic plan, as it stood, and
issued as the December 2015 report.

Beside it, the plan the office works to now, dated around today: it started in the April before
last year's, so a year of history is behind it. Each task has its leads (the demo users who lead
work, and two officers with no account, whose reminders go to the performance officers), its
milestones and several statuses over the past year, some comments marked public. The tasks
follow a few courses, so every view has something to show: steady on track; slipping to red; on
track with a milestone past due (the portal suggests Red); quiet for over 60 days with a
milestone due within two weeks (it suggests Amber); stale, no update for over 90 days;
recovered from red; done; new and not rated yet; and recurring milestones met each quarter. The
statuses are written in the order they were given, and the quarterly reports are issued at the
last two quarter ends as the history reaches them, so the dashboard's quarter-end mixes and
"changed since the last report" differ.

Idempotent: each plan is made only when it is missing, the historic one by its name, the current
one by its web address.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from engagement.models import ActivityArea
from pcc_portal.demo import demo_email
from pcc_portal.models import Objective, StaffMember, User
from pcc_portal.roles import ENGAGEMENT_OFFICER, GRANTS_OFFICER, PERFORMANCE_OFFICER, STAFF_OFFICER

from .importing import DECEMBER_2015, ImportRefused, import_shipped
from .milestones import long_date, read_timescale
from .models import Action, Milestone, Plan, Task
from .rag import RagStatus
from .services import issue_report, write_rag_update

R, A, G = RagStatus.RED, RagStatus.AMBER, RagStatus.GREEN
CURRENT_SLUG = "community-engagement-strategy"
CURRENT_NAME = "Community Engagement Strategy delivery plan {start}-{end}"
INTRODUCTION = (
    "In delivering the actions of the community engagement strategy, the office holder and "
    "deputy are supported by the named lead officers of the office."
)
QUARTER_END_MONTHS = (3, 6, 9, 12)
REPORTS_ISSUED = 2
# Leads by key: a demo user's role, or (name, initials) of an officer with no account.
USERS = {
    "eo": (ENGAGEMENT_OFFICER.name, "EO"),
    "po": (PERFORMANCE_OFFICER.name, "PO"),
    "so": (STAFF_OFFICER.name, "SO"),
    "go": (GRANTS_OFFICER.name, "GO"),
}
NO_ACCOUNT = {
    "ra": ("Ruth Ambrose", "RA", "Community ambassadors' coordinator"),
    "th": ("Tom Hale", "TH", "Custody visiting scheme administrator"),
}


@dataclass(frozen=True)
class Course:
    """How a task has gone: its statuses as (days before today, status), oldest first, the
    comment of each, and what its milestones are for the suggestions to read."""

    updates: tuple[tuple[int, str], ...]
    comments: tuple[str, ...]
    # One-off milestones as (days from today, description); a negative day is past. Past ones are
    # done unless `missed` names them.
    milestones: tuple[tuple[int, str], ...] = ()
    missed: tuple[int, ...] = ()
    done_days_ago: int | None = None
    added_days_ago: int | None = None  # None: at the start of the plan


COURSES = {
    "steady": Course(
        updates=((330, G), (240, G), (150, G), (62, G), (14, G)),
        comments=(
            "Under way as planned.",
            "On course; figures reported to the performance meeting.",
            "On course; the review found nothing to change.",
            "Continuing as planned.",
        ),
        milestones=((-200, "Arrangements agreed for the year"), (60, "Yearly review")),
    ),
    "slipping": Course(
        updates=((300, G), (200, A), (80, R), (30, R)),
        comments=(
            "Under way as planned.",
            "Delayed while the questions are agreed with the force.",
            "Behind: the force's analysts cannot start until next month.",
        ),
        milestones=((-20, "Findings reported"),),
        missed=(-20,),
    ),
    "overdue": Course(
        updates=((280, G), (170, G), (50, G)),
        comments=("Under way as planned.", "On course.", "On course."),
        milestones=((-150, "Plan agreed"), (-8, "Progress reported")),
        missed=(-8,),
    ),
    "quiet": Course(
        updates=((320, G), (200, A), (75, G)),
        comments=(
            "Under way as planned.",
            "Venue not yet confirmed.",
            "Venue confirmed and invitations sent.",
        ),
        milestones=((-90, "Preparations agreed"), (6, "Delivered")),
    ),
    "stale": Course(
        updates=((350, A), (230, G), (120, A)),
        comments=(
            "Fewer volunteers than hoped at the start.",
            "Recruitment picked up after the spring events.",
            "Some schemes have lost their coordinators.",
        ),
        milestones=((70, "Yearly review"),),
    ),
    "recovered": Course(
        updates=((310, R), (160, R), (100, A), (40, G)),
        comments=(
            "Behind: the post that leads it is vacant.",
            "Still behind: the post is advertised again.",
            "Post filled; catching up on the backlog.",
        ),
        milestones=((-120, "Post filled"), (-60, "Backlog cleared"), (90, "Yearly review")),
    ),
    "done": Course(
        updates=((300, A), (180, G), (95, G)),
        comments=(
            "Waiting for the nominations to come in.",
            "Nominations closed with more than last year.",
        ),
        milestones=((-100, "Held"),),
        done_days_ago=95,
    ),
    "new": Course(updates=(), comments=(), milestones=((40, "First results"),), added_days_ago=30),
    "recurring": Course(
        updates=((320, G), (230, G), (140, A), (45, G)),
        comments=(
            "Under way as planned.",
            "On course.",
            "One date slipped at a partner's request; back on schedule from the next.",
        ),
    ),
}


@dataclass(frozen=True)
class TaskSpec:
    summary: str
    leads: tuple[str, ...]
    course: str
    latest: str = ""  # the latest comment, in the task's own words
    public: bool = False  # its comments after the first are marked public
    recurring: str = ""  # the office's wording of a recurring milestone, read by the core


@dataclass(frozen=True)
class ActionSpec:
    area: int
    reference: str
    commitment: str
    objectives: tuple[int, ...]
    tasks: tuple[TaskSpec, ...]


ACTIONS = (
    ActionSpec(
        1,
        "1",
        "Consult people on policing and the precept, and tell them what they said and what "
        "changed as a result",
        (1, 2),
        (
            TaskSpec(
                "Plan and promote the yearly precept consultation, using the lessons of the last",
                ("eo",),
                "steady",
                "Questions agreed; the consultation opens in January with a paper copy in "
                "libraries.",
                public=True,
            ),
            TaskSpec(
                "Publish the feedback of each consultation within twelve weeks of it closing",
                ("eo", "po"),
                "overdue",
                "Feedback for the rural crime survey drafted.",
            ),
            TaskSpec(
                "Hold the office holder's public meetings in each policing area",
                ("so", "ra"),
                "recurring",
                "Meetings held in every policing area this quarter; dates for the next published.",
                public=True,
                recurring="Ongoing (March, June, September, December)",
            ),
        ),
    ),
    ActionSpec(
        1,
        "2",
        "Publish the information the law specifies, on time",
        (2,),
        (
            TaskSpec(
                "Publish specified information on the website within the time limits",
                ("po",),
                "steady",
                "Everything due this quarter was published on time.",
                public=True,
            ),
            TaskSpec(
                "Publish the yearly report on the progress of the delivery plan",
                ("po",),
                "quiet",
                "Draft with the office holder for comment.",
            ),
        ),
    ),
    ActionSpec(
        1,
        "3",
        "Keep people informed about the office's work through existing networks where possible",
        (1,),
        (
            TaskSpec(
                "Produce the monthly newsletter",
                ("eo",),
                "recurring",
                "Sent each month; more articles from community ambassadors.",
                public=True,
                recurring="Monthly",
            ),
            TaskSpec(
                "Issue timely media releases and keep the website's news up to date",
                ("eo",),
                "steady",
                "News on the website updated weekly.",
            ),
        ),
    ),
    ActionSpec(
        2,
        "1",
        "Promote and support volunteering in policing and in reducing crime and disorder",
        (3, 9),
        (
            TaskSpec(
                "Recruit, train and support independent custody visitors",
                ("th",),
                "recovered",
                "Eight new visitors trained; every panel now at strength.",
                public=True,
            ),
            TaskSpec(
                "Support neighbourhood, rural and horse watch schemes",
                ("eo", "ra"),
                "stale",
                "Two village schemes have lost their coordinators; new ones are being sought.",
            ),
        ),
    ),
    ActionSpec(
        2,
        "2",
        "Offer grants that help communities solve local crime and disorder problems",
        (9, 10),
        (
            TaskSpec(
                "Run the office holder's grant scheme, with two rounds a year",
                ("go",),
                "recurring",
                "Second round of the year decided; grants paid.",
                public=True,
                recurring="Each June and December",
            ),
            TaskSpec(
                "Promote the grant scheme and what its grants achieve",
                ("go", "eo"),
                "steady",
                "Case studies of funded projects on the website and in the newsletter.",
                public=True,
            ),
        ),
    ),
    ActionSpec(
        3,
        "1",
        "Give victims of crime and witnesses an effective voice on policing",
        (5, 6),
        (
            TaskSpec(
                "Survey victims about the service they received and act on what they say",
                ("po",),
                "slipping",
                "Survey closed, but the analysis is late: findings now expected next month.",
                public=True,
            ),
            TaskSpec(
                "Hold a forum with victim support organisations twice a year",
                ("so",),
                "quiet",
                "Venue booked.",
            ),
        ),
    ),
    ActionSpec(
        3,
        "2",
        "Work with partners so that victims and witnesses are supported through the justice system",
        (6, 7),
        (
            TaskSpec(
                "Review the victims' referral service before its contract is renewed",
                ("po", "th"),
                "done",
                "Review completed and the contract renewed with the changes it recommended.",
                public=True,
            ),
            TaskSpec(
                "Report witness care figures to the Local Criminal Justice Board",
                ("po",),
                "recovered",
                "Figures reported each quarter since the summer.",
            ),
        ),
    ),
    ActionSpec(
        4,
        "1",
        "Engage with children and young people, and support activities that divert them from crime",
        (4, 8),
        (
            TaskSpec(
                "Run the youth engagement survey in secondary schools",
                ("eo",),
                "new",
            ),
            TaskSpec(
                "Support diversionary activities for young people, including one-off grants",
                ("go",),
                "overdue",
                "Sports partnership sessions running in three towns.",
                public=True,
            ),
            TaskSpec(
                "Hold the Young Good Citizen awards",
                ("so",),
                "done",
                "Awards evening held with the force; films of the finalists on the website.",
                public=True,
            ),
        ),
    ),
    ActionSpec(
        5,
        "1",
        "Engage with businesses and rural communities on the crime that affects them",
        (11, 12),
        (
            TaskSpec(
                "Attend the rural and business crime board and report back",
                ("po",),
                "recurring",
                "Board met in each quarter; actions reported to the office holder.",
                recurring="Quarterly",
            ),
            TaskSpec(
                "Promote farm watch and the marking of farm machinery",
                ("ra",),
                "stale",
                "Fewer marking events than planned while the rural unit's van was off the road.",
            ),
            TaskSpec(
                "Survey businesses on crime and the fear of crime",
                ("eo",),
                "slipping",
                "Too few responses so far: the survey has been extended.",
            ),
        ),
    ),
)


@dataclass
class Made:
    plans: int = 0
    tasks: int = 0
    updates: int = 0
    reports: int = 0


@dataclass
class Context:
    today: date
    leads: dict[str, StaffMember]
    officer: User | None
    areas: dict[int, ActivityArea]
    objectives: dict[int, Objective]
    made: Made = field(default_factory=Made)


def fill(*, today, stdout) -> None:
    made = Made()
    areas = {area.number: area for area in ActivityArea.objects.all()}
    if not areas:
        stdout.write("  no activity areas loaded: no delivery plans\n")
        return
    officer = _demo_user(PERFORMANCE_OFFICER.name)
    if not Plan.objects.filter(name=DECEMBER_2015.name).exists():
        try:
            _historic(today=today, officer=officer, made=made)
        except ImportRefused as refused:
            # Another office's activity areas are not the ones the December 2015 plan names.
            stdout.write(
                f"  the December 2015 plan does not fit this office: {refused.problems[0]}\n"
            )
    if not Plan.objects.filter(slug=CURRENT_SLUG).exists():
        c = Context(
            today=today,
            leads=_leads(),
            officer=officer,
            areas=areas,
            objectives={o.number: o for o in Objective.objects.all()},
            made=made,
        )
        _current(c)
    stdout.write(
        f"  {made.plans} plans, {made.tasks} tasks, {made.updates} status updates, "
        f"{made.reports} reports issued\n"
    )


# --- People -----------------------------------------------------------------------------------


def _demo_user(role_name: str) -> User | None:
    return User.objects.filter(email=demo_email(role_name), is_active=True).first()


def _leads() -> dict[str, StaffMember]:
    """The staff records of the demo users who lead work (made when missing, linked to their
    accounts), and of two officers with no account."""
    leads = {}
    for key, (role_name, initials) in USERS.items():
        user = _demo_user(role_name)
        if user is None:
            continue
        member = StaffMember.objects.filter(user=user).first()
        if member is None:
            member = StaffMember.objects.create(
                user=user,
                name=user.get_full_name() or role_name,
                initials=initials,
                job_title=role_name,
            )
        leads[key] = member
    for key, (name, initials, job_title) in NO_ACCOUNT.items():
        leads[key], _ = StaffMember.objects.get_or_create(
            name=name, user=None, defaults={"initials": initials, "job_title": job_title}
        )
    return leads


# --- The December 2015 plan -------------------------------------------------------------------


def _historic(*, today: date, officer: User | None, made: Made) -> None:
    with transaction.atomic():
        result = import_shipped(DECEMBER_2015, today=today)
        made.plans += 1
        made.tasks += result.tasks
        made.updates += result.updates
        if officer is not None:
            issue_report(
                plan=result.plan,
                by=officer,
                on=DECEMBER_2015.as_at,
                title=f"Report, {DECEMBER_2015.as_at:%B %Y}",
            )
            made.reports += 1


# --- The current plan -------------------------------------------------------------------------


def period_around(today: date) -> tuple[date, date]:
    """Three financial years, from the April before the day a year ago."""
    year_ago = today - timedelta(days=365)
    start_year = year_ago.year if year_ago.month >= 4 else year_ago.year - 1
    return date(start_year, 4, 1), date(start_year + 3, 3, 31)


def quarter_ends_before(today: date, count: int) -> list[date]:
    """The last `count` quarter ends before today, oldest first."""
    ends = []
    year, month = today.year, today.month
    while len(ends) < count:
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        if month in QUARTER_END_MONTHS:
            day = date(year, month, 31 if month in (3, 12) else 30)
            if day < today:
                ends.append(day)
    return sorted(ends)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


@dataclass
class _Pending:
    """A task to write, with where it sits."""

    spec: TaskSpec
    action: Action
    position: int
    added: date


def _current(c: Context) -> None:
    start, end = period_around(c.today)
    with transaction.atomic():
        plan = Plan.objects.create(
            name=unique_name(CURRENT_NAME.format(start=start.year, end=f"{end.year % 100:02d}")),
            slug=CURRENT_SLUG,
            introduction=INTRODUCTION,
            period_start=start,
            period_end=end,
            owner=c.officer,
            is_current=True,
        )
        c.made.plans += 1
        # Everything in the order it happened: a task added, its statuses given, and the
        # reports issued at the quarter ends after that day's statuses, so that each report
        # holds the tasks and statuses as they stood then.
        events = []
        for item in _actions(c, plan):
            events.append((item.added, 0, len(events), item, None))
            for n, on in enumerate(_update_days(c, item)):
                events.append((on, 1, len(events), item, n))
        for day in quarter_ends_before(c.today, REPORTS_ISSUED):
            events.append((day, 2, len(events), None, None))
        tasks: dict[int, Task] = {}
        for day, kind, _, item, n in sorted(events, key=lambda event: event[:3]):
            if kind == 0:
                tasks[id(item)] = _write_task(c, plan, item)
            elif kind == 1:
                _write_update(c, tasks[id(item)], item, n, day)
            elif c.officer is not None:
                issue_report(
                    plan=plan, by=c.officer, on=day, title=f"Quarterly report, {day:%B %Y}"
                )
                c.made.reports += 1


def unique_name(name: str) -> str:
    taken = set(Plan.objects.filter(name__startswith=name).values_list("name", flat=True))
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name} ({number})", number + 1
    return candidate


def _actions(c: Context, plan: Plan) -> list[_Pending]:
    pending = []
    positions: dict[int, int] = {}
    start = plan.period_start
    for spec in ACTIONS:
        area = c.areas.get(spec.area)
        if area is None:
            continue
        positions[spec.area] = positions.get(spec.area, 0) + 1
        action = Action.objects.create(
            plan=plan,
            activity_area=area,
            reference=spec.reference,
            position=positions[spec.area],
            commitment=spec.commitment,
        )
        action.objectives.set([c.objectives[n] for n in spec.objectives if n in c.objectives])
        for position, task_spec in enumerate(spec.tasks, start=1):
            course = COURSES[task_spec.course]
            added = (
                c.today - timedelta(days=course.added_days_ago)
                if course.added_days_ago is not None
                else start
            )
            pending.append(_Pending(task_spec, action, position, added))
    return pending


def _wording(c: Context, spec: TaskSpec, course: Course) -> str:
    """The office's own wording of the task's timescale, as the report prints it."""
    if spec.recurring:
        return spec.recurring
    future = [c.today + timedelta(days=days) for days, _ in course.milestones if days >= 0]
    if course.done_days_ago is not None:
        past = [c.today + timedelta(days=days) for days, _ in course.milestones]
        return f"By {long_date(max(past))}"
    if future:
        return f"By {long_date(min(future))}, then ongoing"
    return "Ongoing"


def _write_task(c: Context, plan: Plan, item: _Pending) -> Task:
    spec = item.spec
    course = COURSES[spec.course]
    done_on = (
        c.today - timedelta(days=course.done_days_ago) if course.done_days_ago is not None else None
    )
    wording = _wording(c, spec, course)
    ongoing = bool(spec.recurring) or "ongoing" in wording.lower()
    task = Task.objects.create(
        action=item.action,
        position=item.position,
        summary=spec.summary,
        milestones_text=wording,
        is_ongoing=ongoing,
        review_on=c.today + timedelta(days=45) if ongoing and done_on is None else None,
        is_done=done_on is not None,
        done_on=done_on,
        created_at=_at(item.added),
    )
    task.leads.set([c.leads[key] for key in spec.leads if key in c.leads])
    Milestone.objects.bulk_create(_milestones(c, plan, task, spec, course))
    c.made.tasks += 1
    return task


def _milestones(c: Context, plan: Plan, task: Task, spec: TaskSpec, course: Course):
    """One-off milestones from the course, or a recurring one read from the office's wording
    by the core's reader; those past are done a few days early, unless missed."""
    if spec.recurring:
        timescale = read_timescale(spec.recurring, start=plan.period_start, end=plan.period_end)
        for occurrence in timescale.occurrences:
            past = occurrence.due_on < c.today
            yield Milestone(
                task=task,
                due_on=occurrence.due_on,
                description=occurrence.description,
                recurrence=occurrence.recurrence,
                done_on=occurrence.due_on - timedelta(days=3) if past else None,
            )
        return
    for days, description in course.milestones:
        due = c.today + timedelta(days=days)
        done = days < 0 and days not in course.missed
        yield Milestone(
            task=task,
            due_on=due,
            description=description,
            done_on=min(due, c.today) - timedelta(days=2) if done else None,
        )


def _update_days(c: Context, item: _Pending) -> list[date]:
    course = COURSES[item.spec.course]
    return [c.today - timedelta(days=days) for days, _ in course.updates]


def _write_update(c: Context, task: Task, item: _Pending, n: int, on: date) -> None:
    spec, course = item.spec, COURSES[item.spec.course]
    status = course.updates[n][1]
    last = n == len(course.updates) - 1
    comment = (spec.latest if last and spec.latest else None) or course.comments[
        min(n, len(course.comments) - 1)
    ]
    lead_users = [c.leads[key].user for key in spec.leads if key in c.leads and c.leads[key].user]
    write_rag_update(
        task=task,
        status=status,
        comment=comment,
        on=on,
        by=lead_users[0] if lead_users else c.officer,
        is_public=spec.public and n > 0,
    )
    c.made.updates += 1
