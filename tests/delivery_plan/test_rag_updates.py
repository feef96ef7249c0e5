"""A task's status changes with its history, in one transaction: the update and the task's copy
of it are written together or not at all."""

from datetime import date

import pytest
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from delivery_plan import services
from delivery_plan.models import RagUpdate, Task
from delivery_plan.rag import DEFINITIONS, ORDER, RagStatus, choices_with_meanings, read_status
from tests.delivery_plan.factories import TODAY, TaskFactory

pytestmark = pytest.mark.django_db


def test_a_status_change_writes_its_history_and_the_tasks_copy(task, performance_officer):
    update = services.record_rag_update(
        task=task,
        status=RagStatus.AMBER,
        comment="  Survey delayed by the election period.  ",
        by=performance_officer,
        is_public=True,
        today=TODAY,
    )

    assert (update.status, update.comment, update.on, update.by) == (
        RagStatus.AMBER,
        "Survey delayed by the election period.",
        TODAY,
        performance_officer,
    )
    task.refresh_from_db()
    assert task.rag_status == RagStatus.AMBER
    assert task.rag_comment == "Survey delayed by the election period."
    assert task.rag_updated_on == TODAY
    assert task.rag_comment_is_public is True
    assert task.rag.staff_name == "Amber"


def test_a_failure_after_the_history_is_written_rolls_both_back(
    task, performance_officer, monkeypatch
):
    services.record_rag_update(
        task=task, status=RagStatus.GREEN, comment="On track", by=performance_officer, today=TODAY
    )

    def fails(task, update):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_set_current", fails)
    with pytest.raises(RuntimeError):
        services.record_rag_update(
            task=task, status=RagStatus.RED, comment="Missed", by=performance_officer, today=TODAY
        )

    assert list(RagUpdate.objects.values_list("status", flat=True)) == [RagStatus.GREEN]
    task.refresh_from_db()
    assert (task.rag_status, task.rag_comment) == (RagStatus.GREEN, "On track")


def test_a_failure_writing_the_history_leaves_the_task_as_it_was(
    task, performance_officer, monkeypatch
):
    def fails(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(RagUpdate, "save", fails)
    with pytest.raises(RuntimeError):
        services.record_rag_update(
            task=task, status=RagStatus.RED, comment="Missed", by=performance_officer, today=TODAY
        )

    task.refresh_from_db()
    assert task.rag_status == ""
    assert task.rag_updated_on is None


def test_the_history_reads_newest_first_and_a_back_dated_update_keeps_the_current_status(
    task, performance_officer
):
    for on, status, comment in (
        (date(2026, 3, 1), RagStatus.GREEN, "Plan published"),
        (date(2026, 5, 1), RagStatus.AMBER, "Printing delayed"),
    ):
        services.record_rag_update(
            task=task, status=status, comment=comment, on=on, by=performance_officer, today=TODAY
        )
    # Filling in the history: an update for a day before the latest one.
    services.record_rag_update(
        task=task,
        status=RagStatus.RED,
        comment="Missed the April edition",
        on=date(2026, 4, 1),
        by=performance_officer,
        today=TODAY,
    )

    task.refresh_from_db()
    assert (task.rag_status, task.rag_updated_on) == (RagStatus.AMBER, date(2026, 5, 1))
    assert [u.comment for u in task.rag_updates.all()] == [
        "Printing delayed",
        "Missed the April edition",
        "Plan published",
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "blue"}, "status"),
        ({"status": ""}, "status"),
        ({"comment": "   "}, "comment"),
        ({"comment": "x" * 5001}, "comment"),
        ({"on": date(2026, 6, 16)}, "on"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(task, performance_officer, changes, field):
    values = {"status": RagStatus.GREEN, "comment": "Fine", "on": TODAY} | changes
    with pytest.raises(ValidationError) as refused:
        services.record_rag_update(task=task, by=performance_officer, today=TODAY, **values)
    assert field in refused.value.message_dict
    assert not RagUpdate.objects.exists()
    assert Task.objects.get(pk=task.pk).rag_status == ""


def test_a_refused_person_writes_nothing(task, commissioner):
    with pytest.raises(PermissionDenied):
        services.record_rag_update(
            task=task, status=RagStatus.RED, comment="Behind", by=commissioner, today=TODAY
        )
    assert not RagUpdate.objects.exists()


def test_the_definitions_are_the_offices_and_are_offered_with_each_status():
    assert [DEFINITIONS[key].label for key in ORDER] == ["R (Red)", "A (Amber)", "G (Green)"]
    assert choices_with_meanings()[2] == (
        "green",
        "Green: achieved or likely to achieve milestones and timescales",
    )
    assert [read_status(text) for text in ("Green", " amber ", "R", "Blue", "")] == [
        "green",
        "amber",
        "red",
        None,
        None,
    ]


def test_adding_an_update_in_the_admin_goes_through_the_service(task, performance_officer):
    admin = site._registry[RagUpdate]
    request = RequestFactory().post("/admin/")
    request.user = performance_officer
    form_class = admin.get_form(request)
    form = form_class(
        data={"task": task.pk, "status": "red", "comment": "Behind", "on": "2026-06-01"}
    )
    assert form.is_valid(), form.errors
    update = form.save(commit=False)
    admin.save_model(request, update, form, change=False)

    task.refresh_from_db()
    assert task.rag_status == RagStatus.RED
    assert RagUpdate.objects.get().by == performance_officer
    assert admin.has_change_permission(request, RagUpdate.objects.get()) is False
    assert admin.has_delete_permission(request, RagUpdate.objects.get()) is False


def test_the_admin_form_refuses_a_task_the_person_may_not_update(make_user):
    other = TaskFactory()
    admin = site._registry[RagUpdate]
    request = RequestFactory().post("/admin/")
    request.user = make_user("Engagement officer")
    form = admin.get_form(request)(
        data={"task": other.pk, "status": "red", "comment": "Behind", "on": "2026-06-01"}
    )
    assert not form.is_valid()
    assert form.errors["task"] == [services.CANNOT_UPDATE]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_people_updating_a_task_at_once_leave_it_at_the_last_update_written(make_user):
    """Six updates released together: the task's row lock puts them one after another, so the
    task's copy is the update written last, never an earlier one written over it."""
    import threading

    from django.db import connection

    task = TaskFactory()
    officers = [make_user("Performance officer") for _ in range(6)]
    barrier = threading.Barrier(len(officers))
    failures = []

    def update(number, officer):
        barrier.wait()
        try:
            services.record_rag_update(
                task=task,
                status=ORDER[number % 3],
                comment=f"Update {number}",
                by=officer,
                on=TODAY,
                today=TODAY,
            )
        except Exception as error:  # reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=update, args=(n, officer)) for n, officer in enumerate(officers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert RagUpdate.objects.filter(task=task).count() == 6
    last = RagUpdate.objects.filter(task=task).latest("created_at", "id")
    task.refresh_from_db()
    assert (task.rag_status, task.rag_comment) == (last.status, last.comment)
