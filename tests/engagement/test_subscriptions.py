"""Distribution lists: the double opt-in, one-click unsubscribe (RFC 8058), the suppression
list, consent records, a list's recipients, the CSV import, a person met in the field, the end
of a consultation, and bounces and complaints from the mail provider."""

import re
import time
from datetime import timedelta

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import (
    DistributionList,
    Organisation,
    Subscriber,
    Subscription,
    Suppression,
)
from engagement.subscriptions import (
    CONFIRMATION_TEMPLATE,
    FIELD_STATEMENT,
    SIGN_UP_STATEMENT,
    confirm_subscription,
    import_contacts,
    read_unsubscribe,
    request_subscription,
    sign_up_wording,
    suppress,
    unsubscribe,
    unsubscribe_url,
)
from pcc_portal.models import OutboundMessage
from tests.engagement.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SITE = "https://engage.example.org"


@pytest.fixture(autouse=True)
def site_url(settings, office):
    settings.SITE_URL = SITE


@pytest.fixture(autouse=True)
def fresh_flood_counts():
    """Every test's client has the same address: each starts with no sign-ups counted."""
    cache.clear()


@pytest.fixture
def weekly(db):
    return DistributionList.objects.create(
        name="Weekly newsletter", slug="weekly-newsletter", is_public=True, position=1
    )


@pytest.fixture
def consultations(db):
    return DistributionList.objects.create(
        name="Consultations", slug="consultations", is_public=True, position=2
    )


@pytest.fixture
def partners(db):
    return DistributionList.objects.create(name="Partners", slug="partners", is_public=False)


def _confirmation_path(message: OutboundMessage) -> str:
    url = message.context["url"]
    assert url.startswith(f"{SITE}/newsletter/confirm/")
    return url.removeprefix(SITE)


def _subscribe(email="Ann@Example.org", lists=None, **kwargs):
    lists = lists or []
    return request_subscription(
        email=email,
        lists=lists,
        method=Subscription.Method.WEB_FORM,
        wording=sign_up_wording(lists),
        **kwargs,
    )


# --- Double opt-in ------------------------------------------------------------------------------


