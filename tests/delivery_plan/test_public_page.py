"""The public progress page: the current plan's actions by activity area, each task's status in
words with its meaning, and only the comments staff marked public; no lead's name; cached for
anonymous visitors and refreshed when a status is recorded; flat in queries."""

from datetime import date

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from delivery_plan.services import write_rag_update
from pcc_portal.registry import parts_of
from tests.delivery_plan.factories import ActionFactory, PlanFactory, TaskFactory
from tests.engagement.factories import ActivityAreaFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("delivery_plan:progress")


def page(client) -> str:
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, task) -> str:
    """The task's card, up to the next one."""
    start = html.index(f'id="task-{task.pk}"')
    end = html.find('class="govuk-summary-card"', start + 1)
    return html[start : end if end != -1 else len(html)]


@pytest.fixture
def cache_on(settings):
    settings.PUBLIC_CACHE = True


@pytest.fixture
def plan(office):
    return PlanFactory(name="Engagement delivery plan 2026-28")


@pytest.fixture
def areas(db):
    return (
        ActivityAreaFactory(number=1, name="Strong voice"),
        ActivityAreaFactory(number=4, name="Children and young people"),
    )


def test_the_page_lays_the_current_plan_out_by_activity_area(client, plan, areas):
    voice, young = areas
    first = ActionFactory(plan=plan, activity_area=voice, reference="1", commitment="Consult well")
    later = ActionFactory(plan=plan, activity_area=young, reference="3a", commitment="Reach youth")
    TaskFactory(action=later, summary="Fund diversionary activities")
    TaskFactory(action=first, summary="Publish the consultation plan")
    historic = PlanFactory(name="The 2015 plan", is_current=False)
    TaskFactory(action__plan=historic, action__activity_area=voice, summary="Old podcast")

    html = page(client)

    assert "Engagement delivery plan 2026-28" in html
    assert "1 April 2026 to 31 March 2028" in html
    assert "Old podcast" not in html and "The 2015 plan" not in html
    order = [
        "Strong voice",
        "Consult well",
        "Publish the consultation plan",
        "Children and young people",
        "Action 3a",
        "Reach youth",
        "Fund diversionary activities",
    ]
    body = html[html.index('id="area-1"') :]
    positions = [body.index(text) for text in order]
    assert positions == sorted(positions)
    assert f'href="#area-{young.number}"' in html


def test_each_status_is_given_in_words_with_its_meaning(client, plan, areas):
    action = ActionFactory(plan=plan, activity_area=areas[0])
    red = TaskFactory(action=action)
    green = TaskFactory(action=action)
    unrated = TaskFactory(action=action)
    write_rag_update(task=red, status="red", comment="Late", on=date(2026, 5, 1))
    write_rag_update(task=green, status="green", comment="Fine", on=date(2026, 5, 2))

    html = page(client)

    assert "Behind" in card(html, red)
    assert "Missed or likely to miss milestones or timescales, as at 1 May 2026" in card(html, red)
    assert "On track" in card(html, green)
    assert "Achieved or likely to achieve milestones and timescales" in card(html, green)
    assert "Not rated yet" in card(html, unrated)
    assert "No status has been given to the task yet" in card(html, unrated)
    # The key says what each status means, worst first.
    key = html[html.index('id="status-meanings"') :]
    assert key.index("Behind") < key.index("At risk") < key.index("On track")
    assert "Concern may miss milestones or timescales" in key
    # The area's tasks are counted by status, in words.
    assert "1 behind, 1 on track and 1 not rated yet." in html


def test_only_comments_marked_public_are_shown(client, plan, areas):
    task = TaskFactory(action__plan=plan, action__activity_area=areas[0])
    write_rag_update(
        task=task,
        status="amber",
        comment="Venue booked for March",
        on=date(2026, 3, 2),
        is_public=True,
    )
    write_rag_update(task=task, status="amber", comment="Sickness in the team", on=date(2026, 4, 6))
    write_rag_update(
        task=task,
        status="green",
        comment="Forum held in May",
        on=date(2026, 5, 20),
        is_public=True,
    )
    other = TaskFactory(action=task.action)
    write_rag_update(task=other, status="red", comment="Budget cut", on=date(2026, 5, 1))

    html = page(client)

    shown = card(html, task)
    assert "Forum held in May" in shown and "20 May 2026" in shown
    assert "Venue booked for March" in shown and "Earlier updates on this task" in shown
    assert shown.index("Forum held in May") < shown.index("Venue booked for March")
    assert "Sickness in the team" not in html
    assert "Budget cut" not in html
    assert "No update published yet." in card(html, other)


def test_no_leads_name_is_shown(client, plan, areas):
    lead = StaffMemberFactory(name="Jackie Irvin", initials="JI")
    TaskFactory(action__plan=plan, action__activity_area=areas[0], leads=[lead])
    html = page(client)
    assert "Jackie Irvin" not in html and ">JI<" not in html


def test_with_no_current_plan_the_page_says_so(client, office):
    PlanFactory(is_current=False, name="The 2015 plan")
    html = page(client)
    assert 'id="no-plan"' in html
    assert "The 2015 plan" not in html


def test_the_footer_links_to_the_page(client, office):
    html = client.get("/").content.decode()
    footer = html[html.index("<footer") :]
    assert f'href="{PAGE}"' in footer and "Delivery plan progress" in footer


def test_the_privacy_notice_and_accessibility_statement_have_the_plans_part():
    (privacy,) = [part for part in parts_of("privacy") if part.app_label == "delivery_plan"]
    assert "never on the public progress page" in privacy.body
    assert "only the comments staff have marked public" in privacy.body
    (accessibility,) = [p for p in parts_of("accessibility") if p.app_label == "delivery_plan"]
    assert "in words" in accessibility.body


def test_a_warm_page_asks_the_database_nothing_and_sets_no_cookie(
    client, plan, areas, cache_on, django_assert_num_queries
):
    TaskFactory(action__plan=plan, action__activity_area=areas[0])
    first = client.get(PAGE)
    with django_assert_num_queries(0):
        second = client.get(PAGE)
    assert second.content == first.content
    assert not first.cookies and not client.cookies
    assert not Session.objects.exists()


def test_a_new_status_or_task_shows_on_the_next_anonymous_get(client, plan, areas, cache_on):
    task = TaskFactory(action__plan=plan, action__activity_area=areas[0])
    assert "Not rated yet" in card(page(client), task)
    write_rag_update(
        task=task, status="green", comment="Held the forum", on=date(2026, 5, 1), is_public=True
    )
    shown = card(page(client), task)
    assert "On track" in shown and "Held the forum" in shown
    TaskFactory(action=task.action, summary="Run a second forum")
    assert "Run a second forum" in page(client)
    areas[0].name = "A strong voice for everyone"
    areas[0].save()
    assert "A strong voice for everyone" in page(client)


def test_the_page_takes_as_many_queries_for_50_tasks_as_for_5(
    client, plan, areas, assert_flat_queries
):
    def make_tasks(count):
        for number in range(count):
            area = areas[number % 2]
            task = TaskFactory(action__plan=plan, action__activity_area=area)
            write_rag_update(
                task=task,
                status="green",
                comment=f"Public {number}",
                on=date(2026, 5, 1),
                is_public=True,
            )
            write_rag_update(task=task, status="amber", comment="Staff", on=date(2026, 5, 2))

    response = assert_flat_queries(make_tasks, lambda: client.get(PAGE))
    assert response.content.decode().count('class="govuk-summary-card"') == 50
