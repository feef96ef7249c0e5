"""The delivery plan's requirements, each beside the test that proves it; those no other module
proves are proven here, below the map.

Model
- A plan over a period with its owner, several kept (a current one and a historic one):
  test_seed_plan::test_the_shipped_plan_is_a_second_historic_plan,
  test_demo::test_both_plans_are_there_once_and_a_second_load_adds_nothing,
  test_import::test_a_person_importing_from_a_page_is_asked_the_rule (the owner).
- An action's ref is not unique and the order is kept by position (decision 8):
  test_import::test_a_good_csv_is_imported_whole, test_report_page::
  test_the_report_lays_out_the_plan_per_area_in_the_seeds_columns; its objectives:
  test_task_page::test_consultations_and_grants_count_through_the_actions_objectives_too.
- A task's summary, leads, the office's own wording and its done flag:
  test_import::test_a_good_csv_is_imported_whole, test_milestones::
  test_a_task_is_marked_done_and_open_again.
- Leads are staff records: "AG/GB", "Jackie Irvin", "Glyn Edwards/ Chris Jensen" mapped, the
  unknown added and listed: test_import::test_the_command_imports_and_lists_the_new_leads,
  test_import::test_initials_spaced_out_and_names_in_any_case_find_the_same_people; initials
  unique where set: tests/pcc_portal/test_staff_members.py; initials or a name that match two
  people make a bad row: test_import::
  test_every_bad_row_is_reported_by_its_row_number_and_nothing_is_imported (a name) and
  test_initials_that_match_two_people_make_the_row_bad (below); a lead with no account is
  covered by the performance officers: test_reminders::
  test_a_lead_who_cannot_sign_in_is_covered_by_the_performance_officers.
- Milestones: dates and recurrences stored as occurrences, each with its due and done dates:
  test_milestones::test_a_recurring_milestone_is_stored_as_its_occurrences,
  test_milestones::test_the_task_is_done_when_its_occurrences_in_the_period_are; an ongoing task
  has a review date instead: test_an_ongoing_task_has_a_review_date_instead_of_an_end (below);
  suggestions, stale flags and reminders read milestones, never the wording:
  test_suggestions_and_reminders_read_the_milestones_never_the_wording (below).
- Every change of status is a dated update (who, when, status, comment), read as a history:
  test_rag_updates::test_a_status_change_writes_its_history_and_the_tasks_copy,
  test_task_page::test_the_page_shows_the_task_its_action_leads_and_history_as_a_timeline; the
  definitions shown wherever a status is chosen: test_task_page::
  test_the_form_offers_the_statuses_with_their_definitions_and_a_public_tick, and the grid, the
  admin and the API below (test_the_definitions_are_shown_*).

Keeping it current
- The task's page and the area's grid, by a lead for their own tasks, a performance officer for
  any, read by the office holder: test_task_page::test_a_lead_updates_their_own_task,
  test_task_page::test_the_commissioner_reads_the_task_but_cannot_update_it, test_grid,
  test_permissions.
- Suggestions, with their reasons, a person deciding: test_suggestions, test_task_page::
  test_the_suggestion_shows_its_reason_and_leaves_the_decision_to_a_person.
- Stale on every view: test_a_stale_task_is_marked_on_every_view (below), test_suggestions::
  test_no_update_for_90_days_is_stale.
- Evidence from the other apps' querysets: test_task_page::
  test_the_evidence_counts_what_the_portal_knows_of_the_area_in_the_period; events' activity
  areas: tests/engagement/test_event_activity_areas.py.
- The reminder provider on fixed dates: test_reminders.

Reporting
- The report in the seed's columns, the latest comment and the history a click away, its
  filters: test_report_page::test_the_report_lays_out_the_plan_per_area_in_the_seeds_columns,
  test_report_page::test_the_filters_narrow_the_report_by_lead_status_area_and_stale.
- The workbook and the page to print: test_xlsx, test_print.
- Reports issued as dated snapshots, and the dashboard: test_reports, test_snapshots,
  test_dashboard.
- The public progress page, only public comments, cached: test_public_page.

Import
- The command and the page, every bad row by its number, nothing imported then: test_import,
  test_import_page; an XLSX through the command, and the template documented column by column:
  test_the_command_imports_an_xlsx_file, test_every_column_of_the_template_is_documented
  (below).
- The December 2015 plan, counted in the seed's own text: test_seed_plan, test_xlsx::
  test_the_december_2015_plan_comes_out_as_the_seeds_report; imported by the documented
  command: test_the_documented_command_imports_the_december_2015_plan_cleanly (below).
- The demo's current plan around today: test_demo::test_every_signal_has_something_to_show_today.

API
- Plans, actions and tasks with their status, and a lead's update: test_api; the same service
  as the pages: test_every_door_records_a_status_through_the_one_service (below).

Done when
- History written atomically: test_rag_updates; suggestions, staleness and recurring milestones
  on fixed dates (the day is passed in, or the pages' clock set to it): test_suggestions,
  test_milestones, test_reminders; import good and bad: test_import; the workbook's columns and
  colours: test_xlsx; permissions: test_permissions; the seed's task count and RAG mix:
  test_seed_plan; the report's and the dashboard's query counts at 5 and 50 tasks:
  test_report_page::test_the_report_takes_as_many_queries_for_50_tasks_as_for_5,
  test_dashboard::test_the_query_count_does_not_grow_with_the_tasks.
- The browser journey at 320 px and the automated WCAG checks:
  tests/browser/test_delivery_plan_journey.py.
- `make bench` for a plan of 300 tasks with 3,000 updates: test_bench.
- The top floor: nothing imports the plan: test_nothing_below_the_plan_imports_it (below).
"""

