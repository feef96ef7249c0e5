"""The newsletter pages: compose, preview, test, send with its progress, pause and resume, and
the public web view of a sent issue."""

import pytest

from engagement import newsletters
from engagement.newsletter_models import Newsletter
from pcc_portal.models import BulkMailing, OutboundMessage
from tests.engagement.news_factories import (
    DistributionListFactory,
    NewsItemFactory,
    NewsletterFactory,
    subscribe,
)

BASE = "/staff/engagement/newsletters/"


@pytest.fixture
def weekly(db):
    weekly = DistributionListFactory(name="Weekly newsletter", slug="weekly-newsletter")
    subscribe(weekly, "ann@example.org")
    subscribe(weekly, "bob@example.org")
    return weekly


@pytest.fixture
def officer(signed_in_as):
    return signed_in_as("Engagement officer", email="officer@example.org")


def test_an_issue_is_composed_previewed_and_tested(client, officer, weekly):
    story = NewsItemFactory(title="Our new ambassadors")
    assert client.get(BASE + "new/").status_code == 200
    response = client.post(
        BASE + "new/",
        {
            "subject": "November news",
            "kind": Newsletter.Kind.OTHER,
            "introduction": "Hello & welcome",
            "lists": [weekly.pk],
            "news_items": [story.pk],
            "sections": ["events", "consultations"],
        },
    )
    issue = Newsletter.objects.get()
    assert response.url == f"{BASE}{issue.pk}/"
    assert issue.sections == ["events", "consultations"]

    page = client.get(response.url).content.decode()
    assert "November news" in page and "Our new ambassadors" in page
    assert "Send it now" in page and "Send a test to officer@example.org" in page

    preview = client.get(f"{BASE}{issue.pk}/preview/")
    html = preview.content.decode()
    assert "<!DOCTYPE html>" in html and "Hello &amp; welcome" in html
    # The email's inline styles show; no script can run in it.
    policy = preview["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src 'none'" in policy
    assert "sandbox" in policy
    text = client.get(f"{BASE}{issue.pk}/preview.txt")
    assert text["Content-Type"].startswith("text/plain")
    assert "Hello & welcome" in text.content.decode()

    client.post(f"{BASE}{issue.pk}/", {"action": "test"})
    assert OutboundMessage.objects.get().to_email == "officer@example.org"


def test_composing_without_a_list_is_refused_in_govuk_words(client, officer, weekly):
    response = client.post(BASE + "new/", {"subject": "", "kind": "other"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a subject" in page
    assert "Select at least one list to send the issue to" in page


def test_an_issue_is_sent_from_its_page_and_shows_its_progress(client, officer, weekly):
    issue = NewsletterFactory(subject="November news", lists=[weekly])
    confirm = client.get(f"{BASE}{issue.pk}/send/").content.decode()
    assert "It goes to 2 addresses on Weekly newsletter" in confirm

    client.post(f"{BASE}{issue.pk}/send/")

    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SENDING
    page = client.get(f"{BASE}{issue.pk}/").content.decode()
    assert "Pause sending" in page and "Still to send" in page
    assert "newsletter-progress.js" in page
    progress = client.get(f"{BASE}{issue.pk}/progress/").json()
    assert progress == {"status": "sending", "sent": 0, "failed": 0, "remaining": 2, "total": 2}

    client.post(f"{BASE}{issue.pk}/", {"action": "pause"})
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.PAUSED
    assert "Resume sending" in client.get(f"{BASE}{issue.pk}/").content.decode()
    client.post(f"{BASE}{issue.pk}/", {"action": "resume"})
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SENDING
    # A second send does nothing but say why.
    client.post(f"{BASE}{issue.pk}/send/")
    assert BulkMailing.objects.count() == 1


def test_an_issue_is_scheduled_from_its_page(client, officer, weekly):
    issue = NewsletterFactory(lists=[weekly])
    response = client.post(
        f"{BASE}{issue.pk}/",
        {"day_0": "1", "day_1": "1", "day_2": "2099", "at": "07:30", "schedule": "Schedule"},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SCHEDULED
    assert issue.scheduled_for.isoformat().startswith("2099-01-01T07:30")
    client.post(f"{BASE}{issue.pk}/", {"action": "unschedule"})
    bad = client.post(f"{BASE}{issue.pk}/", {"day_0": "", "at": "07:30", "schedule": "Schedule"})
    assert bad.status_code == 400
    assert "Enter the day to send it" in bad.content.decode()


def test_the_newsletter_pages_are_for_those_who_may_open_them(client, signed_in_as, weekly):
    issue = NewsletterFactory(lists=[weekly])
    assert client.get(BASE).status_code == 302
    signed_in_as("Grants officer")
    for path in (BASE, f"{BASE}new/", f"{BASE}{issue.pk}/", f"{BASE}{issue.pk}/preview/"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"{BASE}{issue.pk}/send/").status_code == 403
    assert client.post(f"{BASE}{issue.pk}/", {"action": "pause"}).status_code == 403
    assert not BulkMailing.objects.exists()


def test_the_issue_list_takes_the_same_queries_for_5_and_50(
    client, officer, weekly, assert_flat_queries
):
    assert_flat_queries(lambda n: NewsletterFactory.create_batch(n), lambda: client.get(BASE))


# --- The public web view ------------------------------------------------------------------------


def test_a_sent_issue_has_a_public_web_view(client, make_user, weekly):
    issue = NewsletterFactory(subject="November news", lists=[weekly])
    path = f"/newsletter/issues/{issue.pk}/"
    assert client.get(path).status_code == 404  # not sent yet
    newsletters.send_issue(newsletter=issue, by=make_user("Engagement officer"))
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "November news" in page
    assert "Get our newsletter by email" in page
