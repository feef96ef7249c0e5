"""The news page, a story and a sent newsletter's web view on a 320 px phone: they fit the
screen and pass the automated WCAG 2.2 A and AA checks."""

import pytest

from engagement import newsletters
from engagement.newsletter_models import Newsletter
from tests.engagement.factories import EventFactory
from tests.engagement.news_factories import (
    DistributionListFactory,
    NewsItemFactory,
    NewsletterFactory,
    subscribe,
)

from .conftest import accessibility_problems, assert_fits

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_news_pages_and_a_newsletters_web_view_pass_the_wcag_checks(
    live_server, audited_phone, axe_source, make_user, settings
):
    settings.SITE_URL = live_server.url
    page = audited_phone
    story = NewsItemFactory(
        title="Ambassadors at the county show",
        summary="We met more than 200 people over two days.",
        body="Our ambassadors were at the show.\n\n**Thank you** to everyone who came.",
    )
    NewsItemFactory.create_batch(3)
    EventFactory(title="Public meeting in Worcester")
    weekly = DistributionListFactory(name="Weekly newsletter", slug="weekly-newsletter")
    subscribe(weekly, "ann@example.org")
    issue = NewsletterFactory(
        subject="This week's news",
        lists=[weekly],
        news_items=[story],
        sections=["events", "consultations", "outcomes", "grant_rounds"],
    )
    newsletters.send_issue(newsletter=issue, by=make_user("Engagement officer"))
    assert Newsletter.objects.get().status == Newsletter.Status.SENDING

    for path in ("/news/", f"/news/{story.slug}/", f"/newsletter/issues/{issue.pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1, path
        assert_fits(page)
        assert accessibility_problems(page, axe_source) == [], path
    assert "Public meeting in Worcester" in page.content()