import ast
import csv
import io
import re
import shlex
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.admin import site
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from openpyxl import Workbook

from delivery_plan import services
from delivery_plan.importing import COLUMNS, DECEMBER_2015, ImportRefused, import_plan
from delivery_plan.models import Plan, RagUpdate, Task
from delivery_plan.rag import DEFINITIONS, ORDER, RagStatus
from delivery_plan.reminders import delivery_plan_reminders
from pcc_portal.models import StaffMember
from tests.delivery_plan.factories import (
    TODAY,
    ActionFactory,
    MilestoneFactory,
    PlanFactory,
    TaskFactory,
)
from tests.engagement.factories import ActivityAreaFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "delivery_plan" / "data" / "README.md"
TASKS = "/api/v1/delivery-plan/tasks/"
MEANINGS = {key: str(DEFINITIONS[key].meaning) for key in ORDER}


@pytest.fixture
def on_today(monkeypatch):
    """The pages and the API read the date as TODAY, the day the factories' data stand on."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


def rate(task, status, on, comment="On course"):
    return services.write_rag_update(task=task, status=status, comment=comment, on=on)


def row_of(page: str, task) -> str:
    """The table row of the task on a page."""
    start = page.index(f'id="task-{task.pk}"')
    return page[start : page.index("</tr>", start)]


def csv_of(header, *rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode("utf-8")


def bring_in(data: bytes, filename: str = "plan.csv"):
    return import_plan(
        data=data,
        filename=filename,
        name="Engagement delivery plan 2026-27",
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
        as_at=date(2026, 6, 1),
        today=TODAY,
    )


# --- The top floor ------------------------------------------------------------------------------


def python_below_the_plan():
    for app in ("pcc_portal", "engagement", "grants", "consultations"):
        for path in sorted((ROOT / app).rglob("*.py")):
            # Settings and the root URLconf are where every app is named.
            if "settings" in path.parts or path == ROOT / "pcc_portal" / "urls.py":
                continue
            yield path


def imports_of_the_plan(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "delivery_plan"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("delivery_plan"):
            found.append(node.module)
    return found


def test_nothing_below_the_plan_imports_it():
    """The plan reads the other apps; none of them, nor the portal's floor, reads the plan."""
    found = {
        str(path.relative_to(ROOT)): imports
        for path in python_below_the_plan()
        if (imports := imports_of_the_plan(path.read_text(encoding="utf-8")))
    }
    assert found == {}
    assert imports_of_the_plan("from delivery_plan.models import Task") == ["delivery_plan.models"]
    evidence = (ROOT / "delivery_plan" / "evidence.py").read_text(encoding="utf-8")
    for app in ("engagement", "consultations", "grants"):
        assert f"from {app}.models import" in evidence


# --- Leads ----------------------------------------------------------------------------------------

LEAD_HEADER = ["Activity area", "Ref", "Action", "Lead", "Summary of task"]


def test_initials_written_with_a_space_on_a_staff_record_are_found(reference_data):
    amy = StaffMemberFactory(name="Amy Green", initials="A G")
    result = bring_in(csv_of(LEAD_HEADER, ["1", "1", "Consult", "AG", "Plan the survey"]))
    assert result.new_leads == []
    assert list(Task.objects.in_plan(result.plan).get().leads.all()) == [amy]


