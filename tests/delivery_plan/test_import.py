"""Importing a plan from the template (XLSX or CSV): all or nothing, every bad row reported by
its row number, leads found or added, milestones read from the office's wording."""

import csv
import io
from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from delivery_plan.importing import ImportRefused, import_plan, template_headers
from delivery_plan.models import Action, Milestone, Plan, RagUpdate, Task
from pcc_portal.models import StaffMember
from tests.engagement.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "Activity area",
    "Ref",
    "Action",
    "Objectives",
    "Lead",
    "Summary of task",
    "Milestones and timescale",
    "Milestone dates",
    "RAG status",
    "RAG status comment",
    "RAG status date",
    "Done",
]
GOOD = [
    [
        "1",
        "1",
        "Sustain and improve ways to consult on policing",
        "1, 4",
        "Jackie Irvin/AG/ GB",
        "Plan and promote consultation exercises",
        "Ongoing",
        "",
        "Green",
        "Precept consultation closed.\nReport due.",
        "2026-05-01",
        "",
    ],
    # Under the first row of an action, the area, ref and action are left blank.
    [
        "",
        "",
        "",
        "",
        "AG/GB",
        "Produce bi-monthly newsletter.",
        "Ongoing (March, June, Aug, Oct, Dec)",
        "",
        "Amber",
        "June edition late",
        "01/06/2026",
        "",
    ],
    # Refs repeat within an area (decision 8): a new action all the same.
    [
        "Strong voice",
        "1",
        "Hold the Chief Constable to account",
        "",
        "Tracy Hudson",
        "Review of police community engagement",
        "Review report due 31 Jan 2027.",
        "",
        "",
        "",
        "",
        "Yes",
    ],
    [
        "Victims, witnesses and vulnerable people",
        "1",
        "Obtain the views of victims",
        "1 and 7",
        "Glyn Edwards/ Chris Jensen",
        "Plan consultations with victims",
        "Twice a year",
        "30/09/2026; 31/03/2027",
        "Red",
        "Nov 26: commissioning delayed",
        "",
        "",
    ],
]


