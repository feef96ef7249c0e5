"""News items: an ambassador's story goes to an engagement officer to approve; published ones
are on the public news page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from engagement import news
from engagement.newsletter_models import NewsItem
from pcc_portal.models import OutboundMessage
from tests.engagement.news_factories import NewsItemFactory

Status = NewsItem.Status


@pytest.fixture
def engagement_officer(make_user):
    return make_user("Engagement officer", email="officer@example.org", full_name="Olive Officer")


@pytest.fixture
def writer(ambassador):
    return ambassador.user


def _story(by, title="Ambassadors at the county show"):
    return news.write_news_item(
        title=title, summary="We met 200 people.", body="It was **busy**.", by=by
    )


def test_an_ambassadors_story_waits_for_an_engagement_officer(writer, engagement_officer):
    item = _story(writer)
    assert item.status == Status.DRAFT and item.slug == "ambassadors-at-the-county-show"
    # An ambassador cannot publish: only send for approval.
    assert [m.target for m in news.moves_for(writer, item)] == [Status.AWAITING_APPROVAL]
    with pytest.raises(PermissionDenied):
        news.move_news_item(item=item, to=Status.PUBLISHED, by=writer)

    item = news.move_news_item(item=item, to=Status.AWAITING_APPROVAL, by=writer)

    assert item.status == Status.AWAITING_APPROVAL
    told = OutboundMessage.objects.get()
    assert told.to_email == "officer@example.org"
    assert told.template == "engagement/email/news_awaiting_approval"
    assert told.context["url"].endswith(reverse("engagement:news_item_review", args=[item.pk]))
    # Waiting for approval, it is no longer the author's to change.
    assert not writer.has_perm("engagement.change_news_item", item)
    with pytest.raises(PermissionDenied):
        news.change_news_item(item=item, title="X", summary="Y", body="Z", by=writer)

    item = news.move_news_item(item=item, to=Status.PUBLISHED, by=engagement_officer)
    assert item.status == Status.PUBLISHED and item.published_at is not None
    assert item.reviewed_by == engagement_officer


def test_a_story_sent_back_needs_a_note_and_tells_its_author(writer, engagement_officer):
    item = news.move_news_item(item=_story(writer), to=Status.AWAITING_APPROVAL, by=writer)
    with pytest.raises(ValidationError) as error:
        news.move_news_item(item=item, to=Status.REJECTED, by=engagement_officer)
    assert "note" in error.value.message_dict

    item = news.move_news_item(
        item=item, to=Status.REJECTED, by=engagement_officer, note="Add the date."
    )

    assert item.status == Status.REJECTED and item.review_note == "Add the date."
    told = OutboundMessage.objects.get(template="engagement/email/news_sent_back")
    assert told.to_email == writer.email and told.context["note"] == "Add the date."
    # Back with its author, who may correct it and send it again.
    news.change_news_item(item=item, title="The county show", summary="S", body="B", by=writer)
    item = news.move_news_item(item=item, to=Status.AWAITING_APPROVAL, by=writer)
    assert item.status == Status.AWAITING_APPROVAL


def test_an_engagement_officer_publishes_their_own_story(engagement_officer):
    item = _story(engagement_officer)
    assert [m.target for m in news.moves_for(engagement_officer, item)] == [Status.PUBLISHED]
    item = news.move_news_item(item=item, to=Status.PUBLISHED, by=engagement_officer)
    assert item.reviewed_by is None
    item = news.move_news_item(item=item, to=Status.DRAFT, by=engagement_officer)
    assert item.published_at is None


def test_who_may_write_news(make_user, writer):
    assert writer.has_perm("engagement.write_news")
    for role in ("Engagement officer",):
        assert make_user(role).has_perm("engagement.write_news")
    for role in (None, "Applicant", "Grant assessor"):
        with pytest.raises(PermissionDenied):
            _story(make_user(role))


def test_a_moves_that_does_not_exist_is_refused(engagement_officer):
    item = _story(engagement_officer)
    with pytest.raises(ValidationError, match="cannot be sent back"):
        news.move_news_item(item=item, to=Status.REJECTED, by=engagement_officer, note="No")


def test_titles_make_unique_addresses(engagement_officer):
    assert _story(engagement_officer, "Same").slug == "same"
    assert _story(engagement_officer, "Same").slug == "same-2"


# --- The public pages -------------------------------------------------------------------------


def test_the_news_page_lists_published_stories_only(client, db):
    NewsItemFactory(title="Published story", summary="The summary shown.")
    NewsItemFactory(title="A draft", status=Status.DRAFT, published_at=None)
    NewsItemFactory(title="Waiting", status=Status.AWAITING_APPROVAL, published_at=None)
    response = client.get("/news/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Published story" in page and "The summary shown." in page
    assert "A draft" not in page and "Waiting" not in page
    assert "sessionid" not in response.cookies


def test_a_story_has_its_own_page(client, db):
    item = NewsItemFactory(title="Published story", body="It was **busy**.")
    draft = NewsItemFactory(status=Status.DRAFT, published_at=None)
    response = client.get(f"/news/{item.slug}/")
    assert response.status_code == 200
    assert "<strong>busy</strong>" in response.content.decode()
    assert client.get(f"/news/{draft.slug}/").status_code == 404


def test_the_news_page_is_cached_until_a_story_changes(client, db, settings):
    settings.PUBLIC_CACHE = True
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "n"}
    }
    item = NewsItemFactory(title="First title")
    assert "First title" in client.get("/news/").content.decode()
    NewsItem.objects.filter(pk=item.pk).update(title="Not seen: update() sends no signal")
    assert "First title" in client.get("/news/").content.decode()
    item.title = "Second title"
    item.save()
    assert "Second title" in client.get("/news/").content.decode()


def test_the_news_list_takes_the_same_queries_for_5_and_50_stories(client, db, assert_flat_queries):
    assert_flat_queries(
        lambda n: NewsItemFactory.create_batch(n), lambda: client.get("/news/"), at_most=6
    )


# --- The staff pages --------------------------------------------------------------------------


def test_an_ambassador_writes_and_sends_a_story_from_the_pages(client, sign_in, writer):
    sign_in(writer)
    assert client.get("/staff/engagement/news/new/").status_code == 200
    response = client.post(
        "/staff/engagement/news/new/",
        {"title": "Our stall", "summary": "We were there.", "body": "All day."},
    )
    item = NewsItem.objects.get()
    assert response.url == f"/staff/engagement/news/{item.pk}/"
    page = client.get(response.url).content.decode()
    assert "Send for approval" in page and "Publish" not in page
    client.post(response.url, {"to": Status.AWAITING_APPROVAL})
    item.refresh_from_db()
    assert item.status == Status.AWAITING_APPROVAL
    NewsItemFactory(title="Someone else's")
    # Their own list, in their own menu, shows their own stories only.
    assert client.get("/staff/engagement/news/").status_code == 403
    listing = client.get("/ambassador/news/").content.decode()
    assert "Our stall" in listing and "Someone else&#x27;s" not in listing
    other = NewsItem.objects.get(title="Someone else's")
    assert client.get(f"/staff/engagement/news/{other.pk}/").status_code == 403


def test_an_engagement_officer_approves_from_the_pages(client, sign_in, writer, engagement_officer):
    item = news.move_news_item(item=_story(writer), to=Status.AWAITING_APPROVAL, by=writer)
    sign_in(engagement_officer)
    listing = client.get("/staff/engagement/news/").content.decode()
    assert "Waiting for your approval" in listing and item.title in listing
    response = client.post(f"/staff/engagement/news/{item.pk}/", {"to": Status.REJECTED})
    assert response.status_code == 400
    assert "Enter why the story is not published" in response.content.decode()
    client.post(f"/staff/engagement/news/{item.pk}/", {"to": Status.PUBLISHED})
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED


def test_the_news_pages_are_closed_to_the_public(client, signed_in_as):
    assert client.get("/staff/engagement/news/").status_code == 302
    signed_in_as("Applicant")
    assert client.get("/staff/engagement/news/").status_code == 403
    assert client.get("/staff/engagement/news/new/").status_code == 403


def test_the_staff_news_list_takes_the_same_queries_for_5_and_50(
    client, sign_in, engagement_officer, assert_flat_queries
):
    sign_in(engagement_officer)
    assert_flat_queries(
        lambda n: NewsItemFactory.create_batch(n, status=Status.AWAITING_APPROVAL),
        lambda: client.get("/staff/engagement/news/"),
    )