def test_initials_that_match_two_people_make_the_row_bad(reference_data):
    StaffMemberFactory(name="Amy Green", initials="AG")
    StaffMemberFactory(name="Alan Gray", initials="A G")
    rows = [
        ["1", "1", "Consult", "Jackie Irvin", "Plan the survey"],
        ["", "", "", "AG/Jackie Irvin", "Publish the feedback"],
    ]
    people = StaffMember.objects.count()

    with pytest.raises(ImportRefused) as refused:
        bring_in(csv_of(LEAD_HEADER, *rows))

    assert [str(problem) for problem in refused.value.problems] == [
        "Row 3: The lead “AG” could be 2 people (Alan Gray, Amy Green): give their full name"
    ]
    assert not Plan.objects.exists()
    assert StaffMember.objects.count() == people


# --- Milestones, not the wording ------------------------------------------------------------------


def test_suggestions_and_reminders_read_the_milestones_never_the_wording(lead):
    user, member = lead
    task = TaskFactory(leads=[member], milestones_text="By 31 May 2026, then each month")
    rate(task, RagStatus.GREEN, TODAY - timedelta(days=70))

    def signals():
        return Task.objects.with_signals(TODAY).get(pk=task.pk).suggested_status

    def milestones_due():
        found = delivery_plan_reminders(start=TODAY, end=TODAY)
        return [r for r in found if r.key.startswith("delivery_plan.milestone")]

    # The wording says a date has passed and another is close: with no milestone, nothing.
    assert signals() == ""
    assert milestones_due() == []

    soon = MilestoneFactory(task=task, due_on=TODAY + timedelta(days=7), description="June issue")
    assert signals() == RagStatus.AMBER
    assert [r.key for r in milestones_due()] == [f"delivery_plan.milestone:{soon.pk}:2026-06-22"]

    MilestoneFactory(task=task, due_on=TODAY - timedelta(days=1), description="May issue")
    Task.objects.filter(pk=task.pk).update(milestones_text="Complete")
    # The wording now says nothing is due; the milestones say one is late.
    assert signals() == RagStatus.RED


def test_an_ongoing_task_has_a_review_date_instead_of_an_end(
    client, sign_in, performance_officer, reference_data, on_today
):
    header = [*LEAD_HEADER, "Milestones and timescale", "Review date"]
    result = bring_in(
        csv_of(
            header,
            ["1", "1", "Consult", "AG", "Keep the calendar up to date", "Ongoing", "30/09/2026"],
            ["", "", "", "AG", "Publish the survey", "By 31 January 2027", ""],
        )
    )
    ongoing, one_off = Task.objects.in_plan(result.plan)
    assert (ongoing.is_ongoing, ongoing.review_on) == (True, date(2026, 9, 30))
    assert not ongoing.milestones.exists()
    assert (one_off.is_ongoing, one_off.review_on) == (False, None)
    assert [m.due_on for m in one_off.milestones.all()] == [date(2027, 1, 31)]
    sign_in(performance_officer)

    page = client.get(reverse("delivery_plan_staff:task", args=[ongoing.pk])).content.decode()
    other = client.get(reverse("delivery_plan_staff:task", args=[one_off.pk])).content.decode()

    assert re.search(r"Next review</dt>\s*<dd[^>]*>30 September 2026<", page)
    assert "No: it is ongoing" in page
    assert "Next review" not in other


# --- The definitions, wherever a status is chosen -----------------------------------------------


def test_the_definitions_are_shown_on_the_area_grid(client, sign_in, performance_officer, on_today):
    plan = PlanFactory()
    task = TaskFactory(action=ActionFactory(plan=plan))
    sign_in(performance_officer)

    page = client.get(
        reverse("delivery_plan_staff:grid", kwargs={"pk": plan.pk, "number": 1})
    ).content.decode()

    assert f'name="status_{task.pk}"' in page
    for meaning in MEANINGS.values():
        assert meaning in page


def test_the_definitions_are_shown_where_the_admin_adds_a_status(client, signed_in_as):
    signed_in_as("Administrator")
    page = client.get(reverse("admin:delivery_plan_ragupdate_add")).content.decode()
    for key, meaning in MEANINGS.items():
        name = DEFINITIONS[key].staff_name
        assert f'<option value="{key}">{name}: {meaning[0].lower()}{meaning[1:]}</option>' in page


