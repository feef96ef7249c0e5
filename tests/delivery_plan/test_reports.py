"""A report is issued as a dated snapshot: each task's status and comment frozen as they stood."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from delivery_plan import services
from delivery_plan.models import ReportSnapshot
from delivery_plan.rag import RagStatus
from tests.delivery_plan.factories import TODAY, ActionFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_an_issued_report_keeps_the_statuses_of_its_day(performance_officer, lead):
    action = ActionFactory(reference="3a")
    first = TaskFactory(action=action, leads=[lead[1]], summary="Produce the newsletter")
    second = TaskFactory(action=action, summary="Update the website")
    TaskFactory()  # another plan's task is not in the report
    services.record_rag_update(
        task=first, status=RagStatus.AMBER, comment="Late", by=performance_officer, today=TODAY
    )

    snapshot = services.issue_report(
        plan=action.plan, by=performance_officer, on=date(2026, 6, 30), title="Quarter 1"
    )
    services.record_rag_update(
        task=first, status=RagStatus.GREEN, comment="Caught up", by=performance_officer
    )

    snapshot.refresh_from_db()
    assert (snapshot.issued_on, snapshot.issued_by, str(snapshot)) == (
        date(2026, 6, 30),
        performance_officer,
        "Quarter 1",
    )
    assert [row["task"] for row in snapshot.rows] == [first.pk, second.pk]
    row = snapshot.row_for(first.pk)
    assert (row["status"], row["comment"], row["updated_on"]) == ("amber", "Late", "2026-06-15")
    assert (row["ref"], row["summary"], row["leads"]) == (
        "3a",
        "Produce the newsletter",
        ["Amy Green"],
    )
    assert snapshot.status_counts() == {"red": 0, "amber": 1, "green": 0, "": 1}
    assert ReportSnapshot.objects.latest() == snapshot


def test_only_those_who_issue_reports_may(commissioner, lead, task):
    for person in (commissioner, lead[0]):
        with pytest.raises(PermissionDenied):
            services.issue_report(plan=task.action.plan, by=person)
    assert not ReportSnapshot.objects.exists()