def csv_bytes(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows, header=HEADER, *, title_rows=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in (*title_rows, header, *rows):
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(data, filename="plan.csv", name="Engagement delivery plan 2026-27", **kwargs):
    return import_plan(
        data=data,
        filename=filename,
        name=name,
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
        as_at=date(2026, 6, 1),
        today=date(2026, 6, 15),
        **kwargs,
    )


def problems(refused) -> list[str]:
    return [str(problem) for problem in refused.value.problems]


@pytest.fixture
def jackie(reference_data):
    return StaffMemberFactory(name="Jackie Irvin", initials="JI")


def check_the_good_plan(result):
    plan = result.plan
    assert (result.areas, result.actions, result.tasks, result.updates) == (2, 3, 4, 3)
    assert [str(p) for p in result.new_leads] == [
        "AG (AG)",
        "GB (GB)",
        "Tracy Hudson",
        "Glyn Edwards",
        "Chris Jensen",
    ]
    actions = list(Action.objects.in_plan(plan).for_report())
    assert [(a.activity_area.number, a.reference, a.position) for a in actions] == [
        (1, "1", 1),
        (1, "1", 2),
        (3, "1", 1),
    ]
    assert [o.number for o in actions[0].objectives.all()] == [1, 4]
    assert [o.number for o in actions[2].objectives.all()] == [1, 7]
    tasks = list(Task.objects.in_plan(plan).for_report())
    assert [sorted(lead.name for lead in t.leads.all()) for t in tasks] == [
        ["AG", "GB", "Jackie Irvin"],
        ["AG", "GB"],
        ["Tracy Hudson"],
        ["Chris Jensen", "Glyn Edwards"],
    ]
    first, newsletter, review, victims = tasks
    assert first.rag_comment == "Precept consultation closed.\nReport due."
    assert (first.rag_status, first.rag_updated_on) == ("green", date(2026, 5, 1))
    assert (newsletter.rag_status, newsletter.rag_updated_on) == ("amber", date(2026, 6, 1))
    assert newsletter.milestones_text == "Ongoing (March, June, Aug, Oct, Dec)"
    assert newsletter.is_ongoing
    assert [str(m.due_on) for m in newsletter.milestones.all()] == [
        "2026-06-30",
        "2026-08-31",
        "2026-10-31",
        "2026-12-31",
        "2027-03-31",
    ]
    assert (review.rag_status, review.is_done) == ("", True)
    assert [str(m.due_on) for m in review.milestones.all()] == ["2027-01-31"]
    # Dates in their own column stand for wording the reader cannot date.
    assert [str(m.due_on) for m in victims.milestones.all()] == ["2026-09-30", "2027-03-31"]
    # With no date of its own, a status is as at the import's day.
    assert victims.rag_updated_on == date(2026, 6, 1)
    assert RagUpdate.objects.filter(task__action__plan=plan, by=None).count() == 3
    assert plan.is_current


def test_a_good_csv_is_imported_whole(jackie):
    result = run(csv_bytes(GOOD))
    check_the_good_plan(result)
    assert StaffMember.objects.get(initials="JI") == jackie


def test_a_good_xlsx_is_imported_whole_with_dates_and_numbers_as_cells(jackie):
    rows = [list(row) for row in GOOD]
    rows[0][0], rows[0][1] = 1, 1  # numbers, as a spreadsheet keeps them
    rows[0][10] = datetime(2026, 5, 1)
    result = run(xlsx_bytes(rows, title_rows=[["Delivery plan, June 2026"], []]), "plan.xlsx")
    check_the_good_plan(result)


def test_the_seeds_headers_are_read_as_the_templates(reference_data):
    header = [
        "Activity area",
        "Ref",
        "Action",
        "OPCC Lead*",
        "Summary of Task",
        "Milestones and Timescale (Completion date)",
        "RAG Status#",
        "RAG Status Comment",
        "Notes",
    ]
    row = [
        "2",
        "3a",
        "Ambassadors in every area",
        "Paul Deneen",
        "Work plans",
        "Ongoing",
        "Green",
        "Reviewed",
        "kept for ourselves",
    ]
    result = run(csv_bytes([row], header=header))
    assert result.tasks == 1
    assert result.ignored_columns == ["Notes"]
    assert Task.objects.get().rag_status == "green"


def test_every_bad_row_is_reported_by_its_row_number_and_nothing_is_imported(jackie):
    # Initials are unique where set; a name is not.
    StaffMemberFactory(name="Jackie Irvin", initials="")
    staff_before = StaffMember.objects.count()
    rows = [
        GOOD[0],  # row 2: Jackie Irvin is two people
        ["", "", "", "", "Paul Deneen", "", "Ongoing", "", "Blue", "", "", ""],  # row 3
        [
            "9",
            "1",
            "An action",
            "14",
            "",
            "A task",
            "",
            "31/02/2026",
            "",
            "A comment",
            "",
            "maybe",
        ],  # row 4
        ["1", "2", "", "", "GB", "A task", "", "", "Green", "Fine", "2026-07-01", ""],  # row 5
        ["", "", "", "", "", "", "", "", "", "", "", ""],  # row 6: blank, skipped
        ["1", "3", "A" * 2001, "", "GB", "A task", "", "", "", "", "", ""],  # row 7
    ]

    with pytest.raises(ImportRefused) as refused:
        run(csv_bytes(rows))

    assert problems(refused) == [
        "Row 2: The lead “Jackie Irvin” could be 2 people (Jackie Irvin, Jackie Irvin): give "
        "their full name",
        "Row 3: Enter the summary of the task",
        "Row 3: RAG status must be Red, Amber or Green, not “Blue”",
        "Row 3: Enter the RAG status comment",
        "Row 4: “9” is not one of the office's activity areas",
        "Row 4: There is no police and crime objective 14",
        "Row 4: Enter the lead",
        "Row 4: Milestone dates must be a date, like 31/01/2026, not “31/02/2026”",
        "Row 4: Enter the RAG status the comment is about",
        "Row 4: Done must be Yes or No, not “maybe”",
        "Row 5: Ref 2 has no action: enter the action's words on this row",
        "Row 5: RAG status date must be today or in the past",
        "Row 7: Action must be 2,000 characters or fewer",
    ]
    assert not Plan.objects.exists()
    assert not Task.objects.exists()
    assert StaffMember.objects.count() == staff_before


def test_a_row_number_counts_spreadsheet_rows_not_lines(reference_data):
    rows = [
        ["1", "1", "An action", "", "AG", "A task", "", "", "Green", "Line one\nline two", "", ""],
        ["", "", "", "", "AG", "", "", "", "", "", "", ""],
    ]
    with pytest.raises(ImportRefused) as refused:
        run(csv_bytes(rows))
    assert problems(refused) == ["Row 3: Enter the summary of the task"]


def test_a_task_needs_its_action_above_it(reference_data):
    rows = [
        ["", "", "", "", "AG", "A task before any action", "", "", "", "", "", ""],
        ["1", "1", "An action", "", "AG", "A task", "", "", "", "", "", ""],
        ["", "2", "", "", "AG", "Another task", "", "", "", "", "", ""],
        ["2", "", "", "", "AG", "A task in the next area", "", "", "", "", "", ""],
    ]
    with pytest.raises(ImportRefused) as refused:
        run(csv_bytes(rows))
    assert problems(refused) == [
        "Row 2: Enter the activity area",
        "Row 4: Ref 2 has no action: enter the action's words on this row",
        "Row 5: Enter the action: the first task of an activity area starts an action",
    ]


def test_initials_spaced_out_and_names_in_any_case_find_the_same_people(reference_data):
    amy = StaffMemberFactory(name="Amy Green", initials="AG")
    rows = [
        ["1", "1", "An action", "", "A G/amy green", "A task", "", "", "", "", "", ""],
        ["", "", "", "", "AG & Paul Deneen", "Another", "", "", "", "", "", ""],
    ]
    result = run(csv_bytes(rows))
    assert [str(p) for p in result.new_leads] == ["Paul Deneen"]
    first, second = Task.objects.in_plan(result.plan)
    assert list(first.leads.all()) == [amy]
    assert set(second.leads.all()) == {amy, StaffMember.objects.get(name="Paul Deneen")}


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"not a spreadsheet", "plan.pdf", "The file must be a spreadsheet saved as .xlsx or .csv"),
        (b"PK\x03\x04 broken", "plan.xlsx", "The file could not be read as XLSX"),
        (
            b"Ref,Action\n1,Something\n",
            "plan.csv",
            "Row 1: The header row is missing",
        ),
        (
            b"Ref,Lead,Summary of task\n1,AG,A task\n",
            "plan.csv",
            "Row 1: The header row has no “Activity area”, “Action” column",
        ),
        (csv_bytes([]), "plan.csv", "The file has no tasks in it"),
    ],
)
def test_a_file_that_is_not_the_template_is_refused(reference_data, data, filename, message):
    with pytest.raises(ImportRefused) as refused:
        run(data, filename)
    assert problems(refused)[0].startswith(message)
    assert not Plan.objects.exists()


