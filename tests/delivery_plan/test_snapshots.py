"""Reports issued to the office holder: a performance officer issues one, it is listed with the
plan, and it reads again as it was issued (on the page and as a workbook), whatever changed in
the tasks since."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from delivery_plan.models import ReportSnapshot
from delivery_plan.rag import DEFINITIONS, RagStatus
from delivery_plan.services import issue_report, write_rag_update
from tests.delivery_plan.factories import ActionFactory, PlanFactory, TaskFactory
from tests.engagement.factories import ActivityAreaFactory

pytestmark = pytest.mark.django_db

READERS = ["Commissioner and Deputy", "Performance officer"]
REFUSED = ["Ambassador", "Applicant", "Grant assessor", "Engagement officer"]


@pytest.fixture
def plan():
    plan = PlanFactory(name="Community Engagement Strategy delivery plan 2026-28")
    area = ActivityAreaFactory(number=1, name="Strong voice")
    action = ActionFactory(plan=plan, activity_area=area, reference="3")
    task = TaskFactory(action=action, summary="Produce the quarterly newsletter")
    write_rag_update(
        task=task, status=RagStatus.GREEN, comment="June edition sent.", on=date(2026, 6, 1)
    )
    TaskFactory(action=action, summary="Issue timely media releases")
    return plan


def issue_url(plan):
    return reverse("delivery_plan_staff:issue_report", args=[plan.pk])


def snapshot_url(snapshot, name="snapshot"):
    return reverse(
        f"delivery_plan_staff:{name}", kwargs={"pk": snapshot.plan_id, "snapshot_pk": snapshot.pk}
    )


def test_a_performance_officer_issues_a_report(client, signed_in_as, plan):
    officer = signed_in_as("Performance officer")
    page = client.get(issue_url(plan)).content.decode()
    assert "It will hold 2 tasks: 0 red, 0 amber, 1 green, 1 not rated yet." in page

    response = client.post(issue_url(plan), {"title": "  Quarterly report, June 2026 "})

    snapshot = ReportSnapshot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == snapshot_url(snapshot)
    assert (snapshot.plan, snapshot.issued_by, snapshot.title) == (
        plan,
        officer,
        "Quarterly report, June 2026",
    )
    assert [row["summary"] for row in snapshot.rows] == [
        "Produce the quarterly newsletter",
        "Issue timely media releases",
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Report issued: Quarterly report, June 2026" in page


def test_a_plan_with_no_tasks_has_no_report_to_issue(client, signed_in_as):
    empty = PlanFactory()
    signed_in_as("Performance officer")
    response = client.post(issue_url(empty), {"title": "Quarter 3"})
    assert response.status_code == 400
    assert "This plan has no tasks yet, so there is no report to issue" in response.content.decode()
    assert not ReportSnapshot.objects.exists()


def test_a_title_too_long_is_refused_with_its_answer_kept(client, signed_in_as, plan):
    signed_in_as("Performance officer")
    response = client.post(issue_url(plan), {"title": "Q" * 201})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "The title must be 200 characters or fewer" in page
    assert "Q" * 201 in page
    assert not ReportSnapshot.objects.exists()


@pytest.mark.parametrize("role", ["Commissioner and Deputy", *REFUSED])
def test_only_performance_officers_issue_reports(client, signed_in_as, plan, role):
    signed_in_as(role)
    assert client.get(issue_url(plan)).status_code == 403
    assert client.post(issue_url(plan), {"title": "Mine"}).status_code == 403
    assert not ReportSnapshot.objects.exists()


def test_an_issued_report_reads_as_it_was_issued(client, signed_in_as, plan, performance_officer):
    snapshot = issue_report(plan=plan, by=performance_officer, on=date(2026, 6, 30))
    task = plan.actions.get().tasks.get(summary="Produce the quarterly newsletter")
    write_rag_update(
        task=task, status=RagStatus.RED, comment="Printer let us down.", on=date.today()
    )
    task.summary = "Produce the newsletter each month"
    task.save()
    signed_in_as("Commissioner and Deputy")

    page = client.get(snapshot_url(snapshot)).content.decode()

    assert "June edition sent." in page
    assert "Produce the quarterly newsletter" in page
    assert "Printer let us down." not in page
    assert "Produce the newsletter each month" not in page
    assert "30 June 2026" in page
    for header in ("Ref", "Action", "Lead", "Summary of task", "RAG status comment"):
        assert f">{header}</th>" in page
    assert "portal-report-table__same-action" in page
    assert f'href="{reverse("delivery_plan_staff:task", args=[task.pk])}"' in page

    response = client.get(snapshot_url(snapshot, "snapshot_xlsx"))
    assert response.status_code == 200
    assert f"{plan.slug}-report-2026-06-30.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet["D2"].value == "Produce the quarterly newsletter"
    assert sheet["F2"].value == "Green"
    assert sheet["F2"].fill.fgColor.rgb[-6:] == DEFINITIONS["green"].fill
    assert sheet["G2"].value == "June edition sent."


def test_the_reports_are_listed_latest_first_with_their_counts(
    client, signed_in_as, plan, performance_officer
):
    issue_report(plan=plan, by=performance_officer, on=date(2026, 3, 31), title="March")
    issue_report(plan=plan, by=performance_officer, on=date(2026, 6, 30), title="June")
    other = PlanFactory()
    TaskFactory(action=ActionFactory(plan=other))
    issue_report(plan=other, by=performance_officer, title="Another plan's")
    signed_in_as("Commissioner and Deputy")

    page = client.get(reverse("delivery_plan_staff:snapshots", args=[plan.pk])).content.decode()

    assert page.index(">June<") < page.index(">March<")
    assert "Another plan&#x27;s" not in page
    assert 'data-status="green" data-sort-value="1"' in page
    assert 'data-status="none" data-sort-value="1"' in page
    # Reading is not issuing.
    assert issue_url(plan) not in page


def test_a_performance_officer_is_offered_to_issue_one(client, signed_in_as, plan):
    signed_in_as("Performance officer")
    page = client.get(reverse("delivery_plan_staff:snapshots", args=[plan.pk])).content.decode()
    assert issue_url(plan) in page


def test_a_report_of_another_plan_is_not_found(client, signed_in_as, plan, performance_officer):
    other = PlanFactory()
    TaskFactory(action=ActionFactory(plan=other))
    snapshot = issue_report(plan=other, by=performance_officer)
    signed_in_as("Commissioner and Deputy")
    url = reverse(
        "delivery_plan_staff:snapshot", kwargs={"pk": plan.pk, "snapshot_pk": snapshot.pk}
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", READERS)
def test_those_who_see_the_plans_read_the_reports(
    client, signed_in_as, plan, performance_officer, role
):
    snapshot = issue_report(plan=plan, by=performance_officer)
    signed_in_as(role)
    for url in (
        reverse("delivery_plan_staff:snapshots", args=[plan.pk]),
        snapshot_url(snapshot),
        snapshot_url(snapshot, "snapshot_xlsx"),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", REFUSED)
def test_others_are_refused_the_reports(client, signed_in_as, plan, performance_officer, role):
    snapshot = issue_report(plan=plan, by=performance_officer)
    signed_in_as(role)
    for url in (
        reverse("delivery_plan_staff:snapshots", args=[plan.pk]),
        snapshot_url(snapshot),
        snapshot_url(snapshot, "snapshot_xlsx"),
    ):
        assert client.get(url).status_code == 403, url


def test_the_list_takes_as_many_queries_for_50_reports_as_for_5(
    client, signed_in_as, plan, performance_officer, assert_flat_queries
):
    signed_in_as("Commissioner and Deputy")

    def make_rows(count):
        for _ in range(count):
            issue_report(plan=plan, by=performance_officer)

    response = assert_flat_queries(
        make_rows, lambda: client.get(reverse("delivery_plan_staff:snapshots", args=[plan.pk]))
    )
    assert response.content.decode().count("data-snapshot=") == 50


def test_a_report_takes_as_many_queries_for_50_tasks_as_for_5(
    client, signed_in_as, performance_officer, assert_flat_queries
):
    plan = PlanFactory()
    area = ActivityAreaFactory(number=1, name="Strong voice")
    signed_in_as("Commissioner and Deputy")
    issued = []

    def make_rows(count):
        for n in range(count):
            task = TaskFactory(action=ActionFactory(plan=plan, activity_area=area))
            write_rag_update(
                task=task, status=RagStatus.AMBER, comment=f"Late {n}", on=date.today()
            )
        ReportSnapshot.objects.filter(plan=plan).delete()
        issued[:] = [issue_report(plan=plan, by=performance_officer)]

    def request():
        return client.get(snapshot_url(issued[0]))

    response = assert_flat_queries(make_rows, request)
    assert response.content.decode().count("Late ") == 50
