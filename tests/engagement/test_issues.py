"""The raised-issue workflow: open -> raised with the Chief Constable -> answered -> closed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engagement.models import RaisedIssue
from engagement.services import move_issue, raise_issue
from engagement.workflow import TRANSITIONS, IssueStatus
from pcc_portal.models import OutboundMessage
from tests.engagement.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    contact = ContactFactory(issues_raised="Speeding past the school")
    return raise_issue(
        contact=contact, summary="Speeding past the school", by=contact.ambassador.user
    )


def test_the_whole_journey_is_recorded_and_the_ambassador_told(
    issue, officer, django_capture_on_commit_callbacks, mailoutbox, celery_eager
):
    move_issue(issue=issue, to=IssueStatus.RAISED, by=officer, note="Sent to the force")
    with django_capture_on_commit_callbacks(execute=True):
        move_issue(
            issue=issue, to=IssueStatus.ANSWERED, by=officer, answer="Speed checks start on Monday."
        )
    move_issue(issue=issue, to=IssueStatus.CLOSED, by=officer)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED
    steps = [(t.from_status, t.to_status, t.by) for t in issue.transitions.all()]
    assert steps == [
        ("open", "raised_with_chief_constable", officer),
        ("raised_with_chief_constable", "answered", officer),
        ("answered", "closed", officer),
    ]
    message = OutboundMessage.objects.get()
    assert message.to_email == issue.contact.ambassador.user.email
    assert len(mailoutbox) == 1
    assert "Speed checks start on Monday." in mailoutbox[0].body


@pytest.mark.parametrize(
    "start, target",
    [(s, t) for s in IssueStatus for t in IssueStatus if t not in TRANSITIONS[s]],
)
def test_illegal_moves_are_refused_with_a_clear_error(issue, officer, start, target):
    RaisedIssue.objects.filter(pk=issue.pk).update(status=start, answer="An answer")
    with pytest.raises(ValidationError, match="cannot be moved"):
        move_issue(issue=issue, to=target, by=officer)
    issue.refresh_from_db()
    assert issue.status == start
    assert issue.transitions.count() == 0


def test_answering_needs_an_answer(issue, officer):
    with pytest.raises(ValidationError) as error:
        move_issue(issue=issue, to=IssueStatus.ANSWERED, by=officer)
    assert "answer" in error.value.message_dict
    assert OutboundMessage.objects.count() == 0


def test_only_the_staff_officers_permission_moves_issues(issue, make_user):
    for role in ("Ambassador", "Commissioner and Deputy", "Grants officer"):
        with pytest.raises(PermissionDenied):
            move_issue(issue=issue, to=IssueStatus.RAISED, by=make_user(role))


def test_the_queue_and_a_move_through_the_page(client, sign_in, issue, officer):
    sign_in(officer)
    assert "Speeding past the school" in client.get("/staff/engagement/issues/").content.decode()
    response = client.post(
        f"/staff/engagement/issues/{issue.pk}/", {"to": IssueStatus.ANSWERED, "answer": ""}
    )
    assert response.status_code == 400
    assert "Enter the answer before marking the issue answered" in response.content.decode()
    response = client.post(
        f"/staff/engagement/issues/{issue.pk}/",
        {"to": IssueStatus.ANSWERED, "answer": "Checks next week"},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ANSWERED


def test_the_commissioner_sees_the_queue_but_cannot_move(client, sign_in, issue, make_user):
    sign_in(make_user("Commissioner and Deputy"))
    page = client.get(f"/staff/engagement/issues/{issue.pk}/")
    assert page.status_code == 200
    assert 'name="to"' not in page.content.decode()
    response = client.post(f"/staff/engagement/issues/{issue.pk}/", {"to": "closed"})
    assert response.status_code == 403


def test_an_ambassador_cannot_see_the_queue(client, sign_in, issue):
    sign_in(issue.contact.ambassador.user)
    assert client.get("/staff/engagement/issues/").status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_answering_at_once_make_one_move(issue, make_user):
    """Both threads lock the row; the second sees the first's move and is refused."""
    import threading

    from django.db import connection

    officers = [make_user("Staff officer"), make_user("Staff officer")]
    assert all(officer.has_perm("engagement.change_raisedissue") for officer in officers)
    outcomes = []
    barrier = threading.Barrier(2)

    def answer(officer):
        barrier.wait()
        try:
            move_issue(issue=issue, to=IssueStatus.CLOSED, by=officer)
            outcomes.append("moved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(o,)) for o in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["moved", "refused"]
    assert issue.transitions.count() == 1
