"""The engagement calendar: the public list and feed, the private feed, the staff page, the
standing meetings in the reference data, and the demo events."""

import io
import tomllib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from engagement.calendar_text import describe_when
from engagement.demo_events import DEMO_EVENTS, fill_events
from engagement.models import Event, StandingMeeting
from engagement.recurrence import describe_recurrence
from pcc_portal.calendar_feeds import (
    FEED_NEEDS_TWO_FACTOR,
    issue_calendar_feed,
    revoke_calendar_feed,
)
from pcc_portal.models import CalendarFeed
from pcc_portal.reference_data import OFFICES_DIR, load_reference_data
from pcc_portal.services import issue_device_token
from tests.engagement.factories import (
    LONDON,
    AmbassadorFactory,
    EventFactory,
    StaffMemberFactory,
    StandingMeetingFactory,
)
from tests.pcc_portal.factories import PolicingAreaFactory

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def feed(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def vevents(calendar: Calendar) -> dict[str, object]:
    return {str(entry["UID"]): entry for entry in calendar.walk("VEVENT")}


def uid(event: Event) -> str:
    return f"{event.uid}@testserver"


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


# --- The public feed --------------------------------------------------------------------------


def test_public_feed_holds_exactly_the_public_events_of_the_window(client, office):
    upcoming = EventFactory(title="Policing in Ledbury", venue="Market hall, Ledbury")
    recent = EventFactory(
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=2),
    )
    EventFactory(  # older than 90 days
        starts_at=timezone.now() - timedelta(days=120),
        ends_at=timezone.now() - timedelta(days=120) + timedelta(hours=2),
    )
    EventFactory(title="Team meeting", is_public=False)

    calendar = feed(client.get("/events.ics"))

    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"])
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert office.office_name in str(calendar["X-WR-CALNAME"])
    entries = vevents(calendar)
    assert set(entries) == {uid(upcoming), uid(recent)}
    entry = entries[uid(upcoming)]
    assert str(entry["SUMMARY"]) == "Policing in Ledbury"
    assert "Market hall, Ledbury" in str(entry["LOCATION"])
    assert str(entry["URL"]) == f"http://testserver/events/{upcoming.uid}/"
    assert entry.decoded("DTSTART") == upcoming.starts_at
    assert entry.decoded("DTEND") == upcoming.ends_at
    assert entry.decoded("DTSTAMP")
    assert entry.decoded("LAST-MODIFIED") == upcoming.updated_at.replace(microsecond=0)
    assert "Come and tell us" in str(entry["DESCRIPTION"])
    assert b"Team meeting" not in client.get("/events.ics").content


def test_feed_times_are_utc_and_follow_summer_time(client, office):
    summer = date(timezone.localdate().year + 1, 7, 1)
    winter = date(timezone.localdate().year + 1, 1, 14)
    EventFactory(title="Summer", starts_at=london(summer, 19), ends_at=london(summer, 21))
    EventFactory(title="Winter", starts_at=london(winter, 19), ends_at=london(winter, 21))

    body = client.get("/events.ics").content.decode()

    # 7pm in London is 6pm UTC in British Summer Time and 7pm UTC in winter.
    assert f"DTSTART:{summer:%Y%m%d}T180000Z" in body
    assert f"DTEND:{summer:%Y%m%d}T200000Z" in body
    assert f"DTSTART:{winter:%Y%m%d}T190000Z" in body


def test_feed_of_an_empty_database_is_still_a_calendar(client):
    calendar = feed(client.get("/events.ics"))
    assert vevents(calendar) == {}


# --- The public list and detail pages ---------------------------------------------------------


