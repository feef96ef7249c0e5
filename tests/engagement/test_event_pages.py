"""Events added and changed on the staff pages (the same rules as the admin), one event as an
"Add to my calendar" file, and the public calendar's past events."""

import uuid
from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone
from icalendar import Calendar

from engagement.event_forms import parse_time
from engagement.event_services import EventDetails, add_event, change_event
from engagement.models import Event
from pcc_portal.roles import ROLES
from tests.engagement.factories import (
    LONDON,
    AmbassadorFactory,
    EventFactory,
    StaffMemberFactory,
)
from tests.pcc_portal.factories import PolicingAreaFactory

pytestmark = pytest.mark.django_db

ADD = "/staff/engagement/calendar/events/new/"
MAY_CHANGE_EVENTS = {"Administrator", "Engagement officer", "Staff officer"}


def change_url(event: Event) -> str:
    return f"/staff/engagement/calendar/events/{event.pk}/change/"


def next_month() -> date:
    return timezone.localdate() + timedelta(days=30)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def form_data(day: date | None = None, **changes) -> dict:
    day = day or next_month()
    data = {
        "title": "Policing in Ledbury: public meeting",
        "kind": Event.Kind.PUBLIC_MEETING,
        "on_date_0": str(day.day),
        "on_date_1": str(day.month),
        "on_date_2": str(day.year),
        "starts": "6:30pm",
        "ends": "20:30",
        "end_date_0": "",
        "end_date_1": "",
        "end_date_2": "",
        "venue": "Market hall, Ledbury",
        "policing_area": "",
        "is_public": "yes",
        "description": "Hear how the local team is tackling what residents raised.",
        "booking_url": "example.org/book",
    }
    data.update(changes)
    return data


