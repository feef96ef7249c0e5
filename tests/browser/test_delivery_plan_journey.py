"""A performance officer records a task's RAG status on a 320 px phone with the keyboard alone,
and the dashboard shows the change; the delivery plan's pages pass the automated WCAG checks."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from delivery_plan import services
from delivery_plan.models import Plan, RagUpdate, Task
from delivery_plan.rag import RagStatus
from pcc_portal.reference_data import load_reference_data
from pcc_portal.services import set_roles
from tests.delivery_plan.factories import ActionFactory, MilestoneFactory, PlanFactory, TaskFactory
from tests.engagement.factories import ActivityAreaFactory, StaffMemberFactory
from tests.pcc_portal.factories import UserFactory

from .conftest import accessibility_problems, assert_fits, sign_in_at

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

R, A, G = RagStatus.RED, RagStatus.AMBER, RagStatus.GREEN
# More than any of these pages has focusable things (the report's filter panel and three links
# for each task): a Tab that never arrives is a failure, not an endless loop.
MOST_TABS = 150
NEW_COMMENT = "Newsletter missed its October issue: the printer's contract ended early"


@dataclass
class Office:
    officer: object
    plan: Plan
    newsletter: Task  # area 1, green: the task the officer changes
    survey: Task  # area 1, amber
    helpline: Task  # area 2, green with a public comment
    forum: Task  # area 2, never rated, with a milestone past due


def delivery_plan_in_hand() -> Office:
    """The office's current plan, half-way through its period, in two activity areas, its tasks
    rated a month ago and a report issued a week ago; and a performance officer who keeps it."""
    load_reference_data(office="west_mercia")
    today = timezone.localdate()
    officer = UserFactory(full_name="Pat Officer")
    set_roles(user=officer, roles=["Performance officer"])
    plan = PlanFactory(
        name="Community Engagement Strategy delivery plan",
        period_start=today - timedelta(days=240),
        period_end=today + timedelta(days=480),
    )
    first_area = ActivityAreaFactory(number=1)
    second_area = ActivityAreaFactory(number=2)
    added = timezone.now() - timedelta(days=200)
    lead = StaffMemberFactory(name="Jackie Irvin", initials="JI")

    def task(area, reference, position, summary, milestones="Ongoing"):
        action = ActionFactory(
            plan=plan,
            activity_area=area,
            reference=reference,
            position=position,
            commitment=f"Commitment {reference} of activity area {area.number}",
        )
        return TaskFactory(
            action=action,
            summary=summary,
            milestones_text=milestones,
            created_at=added,
            leads=[lead],
        )

    newsletter = task(first_area, "1", 1, "Produce the bi-monthly newsletter")
    survey = task(first_area, "2", 2, "Run the annual public confidence survey")
    helpline = task(second_area, "1", 1, "Refer victims to the support helpline")
    forum = task(
        second_area, "2", 2, "Hold the victims' forum", milestones="By the end of last month"
    )
    MilestoneFactory(task=forum, due_on=today - timedelta(days=10), description="Forum held")
    MilestoneFactory(task=newsletter, due_on=today + timedelta(days=40), description="Next issue")

    rated = today - timedelta(days=30)
    for rated_task, status, comment, public in (
        (newsletter, G, "Every issue out on time", False),
        (survey, A, "Fewer replies than last year so far", False),
        (helpline, G, "Referrals made within two days", True),
    ):
        services.write_rag_update(
            task=rated_task, status=status, comment=comment, on=rated, is_public=public
        )
    services.issue_report(plan=plan, by=officer, on=today - timedelta(days=7))
    return Office(officer, plan, newsletter, survey, helpline, forum)


def focused_matches(page, selector: str) -> bool:
    return page.evaluate("selector => document.activeElement.matches(selector)", selector)


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if focused_matches(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def counts_by_area(page) -> dict[str, dict[str, str]]:
    """The dashboard's table of tasks by RAG status in each activity area, as it reads."""
    return page.evaluate(
        """() => Object.fromEntries(
            [...document.querySelectorAll('#status-by-area tr[data-mix]')].map(row => [
                row.dataset.mix,
                Object.fromEntries([...row.querySelectorAll('td[data-status]')].map(
                    cell => [cell.dataset.status, cell.innerText.trim()])),
            ]))"""
    )