def test_a_plan_name_already_used_is_refused(reference_data):
    run(csv_bytes(GOOD[:1]))
    with pytest.raises(ImportRefused) as refused:
        run(csv_bytes(GOOD[:1]), name="engagement delivery plan 2026-27")
    assert problems(refused) == [
        "A plan named “engagement delivery plan 2026-27” exists already: give the new plan "
        "another name"
    ]
    assert Plan.objects.count() == 1


def test_a_failure_while_writing_leaves_nothing_behind(reference_data, monkeypatch):
    from delivery_plan import importing

    def fails(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(importing, "write_rag_update", fails)
    with pytest.raises(RuntimeError):
        run(csv_bytes(GOOD))
    assert not Plan.objects.exists()
    assert not StaffMember.objects.exists()
    assert not Milestone.objects.exists()


def test_a_person_importing_from_a_page_is_asked_the_rule(reference_data, make_user):
    with pytest.raises(PermissionDenied):
        run(csv_bytes(GOOD), by=make_user("Engagement officer"))
    officer = make_user("Performance officer")
    result = run(csv_bytes(GOOD), by=officer)
    assert result.plan.owner == officer


def test_the_command_imports_and_lists_the_new_leads(reference_data, tmp_path, capsys):
    path = tmp_path / "engagement-plan.csv"
    path.write_bytes(csv_bytes(GOOD))

    call_command(
        "import_delivery_plan",
        str(path),
        "--start",
        "2026-04-01",
        "--end",
        "2027-03-31",
        "--as-at",
        "2026-06-01",
    )

    out = capsys.readouterr().out
    assert "Imported “Engagement plan”: 2 activity areas, 3 actions, 4 tasks, 3 RAG statuses" in out
    assert "New leads added" in out
    for lead in ("AG (AG)", "Jackie Irvin", "Glyn Edwards", "Chris Jensen"):
        assert f"  {lead}\n" in out
    plan = Plan.objects.get()
    assert (plan.period_start, plan.period_end, plan.is_current) == (
        date(2026, 4, 1),
        date(2027, 3, 31),
        True,
    )


def test_the_command_reports_every_bad_row_and_imports_nothing(reference_data, tmp_path, capsys):
    path = tmp_path / "plan.csv"
    rows = [GOOD[0], ["", "", "", "", "", "A task", "", "", "", "", "", ""]]
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError, match="Nothing was imported: 1 row has problems"):
        call_command("import_delivery_plan", str(path), "--plan", "Mine", "--historic")
    err = capsys.readouterr().err
    assert "Row 3: Enter the lead" in err
    assert ", ".join(template_headers()) in err
    assert not Plan.objects.exists()
