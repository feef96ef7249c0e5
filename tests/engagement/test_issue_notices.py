"""What the office is told of raised issues, and what the queue shows of them: the staff
officers hear of each new issue, an ambassador hears of an answer in words and with a link,
and the queue shows how long each issue has been open and how many there are of each status."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from engagement.models import RaisedIssue
from engagement.services import move_issue, raise_issue
from engagement.workflow import IssueStatus
from pcc_portal.models import OutboundMessage
from tests.engagement.factories import ContactFactory, RaisedIssueFactory

pytestmark = pytest.mark.django_db

SITE = "https://engage.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def office_with_address(office):
    office.email = "opcc@anyshire.example.org"
    office.save()
    return office


def test_an_issue_whose_summary_has_a_line_break_can_be_answered(
    officer, office, django_capture_on_commit_callbacks, mailoutbox, celery_eager
):
    contact = ContactFactory()
    # Enter typed in the form's text box: browsers send \r\n.
    issue = raise_issue(
        contact=contact,
        summary="Speeding past the school\r\nevery morning",
        by=contact.ambassador.user,
    )
    with django_capture_on_commit_callbacks(execute=True):
        move_issue(issue=issue, to=IssueStatus.ANSWERED, by=officer, answer="Checks on Monday.")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ANSWERED
    [email] = mailoutbox
    assert email.to == [contact.ambassador.user.email]
    assert email.subject == "Answered: Speeding past the school every morning"


def test_the_answered_email_gives_the_date_in_words_a_link_and_the_offices_address(
    officer, office_with_address, django_capture_on_commit_callbacks, mailoutbox, celery_eager
):
    contact = ContactFactory(occurred_on=date(2026, 11, 2))
    issue = raise_issue(contact=contact, summary="Speeding", by=contact.ambassador.user)
    with django_capture_on_commit_callbacks(execute=True):
        move_issue(issue=issue, to=IssueStatus.ANSWERED, by=officer, answer="Checks on Monday.")
    [email] = mailoutbox
    assert "Monday 2 November 2026" in email.body
    assert "2026-11-02" not in email.body
    link = SITE + reverse("engagement:contact_detail", args=[contact.pk])
    assert link in email.body
    assert email.from_email == f"{office_with_address.office_name} <opcc@anyshire.example.org>"


# --- Item: the staff officers are told of each new issue --------------------------------------


@pytest.fixture
def keepers(make_user):
    """Two staff officers who keep the queue, one who has left, and people who do not."""
    first = make_user("Staff officer", email="first.officer@example.org")
    second = make_user("Staff officer", email="second.officer@example.org")
    make_user("Staff officer", email="left@example.org", is_active=False)
    make_user("Engagement officer", email="engagement@example.org")
    make_user("Commissioner and Deputy", email="holder@example.org")
    return first, second


def test_each_staff_officer_is_emailed_a_link_to_a_new_issue(
    keepers, office, django_capture_on_commit_callbacks, mailoutbox, celery_eager
):
    contact = ContactFactory(occurred_on=date(2026, 11, 2))
    with django_capture_on_commit_callbacks(execute=True):
        issue = raise_issue(
            contact=contact,
            summary="Quad bikes on the\r\nbridleway",
            by=contact.ambassador.user,
        )
    assert sorted(email.to[0] for email in mailoutbox) == [
        "first.officer@example.org",
        "second.officer@example.org",
    ]
    assert all(len(email.to) == 1 for email in mailoutbox)
    link = SITE + reverse("engagement:issue_detail", args=[issue.pk])
    for email in mailoutbox:
        assert email.subject == "Issue raised: Quad bikes on the bridleway"
        assert link in email.body
        assert "Quad bikes on the" in email.body
        assert "Monday 2 November 2026" in email.body
        assert contact.ambassador.user.get_full_name() in email.body
    assert {m.related for m in OutboundMessage.objects.all()} == {issue}


def test_nobody_is_told_of_an_issue_that_was_never_stored(keepers, office):
    contact = ContactFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_issue(contact=contact, summary="Speeding", by=contact.ambassador.user)
        raise RuntimeError("the contact's form failed after all")
    assert not RaisedIssue.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_a_staff_officer_without_an_email_address_does_not_stop_an_issue(make_user, office):
    make_user("Staff officer", email="")
    contact = ContactFactory()
    issue = raise_issue(contact=contact, summary="Speeding", by=contact.ambassador.user)
    assert issue.pk is not None
    assert not OutboundMessage.objects.exists()


# --- Item: the queue shows days open and a count per status ----------------------------------


def _noon_days_ago(days: int):
    # Noon, local time: whole days counted across a change of the clocks stay whole.
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(12)))


def _raised_days_ago(days: int, **kwargs) -> RaisedIssue:
    issue = RaisedIssueFactory(**kwargs)
    RaisedIssue.objects.filter(pk=issue.pk).update(raised_at=_noon_days_ago(days))
    return issue


def test_the_queue_counts_the_issues_of_each_status(client, sign_in, officer):
    for _ in range(3):
        RaisedIssueFactory()
    raised = RaisedIssueFactory()
    move_issue(issue=raised, to=IssueStatus.RAISED, by=officer)
    closed = RaisedIssueFactory()
    move_issue(issue=closed, to=IssueStatus.CLOSED, by=officer)
    sign_in(officer)
    page = client.get("/staff/engagement/issues/").content.decode()
    assert 'aria-current="page">Outstanding (4)</a>' in page
    assert ">Open (3)</a>" in page
    assert ">Raised with the Chief Constable (1)</a>" in page
    assert ">Answered (0)</a>" in page
    assert ">Closed (1)</a>" in page


def test_the_queue_shows_how_many_days_each_issue_has_been_open(client, sign_in, officer):
    _raised_days_ago(12, summary="Waiting twelve days")
    closed = _raised_days_ago(30, summary="Closed after 25 days")
    move_issue(issue=closed, to=IssueStatus.CLOSED, by=officer)
    RaisedIssue.objects.filter(pk=closed.pk).update(updated_at=_noon_days_ago(5))
    sign_in(officer)
    response = client.get("/staff/engagement/issues/")
    page = response.content.decode()
    assert "Days open" in page
    rows = {issue.summary: issue.days_open for issue in response.context["page"].object_list}
    assert rows == {"Waiting twelve days": 12}
    assert 'data-sort-value="12">12</td>' in page
    response = client.get("/staff/engagement/issues/", {"status": IssueStatus.CLOSED})
    assert [issue.days_open for issue in response.context["page"].object_list] == [25]
