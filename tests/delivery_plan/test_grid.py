"""An activity area's tasks in one form: fields only for the tasks the person may update, an
update recorded only where something changed, each through the service, and all or nothing with
the errors beside the rows they concern."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from delivery_plan import services
from delivery_plan.models import COMMENT_LIMIT, RagUpdate
from delivery_plan.rag import RagStatus
from tests.delivery_plan.factories import TODAY, ActionFactory, PlanFactory, TaskFactory
from tests.delivery_plan.test_report_page import on_today, tables_of, update  # noqa: F401
from tests.engagement.factories import ActivityAreaFactory, StaffMemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


@pytest.fixture
def area_tasks(lead):
    """Three tasks of activity area 1: two led by `lead` (one rated), one led by someone else;
    and a task of another area."""
    plan = PlanFactory()
    area = ActivityAreaFactory(number=1, name="Strong voice")
    other = StaffMemberFactory(name="Glyn Edwards", initials="GE")
    action = ActionFactory(plan=plan, activity_area=area, reference="1")
    rated = TaskFactory(
        action=action, position=1, summary="Produce the newsletter", leads=[lead[1]]
    )
    update(rated, RagStatus.GREEN, "On track", TODAY - timedelta(days=20))
    fresh = TaskFactory(action=action, position=2, summary="Update the website", leads=[lead[1]])
    theirs = TaskFactory(
        action=ActionFactory(plan=plan, activity_area=area, reference="2"),
        summary="Commission victims services",
        leads=[other],
    )
    elsewhere = TaskFactory(
        action=ActionFactory(plan=plan, activity_area=ActivityAreaFactory(number=3, name="V")),
        summary="Elsewhere",
        leads=[lead[1]],
    )
    return plan, {"rated": rated, "fresh": fresh, "theirs": theirs, "elsewhere": elsewhere}


def grid_url(plan, number=1) -> str:
    return reverse("delivery_plan_staff:grid", kwargs={"pk": plan.pk, "number": number})


def unchanged(tasks) -> dict:
    """The form as it was shown: every editable task's current status, comment and tick."""
    data = {}
    for task in tasks:
        task.refresh_from_db()
        data[f"status_{task.pk}"] = task.rag_status
        data[f"comment_{task.pk}"] = task.rag_comment
        if task.rag_comment_is_public:
            data[f"public_{task.pk}"] = "on"
    return data


def test_a_performance_officer_gets_fields_for_every_task_of_the_area(
    client, sign_in, performance_officer, area_tasks
):
    plan, tasks = area_tasks
    sign_in(performance_officer)

    response = client.get(grid_url(plan))

    assert response.status_code == 200
    page = response.content.decode()
    for key in ("rated", "fresh", "theirs"):
        assert f'name="status_{tasks[key].pk}"' in page
        assert f'name="comment_{tasks[key].pk}"' in page
    assert "Elsewhere" not in page
    assert f'data-maxlength="{COMMENT_LIMIT}"' in page
    # The RAG definitions beside the choice.
    assert "Missed or likely to miss milestones or timescales" in page
    rated = tasks["rated"]
    assert re.search(rf'name="comment_{rated.pk}"[^>]*>On track</textarea>', page)


def test_a_lead_gets_fields_only_for_their_own_tasks(client, sign_in, lead, area_tasks):
    plan, tasks = area_tasks
    sign_in(lead[0])

    page = client.get(grid_url(plan)).content.decode()

    assert f'name="status_{tasks["rated"].pk}"' in page
    assert f'name="status_{tasks["fresh"].pk}"' in page
    assert f'name="status_{tasks["theirs"].pk}"' not in page
    assert "Commission victims services" not in page  # not theirs to see either


def test_the_commissioner_reads_the_grid_without_fields(client, sign_in, commissioner, area_tasks):
    plan, tasks = area_tasks
    sign_in(commissioner)

    response = client.get(grid_url(plan))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="status_' not in page
    assert "Record the changes" not in page
    assert len(tables_of(response)[-1]) == 4  # header and three tasks
    assert client.post(grid_url(plan), {}).status_code == 403


def test_only_the_tasks_changed_get_an_update(client, sign_in, performance_officer, area_tasks):
    plan, tasks = area_tasks
    sign_in(performance_officer)
    data = unchanged([tasks["rated"], tasks["fresh"], tasks["theirs"]])
    data[f"status_{tasks['fresh'].pk}"] = "amber"
    data[f"comment_{tasks['fresh'].pk}"] = "Waiting for the new supplier"
    data[f"public_{tasks['fresh'].pk}"] = "on"
    data[f"comment_{tasks['theirs'].pk}"] = "Contract signed"
    data[f"status_{tasks['theirs'].pk}"] = "green"

    response = client.post(grid_url(plan), data)

    assert response.status_code == 302
    assert response["Location"].endswith("#area-1")
    made = {u.task_id: u for u in RagUpdate.objects.filter(on=TODAY)}
    assert set(made) == {tasks["fresh"].pk, tasks["theirs"].pk}
    assert (made[tasks["fresh"].pk].status, made[tasks["fresh"].pk].is_public) == ("amber", True)
    assert made[tasks["theirs"].pk].by == performance_officer
    assert RagUpdate.objects.filter(task=tasks["rated"]).count() == 1
    assert "2 updates recorded." in client.get(response["Location"]).content.decode()


