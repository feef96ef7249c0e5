"""The plan's report as a workbook: a sheet for each activity area with the office's columns,
each RAG cell filled in its status's colour, set up to print on A4 in landscape."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from delivery_plan import report_exports
from delivery_plan.importing import import_shipped
from delivery_plan.models import Task
from delivery_plan.rag import DEFINITIONS, NOT_RATED, RagStatus
from delivery_plan.services import write_rag_update
from tests.delivery_plan.factories import TODAY, ActionFactory, PlanFactory, TaskFactory
from tests.engagement.factories import ActivityAreaFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

SEED_COLUMNS = [
    "Ref",
    "Action",
    "Lead",
    "Summary of task",
    "Milestones and timescale",
    "RAG status",
    "RAG status comment",
]
REFUSED = ["Ambassador", "Applicant", "Grant assessor", "Engagement officer"]


def rated(task, status, comment, on=date(2026, 5, 1)):
    write_rag_update(task=task, status=status, comment=comment, on=on)
    return task


@pytest.fixture
def plan():
    """Two activity areas: the first with two actions (two tasks under the first), the second
    with one action whose task is not rated yet."""
    plan = PlanFactory(name="Community Engagement Strategy delivery plan 2026-28")
    voice = ActivityAreaFactory(number=1, name="Strong voice")
    victims = ActivityAreaFactory(number=2, name="Victims: witnesses/vulnerable people")
    consult = ActionFactory(plan=plan, activity_area=voice, reference="1", position=1)
    publish = ActionFactory(plan=plan, activity_area=voice, reference="2", position=2)
    support = ActionFactory(plan=plan, activity_area=victims, reference="1", position=1)
    jackie = StaffMemberFactory(name="Jackie Irvin", initials="JI")
    glyn = StaffMemberFactory(name="Glyn Edwards", initials="GE")
    rated(
        TaskFactory(
            action=consult,
            position=1,
            summary="Plan and promote consultation exercises",
            milestones_text="Ongoing",
            leads=[jackie, glyn],
        ),
        RagStatus.GREEN,
        "Town & Parish Council survey closed mid October.",
    )
    rated(
        TaskFactory(action=consult, position=2, summary="Publish the consultation plan"),
        RagStatus.AMBER,
        '=HYPERLINK("http://example.com") typed by someone',
    )
    rated(
        TaskFactory(
            action=publish,
            position=1,
            summary="Publish specified information",
            milestones_text="By 31 January 2027, then ongoing",
        ),
        RagStatus.RED,
        "Two documents late.",
    )
    TaskFactory(action=support, position=1, summary="Commission victims' services")
    return plan


def workbook_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == report_exports.XLSX_TYPE
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def download(client, plan):
    return workbook_of(client.get(reverse("delivery_plan_staff:report_xlsx", args=[plan.pk])))


def test_a_sheet_for_each_activity_area_with_the_seeds_columns(client, signed_in_as, plan):
    signed_in_as("Commissioner and Deputy")
    workbook = download(client, plan)

    assert workbook.sheetnames == ["1. Strong voice", "2. Victims witnesses vulnerable"]
    voice, victims = workbook.worksheets
    assert [cell.value for cell in voice[1]] == SEED_COLUMNS
    assert [cell.value for cell in victims[1]] == SEED_COLUMNS
    assert all(cell.font.bold for cell in voice[1])
    rows = [[cell.value for cell in row] for row in voice.iter_rows(min_row=2, max_row=4)]
    assert rows[0][:4] == [
        "1",
        plan.actions.get(reference="1", activity_area__number=1).commitment,
        "Glyn Edwards, Jackie Irvin",
        "Plan and promote consultation exercises",
    ]
    assert rows[0][4:] == ["Ongoing", "Green", "Town & Parish Council survey closed mid October."]
    # The action's second task leaves its ref and wording blank, as the office's report does.
    assert rows[1][:2] == [None, None]
    assert rows[1][3] == "Publish the consultation plan"
    assert rows[2][:2] == ["2", plan.actions.get(reference="2").commitment]
    assert rows[2][4:6] == ["By 31 January 2027, then ongoing", "Red"]
    assert victims["D2"].value == "Commission victims' services"
    assert victims["F2"].value == str(NOT_RATED.staff_name)


def test_rag_cells_are_filled_in_their_statuses_colours(client, signed_in_as, plan):
    signed_in_as("Performance officer")
    voice, victims = download(client, plan).worksheets

    for address, status in (("F2", "green"), ("F3", "amber"), ("F4", "red")):
        cell = voice[address]
        definition = DEFINITIONS[status]
        assert cell.value == str(definition.staff_name)
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb[-6:] == definition.fill
        assert cell.font.color.rgb[-6:] == definition.ink
    assert {voice[a].fill.fgColor.rgb[-6:] for a in ("F2", "F3", "F4")} == {
        "00703C",
        "FFBF47",
        "D4351C",
    }
    assert victims["F2"].fill.fgColor.rgb[-6:] == NOT_RATED.fill
    # The other cells of a row are not coloured.
    assert voice["G2"].fill.fill_type is None


def test_the_key_is_printed_under_the_rows(client, signed_in_as, plan):
    signed_in_as("Commissioner and Deputy")
    voice = download(client, plan).worksheets[0]
    values = [row[0].value for row in voice.iter_rows(min_row=5)]
    assert values == [None, "RAG status", "R", "A", "G"]
    assert voice["B7"].value == "R (Red): Missed or likely to miss milestones or timescales"
    assert voice["A7"].fill.fgColor.rgb[-6:] == DEFINITIONS["red"].fill


def test_each_sheet_is_set_up_to_print(client, signed_in_as, plan):
    signed_in_as("Commissioner and Deputy")
    for sheet in download(client, plan).worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape"
        assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4) == 9
        assert int(setup.fitToWidth) == 1
        assert int(setup.fitToHeight) == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.freeze_panes == "A2"
        widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFG"]
        assert widths == [width for _, width in report_exports.COLUMNS]
        assert sheet["G2"].alignment.wrap_text is True
        assert sheet["A2"].alignment.vertical == "top"
        assert plan.name in sheet.oddHeader.left.text


def test_text_that_looks_like_a_formula_stays_text(client, signed_in_as, plan):
    signed_in_as("Commissioner and Deputy")
    cell = download(client, plan).worksheets[0]["G3"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://example.com") typed by someone'


def test_the_file_is_named_after_the_plan_and_the_day(client, signed_in_as, plan):
    signed_in_as("Commissioner and Deputy")
    response = client.get(reverse("delivery_plan_staff:report_xlsx", args=[plan.pk]))
    assert f"{plan.slug}-report-" in response["Content-Disposition"]
    assert "attachment" in response["Content-Disposition"]


def test_the_december_2015_plan_comes_out_as_the_seeds_report(client, signed_in_as, reference_data):
    plan = import_shipped(today=TODAY).plan
    signed_in_as("Performance officer")
    workbook = download(client, plan)

    tasks = list(Task.objects.in_plan(plan).for_report())
    areas = sorted({task.action.activity_area.number for task in tasks})
    assert len(workbook.sheetnames) == len(areas)
    assert [name.split(".")[0] for name in workbook.sheetnames] == [str(n) for n in areas]
    written = []
    for sheet in workbook.worksheets:
        assert [cell.value for cell in sheet[1]] == SEED_COLUMNS
        for row in sheet.iter_rows(min_row=2, values_only=True):
            if row[0] == "RAG status":
                break
            if row[3]:
                written.append((row[3], row[5]))
    assert written == [(task.summary, str(task.rag.staff_name)) for task in tasks]
    first = workbook.worksheets[0]
    assert first["D2"].value.startswith("Plan and promote consultation exercises")
    assert first["F2"].fill.fgColor.rgb[-6:] == DEFINITIONS["green"].fill
    ambers = [
        (sheet.title, row[5].coordinate)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(min_row=2)
        if row[5].value == "Amber"
    ]
    assert len(ambers) == 1
    title, coordinate = ambers[0]
    assert workbook[title][coordinate].fill.fgColor.rgb[-6:] == DEFINITIONS["amber"].fill


@pytest.mark.parametrize("role", ["Commissioner and Deputy", "Performance officer"])
def test_those_who_see_the_plans_download_it(client, signed_in_as, plan, role):
    signed_in_as(role)
    assert client.get(reverse("delivery_plan_staff:report_xlsx", args=[plan.pk])).status_code == 200


@pytest.mark.parametrize("role", REFUSED)
def test_others_are_refused(client, signed_in_as, plan, role):
    signed_in_as(role)
    assert client.get(reverse("delivery_plan_staff:report_xlsx", args=[plan.pk])).status_code == 403


def test_the_public_is_sent_to_sign_in(client, plan):
    response = client.get(reverse("delivery_plan_staff:report_xlsx", args=[plan.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))


def test_an_unknown_plan_is_not_found(client, signed_in_as):
    signed_in_as("Commissioner and Deputy")
    assert client.get(reverse("delivery_plan_staff:report_xlsx", args=[999])).status_code == 404


def test_the_query_count_does_not_grow_with_the_tasks(client, signed_in_as, assert_flat_queries):
    signed_in_as("Commissioner and Deputy")
    plan = PlanFactory()
    areas = [ActivityAreaFactory(number=n, name=f"Area {n}") for n in (1, 2, 3)]

    def make_rows(count):
        for n in range(count):
            action = ActionFactory(plan=plan, activity_area=areas[n % 3])
            task = TaskFactory(action=action, leads=[StaffMemberFactory(initials="")])
            rated(task, RagStatus.GREEN, f"Going well {n}")

    response = assert_flat_queries(
        make_rows, lambda: client.get(reverse("delivery_plan_staff:report_xlsx", args=[plan.pk]))
    )
    workbook = workbook_of(response)
    assert sum(sheet.max_row - 6 for sheet in workbook.worksheets) == 50
