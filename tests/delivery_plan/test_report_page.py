"""The plan report laid out as the office reports it (the December 2015 plan's columns, per
activity area in the plan's order), its filters, the stale flags and suggestions on every row,
who may open it, and the plans list."""

import re
from datetime import datetime, time, timedelta
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from delivery_plan import services
from delivery_plan.models import Task
from delivery_plan.rag import RagStatus
from tests.delivery_plan.factories import (
    TODAY,
    ActionFactory,
    MilestoneFactory,
    PlanFactory,
    TaskFactory,
)
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


# --- Helpers the page tests share --------------------------------------------------------------


@pytest.fixture
def on_today(monkeypatch):
    """The pages read the date as TODAY (the day the factories' data stand on)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("br", "p", "li") and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables_of(response) -> list[list[list[str]]]:
    """Each table of the page as its rows of cell texts (header rows included)."""
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def update(task, status, comment, on, *, is_public=False):
    """A status as it stood on a day, written as the import writes history."""
    return services.write_rag_update(
        task=task, status=status, comment=comment, on=on, is_public=is_public
    )


def report_url(plan) -> str:
    return reverse("delivery_plan_staff:report", kwargs={"pk": plan.pk})


# --- A plan laid out as the seed ----------------------------------------------------------------


@pytest.fixture
def plan(lead):
    """Two activity areas, made out of order; area 1 repeats the ref "1" (decision 8)."""
    user, amy = lead
    gb = StaffMemberFactory(name="Glyn Brown", initials="GB")
    jackie = StaffMemberFactory(name="Jackie Irvin", initials="")
    plan = PlanFactory(name="Engagement delivery plan")
    victims = ActivityAreaFactory(number=3, name="Victims, witnesses and vulnerable people")
    voice = ActivityAreaFactory(number=1, name="Strong voice")
    later = ActionFactory(plan=plan, activity_area=victims, reference="1", position=1)
    second = ActionFactory(
        plan=plan, activity_area=voice, reference="1", position=2, commitment="Keep informed"
    )
    first = ActionFactory(
        plan=plan, activity_area=voice, reference="1", position=1, commitment="Consult people"
    )
    # Added lately, so not yet stale for want of an update.
    recently = timezone.make_aware(datetime.combine(TODAY - timedelta(days=5), time(9)))
    tasks = {
        "victims": TaskFactory(
            action=later, position=1, summary="Commission victims services", created_at=recently
        ),
        "newsletter": TaskFactory(
            action=second,
            position=1,
            summary="Produce bi-monthly newsletter",
            milestones_text="Ongoing (March, June, Aug, Oct, Dec)",
            leads=[gb, amy],
        ),
        "promote": TaskFactory(
            action=first,
            position=2,
            summary="Publish consultation feedback",
            leads=[jackie],
            created_at=recently,
        ),
        "plan": TaskFactory(
            action=first,
            position=1,
            summary="Plan and promote consultation exercises",
            milestones_text="By 31 January 2014, then ongoing",
            leads=[amy, gb],
        ),
    }
    update(tasks["plan"], RagStatus.AMBER, "Survey first", TODAY - timedelta(days=40))
    update(tasks["plan"], RagStatus.GREEN, "Survey closed mid October", TODAY - timedelta(days=10))
    update(tasks["newsletter"], RagStatus.GREEN, "Weekly now", TODAY - timedelta(days=120))
    # A milestone past due and not done: Red is suggested.
    MilestoneFactory(
        task=tasks["promote"], due_on=TODAY - timedelta(days=3), description="Feedback report"
    )
    return plan, tasks


def test_the_report_lays_out_the_plan_per_area_in_the_seeds_columns(
    client, sign_in, performance_officer, plan, on_today
):
    plan, tasks = plan
    sign_in(performance_officer)

    response = client.get(report_url(plan))

    assert response.status_code == 200
    page = response.content.decode()
    headings = re.findall(r'<h2 class="govuk-heading-m" id="area-(\d+)">([^<]+)</h2>', page)
    assert headings == [
        ("1", "Activity area 1: Strong voice"),
        ("3", "Activity area 3: Victims, witnesses and vulnerable people"),
    ]
    tables = [table for table in tables_of(response) if table[0] == SEED_COLUMNS]
    assert len(tables) == 2
    voice, victims = tables
    # The action's ref and words stand once, on its first task's row, as the seed prints them.
    assert [row[:2] for row in voice[1:] if len(row) == 7] == [
        ["1", "Consult people"],
        ["1", "Keep informed"],
    ]
    summaries = [row[-4] for row in voice[1:]]
    assert summaries == [
        "Plan and promote consultation exercises",
        "Publish consultation feedback",
        "Produce bi-monthly newsletter",
    ]
    first = voice[1]
    assert first[2] == "Amy Green (AG) Glyn Brown (GB)"
    assert first[4] == "By 31 January 2014, then ongoing"
    assert first[5].startswith("Green")
    date = (TODAY - timedelta(days=10)).strftime("%-d %b %Y")
    assert first[6].startswith(f"{date}: Survey closed mid October")
    assert "History: 2 updates" in first[6]
    assert "Survey first" not in first[6]  # the history is one click away
    assert victims[1][-1].startswith("No update yet")
    task_url = reverse("delivery_plan_staff:task", kwargs={"pk": tasks["plan"].pk})
    assert f'href="{task_url}#history"' in page
    for name in ("dashboard", "report_xlsx", "report_print"):
        assert reverse(f"delivery_plan_staff:{name}", kwargs={"pk": plan.pk}) in page


def test_every_row_shows_its_stale_flag_and_suggested_status_with_the_reason(
    client, sign_in, performance_officer, plan, on_today
):
    plan, tasks = plan
    sign_in(performance_officer)

    rows = {
        row[-4]: row
        for table in tables_of(client.get(report_url(plan)))
        if table[0] == SEED_COLUMNS
        for row in table[1:]
    }

    newsletter = rows["Produce bi-monthly newsletter"][-2]
    assert "Stale No update for 90 days" in newsletter
    promote = rows["Publish consultation feedback"][-2]
    assert promote.startswith("Not rated yet")
    assert "Suggested: Red" in promote
    assert "“Feedback report” was due on" in promote
    fresh = rows["Plan and promote consultation exercises"][-2]
    assert "Stale" not in fresh and "Suggested" not in fresh


def _rows_by_summary(response) -> dict[str, list[str]]:
    return {
        row[-4]: row
        for table in tables_of(response)
        if table[0] == SEED_COLUMNS
        for row in table[1:]
    }


def test_rows_drawn_before_a_change_are_never_shown_after_it(
    client, sign_in, performance_officer, plan, lead, on_today
):
    """The rows are kept by what they show (pcc_portal/fragments.py): a new status, a renamed
    lead, a milestone marked done and a task made done each show on the next load."""
    plan, tasks = plan
    sign_in(performance_officer)
    before = _rows_by_summary(client.get(report_url(plan)))
    assert "Suggested: Red" in before["Publish consultation feedback"][-2]

    services.record_rag_update(
        task=tasks["plan"],
        status=RagStatus.RED,
        comment="Venue lost",
        by=performance_officer,
        today=TODAY,
    )
    user, amy = lead
    amy.name = "Amy Greenwood"
    amy.save()
    tasks["promote"].milestones.update(done_on=TODAY)
    Task.objects.filter(pk=tasks["victims"].pk).update(done_on=TODAY, is_done=True)

    after = _rows_by_summary(client.get(report_url(plan)))

    row = after["Plan and promote consultation exercises"]
    assert row[2] == "Amy Greenwood (AG) Glyn Brown (GB)"
    assert row[5].startswith("Red")
    assert "Venue lost" in row[6] and "History: 3 updates" in row[6]
    assert "Suggested" not in after["Publish consultation feedback"][-2]
    # Nothing else of this task changed: only its lead's new name.
    assert after["Produce bi-monthly newsletter"][2] == "Amy Greenwood (AG) Glyn Brown (GB)"
    (victims,) = [summary for summary in after if summary.startswith("Commission victims")]
    assert victims == f"Commission victims services Done {TODAY:%-d %b %Y}"


def test_a_second_load_draws_no_row_again(client, sign_in, performance_officer, plan, on_today):
    plan, tasks = plan
    sign_in(performance_officer)
    client.get(report_url(plan))

    drawer = mock.Mock()
    drawer.return_value.render.side_effect = AssertionError("a row was drawn again")
    with mock.patch("pcc_portal.fragments.get_template", drawer):
        response = client.get(report_url(plan))

    assert len(_rows_by_summary(response)) == 4


def test_a_historic_plan_is_neither_stale_nor_suggested_about(
    client, sign_in, performance_officer, plan, on_today
):
    plan, tasks = plan
    plan.is_current = False
    plan.save()
    sign_in(performance_officer)

    page = client.get(report_url(plan)).content.decode()

    assert "No update for 90 days" not in page
    assert "Suggested:" not in page
    assert "kept as it was reported" in page
    assert "Record an update" not in page


def _summaries(response) -> list[str]:
    return [
        row[-4] for table in tables_of(response) if table[0] == SEED_COLUMNS for row in table[1:]
    ]


def test_the_filters_narrow_the_report_by_lead_status_area_and_stale(
    client, sign_in, performance_officer, plan, on_today, lead
):
    plan, tasks = plan
    sign_in(performance_officer)
    url = report_url(plan)

    page = client.get(url).content.decode()
    assert '<option value="" selected>Any</option>' in page
    assert "moj-filter" in page

    by_lead = client.get(url, {"lead": lead[1].pk})
    assert _summaries(by_lead) == [
        "Plan and promote consultation exercises",
        "Produce bi-monthly newsletter",
    ]
    assert _summaries(client.get(url, {"status": "green"})) == [
        "Plan and promote consultation exercises",
        "Produce bi-monthly newsletter",
    ]
    assert _summaries(client.get(url, {"status": "none"})) == [
        "Publish consultation feedback",
        "Commission victims services",
    ]
    assert _summaries(client.get(url, {"area": 3})) == ["Commission victims services"]
    assert _summaries(client.get(url, {"stale": "true"})) == ["Produce bi-monthly newsletter"]
    assert _summaries(client.get(url, {"suggested": "true"})) == ["Publish consultation feedback"]
    combined = client.get(url, {"lead": lead[1].pk, "stale": "true", "area": 1})
    assert _summaries(combined) == ["Produce bi-monthly newsletter"]
    assert "Remove this filter" in combined.content.decode()


def test_a_filter_that_makes_no_sense_is_an_error_not_a_crash(
    client, sign_in, performance_officer, plan, on_today
):
    plan, tasks = plan
    sign_in(performance_officer)

    response = client.get(report_url(plan), {"status": "purple", "area": "x"})

    assert response.status_code == 400
    assert "govuk-error-message" in response.content.decode()
    assert _summaries(response) == []


def test_the_commissioner_reads_the_report_and_changes_nothing(
    client, sign_in, commissioner, plan, on_today
):
    plan, tasks = plan
    sign_in(commissioner)

    response = client.get(report_url(plan))

    assert response.status_code == 200
    assert len(_summaries(response)) == 4
    page = response.content.decode()
    assert "Record an update" not in page
    assert "Update this area" not in page


def test_a_lead_sees_their_own_tasks_and_may_update_them(client, sign_in, plan, lead, on_today):
    plan, tasks = plan
    sign_in(lead[0])

    response = client.get(report_url(plan))

    assert response.status_code == 200
    assert _summaries(response) == [
        "Plan and promote consultation exercises",
        "Produce bi-monthly newsletter",
    ]
    page = response.content.decode()
    assert page.count(">Record an update<") == 2
    # The dashboard and the exports are for those who read the whole plan.
    assert reverse("delivery_plan_staff:dashboard", kwargs={"pk": plan.pk}) not in page
    grid = reverse("delivery_plan_staff:grid", kwargs={"pk": plan.pk, "number": 1})
    assert f'href="{grid}"' in page


@pytest.mark.parametrize("role", ["Engagement officer", "Grants officer", "Staff officer"])
def test_people_who_neither_read_plans_nor_lead_tasks_are_refused(client, signed_in_as, plan, role):
    plan, tasks = plan
    signed_in_as(role)

    assert client.get(report_url(plan)).status_code == 403
    assert client.get(reverse("delivery_plan_staff:plans")).status_code == 403


def test_the_public_is_sent_to_sign_in(client, plan):
    plan, tasks = plan

    response = client.get(report_url(plan))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))


def test_the_menu_offers_the_plans_to_readers_and_leads_only(
    client, sign_in, make_user, performance_officer, lead, task
):
    url = reverse("delivery_plan_staff:plans")
    for user, shown in (
        (performance_officer, True),
        (lead[0], True),
        (make_user("Engagement officer"), False),
    ):
        sign_in(user)
        page = client.get("/").content.decode()
        assert (f'href="{url}"' in page) is shown, user


def test_the_report_takes_as_many_queries_for_50_tasks_as_for_5(
    client, sign_in, performance_officer, assert_flat_queries, on_today
):
    plan = PlanFactory()
    areas = [ActivityAreaFactory(number=n, name=f"Area {n}") for n in (1, 2, 3)]
    sign_in(performance_officer)

    def make_rows(count):
        for index in range(count):
            action = ActionFactory(plan=plan, activity_area=areas[index % 3])
            leads = [StaffMemberFactory(initials=""), StaffMemberFactory(initials="")]
            task = TaskFactory(action=action, leads=leads)
            update(task, RagStatus.AMBER, f"Comment {index}", TODAY - timedelta(days=index))
            MilestoneFactory(task=task, due_on=TODAY - timedelta(days=1 + index % 2))

    response = assert_flat_queries(make_rows, lambda: client.get(report_url(plan)))

    assert len(_summaries(response)) == 50
    assert response.content.decode().count("Suggested:") == 50


def test_a_filtered_report_is_flat_too(
    client, sign_in, performance_officer, assert_flat_queries, on_today
):
    plan = PlanFactory()
    area = ActivityAreaFactory(number=1, name="Strong voice")
    lead = StaffMemberFactory(initials="")
    sign_in(performance_officer)

    def make_rows(count):
        for _ in range(count):
            TaskFactory(action=ActionFactory(plan=plan, activity_area=area), leads=[lead])

    response = assert_flat_queries(
        make_rows,
        lambda: client.get(report_url(plan), {"lead": lead.pk, "stale": "true", "area": 1}),
    )

    assert len(_summaries(response)) == 50


# --- The plans ----------------------------------------------------------------------------------


def test_the_plans_list_links_to_each_plan_current_and_historic(
    client, sign_in, performance_officer, plan, on_today
):
    plan, tasks = plan
    old = PlanFactory(name="Delivery plan, December 2015", is_current=False)
    update(
        TaskFactory(action=ActionFactory(plan=old)), RagStatus.RED, "Missed", TODAY - timedelta(1)
    )
    sign_in(performance_officer)

    response = client.get(reverse("delivery_plan_staff:plans"))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{report_url(plan)}"' in page
    assert f'href="{report_url(old)}"' in page
    tables = tables_of(response)
    current = next(table for table in tables if table[1][0] == "Engagement delivery plan")
    assert current[0] == [
        "Plan",
        "Period",
        "Tasks",
        "Red",
        "Amber",
        "Green",
        "Not rated yet",
        "Stale",
    ]
    assert current[1][2:] == ["4", "0", "0", "2", "2", "1"]
    historic = next(table for table in tables if table[1][0] == old.name)
    assert historic[1][2:6] == ["1", "1", "0", "0"]
    assert reverse("delivery_plan_staff:import") in page


def test_a_lead_finds_their_tasks_on_the_plans_page(client, sign_in, plan, lead, on_today):
    plan, tasks = plan
    sign_in(lead[0])

    response = client.get(reverse("delivery_plan_staff:plans"))

    page = response.content.decode()
    assert "Your tasks" in page
    for key in ("plan", "newsletter"):
        assert reverse("delivery_plan_staff:task", kwargs={"pk": tasks[key].pk}) in page
    assert reverse("delivery_plan_staff:task", kwargs={"pk": tasks["promote"].pk}) not in page
    assert reverse("delivery_plan_staff:import") not in page


def test_the_plans_list_is_flat(client, sign_in, performance_officer, assert_flat_queries):
    sign_in(performance_officer)

    def make_rows(count):
        for _ in range(count):
            TaskFactory()

    response = assert_flat_queries(
        make_rows, lambda: client.get(reverse("delivery_plan_staff:plans"))
    )

    assert Task.objects.count() == 50
    assert response.content.decode().count('href="/staff/delivery-plan/') >= 50


def test_signing_in_lands_a_performance_officer_on_the_plans(client, sign_in, performance_officer):
    sign_in(performance_officer)

    response = client.get(reverse("pcc_portal:landing"))

    assert response["Location"] == reverse("delivery_plan_staff:plans")