def test_a_new_status_keeps_the_comment_it_had(client, sign_in, performance_officer, area_tasks):
    plan, tasks = area_tasks
    sign_in(performance_officer)
    data = unchanged([tasks["rated"], tasks["fresh"], tasks["theirs"]])
    data[f"status_{tasks['rated'].pk}"] = "amber"

    client.post(grid_url(plan), data)

    latest = RagUpdate.objects.filter(task=tasks["rated"]).latest()
    assert (latest.status, latest.comment, latest.on) == ("amber", "On track", TODAY)


def test_nothing_changed_records_nothing(client, sign_in, performance_officer, area_tasks):
    plan, tasks = area_tasks
    sign_in(performance_officer)

    response = client.post(
        grid_url(plan), unchanged([tasks["rated"], tasks["fresh"], tasks["theirs"]])
    )

    assert response.status_code == 302
    assert RagUpdate.objects.count() == 1
    assert "Nothing was changed" in client.get(response["Location"]).content.decode()


def test_one_bad_row_records_nothing_and_each_error_stands_beside_its_row(
    client, sign_in, performance_officer, area_tasks
):
    plan, tasks = area_tasks
    sign_in(performance_officer)
    data = unchanged([tasks["rated"], tasks["fresh"], tasks["theirs"]])
    data[f"status_{tasks['rated'].pk}"] = "red"
    data[f"comment_{tasks['rated'].pk}"] = "Missed the June deadline"
    data[f"status_{tasks['fresh'].pk}"] = "amber"  # and no comment
    data[f"comment_{tasks['theirs'].pk}"] = "A comment with no status"

    response = client.post(grid_url(plan), data)

    assert response.status_code == 400
    assert RagUpdate.objects.count() == 1
    tasks["rated"].refresh_from_db()
    assert tasks["rated"].rag_status == RagStatus.GREEN
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert f'href="#id_comment_{tasks["fresh"].pk}"' in page
    assert f'href="#id_status_{tasks["theirs"].pk}"' in page
    assert "“Update the website”: Enter a comment on the status" in page
    assert "“Commission victims services”: Select the RAG status" in page
    # What was typed is kept, the good row's too.
    assert "Missed the June deadline</textarea>" in page
    assert "A comment with no status</textarea>" in page
    assert re.search(r'<option value="amber" selected>', page)
    fresh_row = page[page.index(f'id="task-{tasks["fresh"].pk}"') :]
    fresh_row = fresh_row[: fresh_row.index("</tr>")]
    assert "govuk-error-message" in fresh_row


def test_a_failure_while_writing_rolls_every_update_back(
    client, sign_in, performance_officer, area_tasks, monkeypatch
):
    plan, tasks = area_tasks
    sign_in(performance_officer)
    data = unchanged([tasks["rated"], tasks["fresh"], tasks["theirs"]])
    for key in ("fresh", "theirs"):
        data[f"status_{tasks[key].pk}"] = "green"
        data[f"comment_{tasks[key].pk}"] = "Done"
    real = services.record_rag_update
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs["task"].pk)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "record_rag_update", second_fails)
    client.raise_request_exception = False

    response = client.post(grid_url(plan), data)

    assert response.status_code == 500
    assert len(calls) == 2
    assert RagUpdate.objects.count() == 1


def test_a_lead_cannot_slip_in_an_update_to_someone_elses_task(client, sign_in, lead, area_tasks):
    plan, tasks = area_tasks
    sign_in(lead[0])
    data = unchanged([tasks["rated"], tasks["fresh"]])
    data[f"status_{tasks['theirs'].pk}"] = "red"
    data[f"comment_{tasks['theirs'].pk}"] = "Not mine to say"

    response = client.post(grid_url(plan), data)

    assert response.status_code == 302
    assert not RagUpdate.objects.filter(task=tasks["theirs"]).exists()


def test_a_historic_plan_has_no_fields(client, sign_in, performance_officer, area_tasks):
    plan, tasks = area_tasks
    plan.is_current = False
    plan.save()
    sign_in(performance_officer)

    assert 'name="status_' not in client.get(grid_url(plan)).content.decode()
    assert client.post(grid_url(plan), {}).status_code == 403


def test_an_area_the_plan_does_not_have_is_not_found(
    client, sign_in, performance_officer, area_tasks
):
    plan, tasks = area_tasks
    ActivityAreaFactory(number=5, name="Businesses")
    sign_in(performance_officer)

    assert client.get(grid_url(plan, 5)).status_code == 404
    assert client.get(grid_url(plan, 99)).status_code == 404


def test_the_grid_takes_as_many_queries_for_50_tasks_as_for_5(
    client, sign_in, performance_officer, assert_flat_queries
):
    plan = PlanFactory()
    area = ActivityAreaFactory(number=1, name="Strong voice")
    sign_in(performance_officer)

    def make_rows(count):
        for index in range(count):
            task = TaskFactory(
                action=ActionFactory(plan=plan, activity_area=area),
                leads=[StaffMemberFactory(initials="")],
            )
            update(task, RagStatus.GREEN, f"Comment {index}", TODAY - timedelta(days=index))

    response = assert_flat_queries(make_rows, lambda: client.get(grid_url(plan)))

    assert response.content.decode().count('name="comment_') == 50
