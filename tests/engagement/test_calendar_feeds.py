"""A private calendar feed has a secret of its own (decision 13): it opens its one feed,
read-only, and nothing else; a phone's API token opens no feed."""

import pytest

from pcc_portal.calendar_feeds import issue_calendar_feed, revoke_calendar_feed
from pcc_portal.models import CalendarFeed
from pcc_portal.services import issue_device_token
from tests.engagement.factories import EventFactory

pytestmark = pytest.mark.django_db


def feed_url(key: str) -> str:
    return f"/calendar/{key}/engagement.ics"


def test_a_feed_secret_is_refused_by_the_api(client, office, make_user):
    _, key = issue_calendar_feed(user=make_user("Engagement officer"), verified=True)

    response = client.get("/api/v1/policing-areas/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code in (401, 403)
    assert client.get(feed_url(key)).status_code == 200


def test_an_api_token_opens_no_feed(client, office, make_user):
    user = make_user("Engagement officer")
    _, key = issue_device_token(user=user, name="Calendar feed", verified=True)

    assert client.get(feed_url(key)).status_code == 404
    # The token itself still works where it belongs.
    assert (
        client.get("/api/v1/policing-areas/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    )


def test_revoking_a_feed_ends_it(client, office, make_user):
    EventFactory(title="Custody suite visit", is_public=False)
    feed, key = issue_calendar_feed(user=make_user("Engagement officer"), verified=True)
    assert "Custody suite visit" in client.get(feed_url(key)).content.decode()

    revoke_calendar_feed(feed=feed)

    assert client.get(feed_url(key)).status_code == 404


def test_a_feed_asks_the_rule_for_its_owner(client, office, make_user):
    owner = make_user("Engagement officer")
    _, key = issue_calendar_feed(user=owner, verified=True)
    # The owner leaves the role that may see internal events: the feed stops.
    from pcc_portal.services import set_roles

    set_roles(user=owner, roles=["Grants officer"])
    assert client.get(feed_url(key)).status_code == 404


def test_only_the_secret_is_stored_hashed_and_its_use_noted(client, office, make_user):
    feed, key = issue_calendar_feed(user=make_user("Engagement officer"), verified=True)
    assert key not in {feed.key_hash, feed.key_prefix}
    assert feed.last_used_at is None
    client.get(feed_url(key))
    feed.refresh_from_db()
    assert feed.last_used_at is not None


def test_the_staff_calendar_issues_a_feed_not_a_device_token(client, office, make_user, sign_in):
    user = make_user("Engagement officer")
    sign_in(user)

    html = client.post("/staff/engagement/calendar/").content.decode()

    assert not user.device_tokens.exists()
    feed = CalendarFeed.objects.get(user=user)
    start = html.index("http://testserver/calendar/")
    url = html[start : html.index("</code>", start)]
    key = url.split("/")[4]
    assert feed.key_prefix == key[: len(feed.key_prefix)]
    assert client.get(url).status_code == 200
    assert client.get("/api/v1/policing-areas/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (
        401,
        403,
    )


def test_feeds_are_listed_and_revoked_on_the_account_page(client, office, make_user, sign_in):
    user = make_user("Engagement officer")
    sign_in(user)
    feed, key = issue_calendar_feed(user=user, verified=True)
    someone_elses, _ = issue_calendar_feed(user=make_user("Engagement officer"), verified=True)

    html = client.get("/account/").content.decode()
    assert "Calendar feeds" in html and f">{feed.key_prefix}</code>" in html
    assert someone_elses.key_prefix not in html

    assert client.post(f"/account/calendar-feeds/{someone_elses.pk}/revoke/").status_code == 404
    response = client.post(f"/account/calendar-feeds/{feed.pk}/revoke/")
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert client.get(feed_url(key)).status_code == 404
