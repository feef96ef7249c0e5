"""The public calendar and the charter are cached for anonymous visitors and rendered afresh when
an event, a person attending, the charter or the office changes (decision 35)."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from engagement.models import ActivityArea, Event
from engagement.views import calendar as calendar_views
from tests.engagement.factories import (
    AmbassadorFactory,
    CharterPrincipleFactory,
    EventFactory,
    StaffMemberFactory,
)
from tests.pcc_portal.factories import PolicingAreaFactory


@pytest.fixture(autouse=True)
def cache_on(settings):
    """The cache on (the suite runs with it off), under keys no other test shares."""
    settings.PUBLIC_CACHE = True
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def event(office):
    return EventFactory(title="Rural crime forum")


def html(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def public_paths(event):
    return ["/", "/charter/", "/events/", f"/events/{event.uid}/", "/events.ics"]


def test_anonymous_gets_set_no_cookie_and_store_no_session(client, event):
    for path in public_paths(event):
        for _ in range(2):  # rendered, then from the cache
            response = client.get(path)
            assert response.status_code == 200, path
            assert not response.cookies, (path, response.cookies)
    assert not client.cookies
    assert not Session.objects.exists()


def test_a_warm_anonymous_get_asks_the_database_nothing(client, event, django_assert_num_queries):
    for path in public_paths(event):
        html(client, path)
        with django_assert_num_queries(0):
            assert client.get(path).status_code == 200


def test_a_new_event_shows_on_the_next_anonymous_get(client, event):
    for path in ("/", "/events/", "/events.ics"):
        assert "Rural crime forum" in html(client, path)
        assert "Speed watch briefing" not in html(client, path)
    EventFactory(title="Speed watch briefing")
    for path in ("/", "/events/", "/events.ics"):
        assert "Speed watch briefing" in html(client, path), path


def test_a_changed_or_deleted_event_shows_on_the_next_anonymous_get(client, event):
    paths = ("/", "/events/", f"/events/{event.uid}/", "/events.ics")
    for path in paths:
        html(client, path)
    event.title = "Rural crime and speeding forum"
    event.save()
    for path in paths:
        assert "Rural crime and speeding forum" in html(client, path), path
    uid = event.uid
    event.delete()
    assert client.get(f"/events/{uid}/").status_code == 404
    assert "Rural crime and speeding forum" not in html(client, "/events/")


def test_who_attends_shows_on_the_next_anonymous_get(client, event):
    path = f"/events/{event.uid}/"
    assert "Jo Bloggs" not in html(client, path)
    ambassador = AmbassadorFactory(user__full_name="Jo Bloggs")
    event.ambassadors.add(ambassador)
    assert "Jo Bloggs" in html(client, path)
    ambassador.user.full_name = "Jo Bloggs-Smith"
    ambassador.user.save()
    assert "Jo Bloggs-Smith" in html(client, "/events/")
    officer = StaffMemberFactory(name="Sam Officer")
    event.officers.add(officer)
    assert "Sam Officer" in html(client, path)
    officer.job_title = "Head of engagement"
    officer.save()
    assert "Sam Officer, Head of engagement" in html(client, "/events/")


def test_the_office_holders_title_shows_on_the_next_anonymous_get(client, office):
    EventFactory(title="Rural crime forum", holder_attends=True)
    assert "Commissioner for Anyshire" in html(client, "/events/")
    office.holder_title = "Mayor of Anyshire"
    office.save()
    assert "Mayor of Anyshire" in html(client, "/events/")


def test_the_charter_shows_changes_on_the_next_anonymous_get(client, reference_data):
    assert "We answer every letter" not in html(client, "/charter/")
    CharterPrincipleFactory(title="We answer every letter")
    assert "We answer every letter" in html(client, "/charter/")
    area = ActivityArea.objects.first()
    area.name = "Rural and farm crime"
    area.save()
    assert "Rural and farm crime" in html(client, "/charter/")


def test_each_area_filter_is_cached_on_its_own(client, office):
    north, south = PolicingAreaFactory(name="North"), PolicingAreaFactory(name="South")
    EventFactory(title="North surgery", policing_area=north)
    EventFactory(title="South surgery", policing_area=south)
    for _ in range(2):
        page = html(client, f"/events/?area={north.slug}")
        assert "North surgery" in page and "South surgery" not in page
        page = html(client, "/events/")
        assert "North surgery" in page and "South surgery" in page


def test_a_renamed_area_shows_on_the_next_anonymous_get(client, office):
    area = PolicingAreaFactory(name="North")
    EventFactory(title="North surgery", policing_area=area)
    html(client, "/events/")
    area.name = "North and West"
    area.save()
    assert "North and West" in html(client, "/events/")


def test_a_query_the_page_does_not_read_is_not_echoed_from_the_cache(client, office):
    for n in range(31):  # two pages, so the pagination links carry the query
        EventFactory(title=f"Meeting {n}")
    first = html(client, "/events/?campaign=one")
    second = html(client, "/events/?campaign=two")
    assert "campaign=one" in first and "campaign=one" not in second


def test_signed_in_staff_still_see_internal_events(client, office, make_user, sign_in):
    EventFactory(title="Public forum")
    internal = EventFactory(title="Custody suite visit", is_public=False)
    assert "Custody suite visit" not in html(client, "/events/")  # cached for visitors
    assert client.get(f"/events/{internal.uid}/").status_code == 404
    sign_in(make_user("Engagement officer"))
    page = html(client, "/events/")
    assert "Custody suite visit" in page and "Public forum" in page
    assert "Only staff see this event" in html(client, f"/events/{internal.uid}/")
    client.logout()
    assert "Custody suite visit" not in html(client, "/events/")
    assert client.get(f"/events/{internal.uid}/").status_code == 404


def test_the_prepared_rows_are_not_worked_out_on_every_request(
    client, office, make_user, sign_in, monkeypatch
):
    EventFactory.create_batch(3)
    calls = []
    real = calendar_views.who_attends
    monkeypatch.setattr(
        calendar_views, "who_attends", lambda *args: calls.append(args) or real(*args)
    )
    sign_in(make_user("Engagement officer"))  # served uncached, from the cached rows
    html(client, "/events/")
    assert len(calls) == 3
    html(client, "/events/")
    assert len(calls) == 3
    EventFactory()
    html(client, "/events/")
    assert len(calls) == 7


def test_an_event_that_has_ended_leaves_the_page_within_the_cache_time(client, office, settings):
    settings.PUBLIC_CACHE_SECONDS = 0  # the bound on how long "upcoming" may lag
    soon = timezone.now() + timedelta(hours=1)
    event = EventFactory(title="Drop-in surgery", starts_at=soon, ends_at=soon)
    assert "Drop-in surgery" in html(client, "/events/")
    past = timezone.now() - timedelta(minutes=1)
    Event.objects.filter(pk=event.pk).update(starts_at=past, ends_at=past)  # no signal
    assert "Drop-in surgery" not in html(client, "/events/")