def test_the_admin_form_with_the_definitions_still_records_through_the_service(
    performance_officer, task
):
    request = RequestFactory().post("/admin/")
    request.user = performance_officer
    admin = site._registry[RagUpdate]
    form = admin.get_form(request)(
        data={"task": task.pk, "status": "amber", "comment": "Late", "on": "2026-06-01"}
    )
    assert form.is_valid(), form.errors
    admin.save_model(request, form.save(commit=False), form, change=False)
    task.refresh_from_db()
    assert task.rag_status == RagStatus.AMBER


def test_the_definitions_are_shown_where_the_api_takes_a_status():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    status = schema["components"]["schemas"]["RagUpdateInputRequest"]["properties"]["status"]
    for key, meaning in MEANINGS.items():
        assert f'"{key}": {DEFINITIONS[key].staff_name}: {meaning[0].lower()}' in str(status)


# --- Stale, on every view -------------------------------------------------------------------------


def test_a_stale_task_is_marked_on_every_view(
    client, sign_in, performance_officer, lead, token_for, on_today
):
    user, member = lead
    plan = PlanFactory()
    action = ActionFactory(plan=plan, activity_area=ActivityAreaFactory(number=1, name="Voice"))
    quiet = TaskFactory(action=action, summary="Quiet for months", leads=[member])
    rate(quiet, RagStatus.GREEN, TODAY - timedelta(days=91))
    fresh = TaskFactory(action=action, summary="Lately updated", leads=[member])
    rate(fresh, RagStatus.GREEN, TODAY - timedelta(days=5))
    sign_in(performance_officer)

    report = client.get(reverse("delivery_plan_staff:report", args=[plan.pk])).content.decode()
    grid = client.get(
        reverse("delivery_plan_staff:grid", kwargs={"pk": plan.pk, "number": 1})
    ).content.decode()
    for page in (report, grid):
        assert "Stale" in row_of(page, quiet)
        assert "Stale" not in row_of(page, fresh)
    for task, stale in ((quiet, True), (fresh, False)):
        page = client.get(reverse("delivery_plan_staff:task", args=[task.pk])).content.decode()
        assert ('id="stale"' in page) is stale
    response = client.get(reverse("delivery_plan_staff:dashboard", args=[plan.pk]))
    assert [flagged.task for flagged in response.context["board"].stale] == [quiet]
    dashboard = response.content.decode()
    stale_table = dashboard[dashboard.index('id="stale-table"') :]
    assert f'data-task="{quiet.pk}"' in stale_table[: stale_table.index("</table>")]
    headers = token_for(performance_officer)
    for task, stale in ((quiet, True), (fresh, False)):
        assert client.get(f"{TASKS}{task.pk}/", **headers).json()["is_stale"] is stale

    # The lead's own list of tasks on the plans page.
    client.logout()
    sign_in(user)
    plans = client.get(reverse("delivery_plan_staff:plans")).content.decode()
    own = plans[plans.index('id="your-tasks"') :]
    own = own[: own.index("</table>")]
    quiet_row = own[own.index("Quiet for months") :]
    assert "Stale" in quiet_row[: quiet_row.index("</tr>")]
    fresh_row = own[own.index("Lately updated") :]
    assert "Stale" not in fresh_row[: fresh_row.index("</tr>")]


# --- One service behind every door ----------------------------------------------------------------


def test_every_door_records_a_status_through_the_one_service(
    client, sign_in, performance_officer, lead, token_for, monkeypatch, on_today
):
    """The task's page, the area's grid, the API and the admin: each calls record_rag_update,
    which asks the rule and writes the history with the task's copy."""
    user, member = lead
    plan = PlanFactory()
    task = TaskFactory(action=ActionFactory(plan=plan), leads=[member])
    real = services.record_rag_update
    calls = []

    def spy(**kwargs):
        calls.append((kwargs["task"].pk, kwargs["by"], kwargs["comment"]))
        return real(**kwargs)

    monkeypatch.setattr(services, "record_rag_update", spy)
    sign_in(performance_officer)

    client.post(
        reverse("delivery_plan_staff:task", args=[task.pk]),
        {"status": "green", "comment": "From the task's page"},
    )
    client.post(
        reverse("delivery_plan_staff:grid", kwargs={"pk": plan.pk, "number": 1}),
        {f"status_{task.pk}": "amber", f"comment_{task.pk}": "From the grid"},
    )
    response = client.post(
        f"{TASKS}{task.pk}/rag-updates/",
        data='{"status": "red", "comment": "From the API"}',
        content_type="application/json",
        **token_for(user),
    )
    assert response.status_code == 201, response.content
    request = RequestFactory().post("/admin/")
    request.user = performance_officer
    admin = site._registry[RagUpdate]
    form = admin.get_form(request)(
        data={"task": task.pk, "status": "green", "comment": "From the admin", "on": "2026-06-15"}
    )
    assert form.is_valid(), form.errors
    admin.save_model(request, form.save(commit=False), form, change=False)

    assert calls == [
        (task.pk, performance_officer, "From the task's page"),
        (task.pk, performance_officer, "From the grid"),
        (task.pk, user, "From the API"),
        (task.pk, performance_officer, "From the admin"),
    ]
    assert list(
        task.rag_updates.order_by("created_at", "pk").values_list("comment", flat=True)
    ) == [
        "From the task's page",
        "From the grid",
        "From the API",
        "From the admin",
    ]


