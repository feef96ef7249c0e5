"""The import page: a performance officer uploads the template as XLSX or CSV; every bad row is
shown by its row number and nothing is imported; a good file makes the plan and lists the leads
it added."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delivery_plan.importing import template_headers
from delivery_plan.models import Plan, RagUpdate, Task
from pcc_portal.models import StaffMember
from tests.delivery_plan.test_import import GOOD, csv_bytes, xlsx_bytes
from tests.delivery_plan.test_report_page import on_today  # noqa: F401
from tests.engagement.factories import StaffMemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today", "reference_data")]

URL = reverse("delivery_plan_staff:import")


def form(content: bytes, filename="plan.csv", name="Engagement delivery plan 2026-27", **extra):
    data = {
        "name": name,
        "period_start_0": "1",
        "period_start_1": "4",
        "period_start_2": "2026",
        "period_end_0": "31",
        "period_end_1": "3",
        "period_end_2": "2027",
        "is_current": "on",
        "file": SimpleUploadedFile(filename, content),
    }
    data.update(extra)
    return data


@pytest.fixture
def officer(client, sign_in, performance_officer):
    sign_in(performance_officer)
    return performance_officer


def test_the_page_links_to_the_template_and_describes_its_columns(client, officer):
    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("delivery_plan_staff:import_template") in page
    for header in template_headers():
        assert header in page
    assert 'enctype="multipart/form-data"' in page


def test_the_template_is_a_csv_of_the_columns(client, officer):
    response = client.get(reverse("delivery_plan_staff:import_template"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [template_headers()]


def test_a_good_csv_makes_the_plan_and_lists_the_leads_it_added(client, officer):
    StaffMemberFactory(name="Jackie Irvin", initials="JI")

    response = client.post(URL, form(csv_bytes(GOOD)))

    assert response.status_code == 200
    plan = Plan.objects.get()
    assert (plan.name, plan.owner, plan.is_current) == (
        "Engagement delivery plan 2026-27",
        officer,
        True,
    )
    assert Task.objects.in_plan(plan).count() == 4
    page = response.content.decode()
    assert "Plan imported" in page
    assert f'href="{reverse("delivery_plan_staff:report", kwargs={"pk": plan.pk})}"' in page
    assert "4 tasks, 3 RAG statuses" in page
    leads = page[page.index('id="new-leads"') :]
    for name in ("AG", "GB", "Tracy Hudson", "Glyn Edwards", "Chris Jensen"):
        assert f"<li>{name}</li>" in leads
    assert "Jackie Irvin" not in leads


def test_a_good_xlsx_is_imported_too_as_a_historic_plan(client, officer):
    data = form(xlsx_bytes(GOOD), "plan.xlsx")
    del data["is_current"]

    response = client.post(URL, data)

    assert response.status_code == 200
    plan = Plan.objects.get()
    assert not plan.is_current
    assert RagUpdate.objects.filter(task__action__plan=plan).count() == 3


def test_every_bad_row_is_shown_by_its_number_and_nothing_is_imported(client, officer):
    rows = [list(row) for row in GOOD]
    rows[1][8] = "Purple"  # row 3
    rows[3][0] = "Activity area 42"  # row 5
    rows[3][9] = ""
    leads_before = StaffMember.objects.count()

    response = client.post(URL, form(csv_bytes(rows)))

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "nothing was imported" in page
    problems = page[page.index('id="problems"') :]
    problems = problems[: problems.index("</table>")]
    assert '<td class="govuk-table__cell">3</td>' in problems
    assert "RAG status must be Red, Amber or Green, not “Purple”" in problems
    assert '<td class="govuk-table__cell">5</td>' in problems
    assert "“Activity area 42” is not one of the office&#x27;s activity areas" in problems
    assert "Enter the RAG status comment" in problems
    assert not Plan.objects.exists()
    assert not Task.objects.exists()
    assert StaffMember.objects.count() == leads_before
    # What was typed is kept (the file must be chosen again: browsers never refill it).
    assert 'value="Engagement delivery plan 2026-27"' in page


def test_a_name_already_taken_is_shown_beside_the_name(client, officer):
    Plan.objects.create(
        name="Engagement delivery plan 2026-27",
        slug="engagement",
        period_start="2026-04-01",
        period_end="2027-03-31",
    )

    response = client.post(URL, form(csv_bytes(GOOD)))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_name"' in page
    assert "exists already" in page
    assert 'id="problems"' not in page
    assert Plan.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"Activity area,Lead\n1,AG\n", "plan.txt", "The selected file must be a CSV or XLSX"),
        (b"<html><script>alert(1)</script></html>", "plan.csv", "a web page or drawing"),
        (b"not a workbook at all", "plan.xlsx", "not a real XLSX"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(client, officer, content, filename, message):
    response = client.post(URL, form(content, filename))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Plan.objects.exists()


def test_a_missing_file_or_a_period_ending_before_it_starts_is_refused(client, officer):
    data = form(csv_bytes(GOOD), period_end_2="2025")
    del data["file"]

    response = client.post(URL, data)

    page = response.content.decode()
    assert response.status_code == 400
    assert "Select the spreadsheet to import" in page
    assert "The end of the period must be the same as or after its start" in page


@pytest.mark.parametrize("role", ["Commissioner and Deputy", "Engagement officer"])
def test_only_those_who_keep_the_plans_may_import(client, signed_in_as, role):
    signed_in_as(role)

    assert client.get(URL).status_code == 403
    assert client.post(URL, form(csv_bytes(GOOD))).status_code == 403
    assert client.get(reverse("delivery_plan_staff:import_template")).status_code == 403
    assert not Plan.objects.exists()
