"""The demo data a laptop run starts with: believable, dated around today (decision 23), and the
loader's summary counting what it says it counts."""

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from engagement import demo, newsletters, subscriptions
from engagement.models import Ambassador, Contact, Organisation, RaisedIssue
from engagement.newsletter_models import DistributionList, NewsItem, Newsletter, Subscriber
from pcc_portal.demo import create_demo_users, demo_email
from pcc_portal.models import OutboundMessage, ReminderSent, User
from pcc_portal.navigation import landing_url_for, menu_for
from pcc_portal.roles import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(reference_data):
    create_demo_users()
    out = io.StringIO()
    demo.fill(today=timezone.localdate(), stdout=out)
    return out.getvalue()


def test_each_raised_issue_fits_the_people_who_raised_it(filled):
    issues = list(RaisedIssue.objects.select_related("contact__organisation"))
    assert len(issues) >= 20
    for issue in issues:
        assert issue.summary in demo.issues_for(issue.contact), issue.summary
        assert issue.contact.issues_raised == issue.summary
    shoppers = RaisedIssue.objects.filter(contact__who="Shoppers on the high street")
    assert not shoppers.filter(summary__icontains="quad bike").exists()


def test_the_demo_has_its_own_issue_for_each_kind_of_contact():
    every = [summary for audience in demo.AUDIENCES for summary in audience.issues]
    assert len(every) == len(set(every)), "an issue is repeated between kinds of contact"
    assert {audience.who for audience in demo.AUDIENCES if audience.who} == set(demo.WHO)
    patterns = {audience.organisation for audience in demo.AUDIENCES if audience.organisation}
    assert patterns == {pattern for pattern, _ in demo.ORGANISATION_KINDS}
    assert all(len(audience.issues) >= 3 for audience in demo.AUDIENCES)


def test_raised_issues_are_spread_over_past_weeks_in_varied_states(filled):
    now = timezone.now()
    issues = list(RaisedIssue.objects.select_related("contact"))
    assert len({issue.summary for issue in issues}) >= 15
    raised_on = {timezone.localdate(issue.raised_at) for issue in issues}
    assert len(raised_on) >= 10
    assert any(issue.raised_at < now - timedelta(weeks=4) for issue in issues)
    assert any(issue.raised_at > now - timedelta(weeks=2) for issue in issues)
    for issue in issues:
        assert issue.raised_at <= now
        assert timezone.localdate(issue.raised_at) >= issue.contact.occurred_on
        history = list(issue.transitions.order_by("at"))
        times = [issue.raised_at, *(step.at for step in history), now]
        assert times == sorted(times), f"history out of order for {issue}"
        if history:
            assert history[-1].to_status == issue.status
    statuses = {issue.status for issue in issues}
    assert {"open", "raised_with_chief_constable", "answered", "closed"} <= statuses
    answered = RaisedIssue.objects.filter(status="answered")
    assert all(issue.answer for issue in answered)


def test_the_summary_counts_each_kind_of_row(filled):
    lines = [line.strip() for line in filled.splitlines()]
    assert f"{Ambassador.objects.count()} ambassadors" in lines
    assert f"{Organisation.objects.count()} organisations" in lines
    assert f"{Contact.objects.count()} contacts logged" in lines
    assert f"{RaisedIssue.objects.count()} issues raised" in lines


def test_a_second_fill_adds_nothing(filled):
    before = (Contact.objects.count(), RaisedIssue.objects.count())
    out = io.StringIO()
    demo.fill(today=timezone.localdate(), stdout=out)
    assert (Contact.objects.count(), RaisedIssue.objects.count()) == before
    assert "0 contacts logged" in out.getvalue()


def test_the_demo_ambassador_sign_in_has_contacts_to_show(filled):
    user = User.objects.get(email="ambassador@demo.invalid")
    assert Contact.objects.filter(ambassador__user=user).exists()


def load_demo_data() -> str:
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(settings):
    settings.DEBUG = True
    return load_demo_data()


def test_load_demo_data_counts_what_it_says(loaded):
    text = loaded
    assert "aims: 4 created" in text
    assert f"{Ambassador.objects.count()} ambassadors" in text
    # Once every app's records are there: the lists, the news and the newsletters, whose
    # sent issue carries every app's sections, and then the reminder digests.
    assert f"{Subscriber.objects.count()} subscribers added" in text
    assert f"{NewsItem.objects.count()} news stories written" in text
    assert f"{Newsletter.objects.count()} newsletter issues" in text
    assert set(Newsletter.objects.values_list("status", flat=True)) == {
        "sent",
        "draft",
        "scheduled",
    }
    sent = Newsletter.objects.get(status="sent")
    assert {s["key"] for s in sent.mailing.context["sections"]} == {
        key for key, _ in newsletters.section_choices()
    }
    assert f"{ReminderSent.objects.values('message').distinct().count()} reminder digests" in text
    today = timezone.localdate()
    days = {timezone.localdate(r.sent_at) for r in ReminderSent.objects.all()}
    assert days and all(today - timedelta(days=3) <= day < today for day in days)


def test_a_second_load_of_every_app_adds_nothing(loaded):
    models = (Contact, Subscriber, NewsItem, Newsletter, OutboundMessage, ReminderSent)
    counts = [model.objects.count() for model in models]
    again = load_demo_data()
    assert [model.objects.count() for model in models] == counts
    assert "0 subscribers added" in again
    assert "0 reminder digests sent" in again


def demo_record_pages() -> set[str]:
    """The pages of the demo's news, newsletters, lists and reminders that take an argument."""
    pages = {reverse("pcc_portal:reminders_sent")}
    for issue in Newsletter.objects.all():
        pages.add(reverse("engagement:newsletter_web_view", args=[issue.pk]))
        for name in ("detail", "edit", "progress", "preview", "preview_text", "send"):
            pages.add(reverse(f"engagement:newsletter_{name}", args=[issue.pk]))
    for item in NewsItem.objects.all():
        pages.add(reverse("engagement:news_item", args=[item.slug]))
        pages.add(reverse("engagement:news_item_review", args=[item.pk]))
        pages.add(reverse("engagement:news_item_edit", args=[item.pk]))
    for distribution_list in DistributionList.objects.all():
        pages.add(reverse("engagement:list_import", args=[distribution_list.slug]))
        subscription = distribution_list.subscriptions.select_related("subscriber").first()
        if subscription is not None:
            url = subscriptions.unsubscribe_url(subscription.subscriber, distribution_list)
            pages.add(urlsplit(url).path)
    return pages


def test_each_demo_role_opens_every_page_it_is_offered(loaded, client, sign_in):
    """Signed in as each demo role: the home page, the landing page, every menu entry and the
    pages of the demo's records open without a server error."""
    record_pages = demo_record_pages()
    for role in ROLES:
        user = User.objects.get(email=demo_email(role.name))
        client.logout()
        sign_in(user)
        urls = {"/", landing_url_for(user), *record_pages}
        for menu in ("public", "personal", "staff", "footer"):
            urls |= {link.url for link in menu_for(user, menu)}
        for url in sorted(urls):
            response = client.get(url)
            assert response.status_code < 500, (role.name, url)
