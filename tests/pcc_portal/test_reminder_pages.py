"""Where reminders are seen: the staff page listing what the daily digests sent, to whom and
when, and each signed-in person's own upcoming items on their home page."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pcc_portal import registry
from pcc_portal.models import ReminderSent
from pcc_portal.registry import Reminder
from pcc_portal.reminders import send_reminder_digests
from tests.engagement.factories import LONDON
from tests.pcc_portal.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/staff/reminders/"


@pytest.fixture
def provider(monkeypatch):
    """Only the reminders a test names, from one made-up provider."""
    given: list[Reminder] = []
    monkeypatch.setattr(registry, "reminder_providers", registry.Registry())
    registry.register_reminder_provider("tests", lambda *, start, end: list(given))
    return given


def sent(person, n=0, *, on=datetime(2026, 11, 23, 7, tzinfo=LONDON), **kwargs):
    return ReminderSent.objects.create(
        key=kwargs.pop("key", f"tests.item:{person.pk}:{n}:{on.date().isoformat()}"),
        recipient=person,
        due_on=kwargs.pop("due_on", date(2026, 11, 30)),
        title=kwargs.pop("title", f"Milestone {n} due"),
        url=kwargs.pop("url", "/staff/somewhere/"),
        sent_at=on,
        **kwargs,
    )


# --- The staff page -----------------------------------------------------------------------------


def test_the_page_lists_what_was_sent_to_whom_and_when(client, signed_in_as, provider, office):
    signed_in_as("Staff officer")
    person = UserFactory(full_name="Amy Green", email="amy@example.org")
    provider.append(
        Reminder(
            key="tests.milestone:1:2026-11-30",
            recipients=(person,),
            due_on=date(2026, 11, 30),
            title="Milestone due 30 November 2026: the December newsletter",
            url="/staff/delivery/1/",
        )
    )
    send_reminder_digests(today=date(2026, 11, 23))

    response = client.get(PAGE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Amy Green" in page and "amy@example.org" in page
    assert "the December newsletter" in page and 'href="/staff/delivery/1/"' in page
    assert "30 Nov 2026" in page
    assert f"{timezone.localtime():%-d %b %Y}" in page  # when it was sent
    assert "1 reminder sent" in page


@pytest.mark.parametrize(
    "role, status",
    [
        ("Administrator", 200),
        ("Staff officer", 200),
        ("Performance officer", 200),
        ("Commissioner and Deputy", 403),
        ("Engagement officer", 403),
        ("Grants officer", 403),
        ("Ambassador", 403),
        ("Applicant", 403),
    ],
)
def test_who_may_read_it(client, make_user, sign_in, role, status):
    sign_in(make_user(role))
    assert client.get(PAGE).status_code == status
    shown = f'href="{PAGE}"' in client.get("/").content.decode()
    assert shown == (status == 200)


def test_the_public_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))


def test_filtered_by_person_and_date(client, signed_in_as):
    signed_in_as("Staff officer")
    amy, ben = UserFactory(full_name="Amy Green"), UserFactory(full_name="Ben Hill")
    sent(amy, 1, title="Amy's early one", on=datetime(2026, 11, 2, 7, tzinfo=LONDON))
    sent(amy, 2, title="Amy's late one", on=datetime(2026, 11, 23, 7, tzinfo=LONDON))
    sent(ben, 3, title="Ben's one", on=datetime(2026, 11, 23, 7, tzinfo=LONDON))

    page = client.get(PAGE, {"recipient": amy.pk}).content.decode()
    assert "Amy&#x27;s early one" in page and "Amy&#x27;s late one" in page
    assert "Ben&#x27;s one" not in page
    assert "Selected filters" in page

    page = client.get(PAGE, {"sent_from": "2026-11-20"}).content.decode()
    assert "Amy&#x27;s late one" in page and "Ben&#x27;s one" in page
    assert "Amy&#x27;s early one" not in page

    page = client.get(PAGE, {"recipient": amy.pk, "sent_to": "2026-11-10"}).content.decode()
    assert "Amy&#x27;s early one" in page and "Amy&#x27;s late one" not in page


def test_a_bad_filter_is_refused_in_words(client, signed_in_as):
    signed_in_as("Staff officer")
    response = client.get(PAGE, {"sent_from": "not a date", "recipient": "999999"})
    assert response.status_code == 400
    assert "govuk-error-message" in response.content.decode()


def test_newest_first_and_paginated(client, signed_in_as):
    signed_in_as("Staff officer")
    person = UserFactory()
    start = datetime(2026, 9, 1, 7, tzinfo=LONDON)
    for n in range(55):
        sent(person, n, title=f"Item number {n:02d}", on=start + timedelta(days=n))

    first = client.get(PAGE).content.decode()
    assert first.index("Item number 54") < first.index("Item number 53")
    assert "Item number 04" not in first and "Page 1 of 2" in first
    second = client.get(PAGE, {"page": 2}).content.decode()
    assert "Item number 04" in second and "Item number 54" not in second


def test_the_page_takes_as_many_queries_for_50_rows_as_for_5(
    client, signed_in_as, assert_flat_queries
):
    signed_in_as("Staff officer")
    counter = iter(range(10_000))

    def make_rows(count):
        for _ in range(count):
            n = next(counter)
            sent(UserFactory(), n)

    response = assert_flat_queries(make_rows, lambda: client.get(PAGE))
    assert "50 reminders sent" in response.content.decode()


# --- The home page ------------------------------------------------------------------------------


def test_a_signed_in_person_sees_their_own_upcoming_items(client, sign_in, provider, office):
    person, other = UserFactory(), UserFactory()
    today = timezone.localdate()
    provider += [
        Reminder("t.a:1", (person,), today + timedelta(days=3), "Report due soon", "/staff/a/"),
        Reminder("t.b:2", (person,), today - timedelta(days=2), "Review overdue", "/staff/b/"),
        Reminder("t.c:3", (person,), today + timedelta(days=20), "Far ahead", "/staff/c/"),
        Reminder("t.d:4", (other,), today + timedelta(days=3), "Someone else's", "/staff/d/"),
    ]
    sign_in(person)

    page = client.get("/").content.decode()

    assert "Coming up for you" in page
    assert 'href="/staff/a/"' in page and "Report due soon" in page
    assert "Review overdue" in page and "Overdue: was due" in page
    assert "Far ahead" not in page and "Someone else" not in page
    assert page.index("Review overdue") < page.index("Report due soon")


def test_nothing_due_says_so(client, sign_in, provider, office):
    sign_in(UserFactory())
    page = client.get("/").content.decode()
    assert "Coming up for you" in page
    assert "Nothing is due for you in the next 14 days." in page


def test_the_public_home_page_has_no_personal_section(client, provider, office):
    provider.append(
        Reminder("t.a:1", (UserFactory(),), timezone.localdate(), "Private item", "/staff/a/")
    )
    page = client.get("/").content.decode()
    assert "Coming up for you" not in page and "Private item" not in page