def test_event_list_shows_upcoming_events_by_month_with_who_attends(client, office):
    area = PolicingAreaFactory(name="Herefordshire", slug="herefordshire")
    ambassador = AmbassadorFactory(policing_area=area, user__full_name="Priya Shah")
    unnamed = AmbassadorFactory(policing_area=area, user__full_name="")
    officer = StaffMemberFactory(name="Jo Bloggs", job_title="Engagement officer")
    farm_watch = EventFactory(
        title="Farm watch evening",
        policing_area=area,
        holder_attends=True,
        deputy_attends=True,
        ambassadors=[ambassador, unnamed],
        officers=[officer],
        booking_url="https://example.org/book",
    )
    # The month after the one of the farm watch evening (a week away: maybe next month already).
    farm_day = timezone.localdate(farm_watch.starts_at)
    next_month = (farm_day.replace(day=1) + timedelta(days=40)).replace(day=10)
    EventFactory(
        title="Later meeting",
        starts_at=london(next_month, 10),
        ends_at=london(next_month, 11, 30),
    )
    EventFactory(
        title="Yesterday's meeting",
        starts_at=timezone.now() - timedelta(days=1, hours=3),
        ends_at=timezone.now() - timedelta(days=1),
    )

    response = client.get("/events/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Farm watch evening" in html and "Later meeting" in html
    assert "Yesterday&#x27;s meeting" not in html and "Yesterday's meeting" not in html
    assert html.index("Farm watch evening") < html.index(f"{next_month:%B %Y}")
    assert "Commissioner for Anyshire, Alex Holder" in html
    assert "Deputy Commissioner, Sam Deputy" in html
    assert "Priya Shah, community ambassador for Herefordshire" in html
    assert "Community ambassador for Herefordshire" in html  # one without a name on record
    assert unnamed.user.email not in html
    assert "Jo Bloggs, Engagement officer" in html
    assert "Whole force area" in html
    assert "https://example.org/book" in html
    assert "10am to 11:30am" in html
    assert "http://testserver/events.ics" in html


def test_event_list_has_a_friendly_empty_state(client, office):
    html = client.get("/events/").content.decode()
    assert "There are no upcoming events" in html
    assert "/events.ics" in html


def test_area_filter_shows_that_area_and_force_wide_events(client, office):
    shropshire = PolicingAreaFactory(name="Shropshire", slug="shropshire")
    hereford = PolicingAreaFactory(name="Herefordshire", slug="herefordshire")
    EventFactory(title="Shrewsbury surgery", policing_area=shropshire)
    EventFactory(title="Hereford forum", policing_area=hereford)
    EventFactory(title="Force-wide conference")

    html = client.get("/events/?area=shropshire").content.decode()
    assert "Shrewsbury surgery" in html and "Force-wide conference" in html
    assert "Hereford forum" not in html
    assert '<option value="shropshire" selected>' in html
    assert "Show events" in html

    unknown = client.get("/events/?area=no-such-area")
    assert unknown.status_code == 200
    for title in ("Shrewsbury surgery", "Hereford forum", "Force-wide conference"):
        assert title in unknown.content.decode()


def test_internal_events_are_hidden_from_the_public_and_shown_to_staff(
    client, office, make_user, sign_in
):
    internal = EventFactory(title="Custody suite visit", is_public=False)
    public = EventFactory(title="Open meeting")

    assert "Custody suite visit" not in client.get("/events/").content.decode()
    assert client.get(f"/events/{internal.uid}/").status_code == 404
    assert client.get(f"/events/{public.uid}/").status_code == 200

    sign_in(make_user("Ambassador"))  # may view events, but is not staff
    assert "Custody suite visit" not in client.get("/events/").content.decode()
    assert client.get(f"/events/{internal.uid}/").status_code == 404

    sign_in(make_user("Engagement officer"))
    html = client.get("/events/").content.decode()
    assert "Custody suite visit" in html and "Internal" in html
    detail = client.get(f"/events/{internal.uid}/")
    assert detail.status_code == 200
    assert "Only staff see this event" in detail.content.decode()


def test_event_detail_shows_the_event(client, office):
    event = EventFactory(title="Rural crime forum", description="Bring your questions.")
    html = client.get(f"/events/{event.uid}/").content.decode()
    assert "Rural crime forum" in html and "Bring your questions." in html
    assert client.get(f"/events/{Event._meta.get_field('uid').default()}/").status_code == 404


# --- The private feed -------------------------------------------------------------------------


def test_private_feed_has_internal_events_and_recurring_meetings(client, office, make_user):
    user = make_user("Engagement officer")
    feed_, key = issue_calendar_feed(user=user, verified=True)
    internal = EventFactory(title="Custody suite visit", is_public=False)
    public = EventFactory(title="Open meeting")
    meeting = StandingMeetingFactory(
        name="Police and Crime Panel", recurrence="FREQ=MONTHLY;INTERVAL=2"
    )
    StandingMeetingFactory(name="Victim Support", recurrence="", first_meeting_on=None)

    calendar = feed(client.get(f"/calendar/{key}/engagement.ics"))

    entries = vevents(calendar)
    meeting_uid = f"standing-meeting-{meeting.pk}@testserver"
    assert set(entries) == {uid(internal), uid(public), meeting_uid}
    assert str(entries[uid(internal)]["SUMMARY"]) == "Internal: Custody suite visit"
    assert str(entries[uid(internal)]["CLASS"]) == "PRIVATE"
    recurring = entries[meeting_uid]
    assert recurring["RRULE"].to_ical() == b"FREQ=MONTHLY;INTERVAL=2"
    assert recurring.decoded("DTSTART") == date(2026, 1, 15)  # all day
    assert str(recurring["SUMMARY"]) == "Police and Crime Panel"

    revoke_calendar_feed(feed=feed_)
    assert client.get(f"/calendar/{key}/engagement.ics").status_code == 404


def test_private_feed_refuses_unknown_keys_and_people_without_the_permission(
    client, office, make_user
):
    assert client.get("/calendar/not-a-real-key/engagement.ics").status_code == 404
    _, ambassador_key = issue_device_token(
        user=make_user("Ambassador"), name="Phone", verified=True
    )
    assert client.get(f"/calendar/{ambassador_key}/engagement.ics").status_code == 404
    _, grants_key = issue_calendar_feed(user=make_user("Grants officer"), verified=True)
    assert client.get(f"/calendar/{grants_key}/engagement.ics").status_code == 404


# --- The staff page ---------------------------------------------------------------------------


def test_staff_calendar_is_for_staff_who_may_view_events(client, make_user, sign_in):
    assert client.get("/staff/engagement/calendar/").status_code == 302  # to sign in
    sign_in(make_user("Ambassador"))
    assert client.get("/staff/engagement/calendar/").status_code == 403
    sign_in(make_user("Grants officer"))
    assert client.get("/staff/engagement/calendar/").status_code == 403
    sign_in(make_user("Engagement officer"))
    assert client.get("/staff/engagement/calendar/").status_code == 200


def test_staff_calendar_lists_events_and_meetings_by_category(client, office, make_user, sign_in):
    EventFactory(title="Custody suite visit", is_public=False)
    EventFactory(title="Open meeting")
    StandingMeetingFactory(name="Police and Crime Panel", chair="Cllr Jones")
    StandingMeetingFactory(
        name="Local Criminal Justice Board",
        category=StandingMeeting.Category.CRIMINAL_JUSTICE,
        recurrence="",
        first_meeting_on=None,
        frequency="As required",
    )
    sign_in(make_user("Engagement officer"))

    html = client.get("/staff/engagement/calendar/").content.decode()

    assert "Custody suite visit" in html and "Open meeting" in html
    assert "Public accountability</caption>" in html
    assert "Criminal justice and statutory agencies</caption>" in html
    assert html.index("Public accountability</caption>") < html.index(
        "Criminal justice and statutory agencies</caption>"
    )
    assert "Every 2 months" in html and "As required" in html and "Cllr Jones" in html
    assert "Next:" in html


def test_staff_calendar_issues_a_private_feed_link_shown_once(client, office, make_user, sign_in):
    user = make_user("Engagement officer")
    sign_in(user)
    EventFactory(title="Custody suite visit", is_public=False)

    response = client.post("/staff/engagement/calendar/", follow=False)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "It will not be shown again" in html
    assert "Copy it now: it is shown once." in html
    assert CalendarFeed.objects.get(user=user).name == "Calendar feed"
    assert not user.device_tokens.exists()
    start = html.index("http://testserver/calendar/")
    url = html[start : html.index("</code>", start)]
    assert "Custody suite visit" in client.get(url).content.decode()
    assert (
        "http://testserver/calendar/"
        not in client.get("/staff/engagement/calendar/").content.decode()
    )


def test_staff_calendar_shows_the_services_error_next_to_the_form(
    client, office, make_user, sign_in, monkeypatch
):
    # The two-factor middleware already keeps unverified staff off the page, so the service's
    # refusal is simulated: whatever it refuses is shown beside the form.
    def refuse(**kwargs):
        raise ValidationError(FEED_NEEDS_TWO_FACTOR)

    monkeypatch.setattr("engagement.views.calendar.issue_calendar_feed", refuse)
    user = make_user("Engagement officer")
    sign_in(user)

    response = client.post("/staff/engagement/calendar/")

    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "govuk-error-summary" in html and 'class="govuk-error-message"' in html
    assert FEED_NEEDS_TWO_FACTOR in html
    assert not CalendarFeed.objects.filter(user=user).exists()


# --- Plain English ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("FREQ=MONTHLY;INTERVAL=2", "Every 2 months"),
        ("FREQ=MONTHLY;INTERVAL=3", "Every 3 months"),
        ("FREQ=MONTHLY", "Every month"),
        ("FREQ=YEARLY", "Every year"),
        ("FREQ=WEEKLY;INTERVAL=6", "Every 6 weeks"),
        ("FREQ=MONTHLY;BYDAY=1TU", "Every month on the first Tuesday"),
        ("FREQ=WEEKLY;BYDAY=MO,TH", "Every week on Monday and Thursday"),
        ("FREQ=YEARLY;BYMONTH=3,9", "Every year in March and September"),
        ("FREQ=MONTHLY;COUNT=4", "Every month, 4 times"),
        ("", ""),
        ("NOT A RULE", ""),
    ],
)
def test_describe_recurrence(rule, text):
    assert describe_recurrence(rule) == text


