"""Milestones from the office's own wording: one-off dates, recurring months stored as their
occurrences within the plan's period, and "Ongoing" tasks; marking them done, one occurrence at
a time, settles the task."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from delivery_plan import services
from delivery_plan.milestones import parse_date, read_timescale
from delivery_plan.models import Milestone
from tests.delivery_plan.factories import TODAY, MilestoneFactory, PlanFactory, TaskFactory

PERIOD = {"start": date(2014, 1, 1), "end": date(2016, 3, 31)}


def due(wording, **period):
    return [str(day) for day in read_timescale(wording, **(period or PERIOD)).due_dates]


def test_months_named_recur_each_year_of_the_period_at_the_months_end():
    assert due("March, June, August, October, December") == [
        "2014-03-31",
        "2014-06-30",
        "2014-08-31",
        "2014-10-31",
        "2014-12-31",
        "2015-03-31",
        "2015-06-30",
        "2015-08-31",
        "2015-10-31",
        "2015-12-31",
        "2016-03-31",
    ]
    timescale = read_timescale("March, June, August, October, December", **PERIOD)
    assert timescale.recurrence == "Each March, June, August, October and December"
    assert timescale.occurrences[1].description == "June 2014"
    assert not timescale.ongoing


def test_each_september_and_a_month_in_brackets():
    assert due("each September") == ["2014-09-30", "2015-09-30"]
    assert due("Funding to be in place for the start of each new cadet year (September).") == [
        "2014-09-30",
        "2015-09-30",
    ]


def test_ongoing_with_abbreviated_months():
    timescale = read_timescale("Ongoing (March, June, Aug, Oct, Dec)", **PERIOD)
    assert timescale.ongoing
    assert len(timescale.occurrences) == 11
    assert timescale.due_dates[2] == date(2014, 8, 31)


@pytest.mark.parametrize(
    ("wording", "dates", "ongoing"),
    [
        ("By 31 January 2014, then ongoing", ["2014-01-31"], True),
        ("From 31 January 2014, then ongoing", ["2014-01-31"], True),
        ("Review report due 31 Jan 2014.", ["2014-01-31"], False),
        ("First podcast by Sep 14, then ongoing", ["2014-09-30"], True),
        ("Held October 2015", ["2015-10-31"], False),
        (
            "Initial work plans in place for all Ambassadors by 31 Jan 2014. Then subject to "
            "regular review.",
            ["2014-01-31"],
            True,
        ),
        ("Ongoing", [], True),
        ("Ongoing.", [], True),
        ("From December 1 2015 to January 18 2016", ["2015-12-01", "2016-01-18"], False),
        ("Quarterly", ["2014-03-31", "2014-06-30", "2014-09-30", "2014-12-31"], False),
    ],
)
def test_the_offices_wordings(wording, dates, ongoing):
    period = {"start": date(2014, 1, 1), "end": date(2014, 12, 31)}
    timescale = read_timescale(wording, **period)
    assert [str(day) for day in timescale.due_dates] == dates
    assert timescale.ongoing is ongoing


def test_a_one_off_date_is_kept_even_outside_the_period_but_recurrences_are_not():
    period = {"start": date(2026, 4, 1), "end": date(2027, 3, 31)}
    assert due("By 31 January 2014 and each September", **period) == [
        "2014-01-31",
        "2026-09-30",
    ]


def test_complete_and_words_that_are_not_dates():
    assert read_timescale("Complete", **PERIOD).complete
    assert due("Complete") == []
    # "may" is a month only with its capital; "marketing" is not March.
    unread = read_timescale("3 marketing leaflets, may slip", **PERIOD)
    assert unread.unread and unread.due_dates == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/01/2014", date(2014, 1, 31)),
        ("2014-01-31", date(2014, 1, 31)),
        ("31 January 2014", date(2014, 1, 31)),
        ("1st Dec 2015", date(2015, 12, 1)),
        ("31/02/2014", None),
        ("January 2014", None),
        ("soon", None),
    ],
)
def test_one_date_as_people_write_it(text, expected):
    assert parse_date(text) == expected


# --- Stored and marked done ------------------------------------------------------------------


@pytest.fixture
def newsletter(lead):
    plan = PlanFactory(period_start=date(2026, 4, 1), period_end=date(2027, 3, 31))
    return TaskFactory(action__plan=plan, leads=[lead[1]], milestones_text="")


@pytest.mark.django_db
def test_a_recurring_milestone_is_stored_as_its_occurrences(newsletter, lead):
    added = services.add_milestones_from_wording(
        task=newsletter, wording="March, June, August, October, December", by=lead[0]
    )
    assert [str(m.due_on) for m in added] == [
        "2026-06-30",
        "2026-08-31",
        "2026-10-31",
        "2026-12-31",
        "2027-03-31",
    ]
    assert {m.recurrence for m in added} == {"Each March, June, August, October and December"}
    # Read again, nothing is added twice.
    again = services.add_milestones_from_wording(
        task=newsletter, wording="March, June, August, October, December", by=lead[0]
    )
    assert again == []
    assert newsletter.milestones.count() == 5


@pytest.mark.django_db
def test_ongoing_wording_makes_the_task_ongoing(newsletter, lead):
    services.add_milestones_from_wording(
        task=newsletter, wording="Ongoing (March, June, Aug, Oct, Dec)", by=lead[0]
    )
    newsletter.refresh_from_db()
    assert newsletter.is_ongoing


@pytest.mark.django_db
def test_wording_with_no_date_is_refused(newsletter, lead):
    with pytest.raises(ValidationError) as refused:
        services.add_milestones_from_wording(task=newsletter, wording="When we can", by=lead[0])
    assert "wording" in refused.value.message_dict
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_the_task_is_done_when_its_occurrences_in_the_period_are(newsletter, lead):
    june, december = (
        MilestoneFactory(task=newsletter, due_on=date(2026, 6, 30), description="June"),
        MilestoneFactory(task=newsletter, due_on=date(2026, 12, 31), description="December"),
    )
    # Outside the plan's period: it does not hold the task open.
    MilestoneFactory(task=newsletter, due_on=date(2028, 1, 31), description="Later")

    services.mark_milestone_done(milestone=june, by=lead[0], on=date(2026, 6, 12), today=TODAY)
    newsletter.refresh_from_db()
    assert june.done_on == date(2026, 6, 12)
    assert not newsletter.is_done  # "the June one was done"; December is still to come

    # Done early: the task is done with its last occurrence.
    services.mark_milestone_done(milestone=december, by=lead[0], today=TODAY)
    newsletter.refresh_from_db()
    assert newsletter.is_done
    assert newsletter.done_on == TODAY

    services.mark_milestone_done(milestone=june, by=lead[0], done=False, today=TODAY)
    newsletter.refresh_from_db()
    assert not newsletter.is_done
    assert newsletter.done_on is None


@pytest.mark.django_db
def test_an_ongoing_task_is_not_done_by_its_milestones(newsletter, lead):
    newsletter.is_ongoing = True
    newsletter.save()
    only = MilestoneFactory(task=newsletter, due_on=date(2026, 6, 1))
    services.mark_milestone_done(milestone=only, by=lead[0], today=TODAY)
    newsletter.refresh_from_db()
    assert not newsletter.is_done


@pytest.mark.django_db
def test_marking_done_asks_the_rules_and_refuses_a_day_ahead(newsletter, lead, make_user):
    milestone = MilestoneFactory(task=newsletter, due_on=date(2026, 6, 1))
    with pytest.raises(PermissionDenied):
        services.mark_milestone_done(
            milestone=milestone, by=make_user("Engagement officer"), today=TODAY
        )
    with pytest.raises(ValidationError):
        services.mark_milestone_done(
            milestone=milestone, by=lead[0], on=date(2026, 6, 16), today=TODAY
        )
    milestone.refresh_from_db()
    assert milestone.done_on is None


@pytest.mark.django_db
def test_a_task_is_marked_done_and_open_again(newsletter, lead):
    services.mark_task_done(task=newsletter, by=lead[0], on=date(2026, 6, 1), today=TODAY)
    newsletter.refresh_from_db()
    assert (newsletter.is_done, newsletter.done_on) == (True, date(2026, 6, 1))
    services.mark_task_done(task=newsletter, by=lead[0], done=False, today=TODAY)
    newsletter.refresh_from_db()
    assert (newsletter.is_done, newsletter.done_on) == (False, None)


@pytest.mark.django_db
def test_a_review_date_for_an_ongoing_task(newsletter, lead):
    newsletter.is_ongoing = True
    newsletter.save()
    services.set_review_date(task=newsletter, review_on=date(2026, 9, 30), by=lead[0])
    newsletter.refresh_from_db()
    assert newsletter.review_on == date(2026, 9, 30)
