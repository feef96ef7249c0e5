"""The requirements of the newsletters, the distribution lists, the news and the reminder
digests, each beside the test that proves it; those no other module proves are proven here,
below the map. Modules named without a folder are in tests/engagement/.

Distribution lists and subscribers
- The standard lists, public or internal (weekly and quarterly newsletters, consultations, town
  and parish councils, victims' consultations, business and rural): test_subscriptions::
  test_the_standard_lists_come_with_the_reference_data, test_subscriptions::
  test_only_public_lists_are_offered_and_accepted.
- A subscriber's email, optional name and policing area, lists, and a consent record per list
  (when, how, the words shown): test_subscriptions::
  test_signing_up_records_consent_and_emails_a_link_to_confirm, test_subscriptions::
  test_an_ambassador_adds_a_person_met_only_with_their_consent.
- Sign-up at /newsletter/subscribe/ with no account, double opt-in: test_subscriptions::
  test_signing_up_records_consent_and_emails_a_link_to_confirm, test_subscriptions::
  test_the_confirmation_link_shows_a_button_and_confirms_on_post, test_subscriptions::
  test_the_sign_up_page_starts_no_session_for_an_anonymous_visitor; the link expires:
  test_subscriptions::test_the_confirmation_link_expires_after_a_week and
  test_the_confirmation_link_works_for_a_week_and_then_confirms_nothing (below); the email says
  until when: test_subscriptions::
  test_the_confirmation_email_links_to_the_page_and_says_when_it_expires.
- One-click unsubscribe from every email, a signed link and the RFC 8058 headers:
  test_subscriptions::test_the_unsubscribe_link_shows_a_button_then_unsubscribes_from_that_list,
  test_subscriptions::test_the_one_click_post_of_rfc_8058_unsubscribes_without_csrf_or_cookies,
  test_subscriptions::test_an_unsubscribe_link_cannot_be_forged_or_pointed_at_another_address,
  test_newsletters::test_the_sent_issue_arrives_with_the_one_click_headers, and
  test_every_newsletter_email_carries_its_unsubscribe_link_and_the_one_click_headers (below);
  one click stops the email whichever of its lists the address is on:
  test_one_click_stops_an_issue_sent_to_several_lists_the_address_is_on (below); an
  organisation's address on a list of its kind is suppressed:
  test_an_organisation_of_the_lists_kind_unsubscribing_is_suppressed (below).
- A suppression list that survives re-imports: test_subscriptions::
  test_a_reimport_skips_suppressed_and_unsubscribed_addresses, and
  test_the_suppression_list_survives_a_reimport_into_any_list_and_a_send (below); a complaint
  blocks a new sign-up: test_subscriptions::
  test_a_complaint_or_a_staff_entry_blocks_even_a_new_sign_up.
- Bounces and complaints from the provider's tracking webhooks: test_subscriptions::
  test_the_providers_tracking_events_join_the_suppression_list, test_subscriptions::
  test_a_providers_webhook_post_suppresses_the_address.
- A list's members are subscribers and organisations (contact email, the organisation's consent
  basis), one delivery per address: test_subscriptions::
  test_recipients_are_confirmed_subscribers_and_organisations_one_per_address, test_newsletters::
  test_an_issue_goes_once_to_each_address_with_its_unsubscribe_link, and
  test_one_click_stops_an_issue_sent_to_several_lists_the_address_is_on (below: an organisation
  on one list and a subscriber on another, in other cases, get one delivery).
- The end of a consultation offers the consultations list, never a sensitive one's:
  test_subscriptions::test_the_end_of_a_consultation_starts_the_double_opt_in_for_the_consultations_list,
  test_subscriptions::test_the_end_of_a_consultation_offers_future_consultations_unless_it_is_sensitive,
  and test_a_sensitive_consultations_last_page_never_offers_the_list (below, the real page).
- A CSV import into an internal list with a lawful basis, bad rows by number, nothing
  half-imported: test_subscriptions::test_an_import_with_bad_rows_names_them_and_imports_nothing,
  test_subscriptions::test_an_import_adds_confirmed_contacts_with_the_stated_basis,
  test_subscriptions::test_contacts_cannot_be_imported_into_a_public_list, test_subscriptions::
  test_the_import_page_shows_bad_rows_and_imports_a_good_file.
- A person met in the field, only with recorded consent, then the same double opt-in:
  test_subscriptions::test_an_ambassador_adds_a_person_met_only_with_their_consent.

Newsletters
- An issue's lists, subject, introduction, news items and every app's sections, HTML and text
  parts: test_newsletters::test_every_app_registers_its_newsletter_sections, test_newsletters::
  test_a_weekly_issue_is_assembled_from_every_apps_sections, test_newsletters::
  test_the_email_parts_show_the_issue.
- Previewed in the browser, a test to oneself, scheduled or sent now: test_newsletter_pages::
  test_an_issue_is_composed_previewed_and_tested, test_newsletter_pages::
  test_an_issue_is_scheduled_from_its_page, test_newsletters::
  test_a_scheduled_issue_is_sent_when_its_time_comes, test_newsletters::
  test_a_test_goes_to_the_person_asking_only; what staff typed is escaped in the preview, the
  issue's page and the web view:
  test_what_staff_typed_is_escaped_in_the_preview_the_page_and_the_web_view (below).
- The weekly issue drafted on Monday morning for a person to send: test_newsletters::
  test_the_weekly_issue_is_drafted_on_monday_from_the_weeks_content, test_newsletters::
  test_the_weekly_draft_is_made_once_a_week, test_newsletters::
  test_the_schedules_are_made_by_the_migration.
- News items by staff and ambassadors, an ambassador's approved by an engagement officer, the
  published ones on the news page and in the newsletter: test_news::
  test_an_ambassadors_story_waits_for_an_engagement_officer, test_news::
  test_an_engagement_officer_approves_from_the_pages, test_news::
  test_the_news_page_lists_published_stories_only, and
  test_an_ambassador_cannot_publish_from_the_pages_and_an_unapproved_story_goes_nowhere (below).
- Sending through the send service's bulk verb, a delivery row per issue and address (unique),
  created in bulk, batches over one connection on a queue of their own, each row marked sent
  after its own call, retries with backoff: tests/pcc_portal/test_mail_bulk.py (
  test_one_delivery_per_address_and_a_bad_address_is_recorded_not_sent,
  test_a_batch_sends_every_row_over_one_connection_with_its_message_id_and_headers,
  test_smtp_trouble_puts_the_row_back_with_a_backoff_and_the_rest_of_the_batch_pending,
  test_the_batch_task_runs_on_its_own_queue_and_acknowledges_late).
- Progress on the issue's page: test_newsletter_pages::
  test_an_issue_is_sent_from_its_page_and_shows_its_progress.
- Pause and resume: test_newsletters::test_sending_is_paused_and_resumed, tests/pcc_portal/
  test_mail_bulk.py::test_a_paused_mailing_stops_between_messages_and_resumes_where_it_stopped,
  and test_a_paused_issue_sends_nothing_until_it_is_resumed_and_then_everything (below).
- The rate cap covers all mail and mail to one person goes first: tests/pcc_portal/
  test_mail_bulk.py::test_bulk_mail_stays_under_the_cap_and_leaves_room_for_mail_to_one_person,
  test_mail_bulk.py::test_a_real_worker_sends_a_newsletter_and_a_reset_email_leaves_while_it_sends,
  and test_a_newsletter_and_the_reminder_digest_share_one_cap (below).
- At least once, duplicates bounded by the kills, for a 1,000-recipient newsletter too:
  tests/pcc_portal/test_mail_kill.py (parametrised "single" and "bulk").

Reminders
- One daily job asks every app's provider, one digest per person, recorded unique on (key,
  recipient), nothing sent twice: tests/pcc_portal/test_reminder_digests.py; one email per person
  a day, even when a job runs again after something new came due:
  test_the_digest_is_one_email_per_person_per_day (below).
- The schedule made by a data migration: test_reminder_digests::
  test_the_daily_schedule_is_made_by_the_migration.
- A staff page of what was sent, to whom and when; each person's own upcoming items on their
  home page: tests/pcc_portal/test_reminder_pages.py.
- The newsletter part of the privacy notice: test_subscriptions::
  test_the_privacy_notice_explains_the_lists.

Speed and the browser
- The bulk mail bench is registered: tests/pcc_portal/test_mail_bulk.py::
  test_the_bulk_mail_bench_is_registered_by_the_portal.
- A person subscribes at 320 px, confirms from the email file and unsubscribes in one click; the
  WCAG checks of the sign-up page in its error state, the confirmation, the news page and a web
  view: tests/browser/test_subscription_journey.py, tests/browser/test_news_pages.py.
"""