# --- The template and the command -----------------------------------------------------------------


def documented_columns() -> list[str]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| Column |") :].split("\n\n")[0]
    return [line.split("|")[1].strip() for line in table.splitlines()[2:]]


def test_every_column_of_the_template_is_documented():
    assert documented_columns() == [column.header for column in COLUMNS]


def test_the_command_imports_an_xlsx_file(reference_data, tmp_path, capsys):
    book = Workbook()
    sheet = book.active
    sheet.append(["Engagement delivery plan"])  # a title above the header row
    sheet.append([*LEAD_HEADER, "Milestones and timescale", "RAG status", "RAG status comment"])
    sheet.append(["1", "1", "Consult", "AG/GB", "Plan the survey", "each September", "Green", "Ok"])
    path = tmp_path / "plan.xlsx"
    book.save(path)

    call_command(
        "import_delivery_plan",
        str(path),
        *("--plan", "From a workbook", "--start", "2026-04-01", "--end", "2028-03-31"),
    )

    out = capsys.readouterr().out
    assert (
        "Imported “From a workbook”: 1 activity area, 1 action, 1 task, 1 RAG status, 2 milestones."
        in out
    )
    task = Task.objects.get(action__plan__name="From a workbook")
    assert sorted(lead.initials for lead in task.leads.all()) == ["AG", "GB"]
    assert task.rag_status == RagStatus.GREEN
    assert [m.due_on for m in task.milestones.all()] == [date(2026, 9, 30), date(2027, 9, 30)]


def test_the_documented_command_imports_the_december_2015_plan_cleanly(reference_data, capsys):
    text = README.read_text(encoding="utf-8")
    written = re.search(
        r"manage\.py import_delivery_plan delivery_plan/data/.*?--historic", text, re.S
    )
    arguments = shlex.split(written.group(0).replace("\\\n", " "))[2:]
    arguments[0] = str(ROOT / arguments[0])

    call_command("import_delivery_plan", *arguments)

    assert "Imported “Community Engagement Strategy delivery plan, December 2015”" in (
        capsys.readouterr().out
    )
    plan = Plan.objects.get()
    assert (plan.name, plan.is_current) == (DECEMBER_2015.name, False)
    assert (plan.period_start, plan.period_end) == (
        DECEMBER_2015.period_start,
        DECEMBER_2015.period_end,
    )
    rows = list(csv.DictReader(DECEMBER_2015.file.read_text(encoding="utf-8").splitlines()))
    assert Task.objects.in_plan(plan).count() == len(rows)
    assert [t.rag_status for t in Task.objects.in_plan(plan)] == [
        row["RAG status"].strip().lower() for row in rows
    ]


# --- The map above ------------------------------------------------------------------------------


def test_every_test_the_map_names_is_there():
    """Each `module::test` of the map names a test of that module, each module it names is one,
    and each test it places below is in this one: a renamed test breaks the map here."""
    here = Path(__file__)
    own = here.read_text(encoding="utf-8")
    flat = re.sub(r"::\s+", "::", __doc__)
    named = re.findall(r"(test_\w+)::(test_\w+)", flat)
    assert len(named) > 20
    for module, name in named:
        source = (here.parent / f"{module}.py").read_text(encoding="utf-8")
        assert f"def {name}(" in source, f"{module}::{name}"
    for path in re.findall(r"tests/[\w/]+\.py", flat):
        assert (ROOT / path).is_file(), path
    alone = re.findall(r"(?<![:\w/])(test_\w+)(?![:\w])(\*?)", flat)
    for name, prefix in alone:
        if prefix:
            assert own.count(f"def {name}") == 3, name
        else:
            assert (here.parent / f"{name}.py").is_file() or f"def {name}(" in own, name
