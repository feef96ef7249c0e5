"""The delivery plan's API: plans, actions and tasks with their current status for the staff who
may see them (a lead, the tasks they lead); a RAG status recorded by a lead or a performance
officer through the same service as the pages; bad input a 400 with field messages, never a
500; lists flat in queries at 5 and 50 rows."""

import json
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from delivery_plan.models import RagUpdate, Task
from delivery_plan.services import CHOOSE_STATUS, ENTER_COMMENT, FUTURE_DATE, write_rag_update
from tests.delivery_plan.factories import (
    ActionFactory,
    MilestoneFactory,
    PlanFactory,
    TaskFactory,
)
from tests.engagement.factories import ActivityAreaFactory, StaffMemberFactory
from tests.pcc_portal.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/delivery-plan/"
ACTIONS = "/api/v1/delivery-plan/actions/"
TASKS = "/api/v1/delivery-plan/tasks/"


def today():
    return timezone.localdate()


def days_ago(days: int) -> datetime:
    return timezone.make_aware(datetime.combine(today() - timedelta(days=days), time(9)))


def recent_task(**kwargs) -> Task:
    """A task added a week ago: neither stale nor quiet."""
    return TaskFactory(created_at=days_ago(7), **kwargs)


def updates_of(task) -> str:
    return f"{TASKS}{task.pk}/rag-updates/"