def test_describe_when_uses_london_time_and_gov_uk_style():
    day = date(2026, 12, 1)
    assert describe_when(london(day, 18, 30), london(day, 20, 30)) == (
        "Tuesday 1 December 2026, 6:30pm to 8:30pm"
    )
    assert describe_when(london(day, 12), london(day, 12)) == "Tuesday 1 December 2026, midday"
    as_utc = london(date(2026, 7, 1), 10).astimezone(UTC)
    assert describe_when(as_utc, as_utc + timedelta(hours=1)).endswith("10am to 11am")


# --- Standing meetings as reference data ------------------------------------------------------


def test_warwickshire_meetings_load_once(db):
    with (OFFICES_DIR / "warwickshire.toml").open("rb") as handle:
        rows = tomllib.load(handle)["standing_meetings"]

    first = load_reference_data(office="warwickshire")
    second = load_reference_data(office="warwickshire")

    assert StandingMeeting.objects.count() == len(rows)
    assert first.sections["standing_meetings"].created == len(rows)
    assert second.sections["standing_meetings"].created == 0
    assert set(StandingMeeting.objects.values_list("category", flat=True)) == set(
        StandingMeeting.Category.values
    )
    for meeting in StandingMeeting.objects.exclude(recurrence=""):
        meeting.full_clean()
        assert meeting.first_meeting_on.year == 2013
    panel = StandingMeeting.objects.get(name="Meeting in Public: PCC and Chief Constable")
    assert panel.recurrence == "FREQ=MONTHLY;INTERVAL=2"