import time
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement import newsletters
from engagement.models import Organisation
from engagement.newsletter_models import NewsItem, Newsletter, Subscription, Suppression
from engagement.subscriptions import (
    import_contacts,
    request_subscription,
    sign_up_wording,
    suppress,
)
from pcc_portal import registry
from pcc_portal.mail import bulk, services
from pcc_portal.models import BulkMailing, OutboundMessage
from pcc_portal.registry import Reminder
from pcc_portal.reminders import send_reminder_digests
from tests.consultations.factories import ConsultationFactory
from tests.engagement.factories import OrganisationFactory
from tests.engagement.news_factories import (
    DistributionListFactory,
    NewsItemFactory,
    NewsletterFactory,
    subscribe,
)
from tests.pcc_portal.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://engage.example.org"
STAFF = "/staff/engagement/newsletters/"
HOSTILE = '<script>alert("news")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;news&quot;)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def site_url(settings, office):
    settings.SITE_URL = SITE


@pytest.fixture
def engagement_officer(make_user):
    return make_user("Engagement officer", email="officer@example.org")


def sent_through(newsletter, officer, django_capture_on_commit_callbacks):
    """Send the issue and let its batches run, as a worker would."""
    with django_capture_on_commit_callbacks(execute=True):
        return newsletters.send_issue(newsletter=newsletter, by=officer)