def post(client, path, body, **headers):
    return client.post(
        path,
        data=body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def plan(db):
    return PlanFactory(name="Engagement plan 2026-28")


@pytest.fixture
def area(db):
    return ActivityAreaFactory(number=1, name="Strong voice")


@pytest.fixture
def officer_headers(performance_officer, token_for):
    return token_for(performance_officer)


# --- Reading ----------------------------------------------------------------------------------


def test_a_performance_officer_reads_the_plans_with_their_status_counts(
    client, plan, area, officer_headers
):
    action = ActionFactory(plan=plan, activity_area=area)
    red, green, _unrated = (recent_task(action=action) for _ in range(3))
    write_rag_update(task=red, status="red", comment="Late", on=today())
    write_rag_update(task=green, status="green", comment="Fine", on=today())
    historic = PlanFactory(is_current=False, name="December 2015")

    body = client.get(PLANS, **officer_headers).json()

    assert [row["name"] for row in body["results"]] == ["Engagement plan 2026-28", "December 2015"]
    first = body["results"][0]
    assert first["tasks"] == 3
    assert first["statuses"] == {"red": 1, "amber": 0, "green": 1, "none": 1}
    assert first["is_current"] is True
    detail = client.get(f"{PLANS}{historic.pk}/", **officer_headers).json()
    assert detail["statuses"] == {"red": 0, "amber": 0, "green": 0, "none": 0}


def test_a_task_reads_with_its_status_in_words_milestones_suggestion_and_leads(
    client, plan, area, officer_headers
):
    member = StaffMemberFactory(name="Jackie Irvin", initials="JI")
    task = recent_task(action__plan=plan, action__activity_area=area, leads=[member])
    MilestoneFactory(task=task, due_on=today() - timedelta(days=3), description="Forum held")
    write_rag_update(task=task, status="amber", comment="Venue booked", on=today())

    row = client.get(f"{TASKS}{task.pk}/", **officer_headers).json()

    assert row["plan"] == plan.pk and row["action"] == task.action_id
    assert row["activity_area"] == 1
    assert row["status"] == {
        "key": "amber",
        "name": "Amber",
        "public_name": "At risk",
        "meaning": "Concern may miss milestones or timescales",
    }
    assert row["comment"] == "Venue booked"
    assert row["status_updated_on"] == today().isoformat()
    assert row["leads"] == [{"id": member.pk, "name": "Jackie Irvin", "initials": "JI"}]
    assert [m["description"] for m in row["milestones"]] == ["Forum held"]
    assert row["suggestion"]["status"] == "red"
    assert "“Forum held” was due on" in row["suggestion"]["reason"]
    assert row["is_stale"] is False
    assert row["can_update"] is True


def test_a_task_with_no_update_for_90_days_is_stale(client, plan, area, officer_headers):
    quiet = TaskFactory(action__plan=plan, action__activity_area=area, created_at=days_ago(200))
    write_rag_update(task=quiet, status="green", comment="Fine", on=today() - timedelta(days=91))
    fresh = recent_task(action=quiet.action)
    stale = client.get(TASKS, {"stale": "true"}, **officer_headers).json()["results"]
    assert [row["id"] for row in stale] == [quiet.pk]
    assert client.get(f"{TASKS}{fresh.pk}/", **officer_headers).json()["is_stale"] is False


def test_the_task_filters(client, plan, area, officer_headers):
    other_area = ActivityAreaFactory(number=4, name="Children and young people")
    member = StaffMemberFactory()
    red = recent_task(action__plan=plan, action__activity_area=area, leads=[member])
    write_rag_update(task=red, status="red", comment="Late", on=today())
    unrated = recent_task(action__plan=plan, action__activity_area=other_area)
    elsewhere = recent_task(action__plan=PlanFactory(), action__activity_area=area)

    def ids(**query):
        found = client.get(TASKS, query, **officer_headers)
        assert found.status_code == 200, found.content
        return {row["id"] for row in found.json()["results"]}

    assert ids(status="red") == {red.pk}
    assert ids(status="none") == {unrated.pk, elsewhere.pk}
    assert ids(area=4) == {unrated.pk}
    assert ids(lead=member.pk) == {red.pk}
    assert ids(plan=plan.pk) == {red.pk, unrated.pk}
    assert client.get(TASKS, {"status": "purple"}, **officer_headers).status_code == 400
    assert client.get(TASKS, {"plan": 999999}, **officer_headers).status_code == 400
    actions = client.get(ACTIONS, {"plan": plan.pk, "area": 4}, **officer_headers).json()
    assert [row["id"] for row in actions["results"]] == [unrated.action_id]
    assert actions["results"][0]["activity_area"] == {
        "number": 4,
        "name": "Children and young people",
    }


def test_the_commissioner_reads_every_task_but_may_update_none(
    client, plan, area, commissioner, token_for
):
    task = recent_task(action__plan=plan, action__activity_area=area)
    headers = token_for(commissioner)
    rows = client.get(TASKS, **headers).json()["results"]
    assert [row["id"] for row in rows] == [task.pk]
    assert rows[0]["can_update"] is False
    refused = post(client, updates_of(task), {"status": "green", "comment": "Fine"}, **headers)
    assert refused.status_code == 403
    assert not RagUpdate.objects.exists()


def test_a_lead_reads_only_the_tasks_they_lead_and_their_plans(client, plan, area, lead, token_for):
    user, member = lead
    mine = recent_task(action__plan=plan, action__activity_area=area, leads=[member])
    others = recent_task(action__plan=plan, action__activity_area=area)
    PlanFactory(name="A plan they have no part in")
    headers = token_for(user)

    tasks = client.get(TASKS, **headers).json()["results"]
    assert [row["id"] for row in tasks] == [mine.pk]
    assert client.get(f"{TASKS}{others.pk}/", **headers).status_code == 404
    plans = client.get(PLANS, **headers).json()["results"]
    assert [row["id"] for row in plans] == [plan.pk]
    actions = client.get(ACTIONS, **headers).json()["results"]
    assert [row["id"] for row in actions] == [mine.action_id]


def test_people_who_neither_see_plans_nor_lead_are_refused(client, make_user, token_for, plan):
    recent_task(action__plan=plan)
    headers = token_for(make_user("Grants officer"))
    for path in (PLANS, ACTIONS, TASKS):
        assert client.get(path, **headers).status_code == 403, path
        assert client.get(path).status_code in (401, 403), path


# --- Recording a status -----------------------------------------------------------------------


def test_a_lead_records_a_status_for_their_task(client, plan, area, lead, token_for):
    user, member = lead
    task = recent_task(action__plan=plan, action__activity_area=area, leads=[member])

    response = post(
        client,
        updates_of(task),
        {"status": "amber", "comment": "Venue not yet booked", "is_public": True},
        **token_for(user),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"]["key"] == "amber" and body["status"]["public_name"] == "At risk"
    assert body["on"] == today().isoformat()
    assert body["by"] == user.get_full_name()
    update = RagUpdate.objects.get()
    assert (update.task, update.by, update.is_public) == (task, user, True)
    task.refresh_from_db()
    assert (task.rag_status, task.rag_comment, task.rag_comment_is_public) == (
        "amber",
        "Venue not yet booked",
        True,
    )


def test_a_performance_officer_records_a_status_for_any_task_back_dated(
    client, plan, area, performance_officer, officer_headers
):
    task = recent_task(action__plan=plan, action__activity_area=area)
    on = today() - timedelta(days=5)
    response = post(
        client,
        updates_of(task),
        {"status": "green", "comment": "Done early", "on": on.isoformat()},
        **officer_headers,
    )
    assert response.status_code == 201, response.content
    task.refresh_from_db()
    assert (task.rag_status, task.rag_updated_on, task.rag_comment_is_public) == (
        "green",
        on,
        False,
    )
    assert RagUpdate.objects.get().by == performance_officer


def test_a_lead_cannot_record_a_status_for_anothers_task_or_a_historic_plan(
    client, area, lead, token_for, officer_headers
):
    user, member = lead
    headers = token_for(user)
    recent_task(action__activity_area=area, leads=[member])
    others = recent_task(action__activity_area=area)
    body = {"status": "green", "comment": "Fine"}
    assert post(client, updates_of(others), body, **headers).status_code == 404
    historic = recent_task(
        action__plan=PlanFactory(is_current=False), action__activity_area=area, leads=[member]
    )
    assert post(client, updates_of(historic), body, **headers).status_code == 403
    assert post(client, updates_of(historic), body, **officer_headers).status_code == 403
    assert not RagUpdate.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"comment": "Fine"}, "status", CHOOSE_STATUS),
        ({"status": "purple", "comment": "Fine"}, "status", CHOOSE_STATUS),
        ({"status": ["red"], "comment": "Fine"}, "status", CHOOSE_STATUS),
        ({"status": None, "comment": "Fine"}, "status", CHOOSE_STATUS),
        ({"status": "red"}, "comment", ENTER_COMMENT),
        ({"status": "red", "comment": ""}, "comment", ENTER_COMMENT),
        ({"status": "red", "comment": "   "}, "comment", ENTER_COMMENT),
        ({"status": "red", "comment": {"text": "x"}}, "comment", None),
        ({"status": "red", "comment": "x" * 5001}, "comment", None),
        ({"status": "red", "comment": "Late\x00"}, "comment", None),
        ({"status": "red", "comment": "Late", "on": "2126-01-01"}, "on", FUTURE_DATE),
        ({"status": "red", "comment": "Late", "on": "1026-01-01"}, "on", None),
        ({"status": "red", "comment": "Late", "on": "31/01/2026"}, "on", None),
        ({"status": "red", "comment": "Late", "on": 20260101}, "on", None),
        ({"status": "red", "comment": "Late", "is_public": "perhaps"}, "is_public", None),
    ],
)
def test_bad_input_is_a_400_with_the_fields_message(
    client, plan, area, officer_headers, body, field, message
):
    task = recent_task(action__plan=plan, action__activity_area=area)
    response = post(client, updates_of(task), body, **officer_headers)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    if message is not None:
        assert errors[field] == [message]
    assert not RagUpdate.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        '{"status": "red", "comment": "Late", "on": NaN}',
        '{"status": "red", "comment": 1e999}',
        "[" * 100 + "]" * 100,
        '["red", "Late"]',
        "not json",
    ],
)
def test_a_body_that_is_not_strict_json_of_an_object_is_a_400(
    client, plan, area, officer_headers, raw
):
    task = recent_task(action__plan=plan, action__activity_area=area)
    response = post(client, updates_of(task), raw, **officer_headers)
    assert response.status_code == 400, response.content
    assert isinstance(response.json(), dict)
    assert not RagUpdate.objects.exists()