def test_default_office_meetings_include_those_the_seeds_name(reference_data):
    names = set(StandingMeeting.objects.values_list("name", flat=True))
    assert {
        "Police and Crime Panel",
        "Local Criminal Justice Board",
        "Rural and business crime board",
        "Strategic Custody Users Forum",
        "Community safety partnerships",
    } <= names
    board = StandingMeeting.objects.get(name="Rural and business crime board")
    assert board.recurrence == "FREQ=MONTHLY;INTERVAL=3"
    assert board.first_meeting_on.year == 2026
    assert StandingMeeting.objects.get(name="Police and Crime Panel").frequency == "As required"


def test_a_bad_meeting_row_loads_nothing(db, monkeypatch):
    from engagement.reference_data import load_standing_meetings

    rows = [
        {"name": "Good", "category": "councils", "recurrence": ""},
        {"name": "Bad", "category": "councils", "recurrence": "FREQ=SOMETIMES"},
    ]
    with pytest.raises(ValueError, match="Bad"):
        load_standing_meetings(rows, update=False)
    with pytest.raises(ValueError, match="unknown category"):
        load_standing_meetings([{"name": "X", "category": "parish"}], update=False)
    with pytest.raises(ValueError, match="no first_meeting_on"):
        load_standing_meetings(
            [{"name": "Y", "category": "councils", "recurrence": "FREQ=YEARLY"}], update=False
        )


