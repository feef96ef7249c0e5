"""Newsletter issues: assembled from every app's sections on fixed dates, the weekly draft, and
sending through the bulk verb (one delivery per address, each with its unsubscribe link),
scheduled sending, pause and resume, and the test sent to oneself."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as outbox
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consultations.models import Consultation, Outcome
from engagement import newsletters
from engagement.newsletter_models import NewsItem, Newsletter, Subscription, Suppression
from pcc_portal import registry
from pcc_portal.models import BulkMailing, OutboundMessage
from tests.consultations.factories import ConsultationFactory
from tests.engagement.factories import EventFactory
from tests.engagement.news_factories import (
    DistributionListFactory,
    NewsItemFactory,
    NewsletterFactory,
    subscribe,
)
from tests.grants.factories import GrantRoundFactory, GrantSchemeFactory

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 11, 23)
MONDAY_MORNING = datetime(2026, 11, 23, 6, 0, tzinfo=LONDON)


def at(day: int, month: int = 11, year: int = 2026, hour: int = 12, minute: int = 0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def clock(monkeypatch):
    """Set the clock (timezone.now, and so auto_now_add) to a fixed moment."""

    def set_to(moment: datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def engagement_officer(make_user):
    return make_user("Engagement officer", email="officer@example.org")


def test_every_app_registers_its_newsletter_sections():
    keys = [section.key for section in registry.newsletter_sections()]
    assert keys == ["consultations", "outcomes", "events", "grant_rounds"]
    assert all(callable(section.items) for section in registry.newsletter_sections())


@pytest.fixture
def the_weeks_content(db):
    """Everything the apps hold around Monday 23 November 2026, in and out of a weekly issue's
    two weeks (23 November to 6 December)."""
    EventFactory(title="Public meeting in Worcester", starts_at=at(25, hour=18, minute=30))
    EventFactory(title="Meeting after the issue", starts_at=at(20, 12))
    EventFactory(title="Internal briefing", starts_at=at(26), is_public=False)
    EventFactory(title="Meeting last week", starts_at=at(16))
    published = Consultation.Status.PUBLISHED
    ConsultationFactory(
        title="Police precept 2027/28",
        opens_at=at(1),
        closes_at=at(30, 11, 2026, 23, 59),
        status=published,
    )
    ConsultationFactory(
        title="Rural crime survey", opens_at=at(1, 12), closes_at=at(1, 2, 2027), status=published
    )
    ConsultationFactory(title="Draft survey", opens_at=at(1), closes_at=at(30), status="draft")
    ConsultationFactory(
        title="Next year's survey",
        opens_at=at(1, 1, 2027),
        closes_at=at(1, 3, 2027),
        status=published,
    )
    recent = ConsultationFactory(
        title="Victims' services", opens_at=at(1, 8), closes_at=at(1, 10), status=published
    )
    Outcome.objects.create(
        consultation=recent,
        said="People asked for more.",
        decision="More was funded.",
        shaped_by="Directly.",
        published_at=at(10),
    )
    old = ConsultationFactory(
        title="Old survey", opens_at=at(1, 3), closes_at=at(1, 5), status=published
    )
    Outcome.objects.create(
        consultation=old, said="S.", decision="D.", shaped_by="B.", published_at=at(1, 7)
    )
    scheme = GrantSchemeFactory(name="Community safety fund")
    GrantRoundFactory(scheme=scheme, name="Tier 1", opens_at=at(1), closes_at=at(15, 12))
    GrantRoundFactory(
        scheme=GrantSchemeFactory(name="Internal fund", is_public=False),
        opens_at=at(1),
        closes_at=at(15, 12),
    )
    GrantRoundFactory(
        scheme=scheme, name="Next year", opens_at=at(1, 3, 2027), closes_at=at(1, 4, 2027)
    )


def _titles(content, key):
    section = next((s for s in content["sections"] if s["key"] == key), None)
    return [item["title"] for item in section["items"]] if section else []


def test_a_weekly_issue_is_assembled_from_every_apps_sections(the_weeks_content, settings):
    settings.SITE_URL = "https://portal.example.org"
    story = NewsItemFactory(title="Ambassadors at the county show")
    NewsItemFactory(title="Draft story", status=NewsItem.Status.DRAFT, published_at=None)
    newsletter = NewsletterFactory(
        kind=Newsletter.Kind.WEEKLY,
        scheduled_for=MONDAY_MORNING,
        sections=["grant_rounds", "events", "outcomes", "consultations"],
        news_items=[story, NewsItem.objects.get(title="Draft story")],
    )

    content = newsletters.assemble(newsletter)

    assert content["issue_date"] == "Monday 23 November 2026"
    # The registry's order, whatever order the issue names them in.
    assert [s["key"] for s in content["sections"]] == [
        "consultations",
        "outcomes",
        "events",
        "grant_rounds",
    ]
    assert _titles(content, "consultations") == ["Police precept 2027/28", "Rural crime survey"]
    assert _titles(content, "outcomes") == ["Victims' services"]
    assert _titles(content, "events") == ["Public meeting in Worcester"]
    assert _titles(content, "grant_rounds") == ["Community safety fund: Tier 1"]
    assert [item["title"] for item in content["news"]] == ["Ambassadors at the county show"]
    events = content["sections"][2]["items"]
    assert events[0]["when"] == "Wednesday 25 November 2026, 6:30pm to 8:30pm"
    assert events[0]["url"].startswith("https://portal.example.org/events/")
    consultations = content["sections"][0]["items"]
    assert consultations[0]["when"] == "Closes at 11:59pm on Monday 30 November 2026"
    assert consultations[1]["when"].startswith("Opens on Tuesday 1 December 2026")
    assert content["news"][0]["url"] == (f"https://portal.example.org/news/{story.slug}/")


def test_a_quarterly_issue_looks_further_ahead(the_weeks_content):
    newsletter = NewsletterFactory(
        kind=Newsletter.Kind.QUARTERLY, scheduled_for=MONDAY_MORNING, sections=["events"]
    )
    content = newsletters.assemble(newsletter)
    assert _titles(content, "events") == ["Public meeting in Worcester", "Meeting after the issue"]


def test_sections_not_chosen_or_empty_are_left_out(the_weeks_content):
    newsletter = NewsletterFactory(scheduled_for=at(1, 6, 2030), sections=["events", "outcomes"])
    assert newsletters.assemble(newsletter)["sections"] == []


def test_the_email_parts_show_the_issue(the_weeks_content):
    newsletter = NewsletterFactory(
        subject="Your weekly news", scheduled_for=MONDAY_MORNING, sections=["events"]
    )
    content = {**newsletters.assemble(newsletter), "unsubscribe_url": "https://x.test/u/1/"}
    html, text = newsletters.render_parts(content)
    for part in (html, text):
        assert "Your weekly news" in part
        assert "Public meeting in Worcester" in part
        assert "https://x.test/u/1/" in part
        assert content["web_url"] in part
    assert "Upcoming public events" in html
    assert "UPCOMING PUBLIC EVENTS" in text


# --- The weekly draft -------------------------------------------------------------------------


def test_the_weekly_issue_is_drafted_on_monday_from_the_weeks_content(the_weeks_content, clock):
    weekly = DistributionListFactory(slug="weekly-newsletter", name="Weekly newsletter")
    clock(at(20, hour=10))
    this_week = NewsItemFactory(title="Last Friday's story")
    clock(at(10, hour=10))
    NewsItemFactory(title="An older story")
    clock(MONDAY_MORNING)

    issue = newsletters.draft_weekly_issue(today=MONDAY)

    assert issue.status == Newsletter.Status.DRAFT
    assert issue.kind == Newsletter.Kind.WEEKLY
    assert issue.subject == "Weekly newsletter: Monday 23 November 2026"
    assert list(issue.lists.all()) == [weekly]
    assert list(issue.news_items.all()) == [this_week]
    assert issue.sections == ["consultations", "outcomes", "events", "grant_rounds"]
    assert issue.scheduled_for is None and not BulkMailing.objects.exists()
    assert _titles(newsletters.assemble(issue), "events") == ["Public meeting in Worcester"]


def test_the_weekly_draft_is_made_once_a_week(db, clock):
    DistributionListFactory(slug="weekly-newsletter")
    clock(MONDAY_MORNING)
    first = newsletters.draft_weekly_issue(today=MONDAY)
    clock(MONDAY_MORNING + timedelta(minutes=5))
    assert newsletters.draft_weekly_issue(today=MONDAY) == first
    clock(MONDAY_MORNING + timedelta(days=7))
    second = newsletters.draft_weekly_issue(today=MONDAY + timedelta(days=7))
    assert second != first
    assert Newsletter.objects.count() == 2


def test_the_weekly_task_drafts_the_issue(db, clock):
    from engagement.tasks import draft_weekly_newsletter

    clock(MONDAY_MORNING)
    pk = draft_weekly_newsletter(MONDAY.isoformat())
    assert Newsletter.objects.get(pk=pk).kind == Newsletter.Kind.WEEKLY


def test_the_schedules_are_made_by_the_migration(db):
    from django_celery_beat.models import PeriodicTask

    weekly = PeriodicTask.objects.get(task="engagement.tasks.draft_weekly_newsletter")
    assert (weekly.crontab.day_of_week, weekly.crontab.hour) == ("1", "6")
    assert str(weekly.crontab.timezone) == "Europe/London"
    assert PeriodicTask.objects.filter(
        task="engagement.tasks.send_scheduled_newsletters", interval__every=5
    ).exists()


# --- Sending ----------------------------------------------------------------------------------


@pytest.fixture
def two_lists(db):
    """Two lists sharing one address, with an unsubscribed and a suppressed subscriber."""
    weekly = DistributionListFactory(name="Weekly newsletter", slug="weekly-newsletter")
    business = DistributionListFactory(name="Business and rural", slug="business-and-rural")
    subscribe(weekly, "ann@example.org")
    subscribe(weekly, "both@example.org")
    subscribe(business, "Both@Example.org")
    subscribe(business, "bob@example.org")
    subscribe(weekly, "gone@example.org", status=Subscription.Status.UNSUBSCRIBED)
    subscribe(weekly, "bounced@example.org")
    Suppression.objects.create(email="bounced@example.org", reason="bounced")
    return weekly, business


def test_an_issue_goes_once_to_each_address_with_its_unsubscribe_link(
    two_lists, engagement_officer
):
    weekly, business = two_lists
    newsletter = NewsletterFactory(subject="News for you", lists=[weekly, business])

    newsletter = newsletters.send_issue(newsletter=newsletter, by=engagement_officer)

    assert newsletter.status == Newsletter.Status.SENDING
    mailing = newsletter.mailing
    assert mailing.related == newsletter
    assert mailing.subject == "News for you"
    assert mailing.context["subject"] == "News for you"
    deliveries = {d.to_email: d.context for d in mailing.deliveries.all()}
    assert sorted(deliveries) == ["ann@example.org", "bob@example.org", "both@example.org"]
    # Each address's own link, for the first of the issue's lists it is on.
    assert all("/newsletter/unsubscribe/" in c["unsubscribe_url"] for c in deliveries.values())
    assert len({c["unsubscribe_url"] for c in deliveries.values()}) == 3
    assert mailing.progress() == {"sent": 0, "failed": 0, "remaining": 3, "total": 3}
    with pytest.raises(ValidationError):
        newsletters.send_issue(newsletter=newsletter, by=engagement_officer)
    assert BulkMailing.objects.count() == 1


def test_the_sent_issue_arrives_with_the_one_click_headers(
    two_lists, engagement_officer, celery_eager, django_capture_on_commit_callbacks
):
    weekly, _ = two_lists
    newsletter = NewsletterFactory(subject="News for you", lists=[weekly])
    with django_capture_on_commit_callbacks(execute=True):
        newsletter = newsletters.send_issue(newsletter=newsletter, by=engagement_officer)

    sent = sorted(outbox.outbox, key=lambda m: m.to[0])
    assert [m.to for m in sent] == [["ann@example.org"], ["both@example.org"]]
    for message in sent:
        assert message.subject == "News for you"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/newsletter/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
        html = message.alternatives[0][0]
        assert "Unsubscribe" in html and "News for you" in html
    assert newsletters.progress(newsletter)["sent"] == 2
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT


def test_an_issue_with_nobody_to_go_to_is_not_sent(db, engagement_officer):
    newsletter = NewsletterFactory(lists=[DistributionListFactory()])
    with pytest.raises(ValidationError, match="Nobody is on the lists"):
        newsletters.send_issue(newsletter=newsletter, by=engagement_officer)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT and newsletter.mailing is None


def test_only_those_who_may_send_newsletters_send_them(two_lists, make_user):
    newsletter = NewsletterFactory(lists=[two_lists[0]])
    for role in ("Ambassador", "Grants officer", "Performance officer"):
        with pytest.raises(PermissionDenied):
            newsletters.send_issue(newsletter=newsletter, by=make_user(role))
    assert not BulkMailing.objects.exists()


def test_sending_is_paused_and_resumed(two_lists, engagement_officer):
    newsletter = NewsletterFactory(lists=[two_lists[0]])
    newsletter = newsletters.send_issue(newsletter=newsletter, by=engagement_officer)

    newsletter = newsletters.pause_issue(newsletter=newsletter, by=engagement_officer)
    assert newsletter.status == Newsletter.Status.PAUSED
    assert BulkMailing.objects.get().status == BulkMailing.Status.PAUSED
    with pytest.raises(ValidationError):
        newsletters.pause_issue(newsletter=newsletter, by=engagement_officer)

    newsletter = newsletters.resume_issue(newsletter=newsletter, by=engagement_officer)
    assert newsletter.status == Newsletter.Status.SENDING
    assert BulkMailing.objects.get().status == BulkMailing.Status.SENDING


def test_the_moves_table_allows_only_the_issues_own_course():
    S = Newsletter.Status
    allowed = {(start, to) for start, targets in newsletters.MOVES.items() for to in targets}
    assert allowed == {
        (S.DRAFT, S.SCHEDULED),
        (S.DRAFT, S.SENDING),
        (S.SCHEDULED, S.SCHEDULED),
        (S.SCHEDULED, S.DRAFT),
        (S.SCHEDULED, S.SENDING),
        (S.SENDING, S.PAUSED),
        (S.SENDING, S.SENT),
        (S.PAUSED, S.SENDING),
    }
    assert set(newsletters.MOVES) == set(S)


def test_illegal_moves_are_refused_with_a_clear_message(two_lists, engagement_officer):
    draft = NewsletterFactory(lists=[two_lists[0]])
    with pytest.raises(ValidationError, match="Only an issue that is sending can be paused"):
        newsletters.pause_issue(newsletter=draft, by=engagement_officer)
    with pytest.raises(ValidationError, match="Only a paused issue can be resumed"):
        newsletters.resume_issue(newsletter=draft, by=engagement_officer)
    with pytest.raises(ValidationError, match="not scheduled"):
        newsletters.unschedule_issue(newsletter=draft, by=engagement_officer)

    sending = newsletters.send_issue(newsletter=draft, by=engagement_officer)
    with pytest.raises(ValidationError, match="already been sent or is sending"):
        newsletters.send_issue(newsletter=sending, by=engagement_officer)
    with pytest.raises(ValidationError, match="already been sent or is sending"):
        newsletters.schedule_issue(
            newsletter=sending, when=timezone.now() + timedelta(days=1), by=engagement_officer
        )
    with pytest.raises(ValidationError, match="Only a paused issue can be resumed"):
        newsletters.resume_issue(newsletter=sending, by=engagement_officer)
    assert BulkMailing.objects.count() == 1


def test_a_scheduled_issue_is_sent_when_its_time_comes(two_lists, engagement_officer):
    weekly, _ = two_lists
    now = timezone.now()
    due = NewsletterFactory(lists=[weekly])
    later = NewsletterFactory(lists=[weekly])
    nobody = NewsletterFactory(lists=[DistributionListFactory()])
    for issue in (due, later, nobody):
        newsletters.schedule_issue(
            newsletter=issue, when=now + timedelta(hours=1), by=engagement_officer
        )
    Newsletter.objects.filter(pk__in=[due.pk, nobody.pk]).update(scheduled_for=now)

    assert newsletters.send_scheduled_issues(now=now + timedelta(minutes=1)) == [due.pk]

    statuses = dict(Newsletter.objects.values_list("pk", "status"))
    assert statuses == {
        due.pk: Newsletter.Status.SENDING,
        later.pk: Newsletter.Status.SCHEDULED,
        nobody.pk: Newsletter.Status.DRAFT,
    }


def test_an_issue_is_scheduled_only_for_the_future(two_lists, engagement_officer):
    newsletter = NewsletterFactory(lists=[two_lists[0]])
    with pytest.raises(ValidationError):
        newsletters.schedule_issue(
            newsletter=newsletter, when=timezone.now() - timedelta(minutes=1), by=engagement_officer
        )
    newsletters.schedule_issue(
        newsletter=newsletter, when=timezone.now() + timedelta(days=1), by=engagement_officer
    )
    newsletter = newsletters.unschedule_issue(newsletter=newsletter, by=engagement_officer)
    assert newsletter.status == Newsletter.Status.DRAFT and newsletter.scheduled_for is None


def test_a_test_goes_to_the_person_asking_only(two_lists, engagement_officer):
    newsletter = NewsletterFactory(subject="News for you", lists=[two_lists[0]])
    message = newsletters.send_test(newsletter=newsletter, by=engagement_officer)
    assert message.to_email == "officer@example.org"
    assert message.subject == "[Test] News for you"
    assert message.context["is_test"] is True and message.context["unsubscribe_url"] == ""
    assert OutboundMessage.objects.count() == 1 and not BulkMailing.objects.exists()
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT


def test_a_sent_issue_keeps_its_content_as_sent(two_lists, engagement_officer):
    newsletter = NewsletterFactory(subject="As sent", lists=[two_lists[0]])
    newsletters.send_issue(newsletter=newsletter, by=engagement_officer)
    Newsletter.objects.filter(pk=newsletter.pk).update(subject="Changed afterwards")
    newsletter = Newsletter.objects.select_related("mailing").get(pk=newsletter.pk)
    assert newsletters.sent_content(newsletter)["subject"] == "As sent"


def test_composing_checks_lists_sections_and_status(two_lists, engagement_officer):
    weekly, _ = two_lists
    fields = {
        "subject": "An issue",
        "introduction": "Hello",
        "kind": Newsletter.Kind.OTHER,
        "news_items": [],
        "by": engagement_officer,
    }
    with pytest.raises(ValidationError) as error:
        newsletters.save_issue(lists=[], sections=[], **fields)
    assert "lists" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        newsletters.save_issue(lists=[weekly], sections=["nonsense"], **fields)
    assert "sections" in error.value.message_dict
    issue = newsletters.save_issue(lists=[weekly], sections=["events"], **fields)
    assert issue.created_by == engagement_officer and issue.sections == ["events"]
    newsletters.send_issue(newsletter=issue, by=engagement_officer)
    with pytest.raises(ValidationError):
        newsletters.save_issue(newsletter=issue, lists=[weekly], sections=[], **fields)


def test_a_sensitive_consultation_is_never_in_an_issue(db):
    from consultations.newsletter_sections import open_consultations

    opens, closes = at(20), at(30)
    open_to_all = ConsultationFactory(
        title="Policing priorities",
        status=Consultation.Status.PUBLISHED,
        opens_at=opens,
        closes_at=closes,
    )
    ConsultationFactory(
        title="Support after domestic abuse",
        status=Consultation.Status.PUBLISHED,
        opens_at=opens,
        closes_at=closes,
        sensitive=True,
    )

    titles = [item.title for item in open_consultations(MONDAY, MONDAY + timedelta(days=13))]
    assert titles == [open_to_all.title]