def test_a_form_body_is_refused(client, plan, area, officer_headers):
    task = recent_task(action__plan=plan, action__activity_area=area)
    response = client.post(
        updates_of(task), {"status": "red", "comment": "Late"}, **officer_headers
    )
    assert response.status_code == 415
    assert not RagUpdate.objects.exists()


# --- Query counts -----------------------------------------------------------------------------


def test_the_task_list_takes_as_many_queries_for_50_rows_as_for_5(
    client, plan, area, officer_headers, assert_flat_queries
):
    def make_rows(count):
        for number in range(count):
            task = recent_task(
                action__plan=plan, action__activity_area=area, leads=[StaffMemberFactory()]
            )
            MilestoneFactory(task=task, due_on=today() + timedelta(days=number % 20))
            write_rag_update(task=task, status="green", comment="Fine", on=today())

    response = assert_flat_queries(make_rows, lambda: client.get(TASKS, **officer_headers))
    assert response.json()["count"] == 50


def test_a_leads_task_list_takes_as_many_queries_for_50_rows_as_for_5(
    client, plan, area, lead, token_for, assert_flat_queries
):
    user, member = lead
    headers = token_for(user)

    def make_rows(count):
        for _ in range(count):
            recent_task(action__plan=plan, action__activity_area=area, leads=[member])

    response = assert_flat_queries(make_rows, lambda: client.get(TASKS, **headers))
    assert response.json()["count"] == 50
    assert all(row["can_update"] for row in response.json()["results"])


def test_the_plan_list_takes_as_many_queries_for_50_rows_as_for_5(
    client, area, officer_headers, assert_flat_queries
):
    def make_plans(count):
        for _ in range(count):
            recent_task(action__activity_area=area)

    response = assert_flat_queries(make_plans, lambda: client.get(PLANS, **officer_headers))
    assert response.json()["count"] == 50
    assert {row["tasks"] for row in response.json()["results"]} == {1}


def test_the_action_list_takes_as_many_queries_for_50_rows_as_for_5(
    client, plan, area, officer_headers, assert_flat_queries
):
    objectives = [ObjectiveFactory(), ObjectiveFactory()]

    def make_actions(count):
        for _ in range(count):
            action = ActionFactory(plan=plan, activity_area=area)
            action.objectives.set(objectives)
            recent_task(action=action)

    response = assert_flat_queries(make_actions, lambda: client.get(ACTIONS, **officer_headers))
    assert response.json()["count"] == 50
    assert response.json()["results"][0]["objectives"] == [o.pk for o in objectives]