def test_signing_up_records_consent_and_emails_a_link_to_confirm(client, weekly, consultations):
    page = client.get(reverse("engagement:subscribe")).content.decode()
    assert SIGN_UP_STATEMENT in page
    response = client.post(
        reverse("engagement:subscribe"),
        {"email": " Ann@Example.org ", "name": "Ann", "lists": [weekly.pk, consultations.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:subscribe_sent")

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "ann@example.org" and subscriber.name == "Ann"
    subscriptions = list(subscriber.subscriptions.order_by("list__position"))
    assert [s.status for s in subscriptions] == ["pending", "pending"]
    for subscription in subscriptions:
        assert subscription.consent_method == "web_form"
        assert subscription.lawful_basis == "consent"
        assert "Weekly newsletter, Consultations" in subscription.consent_wording
        # The words the page showed, as they were.
        assert SIGN_UP_STATEMENT in subscription.consent_wording
        assert subscription.consent_at is not None and subscription.confirmed_at is None

    [message] = OutboundMessage.objects.all()
    assert message.to_email == "ann@example.org"
    assert message.template == CONFIRMATION_TEMPLATE
    assert message.context["lists"] == ["Weekly newsletter", "Consultations"]
    # Nothing goes to the address until it is confirmed.
    assert weekly.recipients() == []


def test_the_confirmation_link_shows_a_button_and_confirms_on_post(client, weekly):
    _subscribe(lists=[weekly])
    path = _confirmation_path(OutboundMessage.objects.get())

    page = client.get(path)
    assert page.status_code == 200
    assert b"Confirm subscription" in page.content
    # A mail scanner opening the link confirms nothing.
    assert Subscription.objects.get().status == "pending"

    done = client.post(path)
    assert done.status_code == 200
    assert b"Subscription confirmed" in done.content
    subscription = Subscription.objects.get()
    assert subscription.status == "confirmed" and subscription.confirmed_at is not None
    assert [r.email for r in weekly.recipients()] == ["ann@example.org"]
    # Following the link again is harmless.
    assert client.post(path).status_code == 200


def test_the_confirmation_link_expires_after_a_week(client, weekly, monkeypatch):
    _subscribe(lists=[weekly])
    path = _confirmation_path(OutboundMessage.objects.get())
    later = time.time() + timedelta(days=7, minutes=1).total_seconds()
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    response = client.post(path)
    assert response.status_code == 400
    assert b"This link has expired" in response.content
    assert Subscription.objects.get().status == "pending"


def test_a_forged_confirmation_link_is_refused(client, weekly):
    _subscribe(lists=[weekly])
    response = client.get(reverse("engagement:subscription_confirm", args=["forged:token"]))
    assert response.status_code == 400
    assert b"This link is not valid" in response.content


def test_a_second_request_within_minutes_sends_no_second_email(weekly):
    _subscribe(lists=[weekly])
    _subscribe(lists=[weekly])
    assert OutboundMessage.objects.count() == 1
    Subscription.objects.update(consent_at=timezone.now() - timedelta(minutes=11))
    _subscribe(lists=[weekly])
    assert OutboundMessage.objects.count() == 2


def test_an_address_already_confirmed_is_sent_nothing_and_the_page_says_the_same(client, weekly):
    _subscribe(lists=[weekly])
    confirm_subscription(token=_confirmation_path(OutboundMessage.objects.get()).split("/")[3])
    response = client.post(
        reverse("engagement:subscribe"), {"email": "ann@example.org", "lists": [weekly.pk]}
    )
    assert response.status_code == 302
    assert OutboundMessage.objects.count() == 1


def test_the_sign_up_page_in_its_error_state(client, weekly):
    response = client.post(reverse("engagement:subscribe"), {"email": "not an address"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "There is a problem" in html
    assert "Select at least one list" in html
    assert "Enter an email address in the correct format, like name@example.com" in html
    assert Subscriber.objects.count() == 0


def test_only_public_lists_are_offered_and_accepted(client, weekly, partners):
    page = client.get(reverse("engagement:subscribe"))
    assert b"Weekly newsletter" in page.content and b"Partners" not in page.content
    response = client.post(
        reverse("engagement:subscribe"), {"email": "a@example.org", "lists": [partners.pk]}
    )
    assert response.status_code == 400
    assert Subscriber.objects.count() == 0


def test_the_sign_up_page_starts_no_session_for_an_anonymous_visitor(client, weekly):
    response = client.get(reverse("engagement:subscribe"))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


# --- Unsubscribing ------------------------------------------------------------------------------


@pytest.fixture
def confirmed(weekly, consultations):
    result = _subscribe(lists=[weekly, consultations])
    confirm_subscription(token=_confirmation_path(OutboundMessage.objects.get()).split("/")[3])
    return result.subscriber


def test_the_unsubscribe_link_shows_a_button_then_unsubscribes_from_that_list(
    client, confirmed, weekly, consultations
):
    url = unsubscribe_url(confirmed, weekly)
    assert url.startswith(f"{SITE}/newsletter/unsubscribe/")
    path = url.removeprefix(SITE)

    page = client.get(path)
    assert page.status_code == 200 and b"Unsubscribe from Weekly newsletter" in page.content
    assert weekly.recipients() != []

    done = client.post(path)
    assert done.status_code == 200 and b"You have unsubscribed" in done.content
    assert weekly.recipients() == []
    # The other list goes on.
    assert [r.email for r in consultations.recipients()] == ["ann@example.org"]
    subscription = Subscription.objects.get(list=weekly)
    assert subscription.status == "unsubscribed" and subscription.unsubscribed_at is not None


def test_the_one_click_post_of_rfc_8058_unsubscribes_without_csrf_or_cookies(confirmed, weekly):
    client = Client(enforce_csrf_checks=True)
    path = unsubscribe_url(confirmed, weekly).removeprefix(SITE)
    response = client.post(
        path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Subscription.objects.get(list=weekly).status == "unsubscribed"
    assert weekly.recipients() == []


def test_stop_all_emails_suppresses_the_address(client, confirmed, weekly, consultations):
    path = unsubscribe_url(confirmed, weekly).removeprefix(SITE)
    client.post(path)
    client.post(path, {"everything": "1"})
    assert Suppression.objects.get().email == "ann@example.org"
    assert consultations.recipients() == []


def test_an_unsubscribe_link_cannot_be_forged_or_pointed_at_another_address(client, weekly):
    token = reverse("engagement:unsubscribe", args=["x"]).split("/")[3]
    assert client.post(reverse("engagement:unsubscribe", args=[token])).status_code == 400
    with pytest.raises(ValidationError):
        read_unsubscribe("eyJlIjoiYkBleGFtcGxlLm9yZyIsImwiOjF9:forged:sig")


def test_an_organisations_address_unsubscribing_is_suppressed(client, partners):
    organisation = OrganisationFactory(
        email="Clerk@Parish.example.org", consent_basis="public_task"
    )
    partners.organisations.add(organisation)
    [recipient] = partners.recipients()
    assert recipient.email == "clerk@parish.example.org" and recipient.basis == "public_task"

    client.post(unsubscribe_url(recipient, partners).removeprefix(SITE))
    assert Suppression.objects.get().reason == "unsubscribed"
    assert partners.recipients() == []


# --- A list's recipients and the suppression list ----------------------------------------------


def test_recipients_are_confirmed_subscribers_and_organisations_one_per_address(partners):
    partners.organisation_kind = Organisation.Kind.PARISH_COUNCIL
    partners.save()
    council = OrganisationFactory(
        kind="parish_council", email="clerk@council.example.org", consent_basis="public_task"
    )
    OrganisationFactory(kind="parish_council", email="", consent_basis="none_held")
    OrganisationFactory(kind="youth_group", email="youth@example.org", consent_basis="consent")
    named = OrganisationFactory(kind="other", email="Ann@Example.org", consent_basis="consent")
    partners.organisations.add(named)
    import_contacts(
        distribution_list=partners,
        data="email,name\nann@example.org,Ann\nbob@example.org,Bob\n",
        lawful_basis="legitimate_interests",
        by=None,
    )
    pending = Subscriber.objects.create(email="pat@example.org")
    Subscription.objects.create(
        subscriber=pending, list=partners, consent_method="web_form", status="pending"
    )

    recipients = partners.recipients()
    assert [(r.email, r.basis) for r in recipients] == [
        ("ann@example.org", "legitimate_interests"),
        ("bob@example.org", "legitimate_interests"),
        ("clerk@council.example.org", "public_task"),
    ]
    assert recipients[2].organisation == council

    suppress(email="BOB@example.org", reason=Suppression.Reason.BOUNCED, source="test")
    suppress(email="clerk@council.example.org", reason=Suppression.Reason.BY_STAFF)
    assert [r.email for r in partners.recipients()] == ["ann@example.org"]


def test_a_complaint_or_a_staff_entry_blocks_even_a_new_sign_up(weekly):
    suppress(email="ann@example.org", reason=Suppression.Reason.COMPLAINT)
    result = _subscribe(lists=[weekly])
    assert result.emailed is False
    assert OutboundMessage.objects.count() == 0
    assert Subscription.objects.count() == 0


def test_confirming_again_lifts_an_unsubscribe_or_a_bounce(client, confirmed, weekly):
    client.post(unsubscribe_url(confirmed, weekly).removeprefix(SITE), {"everything": "1"})
    assert weekly.recipients() == []
    OutboundMessage.objects.all().delete()

    _subscribe(lists=[weekly])
    client.post(_confirmation_path(OutboundMessage.objects.get()))
    assert Suppression.objects.count() == 0
    assert [r.email for r in weekly.recipients()] == ["ann@example.org"]


def test_a_complaint_outranks_an_earlier_unsubscribe():
    suppress(email="a@example.org", reason=Suppression.Reason.UNSUBSCRIBED)
    suppress(email="a@example.org", reason=Suppression.Reason.COMPLAINT, source="ses")
    suppress(email="a@example.org", reason=Suppression.Reason.BOUNCED)
    assert Suppression.objects.get().reason == "complaint"


# --- Bounces and complaints from the mail provider ---------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "reason"),
    [("bounced", "bounced"), ("complained", "complaint"), ("unsubscribed", "unsubscribed")],
)
def test_the_providers_tracking_events_join_the_suppression_list(event_type, reason, confirmed):
    event = AnymailTrackingEvent(event_type=event_type, recipient="Ann@Example.org")
    tracking.send(sender=object, event=event, esp_name="Amazon SES")
    suppression = Suppression.objects.get()
    assert suppression.email == "ann@example.org" and suppression.reason == reason
    assert "Amazon SES" in suppression.source


def test_other_tracking_events_suppress_nothing(confirmed):
    for event_type in ("delivered", "opened", "deferred", "clicked"):
        event = AnymailTrackingEvent(event_type=event_type, recipient="ann@example.org")
        tracking.send(sender=object, event=event, esp_name="Postmark")
    assert Suppression.objects.count() == 0


# --- Importing existing contacts ---------------------------------------------------------------


def test_an_import_with_bad_rows_names_them_and_imports_nothing(partners):
    data = "Email,Name\nann@example.org,Ann\nnot-an-address,Bob\n,Carol\ncat@example.org,Cat\n"
    with pytest.raises(ValidationError) as refused:
        import_contacts(distribution_list=partners, data=data, lawful_basis="public_task", by=None)
    assert refused.value.messages == [
        "Row 3: 'not-an-address' is not a valid email address",
        "Row 4: enter an email address",
    ]
    assert Subscriber.objects.count() == 0 and Subscription.objects.count() == 0


def test_an_import_adds_confirmed_contacts_with_the_stated_basis(partners, make_user):
    officer = make_user("Engagement officer")
    result = import_contacts(
        distribution_list=partners,
        data=(
            b"\xef\xbb\xbfemail,name\r\nAnn@Example.org,Ann\r\n"
            b"ann@example.org,Ann again\r\n\r\nbob@example.org,\r\n"
        ),
        lawful_basis="public_task",
        by=officer,
    )
    assert result.added == 2
    subscription = Subscription.objects.get(subscriber__email="ann@example.org")
    assert subscription.status == "confirmed"
    assert subscription.consent_method == "import"
    assert subscription.lawful_basis == "public_task"
    assert subscription.added_by == officer
    assert "public task" in subscription.consent_wording


def test_a_reimport_skips_suppressed_and_unsubscribed_addresses(partners):
    data = "email\nann@example.org\nbob@example.org\ncat@example.org\n"
    import_contacts(distribution_list=partners, data=data, lawful_basis="public_task", by=None)
    unsubscribe(email="ann@example.org", distribution_list=partners)
    suppress(email="bob@example.org", reason=Suppression.Reason.BOUNCED)

    again = import_contacts(
        distribution_list=partners,
        data=data + "dan@example.org\n",
        lawful_basis="public_task",
        by=None,
    )
    assert (again.added, again.already_on_list, again.suppressed, again.unsubscribed) == (
        1,
        1,
        1,
        1,
    )
    assert Subscription.objects.get(subscriber__email="ann@example.org").status == "unsubscribed"
    assert [r.email for r in partners.recipients()] == ["cat@example.org", "dan@example.org"]


def test_contacts_cannot_be_imported_into_a_public_list(weekly):
    with pytest.raises(ValidationError, match="internal list"):
        import_contacts(
            distribution_list=weekly, data="email\na@example.org\n", lawful_basis="consent", by=None
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("name\nAnn\n", 'column headed "email"'),
        ("email\n", "no contacts"),
        (b"email\n\xff\xfe", "UTF-8"),
    ],
)
def test_a_file_that_is_not_a_contacts_csv_is_refused(partners, data, message):
    with pytest.raises(ValidationError, match=message):
        import_contacts(distribution_list=partners, data=data, lawful_basis="consent", by=None)


def test_the_import_page_shows_bad_rows_and_imports_a_good_file(signed_in_as, client, partners):
    from django.core.files.uploadedfile import SimpleUploadedFile

    signed_in_as("Engagement officer")
    url = reverse("engagement:list_import", args=[partners.slug])
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("contacts.csv", b"email\nann@example.org\nnope\n", "text/csv")
    response = client.post(url, {"file": bad, "lawful_basis": "public_task"})
    assert response.status_code == 400
    assert "Row 3: &#x27;nope&#x27; is not a valid email address" in response.content.decode()
    assert Subscription.objects.count() == 0

    good = SimpleUploadedFile("contacts.csv", b"email\nann@example.org\n", "text/csv")
    response = client.post(url, {"file": good, "lawful_basis": "public_task"})
    assert response.status_code == 302
    assert Subscription.objects.get().status == "confirmed"
    page = client.get(reverse("engagement:list_index"))
    assert page.status_code == 200 and b"Partners" in page.content


def test_the_lists_pages_are_for_staff_only(signed_in_as, client, partners):
    signed_in_as("Ambassador")
    assert client.get(reverse("engagement:list_index")).status_code == 403
    assert client.get(reverse("engagement:list_import", args=[partners.slug])).status_code == 403


# --- A person met in the field, and the end of a consultation -----------------------------------


def test_an_ambassador_adds_a_person_met_only_with_their_consent(
    client, sign_in, ambassador, weekly
):
    sign_in(ambassador.user)
    url = reverse("engagement:field_subscribe")
    assert client.get(url).status_code == 200

    assert FIELD_STATEMENT in client.get(url).content.decode()
    refused = client.post(url, {"email": "met@example.org", "lists": [weekly.pk]})
    assert refused.status_code == 400
    assert b"Confirm that the person agreed to receive these emails" in refused.content
    assert Subscriber.objects.count() == 0

    response = client.post(url, {"email": "met@example.org", "lists": [weekly.pk], "consent": "on"})
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.status == "pending"
    assert subscription.consent_method == "in_person"
    assert subscription.added_by == ambassador.user
    assert FIELD_STATEMENT in subscription.consent_wording
    assert "Weekly newsletter" in subscription.consent_wording
    [message] = OutboundMessage.objects.all()
    assert message.to_email == "met@example.org"
    # They join only when they confirm.
    assert weekly.recipients() == []


def test_the_public_cannot_add_people_in_the_field(client, weekly):
    response = client.get(reverse("engagement:field_subscribe"))
    assert response.status_code == 302


def test_the_end_of_a_consultation_starts_the_double_opt_in_for_the_consultations_list(
    client, consultations
):
    page = client.get(reverse("engagement:consultation_opt_in"))
    assert page.status_code == 200 and b"future consultations" in page.content
    response = client.post(reverse("engagement:consultation_opt_in"), {"email": "c@example.org"})
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.list == consultations
    assert subscription.status == "pending"
    assert subscription.consent_method == "consultation"
    assert "future consultations" in subscription.consent_wording
    assert OutboundMessage.objects.get().to_email == "c@example.org"

    bad = client.post(reverse("engagement:consultation_opt_in"), {"email": "nope"})
    assert bad.status_code == 400


# --- The confirmation email, and the privacy notice ---------------------------------------------


def test_the_confirmation_email_links_to_the_page_and_says_when_it_expires(
    weekly, django_capture_on_commit_callbacks, mailoutbox, celery_eager
):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(lists=[weekly], name="Ann")
    [email] = mailoutbox
    assert email.to == ["ann@example.org"]
    assert email.subject == "Confirm your email subscription"
    assert f"{SITE}/newsletter/confirm/" in email.body
    assert "Weekly newsletter" in email.body
    assert re.search(r"The link works until \w+day \d+ \w+ \d{4}", email.body)


def test_the_privacy_notice_explains_the_lists(client, reference_data):
    html = client.get("/privacy/").content.decode()
    assert "Emails from our lists" in html and "The suppression list" in html


def test_the_standard_lists_come_with_the_reference_data(reference_data):
    slugs = set(DistributionList.objects.values_list("slug", flat=True))
    assert {
        "weekly-newsletter",
        "quarterly-newsletter",
        "consultations",
        "town-and-parish-councils",
        "victims-consultations",
        "business-and-rural",
    } <= slugs
    councils = DistributionList.objects.get(slug="town-and-parish-councils")
    assert councils.organisation_kind == "parish_council" and not councils.is_public


@pytest.mark.parametrize("sensitive", [False, True])
def test_the_end_of_a_consultation_offers_future_consultations_unless_it_is_sensitive(
    rf, sensitive
):
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/consultations/x/done/")
    request.user = AnonymousUser()
    consultation = SimpleNamespace(sensitive=sensitive, title="Street lighting", slug="x")
    html = render_to_string(
        "consultations/response_done.html",
        {"consultation": consultation, "closes": "Monday 7 December 2026"},
        request=request,
    )
    offered = reverse("engagement:consultation_opt_in") in html
    assert offered is not sensitive


def test_the_lists_page_counts_each_subscription_once(signed_in_as, client, partners):
    for number in range(3):
        partners.organisations.add(
            OrganisationFactory(email=f"org{number}@example.org", consent_basis="public_task")
        )
    import_contacts(
        distribution_list=partners,
        data="email\na@example.org\nb@example.org\n",
        lawful_basis="public_task",
        by=None,
    )
    signed_in_as("Engagement officer")
    page = client.get(reverse("engagement:list_index"))
    row = next(item for item in page.context["lists"] if item.pk == partners.pk)
    assert (row.confirmed, row.pending, row.organisation_count) == (2, 0, 3)


def test_a_flood_of_sign_ups_from_one_client_is_refused_with_a_429(client, weekly, monkeypatch):
    # All in one minute, whenever the test runs.
    minute = timezone.now().replace(second=1)
    monkeypatch.setattr("engagement.views.subscriptions.timezone.now", lambda: minute)
    url = reverse("engagement:subscribe")
    statuses = [
        client.post(url, {"email": f"p{n}@example.org", "lists": [weekly.pk]}).status_code
        for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]


def test_the_sign_up_page_is_cached_for_visitors_with_a_fresh_form_token_each(
    client, weekly, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_CACHE = True
    url = reverse("engagement:subscribe")

    def token(response):
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
        return found.group(1)

    first = client.get(url)
    client.cookies.clear()
    second = client.get(url)
    assert token(first) != token(second)
    assert "sessionid" not in second.cookies

    # A new public list shows at once.
    with django_capture_on_commit_callbacks(execute=True):
        DistributionList.objects.create(name="Rural crime", slug="rural", is_public=True)
    assert b"Rural crime" in client.get(url).content


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"RecordType": "Bounce", "Type": "HardBounce", "TypeCode": 1}, "bounced"),
        ({"RecordType": "SpamComplaint", "Type": "SpamComplaint", "TypeCode": 512}, "complaint"),
    ],
)
def test_a_providers_webhook_post_suppresses_the_address(rf, settings, payload, reason):
    """The whole way in, through django-anymail's own webhook view (Postmark's, as an example)."""
    import base64
    import json

    from anymail.webhooks.postmark import PostmarkTrackingWebhookView

    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    body = {
        **payload,
        "Email": "Reader@Example.org",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "BouncedAt": "2026-11-23T10:00:00Z",
        "Description": "The address does not exist",
    }
    request = rf.post(
        "/anymail/postmark/tracking/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"hook:secret").decode(),
    )
    response = PostmarkTrackingWebhookView.as_view()(request)
    assert response.status_code == 200
    suppression = Suppression.objects.get()
    assert suppression.email == "reader@example.org" and suppression.reason == reason


def test_the_lists_page_takes_as_many_queries_for_50_lists_as_for_5(
    signed_in_as, client, assert_flat_queries
):
    from tests.engagement.news_factories import DistributionListFactory, subscribe

    signed_in_as("Engagement officer")

    def make_lists(count):
        for _ in range(count):
            made = DistributionListFactory()
            subscribe(made, f"{made.slug}@example.org")
            made.organisations.add(OrganisationFactory())

    response = assert_flat_queries(make_lists, lambda: client.get(reverse("engagement:list_index")))
    assert response.content.decode().count("@example.org") == 0  # counts, never addresses
    assert len(re.findall(r"List \d+", response.content.decode())) >= 50
