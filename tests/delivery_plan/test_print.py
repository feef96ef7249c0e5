"""The report to print: the office's layout, a stylesheet that prints it on A4 in landscape with
each table's header row on every page, and no menus."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from delivery_plan.rag import RagStatus
from delivery_plan.services import write_rag_update
from tests.delivery_plan.factories import ActionFactory, PlanFactory, TaskFactory
from tests.engagement.factories import ActivityAreaFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

STYLESHEET = "delivery_plan/print-report.css"
REFUSED = ["Ambassador", "Applicant", "Grant assessor", "Engagement officer"]


@pytest.fixture
def plan():
    plan = PlanFactory(
        name="Community Engagement Strategy delivery plan 2026-28",
        introduction="The office holder and the deputy are supported by named lead officers.",
    )
    voice = ActivityAreaFactory(number=1, name="Strong voice")
    business = ActivityAreaFactory(number=5, name="Businesses and rural communities")
    consult = ActionFactory(
        plan=plan, activity_area=voice, reference="1", commitment="Consult on the precept"
    )
    lead = StaffMemberFactory(name="Jackie Irvin", initials="JI")
    first = TaskFactory(action=consult, summary="Plan consultation exercises", leads=[lead])
    write_rag_update(
        task=first, status=RagStatus.GREEN, comment="Survey closed in October.", on=date(2026, 6, 1)
    )
    TaskFactory(action=consult, summary="Publish the consultation plan")
    strategies = ActionFactory(
        plan=plan, activity_area=business, reference="1", commitment="Rural crime strategies"
    )
    rural = TaskFactory(action=strategies, summary="Liaise with the force")
    write_rag_update(
        task=rural, status=RagStatus.AMBER, comment="Board delayed.", on=date(2026, 6, 2)
    )
    return plan


def url(plan):
    return reverse("delivery_plan_staff:report_print", args=[plan.pk])


def test_the_report_is_laid_out_as_the_office_sends_it(client, signed_in_as, plan):
    signed_in_as("Performance officer")
    page = client.get(url(plan)).content.decode()

    assert page.index("Activity area 1: Strong voice") < page.index(
        "Activity area 5: Businesses and rural communities"
    )
    assert page.count("<thead") == 2
    headers = ["Ref", "Action", "Lead", "Summary of task", "Milestones and timescale"]
    headers += ["RAG status", "RAG status comment"]
    positions = [page.index(f">{header}</th>") for header in headers]
    assert positions == sorted(positions)
    # An action's ref and wording are printed on its first task's row only, as the office's
    # report prints them, and read out to a screen reader on the rows after.
    assert '<td class="govuk-table__cell">Consult on the precept</td>' in page
    assert '<span class="govuk-visually-hidden">Consult on the precept</span>' in page
    assert page.count("Consult on the precept") == 2
    assert "Jackie Irvin" in page and "Survey closed in October." in page
    assert "govuk-tag--green" in page and "govuk-tag--orange" in page
    assert "Missed or likely to miss milestones or timescales" in page
    assert plan.introduction in page


def test_the_page_prints_without_menus_on_a4_landscape(client, signed_in_as, plan):
    signed_in_as("Performance officer")
    page = client.get(url(plan)).content.decode()

    assert f'href="{settings.STATIC_URL}{STYLESHEET}"' in page
    assert "portal-staff-navigation" not in page
    assert "portal-report" in page
    css = Path(finders.find(STYLESHEET)).read_text(encoding="utf-8")
    assert "size: A4 landscape" in css
    assert "display: table-header-group" in css
    assert ".portal-staff-navigation" in css and ".govuk-footer" in css


def test_a_plan_with_no_tasks_says_so(client, signed_in_as):
    signed_in_as("Commissioner and Deputy")
    page = client.get(url(PlanFactory())).content.decode()
    assert "The plan has no tasks." in page


@pytest.mark.parametrize("role", ["Commissioner and Deputy", "Performance officer"])
def test_those_who_see_the_plans_print_it(client, signed_in_as, plan, role):
    signed_in_as(role)
    assert client.get(url(plan)).status_code == 200


@pytest.mark.parametrize("role", REFUSED)
def test_others_are_refused(client, signed_in_as, plan, role):
    signed_in_as(role)
    assert client.get(url(plan)).status_code == 403


def test_the_query_count_does_not_grow_with_the_tasks(client, signed_in_as, assert_flat_queries):
    plan = PlanFactory()
    areas = [ActivityAreaFactory(number=n, name=f"Area {n}") for n in (1, 2)]
    signed_in_as("Commissioner and Deputy")

    def make_rows(count):
        for n in range(count):
            action = ActionFactory(plan=plan, activity_area=areas[n % 2])
            task = TaskFactory(action=action, leads=[StaffMemberFactory(initials="")])
            write_rag_update(task=task, status=RagStatus.RED, comment=f"Late {n}", on=date.today())

    response = assert_flat_queries(make_rows, lambda: client.get(url(plan)))
    assert response.content.decode().count("govuk-tag--red") == 50 + 1  # and the key's
