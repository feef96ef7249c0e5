"""The demo lists, news and newsletters: about forty subscribers over the standard lists with
their consent, a few suppressed addresses, stories in every state, last Monday's weekly issue
sent to its list, this Monday's drafted and the quarterly scheduled; written through the
services, dated around today, and a second load adds nothing."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from engagement import demo, demo_newsletters, newsletters, subscriptions
from engagement.models import Ambassador
from engagement.newsletter_models import (
    DistributionList,
    NewsItem,
    Newsletter,
    Subscriber,
    Subscription,
    Suppression,
)
from pcc_portal.demo import create_demo_users, demo_email
from pcc_portal.mail.services import date_in_words
from pcc_portal.models import BulkDelivery, OutboundMessage
from pcc_portal.registry import demo_finishers

pytestmark = pytest.mark.django_db

S = Subscription.Status
STORY_EMAILS = ("engagement/email/subscription_confirm", "engagement/email/news_")


def load() -> str:
    out = io.StringIO()
    demo_newsletters.fill(today=timezone.localdate(), stdout=out)
    return out.getvalue()


@pytest.fixture
def people(reference_data):
    """The demo users and ambassadors the lists, stories and issues are made by."""
    create_demo_users()
    demo._ambassadors(timezone.localdate(), io.StringIO())


@pytest.fixture
def filled(people):
    return load()


def mondays():
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    return this_monday, this_monday - timedelta(days=7)


def officer():
    return demo_email("Engagement officer")


def test_the_finisher_is_registered():
    assert demo_finishers.get("engagement") is demo_newsletters.fill


def test_about_forty_subscribers_over_the_standard_lists(filled):
    assert Subscriber.objects.count() == 41
    assert "41 subscribers added" in filled
    # Every standard list has people on it.
    assert set(
        DistributionList.objects.filter(subscriptions__isnull=False).values_list("slug", flat=True)
    ) == set(DistributionList.objects.values_list("slug", flat=True))
    statuses = Subscription.objects.values_list("status", flat=True)
    assert statuses.filter(status=S.PENDING).count() == 5
    assert statuses.filter(status=S.UNSUBSCRIBED).count() == 3
    assert statuses.filter(status=S.CONFIRMED).count() > 40
    people_pending = Subscriber.objects.filter(subscriptions__status=S.PENDING).distinct()
    assert people_pending.count() == 4


def test_each_subscription_keeps_its_consent_record(filled):
    now = timezone.now()
    ambassadors = set(Ambassador.objects.values_list("user", flat=True))
    methods = set()
    for subscription in Subscription.objects.select_related("list", "added_by"):
        methods.add(subscription.consent_method)
        assert subscription.consent_wording
        assert subscription.consent_at < now
        if subscription.status == S.CONFIRMED:
            assert subscription.consent_at <= subscription.confirmed_at < now
        if subscription.status == S.PENDING:
            # Their link (valid for a week) is still waiting in their inbox.
            assert subscription.consent_at > now - subscriptions.CONFIRMATION_VALID_FOR
            assert subscription.confirmed_at is None
        if subscription.status == S.UNSUBSCRIBED:
            assert subscription.consent_at < subscription.unsubscribed_at < now
        method = subscription.consent_method
        if method == Subscription.Method.IMPORT:
            assert not subscription.list.is_public
            assert subscription.lawful_basis != Subscription.Basis.CONSENT
            assert subscription.added_by.email == officer()
        else:
            assert subscription.lawful_basis == Subscription.Basis.CONSENT
        if method == Subscription.Method.IN_PERSON:
            assert subscription.added_by_id in ambassadors
            assert subscription.consent_wording.startswith("Lists agreed to:")
        if method == Subscription.Method.WEB_FORM:
            assert subscription.added_by is None
            assert subscription.consent_wording.startswith("Lists chosen:")
        if method == Subscription.Method.CONSULTATION:
            assert subscription.consent_wording == subscriptions.CONSULTATION_WORDING
            assert subscription.list.slug == "consultations"
    assert methods == set(Subscription.Method.values)
    assert Subscription.objects.order_by("consent_at").first().consent_at < now - timedelta(
        days=200
    )
    # Each person was added when they first agreed.
    for subscriber in Subscriber.objects.prefetch_related("subscriptions"):
        assert subscriber.created_at == min(s.consent_at for s in subscriber.subscriptions.all())


def test_suppressed_addresses_receive_nothing(filled):
    reasons = dict(Suppression.objects.values_list("email", "reason"))
    assert sorted(reasons.values()) == sorted(Suppression.Reason.values)
    assert "4 addresses suppressed" in filled
    for distribution_list in DistributionList.objects.all():
        assert not {r.email for r in distribution_list.recipients()} & set(reasons)
    # The address staff suppressed was in the partners' file, and the import skipped it.
    staff = next(email for email, reason in reasons.items() if reason == "by_staff")
    assert not Subscriber.objects.filter(email=staff).exists()
    assert all(s.created_at < timezone.now() - timedelta(days=1) for s in Suppression.objects.all())


def test_news_stories_in_every_state(filled, client):
    Status = NewsItem.Status
    assert NewsItem.objects.count() == 8
    assert "8 news stories written" in filled
    published = NewsItem.objects.filter(status=Status.PUBLISHED)
    assert published.count() == 6
    assert len({timezone.localdate(item.published_at) for item in published}) == 6
    assert all(item.published_at < timezone.now() for item in published)
    waiting = NewsItem.objects.get(status=Status.AWAITING_APPROVAL)
    assert waiting.author.email == "ambassador@demo.invalid"
    sent_back = NewsItem.objects.get(status=Status.REJECTED)
    assert sent_back.review_note and sent_back.reviewed_by.email == officer()
    # Ambassadors' published stories were approved by the engagement officer.
    approved = published.filter(author__ambassador__isnull=False)
    assert approved.count() == 2
    assert {item.reviewed_by.email for item in approved} == {officer()}
    page = client.get(reverse("engagement:news_list")).content.decode()
    for item in published:
        assert item.title.replace("'", "&#x27;") in page


def test_last_mondays_weekly_issue_was_sent_to_its_list(filled, client):
    _, last_monday = mondays()
    issue = Newsletter.objects.get(status=Newsletter.Status.SENT)
    assert issue.kind == Newsletter.Kind.WEEKLY
    assert timezone.localdate(issue.sent_at) == last_monday
    assert timezone.localdate(issue.created_at) == last_monday
    assert issue.subject == f"Weekly newsletter: {date_in_words(last_monday)}"
    assert [item.slug for item in issue.lists.all()] == ["weekly-newsletter"]
    # The stories published in the week before it.
    assert {timezone.localdate(item.published_at) for item in issue.news_items.all()} == {
        last_monday - timedelta(days=5),
        last_monday - timedelta(days=3),
    }
    recipients = newsletters.recipients(issue)
    assert len(recipients) == 20
    assert issue.mailing.status == "done"
    assert issue.mailing.progress() == {"sent": 20, "failed": 0, "remaining": 0, "total": 20}
    deliveries = BulkDelivery.objects.filter(mailing=issue.mailing)
    assert {d.to_email for d in deliveries} == {r.email for r in recipients}
    assert {timezone.localdate(d.sent_at) for d in deliveries} == {last_monday}
    assert all(d.context["unsubscribe_url"] for d in deliveries)
    # Sent through the email backend, each with its own unsubscribe link.
    sent = [m for m in mail.outbox if m.subject == issue.subject]
    assert len(sent) == 20
    assert all("List-Unsubscribe" in m.extra_headers for m in sent)
    web_view = client.get(reverse("engagement:newsletter_web_view", args=[issue.pk]))
    assert web_view.status_code == 200
    assert date_in_words(last_monday) in web_view.content.decode()


def test_this_mondays_draft_and_the_scheduled_quarterly_issue(filled):
    this_monday, _ = mondays()
    assert Newsletter.objects.count() == 3
    assert "3 newsletter issues" in filled
    draft = Newsletter.objects.get(status=Newsletter.Status.DRAFT)
    assert draft.kind == Newsletter.Kind.WEEKLY
    assert timezone.localdate(draft.created_at) == this_monday
    assert draft.subject == f"Weekly newsletter: {date_in_words(this_monday)}"
    assert draft.news_items.count() == 2
    assert all(
        item.published_at.date() >= this_monday - timedelta(days=7)
        for item in draft.news_items.all()
    )
    quarterly = Newsletter.objects.get(status=Newsletter.Status.SCHEDULED)
    assert quarterly.kind == Newsletter.Kind.QUARTERLY
    assert quarterly.scheduled_for > timezone.now()
    assert [item.slug for item in quarterly.lists.all()] == ["quarterly-newsletter"]
    assert quarterly.created_by.email == officer()
    assert quarterly.news_items.count() == 6


def test_every_email_of_the_story_went_and_is_dated_when_it_went(filled):
    story = OutboundMessage.objects.filter(template__startswith=STORY_EMAILS[0]) | (
        OutboundMessage.objects.filter(template__startswith=STORY_EMAILS[1])
    )
    confirmations = story.filter(template=subscriptions.CONFIRMATION_TEMPLATE)
    # One for each person who asked to join (the imported partners were not asked).
    assert confirmations.count() == len(demo_newsletters.PEOPLE)
    # Stories sent for approval (three) and the one sent back, each told to one person.
    assert story.exclude(template=subscriptions.CONFIRMATION_TEMPLATE).count() == 5
    assert set(story.values_list("status", flat=True)) == {"sent"}
    an_hour_ago = timezone.now() - timedelta(hours=1)
    assert all(m.sent_at < an_hour_ago and m.created_at == m.sent_at for m in story)
    for subscription in Subscription.objects.exclude(consent_method="import").select_related(
        "subscriber"
    ):
        assert confirmations.filter(
            to_email=subscription.subscriber.email, sent_at__lte=subscription.consent_at
        ).exists()


def test_a_second_load_adds_nothing(filled):
    models = (Subscriber, Subscription, Suppression, NewsItem, Newsletter, OutboundMessage)
    counts = [model.objects.count() for model in models]
    again = load()
    assert [model.objects.count() for model in models] == counts
    for line in ("0 subscribers added", "0 addresses suppressed", "0 news stories written"):
        assert line in again
    assert "0 newsletter issues" in again


def test_with_mail_leaving_this_machine_nothing_is_sent(people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    out = load()
    assert "left a draft" in out
    assert not Newsletter.objects.filter(status=Newsletter.Status.SENT).exists()
    assert Newsletter.objects.filter(status=Newsletter.Status.DRAFT).count() == 2
    assert not BulkDelivery.objects.exists()
    # What the story wrote waits for the worker, as it was written.
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"pending"}
    assert not mail.outbox
