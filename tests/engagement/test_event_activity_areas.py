"""An event names the strategy's activity areas it serves, on the staff pages and in the admin,
so the delivery plan can count events towards its activity areas."""

import re

import pytest
from django.contrib.admin import site

from engagement.event_services import EventDetails, change_event
from engagement.models import Event
from tests.engagement.factories import ActivityAreaFactory, EventFactory
from tests.engagement.test_event_pages import ADD, change_url, form_data

pytestmark = pytest.mark.django_db

CHECKBOX = re.compile(r"<input[^>]*>", re.S)


def ticked_areas(page: str) -> list[str]:
    """The values of the activity-area checkboxes the page shows ticked."""
    return [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in CHECKBOX.findall(page)
        if 'name="activity_areas"' in tag and "checked" in tag
    ]


@pytest.fixture
def areas(db):
    return (
        ActivityAreaFactory(number=4, name="Children and young people"),
        ActivityAreaFactory(number=5, name="Businesses and rural communities"),
    )


def test_an_event_added_on_the_page_keeps_its_activity_areas(client, office, signed_in_as, areas):
    signed_in_as("Engagement officer")
    young, business = areas

    page = client.get(ADD).content.decode()
    assert "Activity areas it serves (optional)" in page
    assert "Children and young people" in page

    response = client.post(ADD, form_data() | {"activity_areas": [young.pk]})

    assert response.status_code == 302
    event = Event.objects.get()
    assert list(event.activity_areas.all()) == [young]


def test_changing_an_event_shows_and_replaces_its_activity_areas(
    client, office, signed_in_as, areas
):
    young, business = areas
    event = EventFactory()
    event.activity_areas.set([young])
    signed_in_as("Engagement officer")

    page = client.get(change_url(event)).content.decode()
    assert ticked_areas(page) == [str(young.pk)]

    day = event.starts_at.date()
    response = client.post(change_url(event), form_data(day) | {"activity_areas": [business.pk]})

    assert response.status_code == 302
    assert list(event.activity_areas.all()) == [business]


def test_an_event_needs_no_activity_area(client, office, signed_in_as, areas):
    signed_in_as("Engagement officer")
    assert client.post(ADD, form_data()).status_code == 302
    assert not Event.objects.get().activity_areas.exists()


def test_the_service_keeps_the_areas_it_is_given(make_user, office, areas):
    young, business = areas
    event = EventFactory()
    details = EventDetails.of(event)
    assert details.activity_areas == ()

    changed = change_event(
        event=event,
        details=EventDetails(**{**vars(details), "activity_areas": [young, business]}),
        by=make_user("Engagement officer"),
    )

    assert set(changed.activity_areas.all()) == {young, business}
    assert set(EventDetails.of(changed).activity_areas) == {young, business}


def test_the_admin_offers_the_activity_areas():
    assert "activity_areas" in site._registry[Event].filter_horizontal