def calendar_of(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


# --- Who may open the pages -------------------------------------------------------------------


@pytest.mark.parametrize("role", [role.name for role in ROLES])
def test_the_pages_open_for_those_who_may_add_and_change_events(
    client, office, make_user, sign_in, role
):
    event = EventFactory()
    user = make_user(role)
    if role == "Ambassador":
        AmbassadorFactory(user=user)
    sign_in(user)
    expected = 200 if role in MAY_CHANGE_EVENTS else 403
    assert client.get(ADD).status_code == expected
    assert client.get(change_url(event)).status_code == expected
    assert client.post(ADD, form_data()).status_code in ((302,) if expected == 200 else (403,))
    staff_page = client.get("/staff/engagement/calendar/")
    if staff_page.status_code == 200:
        html = staff_page.content.decode()
        assert ('href="/staff/engagement/calendar/events/new/"' in html) == (expected == 200)
        assert (f'href="{change_url(event)}"' in html) == (expected == 200)


def test_a_grants_officer_is_refused_and_nothing_is_stored(client, office, signed_in_as):
    event = EventFactory(title="Before")
    signed_in_as("Grants officer")
    assert client.post(ADD, form_data()).status_code == 403
    assert client.post(change_url(event), form_data(title="After")).status_code == 403
    assert list(Event.objects.values_list("title", flat=True)) == ["Before"]


def test_the_public_is_sent_to_sign_in(client, office):
    event = EventFactory()
    for url in (ADD, change_url(event)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")


def test_the_admin_asks_the_same_rules(make_user, office):
    admin = site._registry[Event]
    event = EventFactory()
    for role in (
        "Engagement officer",
        "Staff officer",
        "Performance officer",
        "Commissioner and Deputy",
    ):
        request = RequestFactory().get("/admin/")
        request.user = make_user(role)
        may = role in MAY_CHANGE_EVENTS
        assert admin.has_add_permission(request) is may, role
        assert admin.has_change_permission(request, event) is may, role
        assert admin.has_change_permission(request) is may, role


# --- Adding and changing through the pages ----------------------------------------------------


def test_an_event_added_on_the_page_is_on_the_public_calendar(client, office, signed_in_as):
    area = PolicingAreaFactory(name="Herefordshire")
    ambassador = AmbassadorFactory(policing_area=area, user__full_name="Priya Shah")
    officer = StaffMemberFactory(name="Jo Bloggs")
    signed_in_as("Staff officer")
    day = next_month()

    response = client.post(
        ADD,
        form_data(
            day,
            policing_area=area.pk,
            office_attends=["holder"],
            ambassadors=[ambassador.pk],
            officers=[officer.pk],
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/engagement/calendar/"
    event = Event.objects.get()
    assert event.title == "Policing in Ledbury: public meeting"
    assert event.starts_at == london(day, 18, 30)
    assert event.ends_at == london(day, 20, 30)
    assert event.policing_area == area and event.holder_attends and event.is_public
    assert list(event.ambassadors.all()) == [ambassador]
    assert list(event.officers.all()) == [officer]
    assert event.booking_url == "https://example.org/book"
    staff_page = client.get(response["Location"]).content.decode()
    assert "Event added: Policing in Ledbury: public meeting" in staff_page
    client.logout()
    assert "Policing in Ledbury: public meeting" in client.get("/events/").content.decode()
    assert "Policing in Ledbury" in client.get("/events.ics").content.decode()


def test_an_event_can_end_on_a_later_day(client, office, signed_in_as):
    signed_in_as("Engagement officer")
    day = next_month()
    later = day + timedelta(days=1)
    response = client.post(
        ADD,
        form_data(
            day,
            starts="9am",
            ends="midday",
            end_date_0=str(later.day),
            end_date_1=str(later.month),
            end_date_2=str(later.year),
        ),
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.starts_at, event.ends_at) == (london(day, 9), london(later, 12))


def test_an_event_is_changed_on_the_page_and_keeps_its_uid(client, office, signed_in_as):
    day = next_month()
    kept = AmbassadorFactory(user__full_name="Left since", active=False)
    event = EventFactory(
        title="Farm watch evening",
        starts_at=london(day, 18, 30),
        ends_at=london(day, 20),
        ambassadors=[kept],
    )
    uid = event.uid
    signed_in_as("Engagement officer")

    page = client.get(change_url(event)).content.decode()
    assert 'value="Farm watch evening"' in page
    assert 'value="6:30pm"' in page and 'value="8pm"' in page
    assert "Left since" in page  # an inactive ambassador stays on the events they attended

    response = client.post(
        change_url(event),
        form_data(day, title="Farm watch: rural crime", starts="7pm", ends="9pm", is_public="no")
        | {"ambassadors": [kept.pk]},
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.uid == uid
    assert event.title == "Farm watch: rural crime"
    assert event.starts_at == london(day, 19)
    assert not event.is_public
    assert list(event.ambassadors.all()) == [kept]


def test_bad_input_is_shown_in_gov_uk_words_and_answers_are_kept(client, office, signed_in_as):
    signed_in_as("Staff officer")
    response = client.post(
        ADD,
        form_data(
            title="",
            kind="",
            starts="25:00",
            ends="",
            on_date_0="31",
            on_date_1="2",
            is_public="",
            booking_url="not a link",
            venue="Village hall, Much Marcle",
            description="Bring your questions about speeding.",
        ),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Add an event" in html
    assert "There is a problem" in html
    for message in (
        "Enter the title of the event",
        "Select what kind of event it is",
        "Date of the event must be a real date",
        "Start time must be a real time, like 6:30pm or 18:30",
        "Enter the end time",
        "Select who can see the event",
        "Enter the booking link as a web address, like https://www.example.org/book",
    ):
        assert message in html, message
    # What was typed is still there to correct.
    assert 'value="Village hall, Much Marcle"' in html
    assert "Bring your questions about speeding." in html
    assert 'value="25:00"' in html
    assert 'value="31"' in html
    assert not Event.objects.exists()


def test_an_end_before_the_start_is_refused(client, office, signed_in_as):
    signed_in_as("Staff officer")
    response = client.post(ADD, form_data(starts="8pm", ends="6pm"))
    assert response.status_code == 400
    assert (
        "The end of the event must be the same as or after its start" in response.content.decode()
    )
    assert not Event.objects.exists()


def test_a_date_years_away_is_refused_and_long_text_is_named(client, office, signed_in_as):
    signed_in_as("Staff officer")
    response = client.post(
        ADD, form_data(on_date_2="2099", description="x" * 2001, venue="v" * 256)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Date of the event must be the same as or before 31 December" in html
    assert "About this event must be 2,000 characters or fewer" in html
    assert "Venue must be 255 characters or fewer" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6:30pm", time(18, 30)),
        ("6.30 pm", time(18, 30)),
        ("6pm", time(18)),
        ("6:30 p.m.", time(18, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("midday", time(12)),
        ("Midnight", time(0)),
        ("18:30", time(18, 30)),
        ("0930", time(9, 30)),
        ("9", None),
        ("25:00", None),
        ("13pm", None),
        ("6:75pm", None),
        ("soon", None),
    ],
)
def test_times_are_read_as_people_write_them(text, expected):
    assert parse_time(text) == expected


# --- The services -----------------------------------------------------------------------------


def details(**changes) -> EventDetails:
    day = next_month()
    values = {
        "title": "Rural crime forum",
        "kind": Event.Kind.FORUM,
        "starts_at": london(day, 18),
        "ends_at": london(day, 20),
        "is_public": True,
    }
    return EventDetails(**(values | changes))


def test_the_services_ask_the_rules(make_user, office):
    with pytest.raises(PermissionDenied):
        add_event(details=details(), by=make_user("Grants officer"))
    event = add_event(details=details(), by=make_user("Staff officer"))
    with pytest.raises(PermissionDenied):
        change_event(
            event=event, details=details(title="Changed"), by=make_user("Commissioner and Deputy")
        )
    event.refresh_from_db()
    assert event.title == "Rural crime forum"


def test_the_services_refuse_what_the_model_refuses(make_user, office):
    officer = make_user("Engagement officer")
    day = next_month()
    with pytest.raises(ValidationError):
        add_event(details=details(ends_at=london(day, 17)), by=officer)
    with pytest.raises(ValidationError) as refused:
        add_event(details=details(description="x" * 2001), by=officer)
    assert "description" in refused.value.message_dict
    assert not Event.objects.exists()
    event = add_event(details=details(), by=officer)
    with pytest.raises(ValidationError):
        change_event(event=event, details=details(ends_at=london(day, 17)), by=officer)
    event.refresh_from_db()
    assert event.ends_at == london(day, 20)


# --- "Add to my calendar" ---------------------------------------------------------------------


def test_one_event_downloads_as_a_calendar_file_with_the_feeds_uid(client, office):
    event = EventFactory(title="Rural crime forum", venue="Village hall, Much Marcle")

    response = client.get(f"/events/{event.uid}.ics")

    calendar = calendar_of(response)
    assert response["Content-Disposition"] == 'attachment; filename="rural-crime-forum.ics"'
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["UID"]) == f"{event.uid}@testserver"
    assert str(entry["SUMMARY"]) == "Rural crime forum"
    assert entry.decoded("DTSTART") == event.starts_at
    assert str(entry["URL"]) == f"http://testserver/events/{event.uid}/"
    feed = calendar_of(client.get("/events.ics"))
    assert str(entry["UID"]) in {str(e["UID"]) for e in feed.walk("VEVENT")}


def test_the_event_page_links_to_its_calendar_file(client, office):
    event = EventFactory()
    html = client.get(f"/events/{event.uid}/").content.decode()
    assert f'href="/events/{event.uid}.ics"' in html
    assert "Add to my calendar" in html
    ended = EventFactory(
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3, hours=-2),
    )
    assert "Add to my calendar" not in client.get(f"/events/{ended.uid}/").content.decode()


def test_an_internal_events_file_is_for_staff_only(client, office, signed_in_as):
    internal = EventFactory(title="Custody suite visit", is_public=False)
    assert client.get(f"/events/{internal.uid}.ics").status_code == 404
    assert client.get(f"/events/{uuid.uuid4()}.ics").status_code == 404
    signed_in_as("Engagement officer")
    response = client.get(f"/events/{internal.uid}.ics")
    (entry,) = calendar_of(response).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Internal: Custody suite visit"
    assert response["Cache-Control"] == "private, no-store"


# --- Past events ------------------------------------------------------------------------------


def past(days_ago: int, **kwargs) -> Event:
    starts = timezone.now() - timedelta(days=days_ago)
    return EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2), **kwargs)


def test_past_events_are_listed_newest_first_and_never_internal(client, office, signed_in_as):
    past(40, title="Spring surgery")
    past(3, title="Last week's forum")
    past(10, title="Custody suite visit", is_public=False)
    EventFactory(title="Next week's meeting")

    html = client.get("/events/past/").content.decode()

    assert html.index("Last week&#x27;s forum") < html.index("Spring surgery")
    assert "Custody suite visit" not in html
    assert "Next week&#x27;s meeting" not in html
    assert "2 past events" in html
    signed_in_as("Engagement officer")
    assert "Custody suite visit" not in client.get("/events/past/").content.decode()


def test_past_events_are_paginated_and_linked_from_the_calendar(client, office):
    for n in range(31):
        past(n + 1, title=f"Meeting {n + 1} days ago")
    first = client.get("/events/past/").content.decode()
    assert "Meeting 1 days ago" in first and "Meeting 31 days ago" not in first
    assert "page 1 of 2" in first
    second = client.get("/events/past/?page=2").content.decode()
    assert "Meeting 31 days ago" in second
    assert 'href="/events/past/"' in client.get("/events/").content.decode()


def test_past_events_take_as_many_queries_for_50_as_for_5(client, office, assert_flat_queries):
    areas = PolicingAreaFactory.create_batch(2)
    ambassadors = [AmbassadorFactory(policing_area=area) for area in areas]
    officers = StaffMemberFactory.create_batch(2)

    def make_rows(count):
        for n in range(count):
            past(
                n + 1,
                policing_area=areas[n % 2],
                holder_attends=n % 2 == 0,
                is_public=n % 5 != 0,
                ambassadors=ambassadors,
                officers=officers,
            )

    response = assert_flat_queries(make_rows, lambda: client.get("/events/past/"))
    assert response.content.decode().count('class="portal-card') == 30


# --- Cached for visitors (decision 35) --------------------------------------------------------


@pytest.fixture
def cache_on(settings):
    settings.PUBLIC_CACHE = True
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


def test_the_new_public_pages_are_cached_until_an_event_changes(
    client, office, cache_on, django_assert_num_queries
):
    event = past(2, title="Rural crime forum")
    paths = ["/events/past/", f"/events/{event.uid}.ics"]
    for path in paths:
        assert client.get(path).status_code == 200
        with django_assert_num_queries(0):
            assert client.get(path).status_code == 200
    event.title = "Rural and business crime forum"
    event.save()
    for path in paths:
        assert "Rural and business crime forum" in client.get(path).content.decode()
