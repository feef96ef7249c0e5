"""Issues the office learns of other than from an ambassador ("feedback from public and others,
correspondence, complaints"): a staff officer logs them, with their source, into the same queue
and workflow."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from engagement.models import RaisedIssue
from engagement.reminders import engagement_reminders
from engagement.services import log_issue, move_issue
from engagement.workflow import IssueStatus
from pcc_portal.models import OutboundMessage
from tests.engagement.factories import ContactFactory, RaisedIssueFactory

pytestmark = pytest.mark.django_db

Source = RaisedIssue.Source


@pytest.fixture
def logged(officer):
    return log_issue(
        summary="Parking on the pavement outside the surgery",
        source=Source.COMPLAINT,
        raised_by_name="Pat Resident",
        raised_by_contact="pat@example.org",
        details="Letter of 2 November: buggies have to go into the road.",
        by=officer,
    )


def test_a_staff_officer_logs_an_issue_into_the_queue(logged, officer):
    logged.refresh_from_db()
    assert logged.contact is None
    assert logged.source == Source.COMPLAINT
    assert logged.status == IssueStatus.OPEN
    assert logged.logged_by == officer
    assert logged.raised_by_name == "Pat Resident"
    assert logged.raised_by_contact == "pat@example.org"
    assert "buggies" in logged.details
    assert logged in RaisedIssue.objects.outstanding()


def test_an_issue_from_a_contact_says_so_by_default():
    issue = RaisedIssueFactory()
    assert issue.source == Source.AMBASSADOR_CONTACT
    assert issue.logged_by is None


@pytest.mark.parametrize("role", ["Ambassador", "Commissioner and Deputy", "Grants officer", None])
def test_only_those_who_keep_the_queue_log_issues(make_user, role):
    with pytest.raises(PermissionDenied):
        log_issue(summary="Speeding", source=Source.CORRESPONDENCE, by=make_user(role))
    assert not RaisedIssue.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"summary": "  "}, "summary"),
        ({"summary": "x" * 301}, "summary"),
        ({"source": Source.AMBASSADOR_CONTACT}, "source"),
        ({"source": "rumour"}, "source"),
        ({"raised_by_name": "x" * 151}, "raised_by_name"),
        ({"raised_by_contact": "x" * 256}, "raised_by_contact"),
        ({"details": "x" * 5001}, "details"),
    ],
)
def test_a_logged_issue_is_checked(officer, changes, field):
    answers = {"summary": "Speeding", "source": Source.OTHER, **changes}
    with pytest.raises(ValidationError) as refused:
        log_issue(**answers, by=officer)
    assert field in refused.value.message_dict
    assert not RaisedIssue.objects.exists()


def test_the_database_holds_a_contact_exactly_for_an_issue_from_a_contact():
    with pytest.raises(IntegrityError), transaction.atomic():
        RaisedIssue.objects.create(summary="No contact", source=Source.AMBASSADOR_CONTACT)
    with pytest.raises(IntegrityError), transaction.atomic():
        RaisedIssue.objects.create(
            summary="Both", contact=ContactFactory(), source=Source.COMPLAINT
        )


def test_a_logged_issue_goes_through_the_workflow_without_emailing_an_ambassador(
    logged, officer, django_capture_on_commit_callbacks
):
    OutboundMessage.objects.all().delete()
    move_issue(issue=logged, to=IssueStatus.RAISED, by=officer)
    with django_capture_on_commit_callbacks(execute=False):
        move_issue(issue=logged, to=IssueStatus.ANSWERED, by=officer, answer="Enforcement visit")
    move_issue(issue=logged, to=IssueStatus.CLOSED, by=officer)
    logged.refresh_from_db()
    assert logged.status == IssueStatus.CLOSED
    assert logged.transitions.count() == 3
    assert not OutboundMessage.objects.exists()


def test_the_other_staff_officers_are_told_of_a_logged_issue(officer, make_user, office):
    colleague = make_user("Staff officer", email="colleague@example.org")
    issue = log_issue(summary="Speeding", source=Source.PUBLIC_FEEDBACK, by=officer)
    # The one who logged it knows already.
    assert list(OutboundMessage.objects.values_list("to_email", flat=True)) == [colleague.email]
    assert OutboundMessage.objects.get().related == issue


def test_a_logged_issue_waiting_too_long_is_chased(logged, officer):
    raised = timezone.make_aware(datetime.combine(date(2026, 10, 1), time(9)))
    RaisedIssue.objects.filter(pk=logged.pk).update(raised_at=raised)
    reminders = list(engagement_reminders(start=date(2026, 11, 23), end=date(2026, 11, 23)))
    [reminder] = [r for r in reminders if r.key.startswith("engagement.raised_issue:")]
    assert officer in reminder.recipients
    assert "Parking on the pavement" in reminder.title


# --- The pages ---------------------------------------------------------------------------


def test_the_queue_and_the_issue_page_show_a_logged_issue_and_its_source(
    client, sign_in, logged, officer
):
    RaisedIssueFactory(summary="From an ambassador")
    sign_in(officer)
    queue = client.get("/staff/engagement/issues/").content.decode()
    assert "Parking on the pavement outside the surgery" in queue
    assert "From an ambassador" in queue
    assert "Complaint" in queue
    page = client.get(f"/staff/engagement/issues/{logged.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Complaint" in text
    assert "Pat Resident" in text and "pat@example.org" in text
    assert "buggies have to go into the road" in text
    assert officer.get_full_name() in text  # who logged it, in the timeline


def test_the_queue_offers_a_button_to_log_an_issue_to_those_who_may(
    client, sign_in, officer, make_user
):
    sign_in(officer)
    queue = client.get("/staff/engagement/issues/").content.decode()
    assert 'href="/staff/engagement/issues/new/"' in queue
    assert "govuk-button" in queue
    sign_in(make_user("Commissioner and Deputy"))
    queue = client.get("/staff/engagement/issues/").content.decode()
    assert 'href="/staff/engagement/issues/new/"' not in queue


def test_an_issue_is_logged_through_its_page(client, sign_in, officer):
    sign_in(officer)
    page = client.get("/staff/engagement/issues/new/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Log an issue" in text
    assert "portal-content--full-width" in text
    assert "govuk-radios" in text and "Feedback from the public" in text
    assert "An ambassador&#x27;s contact" not in text and "Ambassador contact" not in text
    assert "govuk-character-count" in text

    response = client.post("/staff/engagement/issues/new/", {"summary": "", "source": ""})
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Enter a short summary of the issue" in text
    assert "Select where the issue came from" in text

    response = client.post(
        "/staff/engagement/issues/new/",
        {
            "summary": "Speeding on the A49",
            "source": Source.CORRESPONDENCE,
            "raised_by_name": "Parish clerk",
            "raised_by_contact": "",
            "details": "",
        },
    )
    issue = RaisedIssue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/engagement/issues/{issue.pk}/"
    assert (issue.source, issue.raised_by_name, issue.logged_by) == (
        Source.CORRESPONDENCE,
        "Parish clerk",
        officer,
    )


@pytest.mark.parametrize("role", ["Ambassador", "Commissioner and Deputy"])
def test_others_cannot_log_issues_through_the_page(client, sign_in, make_user, role):
    sign_in(make_user(role))
    assert client.get("/staff/engagement/issues/new/").status_code == 403
    response = client.post(
        "/staff/engagement/issues/new/", {"summary": "x", "source": Source.OTHER}
    )
    assert response.status_code == 403
    assert not RaisedIssue.objects.exists()


def test_the_admin_shows_a_logged_issue(client, sign_in, logged, make_user):
    sign_in(make_user("Engagement officer"))
    assert client.get("/admin/engagement/raisedissue/").status_code == 200
    page = client.get(f"/admin/engagement/raisedissue/{logged.pk}/change/")
    assert page.status_code == 200
    assert "Complaint" in page.content.decode()


def test_the_ambassadors_pages_and_the_api_leave_logged_issues_out(
    client, sign_in, logged, token_for
):
    issue = RaisedIssueFactory(summary="Mine")
    ambassador = issue.contact.ambassador
    sign_in(ambassador.user)
    home = client.get("/ambassador/").content.decode()
    assert "Mine" in home and "Parking on the pavement" not in home
    response = client.get("/api/v1/contacts/", **token_for(ambassador.user))
    assert response.status_code == 200
    assert [row["raised_issue"]["summary"] for row in response.json()["results"]] == ["Mine"]


def test_an_issue_logged_long_ago_counts_its_days(client, sign_in, logged, officer):
    RaisedIssue.objects.filter(pk=logged.pk).update(raised_at=timezone.now() - timedelta(days=3))
    sign_in(officer)
    response = client.get("/staff/engagement/issues/")
    assert [i.days_open for i in response.context["page"].object_list] == [3]