def test_a_performance_officer_records_a_status_by_keyboard_and_the_dashboard_shows_it(
    live_server, phone
):
    office = delivery_plan_in_hand()
    task = office.newsletter
    base = live_server.url
    plans = f"{base}/staff/delivery-plan/"
    dashboard = f"{base}/staff/delivery-plan/{office.plan.pk}/dashboard/"
    sign_in_at(phone, plans, office.officer)
    phone.wait_for_url(plans)

    # The dashboard before: nothing has changed since the report.
    phone.goto(dashboard)
    before = counts_by_area(phone)
    assert before["1"] == {"red": "0", "amber": "1", "green": "1", "none": "0"}
    assert before["2"] == {"red": "0", "amber": "0", "green": "1", "none": "1"}
    assert phone.locator(f"#changes-table tr[data-task='{task.pk}']").count() == 0
    phone.goto(plans)

    # From the plans to the current plan's report, and on to the task, by keyboard.
    tab_to(phone, f"a[href='/staff/delivery-plan/{office.plan.pk}/']")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert phone.get_by_role("heading", name=office.plan.name, exact=True).is_visible()
    assert_fits(phone)
    tab_to(phone, f"a[href='/staff/delivery-plan/tasks/{task.pk}/']")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert phone.get_by_role("heading", name=task.summary, exact=True).is_visible()
    assert_fits(phone)

    # The task is green: the arrow keys move the choice to red, worst first in the list.
    tab_to(phone, "input[name='status']")
    assert focused_matches(phone, "input[name='status'][value='green']")
    for _ in range(3):
        if phone.locator("input[name='status'][value='red']").is_checked():
            break
        phone.keyboard.press("ArrowUp")
    assert phone.locator("input[name='status'][value='red']").is_checked()
    tab_to(phone, "textarea[name='comment']")
    phone.keyboard.type(NEW_COMMENT)
    tab_to(phone, "[name='record']")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")

    # Recorded, dated today, and shown at the top of the history.
    assert phone.get_by_text("RAG status recorded.").is_visible()
    assert phone.locator("#history ~ .moj-timeline").get_by_text(NEW_COMMENT).is_visible()
    assert_fits(phone)
    latest = RagUpdate.objects.filter(task=task).latest()
    assert (latest.status, latest.comment, latest.by, latest.on) == (
        R,
        NEW_COMMENT,
        office.officer,
        timezone.localdate(),
    )
    assert RagUpdate.objects.filter(task=task).count() == 2

    # The dashboard: the task's area counts it red now, and it is listed as changed.
    phone.goto(dashboard)
    after = counts_by_area(phone)
    assert after["1"] == {"red": "1", "amber": "1", "green": "0", "none": "0"}
    assert after["2"] == before["2"]
    changed = phone.locator(f"#changes-table tr[data-task='{task.pk}']")
    assert changed.is_visible()
    assert changed.locator("td[data-was='green']").count() == 1
    assert changed.locator("td[data-now='red']").count() == 1
    assert NEW_COMMENT in changed.inner_text()
    assert phone.locator("#changes-table tbody tr").count() == 1
    assert_fits(phone)


def test_the_delivery_plan_pages_pass_the_automated_wcag_checks(
    live_server, audited_phone, axe_source
):
    """The public progress page, the plan's report, a task's page with its history and with every
    error of its form showing, and the dashboard."""
    phone = audited_phone
    office = delivery_plan_in_hand()
    base = live_server.url
    problems = {}

    phone.goto(f"{base}/delivery-plan/")
    assert phone.get_by_role("heading", name=office.plan.name, exact=True).is_visible()
    assert phone.get_by_text("Referrals made within two days").is_visible()
    problems["progress"] = accessibility_problems(phone, axe_source)

    report = f"{base}/staff/delivery-plan/{office.plan.pk}/"
    sign_in_at(phone, report, office.officer)
    phone.wait_for_url(report)
    assert phone.locator(f"#task-{office.forum.pk}").is_visible()
    problems["report"] = accessibility_problems(phone, axe_source)

    # A task with its milestones and its history as a timeline.
    phone.goto(f"{base}/staff/delivery-plan/tasks/{office.newsletter.pk}/")
    assert phone.locator("#history ~ .moj-timeline").is_visible()
    assert phone.get_by_role("button", name="Mark done").is_visible()
    problems["task"] = accessibility_problems(phone, axe_source)

    # A task never rated, sent with no status and no comment: both errors show.
    task_page = f"{base}/staff/delivery-plan/tasks/{office.forum.pk}/"
    phone.goto(task_page)
    assert phone.locator("input[name='status']:checked").count() == 0
    with phone.expect_navigation():
        phone.get_by_role("button", name="Record the update").click()
    summary = phone.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.get_by_role("link", name="Select the RAG status").is_visible()
    assert summary.get_by_role("link", name="Enter a comment on the status").is_visible()
    assert not RagUpdate.objects.filter(task=office.forum).exists()
    problems["task with errors"] = accessibility_problems(phone, axe_source)

    phone.goto(f"{base}/staff/delivery-plan/{office.plan.pk}/dashboard/")
    assert phone.locator("#status-by-area").is_visible()
    assert phone.locator(f"#overdue-table tr[data-task='{office.forum.pk}']").is_visible()
    problems["dashboard"] = accessibility_problems(phone, axe_source)
    assert {page: found for page, found in problems.items() if found} == {}
