"""A task's page: the task with its history as a timeline, what its milestones suggest (a person
decides), the form recording a RAG update through the service with its errors kept, milestones
marked done, who may do what, and the evidence the portal holds for the task's area."""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from consultations.models import Outcome, Response
from delivery_plan.models import COMMENT_LIMIT, RagUpdate
from delivery_plan.rag import RagStatus
from grants.models import Award
from grants.workflow import ApplicationStatus
from tests.consultations.factories import ConsultationFactory
from tests.delivery_plan.factories import (
    TODAY,
    ActionFactory,
    MilestoneFactory,
    PlanFactory,
    TaskFactory,
    lead_user,
)
from tests.delivery_plan.test_report_page import on_today, tables_of, update  # noqa: F401
from tests.engagement.factories import ActivityAreaFactory, ContactFactory, EventFactory
from tests.grants.factories import ApplicationFactory
from tests.pcc_portal.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def task_url(task) -> str:
    return reverse("delivery_plan_staff:task", kwargs={"pk": task.pk})


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def history(task):
    update(task, RagStatus.AMBER, "Nov 15: contract being let", date(2026, 4, 20))
    update(
        task, RagStatus.GREEN, "Contract in place across the area", date(2026, 5, 2), is_public=True
    )
    return task


# --- What the page shows ------------------------------------------------------------------------


def test_the_page_shows_the_task_its_action_leads_and_history_as_a_timeline(
    client, sign_in, performance_officer, history
):
    task = history
    sign_in(performance_officer)

    response = client.get(task_url(task))

    assert response.status_code == 200
    page = response.content.decode()
    assert task.summary in page
    assert escape(task.action.commitment) in page
    assert "Amy Green (AG)" in page
    assert "Activity area 1: Strong voice" in page
    timeline = page[page.index('class="moj-timeline"') :]
    latest, earlier = timeline.index("Contract in place"), timeline.index("contract being let")
    assert latest < earlier  # latest first
    assert '<time datetime="2026-05-02">May 26</time>' in timeline
    assert '<time datetime="2026-04-20">Apr 26</time>' in timeline
    assert "Shown on the public progress page." in timeline
    assert "as reported before the portal" in timeline


def test_the_suggestion_shows_its_reason_and_leaves_the_decision_to_a_person(
    client, sign_in, performance_officer, task
):
    MilestoneFactory(task=task, due_on=TODAY - timedelta(days=2), description="June newsletter")
    sign_in(performance_officer)

    page = client.get(task_url(task)).content.decode()

    suggestion = page[page.index('id="suggestion"') :]
    assert "The milestones suggest" in suggestion
    assert ">Red</strong>" in suggestion
    assert "“June newsletter” was due on 13 June 2026 and is not marked done" in suggestion
    assert "a person decides the status" in suggestion
    # Nothing was changed by the suggestion itself.
    task.refresh_from_db()
    assert task.rag_status == ""


def test_a_task_with_no_update_for_90_days_is_flagged_stale(
    client, sign_in, performance_officer, task
):
    update(task, RagStatus.GREEN, "Going well", TODAY - timedelta(days=91))
    sign_in(performance_officer)

    page = client.get(task_url(task)).content.decode()

    assert 'id="stale"' in page
    assert "has not been updated for 90 days" in page


def test_the_form_offers_the_statuses_with_their_definitions_and_a_public_tick(
    client, sign_in, performance_officer, task
):
    sign_in(performance_officer)

    page = client.get(task_url(task)).content.decode()

    form = page[page.index('id="record-update"') :]
    for status, meaning in (
        ("red", "Missed or likely to miss milestones or timescales"),
        ("amber", "Concern may miss milestones or timescales"),
        ("green", "Achieved or likely to achieve milestones and timescales"),
    ):
        assert f'value="{status}"' in form
        assert meaning in form
    assert "govuk-character-count" in form
    assert f'data-maxlength="{COMMENT_LIMIT}"' in form
    assert "Show this comment on the public progress page" in form


# --- Recording an update ------------------------------------------------------------------------