# --- The double opt-in --------------------------------------------------------------------------


def test_the_confirmation_link_works_for_a_week_and_then_confirms_nothing(client, monkeypatch):
    weekly = DistributionListFactory(name="Weekly newsletter", slug="weekly-newsletter")
    request_subscription(
        email="ann@example.org",
        lists=[weekly],
        method=Subscription.Method.WEB_FORM,
        wording=sign_up_wording([weekly]),
    )
    path = OutboundMessage.objects.get().context["url"].removeprefix(SITE)
    asked = time.time()

    monkeypatch.setattr(
        "django.core.signing.time.time", lambda: asked + timedelta(days=8).total_seconds()
    )
    opened = client.get(path)
    assert opened.status_code == 400 and b"This link has expired" in opened.content
    assert client.post(path).status_code == 400
    assert weekly.recipients() == []

    monkeypatch.setattr(
        "django.core.signing.time.time", lambda: asked + timedelta(days=6).total_seconds()
    )
    assert client.post(path).status_code == 200
    assert [r.email for r in weekly.recipients()] == ["ann@example.org"]


# --- Unsubscribing from every email -------------------------------------------------------------


def test_every_newsletter_email_carries_its_unsubscribe_link_and_the_one_click_headers(
    engagement_officer, celery_eager, django_capture_on_commit_callbacks
):
    councils = DistributionListFactory(name="Councils", slug="councils", is_public=False)
    councils.organisation_kind = Organisation.Kind.PARISH_COUNCIL
    councils.save()
    OrganisationFactory(
        kind="parish_council", email="clerk@parish.example.org", consent_basis="public_task"
    )
    subscribe(councils, "reader@example.org")
    newsletter = NewsletterFactory(subject="Council news", lists=[councils])

    sent_through(newsletter, engagement_officer, django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "clerk@parish.example.org",
        "reader@example.org",
    ]
    for message in mail.outbox:
        link = message.extra_headers["List-Unsubscribe"].split(">")[0].removeprefix("<")
        assert link.startswith(f"{SITE}/newsletter/unsubscribe/")
        assert "mailto:" in message.extra_headers["List-Unsubscribe"]
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link in message.body and link in message.alternatives[0][0]
        # The header's link is the one-click address: a mail program's POST, with no cookie.
        one_click = Client(enforce_csrf_checks=True).post(
            link.removeprefix(SITE),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert one_click.status_code == 200
    assert councils.recipients() == []


def test_one_click_stops_an_issue_sent_to_several_lists_the_address_is_on(
    engagement_officer, celery_eager, django_capture_on_commit_callbacks
):
    weekly = DistributionListFactory(name="Weekly newsletter", slug="weekly-newsletter")
    partners = DistributionListFactory(name="Partners", slug="partners", is_public=False)
    quarterly = DistributionListFactory(name="Quarterly newsletter", slug="quarterly-newsletter")
    partners.organisations.add(
        OrganisationFactory(email="Clerk@Parish.Example.org ", consent_basis="public_task")
    )
    subscribe(weekly, "clerk@parish.example.org")
    subscribe(quarterly, "clerk@parish.example.org")
    newsletter = NewsletterFactory(subject="To everyone", lists=[weekly, partners])

    sent_through(newsletter, engagement_officer, django_capture_on_commit_callbacks)

    # One delivery for the address, on two lists, once as a person and once as an organisation.
    [message] = mail.outbox
    assert message.to == ["clerk@parish.example.org"]
    link = message.extra_headers["List-Unsubscribe"].split(">")[0].removeprefix("<")
    page = Client().get(link.removeprefix(SITE)).content.decode()
    assert "Unsubscribe from Partners and Weekly newsletter" in page

    Client(enforce_csrf_checks=True).post(
        link.removeprefix(SITE),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert weekly.recipients() == [] and partners.recipients() == []
    assert newsletters.recipients(NewsletterFactory(lists=[weekly, partners])) == []
    # The organisation's address, which nobody subscribed, is suppressed for good.
    assert Suppression.objects.get().email == "clerk@parish.example.org"


def test_an_organisation_of_the_lists_kind_unsubscribing_is_suppressed(client):
    councils = DistributionListFactory(name="Councils", slug="councils", is_public=False)
    councils.organisation_kind = Organisation.Kind.PARISH_COUNCIL
    councils.save()
    OrganisationFactory(
        kind="parish_council", email="clerk@parish.example.org", consent_basis="public_task"
    )
    [recipient] = councils.recipients()
    [delivery] = newsletters.recipients(NewsletterFactory(lists=[councils]))

    client.post(delivery.unsubscribe_url.removeprefix(SITE))

    assert recipient.organisation is not None
    assert Suppression.objects.get().reason == Suppression.Reason.UNSUBSCRIBED
    assert councils.recipients() == []


# --- The suppression list -----------------------------------------------------------------------


def test_the_suppression_list_survives_a_reimport_into_any_list_and_a_send(engagement_officer):
    partners = DistributionListFactory(name="Partners", slug="partners", is_public=False)
    business = DistributionListFactory(name="Business", slug="business", is_public=False)
    data = "email\nann@example.org\nbob@example.org\n"
    import_contacts(distribution_list=partners, data=data, lawful_basis="public_task", by=None)
    suppress(email="ANN@example.org", reason=Suppression.Reason.COMPLAINT, source="provider")

    for distribution_list in (partners, business):
        result = import_contacts(
            distribution_list=distribution_list,
            data=data.replace("ann@", "Ann@"),
            lawful_basis="public_task",
            by=engagement_officer,
        )
        assert result.suppressed == 1
    assert not Subscription.objects.filter(list=business, subscriber__email="ann@example.org")
    newsletter = NewsletterFactory(lists=[partners, business])
    newsletters.send_issue(newsletter=newsletter, by=engagement_officer)
    newsletter.refresh_from_db()
    assert list(newsletter.mailing.deliveries.values_list("to_email", flat=True)) == [
        "bob@example.org"
    ]
    # Nor does the person's own new sign-up lift a complaint.
    request_subscription(
        email="ann@example.org",
        lists=[partners],
        method=Subscription.Method.WEB_FORM,
        wording=sign_up_wording([partners]),
    )
    assert Suppression.objects.filter(email="ann@example.org").exists()


# --- A sensitive consultation -------------------------------------------------------------------


@pytest.mark.parametrize("sensitive", [False, True])
def test_a_sensitive_consultations_last_page_never_offers_the_list(client, sensitive):
    DistributionListFactory(name="Consultations", slug="consultations")
    consultation = ConsultationFactory(status="published", sensitive=sensitive)
    page = client.get(reverse("consultations:done", args=[consultation.slug]))
    assert page.status_code == 200
    offered = reverse("engagement:consultation_opt_in") in page.content.decode()
    assert offered is not sensitive


# --- What staff typed, escaped ------------------------------------------------------------------


def test_what_staff_typed_is_escaped_in_the_preview_the_page_and_the_web_view(client, signed_in_as):
    officer = signed_in_as("Engagement officer", email="officer@example.org")
    weekly = DistributionListFactory(name="Weekly newsletter", slug="weekly-newsletter")
    subscribe(weekly, "ann@example.org")
    story = NewsItemFactory(title=HOSTILE, summary=HOSTILE)
    issue = NewsletterFactory(
        subject=HOSTILE, introduction=HOSTILE, lists=[weekly], news_items=[story]
    )

    def check(path):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert HOSTILE not in html and "<img src=x" not in html, path
        assert ESCAPED in html, path

    check(f"{STAFF}{issue.pk}/preview/")
    check(f"{STAFF}{issue.pk}/")
    text = client.get(f"{STAFF}{issue.pk}/preview.txt")
    assert text["Content-Type"].startswith("text/plain")
    assert text["X-Content-Type-Options"] == "nosniff"

    newsletters.send_issue(newsletter=issue, by=officer)
    client.logout()
    check(reverse("engagement:newsletter_web_view", args=[issue.pk]))
    check(reverse("engagement:news_item", args=[story.slug]))


# --- Pause and resume ---------------------------------------------------------------------------


def test_a_paused_issue_sends_nothing_until_it_is_resumed_and_then_everything(
    engagement_officer, celery_eager, django_capture_on_commit_callbacks
):
    weekly = DistributionListFactory(name="Weekly newsletter", slug="weekly-newsletter")
    for number in range(5):
        subscribe(weekly, f"reader{number}@example.org")
    issue = newsletters.send_issue(
        newsletter=NewsletterFactory(lists=[weekly]), by=engagement_officer
    )  # its batches are not run: they would be queued on commit

    issue = newsletters.pause_issue(newsletter=issue, by=engagement_officer)
    # A batch that was already queued finds it paused.
    assert bulk.send_batch(issue.mailing_id).outcome == bulk.BatchOutcome.STOPPED
    assert mail.outbox == []
    assert newsletters.progress(issue) == {"sent": 0, "failed": 0, "remaining": 5, "total": 5}

    with django_capture_on_commit_callbacks(execute=True):
        issue = newsletters.resume_issue(newsletter=issue, by=engagement_officer)

    assert len(mail.outbox) == 5
    assert newsletters.progress(issue)["remaining"] == 0
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SENT


def test_an_issue_whose_mailing_has_finished_cannot_be_paused(
    engagement_officer, celery_eager, django_capture_on_commit_callbacks
):
    weekly = DistributionListFactory(name="Weekly newsletter", slug="weekly-newsletter")
    subscribe(weekly, "reader@example.org")
    issue = sent_through(
        NewsletterFactory(lists=[weekly]), engagement_officer, django_capture_on_commit_callbacks
    )
    assert BulkMailing.objects.get().status == BulkMailing.Status.DONE

    with pytest.raises(ValidationError, match="Only an issue that is sending can be paused"):
        newsletters.pause_issue(newsletter=issue, by=engagement_officer)

    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SENDING
    newsletters.progress(issue)
    assert issue.status == Newsletter.Status.SENT


# --- One rate cap ---------------------------------------------------------------------------------


@pytest.fixture
def provider(monkeypatch):
    """Only the reminders a test names, from one made-up provider."""
    given: list[Reminder] = []
    monkeypatch.setattr(registry, "reminder_providers", registry.Registry())
    registry.register_reminder_provider("tests", lambda *, start, end: list(given))
    return given


def reminder(key, person, due_on=date(2026, 11, 30)):
    return Reminder(key=key, recipients=(person,), due_on=due_on, title="Due", url="/staff/x/")


def test_a_newsletter_and_the_reminder_digest_share_one_cap(engagement_officer, settings, provider):
    settings.EMAIL_RATE_PER_MINUTE = 20
    weekly = DistributionListFactory(name="Weekly newsletter", slug="weekly-newsletter")
    for number in range(40):
        subscribe(weekly, f"reader{number}@example.org")
    issue = newsletters.send_issue(
        newsletter=NewsletterFactory(lists=[weekly]), by=engagement_officer
    )

    batch = bulk.send_batch(issue.mailing_id)
    # A tenth of the cap is left to mail for one person.
    assert (batch.outcome, batch.sent) == (bulk.BatchOutcome.DEFERRED, 18)

    person = UserFactory(email="lead@example.org")
    provider.append(reminder("tests.item:1", person))
    [digest] = send_reminder_digests(today=date(2026, 11, 23)).emails
    assert services.deliver(digest).outcome == services.Outcome.SENT
    assert bulk.send_batch(issue.mailing_id).outcome == bulk.BatchOutcome.DEFERRED
    used, _ = services.slots_used(timezone.now())
    assert used == 19 <= settings.EMAIL_RATE_PER_MINUTE


# --- News needs an engagement officer's approval ------------------------------------------------


def test_an_ambassador_cannot_publish_from_the_pages_and_an_unapproved_story_goes_nowhere(
    client, sign_in, ambassador, engagement_officer
):
    sign_in(ambassador.user)
    client.post(
        reverse("engagement:news_item_new"),
        {"title": "At the county show", "summary": "We met people.", "body": "It was busy."},
    )
    item = NewsItem.objects.get()
    review = reverse("engagement:news_item_review", args=[item.pk])

    refused = client.post(review, {"to": NewsItem.Status.PUBLISHED})
    assert refused.status_code == 400
    client.post(review, {"to": NewsItem.Status.AWAITING_APPROVAL})
    item.refresh_from_db()
    assert item.status == NewsItem.Status.AWAITING_APPROVAL
    # Waiting, it is not the ambassador's to move.
    assert client.post(review, {"to": NewsItem.Status.PUBLISHED}).status_code == 403

    issue = NewsletterFactory(news_items=[item])
    assert newsletters.assemble(issue)["news"] == []
    client.logout()
    assert b"At the county show" not in client.get(reverse("engagement:news_list")).content
    assert client.get(reverse("engagement:news_item", args=[item.slug])).status_code == 404

    sign_in(engagement_officer)
    client.post(review, {"to": NewsItem.Status.PUBLISHED})
    item.refresh_from_db()
    assert item.status == NewsItem.Status.PUBLISHED
    assert item.reviewed_by == engagement_officer
    assert [n["title"] for n in newsletters.assemble(issue)["news"]] == ["At the county show"]


# --- One digest per person per day --------------------------------------------------------------


def test_the_digest_is_one_email_per_person_per_day(provider):
    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    person = UserFactory(email="lead@example.org")
    provider.append(reminder("tests.one:1", person))
    provider.append(reminder("tests.two:2", person))

    assert send_reminder_digests(today=monday).people == 1
    # Something comes due later the same day, and the job runs again.
    provider.append(reminder("tests.three:3", person))
    again = send_reminder_digests(today=monday)

    assert again.people == 0
    assert OutboundMessage.objects.filter(to_email="lead@example.org").count() == 1
    # It is in the next day's digest, alone.
    assert send_reminder_digests(today=tuesday).reminders == 1
    latest = OutboundMessage.objects.order_by("-pk").first()
    assert list(latest.reminders.values_list("key", flat=True)) == ["tests.three:3"]