# --- Demo events ------------------------------------------------------------------------------


def test_demo_events_are_dated_around_today_and_idempotent(reference_data):
    today = timezone.localdate()
    out = io.StringIO()

    fill_events(today=today, stdout=out)
    fill_events(today=today, stdout=out)

    events = Event.objects.all()
    assert events.count() == len(DEMO_EVENTS)
    assert "0 created" in out.getvalue().splitlines()[-1]
    days = [(timezone.localtime(e.starts_at).date() - today).days for e in events]
    assert min(days) >= -62 and max(days) <= 92
    assert any(d < 0 for d in days) and any(d > 0 for d in days)
    assert events.filter(is_public=False).exists()
    assert events.filter(policing_area=None).exists()
    assert events.filter(holder_attends=True).exists()
    assert events.exclude(booking_url="").exists() and events.filter(booking_url="").exists()
    assert all(e.booking_url.startswith("https://example.org/") for e in events if e.booking_url)
    assert events.exclude(policing_area=None).values("policing_area").distinct().count() == 5


# --- Query counts (decision 25) ---------------------------------------------------------------


def _events_with_people(count: int, areas, ambassadors, officers) -> None:
    for n in range(count):
        EventFactory(
            policing_area=areas[n % len(areas)],
            holder_attends=n % 2 == 0,
            is_public=n % 5 != 0,
            ambassadors=ambassadors,
            officers=officers,
        )


@pytest.mark.parametrize(
    ("path", "as_staff"),
    [
        ("/events/", False),
        ("/events/", True),
        ("/events.ics", False),
        ("/staff/engagement/calendar/", True),
    ],
)
def test_query_counts_do_not_grow_with_rows(
    client, office, make_user, sign_in, assert_flat_queries, path, as_staff
):
    areas = PolicingAreaFactory.create_batch(3)
    ambassadors = [AmbassadorFactory(policing_area=area) for area in areas[:2]]
    officers = StaffMemberFactory.create_batch(2)
    StandingMeetingFactory.create_batch(3)
    if as_staff:
        sign_in(make_user("Engagement officer"))
    # 50 rows is more than a page: the page still shows a full page of rows.
    assert_flat_queries(
        lambda count: _events_with_people(count, areas, ambassadors, officers),
        lambda: client.get(path),
    )


def test_private_feed_query_count_does_not_grow_with_rows(
    client, office, make_user, assert_flat_queries
):
    _, key = issue_calendar_feed(user=make_user("Engagement officer"), verified=True)
    areas = PolicingAreaFactory.create_batch(2)
    officers = StaffMemberFactory.create_batch(2)

    def make_rows(count):
        _events_with_people(count, areas, [], officers)
        StandingMeetingFactory.create_batch(count // 5)

    response = assert_flat_queries(make_rows, lambda: client.get(f"/calendar/{key}/engagement.ics"))
    assert len(vevents(Calendar.from_ical(response.content))) == 50 + 10  # events, meetings


def test_the_home_page_lists_the_next_public_events(client, reference_data):
    from datetime import timedelta

    from django.utils import timezone

    soon = timezone.now() + timedelta(days=2)
    EventFactory(title="Ledbury street surgery", starts_at=soon, ends_at=soon + timedelta(hours=2))
    EventFactory(
        title="Internal planning day",
        is_public=False,
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
    )
    html = client.get("/").content.decode()
    assert "Ledbury street surgery" in html
    assert "Internal planning day" not in html
    assert "There are no public events coming up at the moment." not in html