def test_a_performance_officer_records_an_update_through_the_service(
    client, sign_in, performance_officer, task
):
    sign_in(performance_officer)

    response = client.post(
        task_url(task),
        {"status": "amber", "comment": "Survey delayed by the election", "is_public": "on"},
    )

    assert response.status_code == 302
    assert response["Location"] == task_url(task) + "#history"
    recorded = RagUpdate.objects.get(task=task)
    assert (recorded.status, recorded.comment, recorded.on, recorded.by, recorded.is_public) == (
        RagStatus.AMBER,
        "Survey delayed by the election",
        TODAY,
        performance_officer,
        True,
    )
    task.refresh_from_db()
    assert (task.rag_status, task.rag_updated_on) == (RagStatus.AMBER, TODAY)
    page = client.get(response["Location"]).content.decode()
    assert "RAG status recorded." in page
    assert "Survey delayed by the election" in page


def test_errors_are_summarised_and_what_was_typed_is_kept(
    client, sign_in, performance_officer, task
):
    sign_in(performance_officer)

    response = client.post(task_url(task), {"comment": "Half a thought", "is_public": "on"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'href="#id_status' in page
    assert "Select the RAG status" in page
    assert "Half a thought</textarea>" in page
    assert re.search(r'<input type="checkbox" name="is_public"[^>]* checked>', page)
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Error:" in page
    assert not RagUpdate.objects.exists()


def test_an_empty_or_too_long_comment_is_refused_and_kept(
    client, sign_in, performance_officer, task
):
    sign_in(performance_officer)

    blank = client.post(task_url(task), {"status": "red", "comment": "   "})
    long = client.post(task_url(task), {"status": "red", "comment": "x" * (COMMENT_LIMIT + 1)})

    assert blank.status_code == 400
    assert "Enter a comment on the status" in blank.content.decode()
    assert re.search(r'value="red"\s+checked', blank.content.decode())
    assert long.status_code == 400
    assert f"The comment must be {COMMENT_LIMIT:,} characters or fewer" in long.content.decode()
    assert "x" * (COMMENT_LIMIT + 1) in long.content.decode()
    assert not RagUpdate.objects.exists()


def test_a_lead_updates_their_own_task(client, sign_in, lead, task):
    sign_in(lead[0])

    response = client.post(task_url(task), {"status": "green", "comment": "On track"})

    assert response.status_code == 302
    assert RagUpdate.objects.get(task=task).by == lead[0]


def test_a_lead_cannot_open_or_change_someone_elses_task(client, sign_in, lead, task, make_user):
    other = TaskFactory(leads=[lead_user(make_user, name="Glyn Edwards", initials="GE")[1]])
    sign_in(lead[0])

    assert client.get(task_url(other)).status_code == 403
    response = client.post(task_url(other), {"status": "red", "comment": "Not mine"})

    assert response.status_code == 403
    assert not RagUpdate.objects.filter(task=other).exists()


def test_the_commissioner_reads_the_task_but_cannot_update_it(
    client, sign_in, commissioner, history
):
    sign_in(commissioner)

    page = client.get(task_url(history))

    assert page.status_code == 200
    assert 'id="record-update"' not in page.content.decode()
    response = client.post(task_url(history), {"status": "red", "comment": "Behind"})
    assert response.status_code == 403
    assert RagUpdate.objects.filter(task=history).count() == 2


def test_nobody_updates_a_historic_plans_task(client, sign_in, performance_officer, history):
    plan = history.action.plan
    plan.is_current = False
    plan.save()
    sign_in(performance_officer)

    assert 'id="record-update"' not in client.get(task_url(history)).content.decode()
    response = client.post(task_url(history), {"status": "red", "comment": "Behind"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["Engagement officer", "Grants officer", "Ambassador"])
def test_other_roles_are_refused_not_sent_to_sign_in(client, signed_in_as, task, role):
    signed_in_as(role)

    assert client.get(task_url(task)).status_code == 403


# --- Milestones ---------------------------------------------------------------------------------


def test_a_milestone_is_marked_done_and_undone_through_the_service(client, sign_in, lead, task):
    milestone = MilestoneFactory(task=task, due_on=TODAY + timedelta(days=5), description="June")
    sign_in(lead[0])

    done = client.post(task_url(task), {"milestone": milestone.pk, "done": "1"})

    assert done.status_code == 302
    assert done["Location"] == task_url(task) + "#milestones"
    milestone.refresh_from_db()
    assert milestone.done_on == TODAY
    page = client.get(task_url(task)).content.decode()
    assert "“June” marked done." in page
    assert "Mark not done" in page

    client.post(task_url(task), {"milestone": milestone.pk, "done": "0"})
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_a_milestone_of_another_task_is_not_marked(client, sign_in, performance_officer, task):
    elsewhere = MilestoneFactory(due_on=TODAY)
    sign_in(performance_officer)

    client.post(task_url(task), {"milestone": elsewhere.pk, "done": "1"})

    elsewhere.refresh_from_db()
    assert elsewhere.done_on is None


def test_the_commissioner_cannot_mark_a_milestone(client, sign_in, commissioner, task):
    milestone = MilestoneFactory(task=task, due_on=TODAY)
    sign_in(commissioner)

    assert client.post(task_url(task), {"milestone": milestone.pk, "done": "1"}).status_code == 403
    milestone.refresh_from_db()
    assert milestone.done_on is None


# --- The next review of an ongoing task ---------------------------------------------------------


def _review(day: date | None) -> dict:
    parts = (day.day, day.month, day.year) if day else ("", "", "")
    return {
        "set_review": "Save the review date",
        **{f"review-review_on_{n}": part for n, part in enumerate(parts)},
    }


def test_a_lead_sets_and_clears_an_ongoing_tasks_review_date(client, sign_in, lead, task):
    task.is_ongoing = True
    task.save()
    sign_in(lead[0])
    assert 'id="next-review"' in client.get(task_url(task)).content.decode()

    response = client.post(task_url(task), _review(date(2026, 9, 30)))

    assert response.status_code == 302
    assert response["Location"] == task_url(task) + "#next-review"
    task.refresh_from_db()
    assert task.review_on == date(2026, 9, 30)
    assert "Next review set for 30 September 2026." in client.get(task_url(task)).content.decode()

    client.post(task_url(task), _review(None))
    task.refresh_from_db()
    assert task.review_on is None


def test_a_review_date_that_is_not_a_date_is_summarised_and_kept(client, sign_in, lead, task):
    task.is_ongoing = True
    task.save()
    sign_in(lead[0])

    response = client.post(
        task_url(task),
        {
            "set_review": "1",
            "review-review_on_0": "31",
            "review-review_on_1": "2",
            "review-review_on_2": "2027",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'value="31"' in page
    task.refresh_from_db()
    assert task.review_on is None


def test_a_task_with_milestones_has_no_review_date(client, sign_in, lead, task):
    task.is_ongoing = False
    task.save()
    sign_in(lead[0])
    assert 'id="next-review"' not in client.get(task_url(task)).content.decode()

    response = client.post(task_url(task), _review(date(2026, 9, 30)))

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.review_on is None
    assert "Only an ongoing task has a review date" in client.get(task_url(task)).content.decode()


def test_the_commissioner_cannot_set_a_review_date(client, sign_in, commissioner, task):
    task.is_ongoing = True
    task.save()
    sign_in(commissioner)

    assert client.post(task_url(task), _review(date(2026, 9, 30))).status_code == 403
    task.refresh_from_db()
    assert task.review_on is None


# --- Evidence -----------------------------------------------------------------------------------


@pytest.fixture
def evidence_task(lead):
    """A task in activity area 1 of a plan from 1 April 2026 (today is 15 June 2026)."""
    area = ActivityAreaFactory(number=1, name="Strong voice")
    plan = PlanFactory(period_start=date(2026, 4, 1), period_end=date(2028, 3, 31))
    return TaskFactory(action=ActionFactory(plan=plan, activity_area=area), leads=[lead[1]])


def _contact(area, day, people=10):
    return ContactFactory(occurred_on=day, people_reached=people, activity_areas=[area])


def _event(area, day, **kwargs):
    event = EventFactory(starts_at=_aware(day, 18), ends_at=_aware(day, 20), **kwargs)
    event.activity_areas.set([area])
    return event


def _consultation(area, opens: date, *, responses=0, feedback_on: date | None = None):
    consultation = ConsultationFactory(
        status="published", opens_at=_aware(opens), closes_at=_aware(opens + timedelta(days=14))
    )
    consultation.activity_areas.set([area])
    Response.objects.bulk_create(Response(consultation=consultation) for _ in range(responses))
    if feedback_on:
        Outcome.objects.create(
            consultation=consultation, said="Slower traffic", published_at=_aware(feedback_on)
        )
    return consultation


def _award(area, day, amount="2500.00"):
    application = ApplicationFactory(activity_area=area, status=ApplicationStatus.APPROVED)
    return Award.objects.create(
        application=application,
        amount=Decimal(amount),
        reasons="Reduces youth crime",
        starts_on=day,
        ends_on=day + timedelta(days=180),
        decided_by="Alex Holder",
        decided_on=day,
        recorded_by=UserFactory(),
    )


def _evidence(page: str, key: str) -> str:
    start = page.index(f'id="evidence-{key}"')
    end = page.find('class="govuk-summary-card"', start + 1)
    return page[start : end if end > 0 else None]


def test_the_evidence_counts_what_the_portal_knows_of_the_area_in_the_period(
    client, sign_in, performance_officer, evidence_task
):
    area = evidence_task.action.activity_area
    other_area = ActivityAreaFactory(number=4, name="Children and young people")
    # In the period and the area: counted.
    _contact(area, date(2026, 4, 10), people=12)
    _contact(area, date(2026, 6, 1), people=30)
    _event(area, date(2026, 5, 20), title="Town hall meeting")
    _consultation(area, date(2026, 4, 20), responses=3, feedback_on=date(2026, 6, 1))
    _consultation(area, date(2026, 6, 1), responses=1)
    _award(area, date(2026, 5, 5), "2500.00")
    # Before the period, after today, or in another area: not counted.
    _contact(area, date(2026, 3, 31), people=99)
    _contact(other_area, date(2026, 5, 1), people=99)
    _event(area, date(2026, 3, 1), title="Before the plan")
    _event(other_area, date(2026, 5, 1), title="Youth forum")
    _consultation(other_area, date(2026, 5, 1), responses=7)
    _award(area, date(2026, 3, 1), "9999.00")
    _award(other_area, date(2026, 5, 1), "8888.00")
    sign_in(performance_officer)

    page = client.get(task_url(evidence_task)).content.decode()

    contacts = _evidence(page, "contacts")
    assert 'data-count="2"' in contacts
    assert "2 contacts logged by ambassadors, reaching 42 people" in contacts
    assert "activity_area=" in contacts and "occurred_from=2026-04-01" in contacts
    events = _evidence(page, "events")
    assert 'data-count="1"' in events
    assert "Town hall meeting" in events and "Youth forum" not in events
    consultations = _evidence(page, "consultations")
    assert 'data-count="2"' in consultations
    assert "2 consultations, 4 responses, feedback published on 1" in consultations
    assert "feedback published 1 June 2026" in consultations
    grants = _evidence(page, "grants")
    assert 'data-count="1"' in grants
    assert "1 grant awarded, £2,500.00 in all" in grants


def test_consultations_and_grants_count_through_the_actions_objectives_too(
    client, sign_in, performance_officer, evidence_task, reference_data
):
    from pcc_portal.models import Objective

    objective = Objective.objects.order_by("number").first()
    evidence_task.action.objectives.add(objective)
    other_area = ActivityAreaFactory(number=4, name="Children and young people")
    consultation = _consultation(other_area, date(2026, 5, 1), responses=2)
    consultation.objectives.add(objective)
    award = _award(other_area, date(2026, 5, 1), "1000.00")
    award.application.objectives.add(objective)
    sign_in(performance_officer)

    page = client.get(task_url(evidence_task)).content.decode()

    assert 'data-count="1"' in _evidence(page, "consultations")
    assert "1 grant awarded, £1,000.00 in all" in _evidence(page, "grants")


def test_the_task_page_takes_as_many_queries_for_50_records_as_for_5(
    client, sign_in, performance_officer, evidence_task, assert_flat_queries
):
    area = evidence_task.action.activity_area
    sign_in(performance_officer)

    def make_rows(count):
        for index in range(count):
            day = date(2026, 4, 2) + timedelta(days=index % 60)
            _contact(area, day)
            _event(area, day)
            update(evidence_task, RagStatus.GREEN, f"Update {index}", day)
            MilestoneFactory(task=evidence_task, due_on=day)
        for index in range(max(1, count // 5)):
            _consultation(area, date(2026, 4, 2) + timedelta(days=index), responses=2)
            _award(area, date(2026, 4, 2) + timedelta(days=index))

    response = assert_flat_queries(make_rows, lambda: client.get(task_url(evidence_task)))

    page = response.content.decode()
    assert 'data-count="50"' in _evidence(page, "contacts")
    assert page.count('class="moj-timeline__item"') == 50
    assert len(tables_of(response)[0]) == 51  # the milestones, under their header
