"""The engagement verbs. Views, the API, the admin and tasks all call these."""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pcc_portal.mail.services import send_email

from .models import Ambassador, Contact, Organisation, RaisedIssue, RaisedIssueTransition
from .workflow import NEEDS_ANSWER, PERMISSION, TELL_AMBASSADOR, IssueStatus, allowed_moves

NOT_AN_AMBASSADOR = "Only an active ambassador can log contacts"
EDIT_WINDOW_CLOSED = "This contact can no longer be changed: ask the engagement officer"
NOT_YOUR_CONTACT = "You can only change contacts you logged"
SUMMARY_REQUIRED = "Enter a short summary of the issue for the Commissioner"
ANSWER_REQUIRED = "Enter the answer before marking the issue answered"
ILLEGAL_MOVE = "An issue that is {current} cannot be moved to {target}"
OUTSIDE_AREA = "You can only add organisations in your own policing area"
ORGANISATION_OUTSIDE_AREA = "Choose an organisation in your area"
FUTURE_DATE = "The date of the contact must be today or in the past"

CONTACT_FIELDS = (
    "occurred_on",
    "policing_area",
    "place",
    "organisation",
    "who",
    "people_reached",
    "method",
    "engagement_level",
    "topics",
    "issues_raised",
)


def _ambassador_for(user) -> Ambassador:
    ambassador = Ambassador.objects.filter(user=user, active=True).first()
    if ambassador is None:
        raise PermissionDenied(NOT_AN_AMBASSADOR)
    return ambassador


def _apply(contact: Contact, data: dict, *, user) -> None:
    for name in CONTACT_FIELDS:
        if name in data:
            setattr(contact, name, data[name])
    organisation = data.get("organisation")
    if (
        organisation
        and not Organisation.objects.visible_to(user).filter(pk=organisation.pk).exists()
    ):
        raise ValidationError({"organisation": ORGANISATION_OUTSIDE_AREA})
    if contact.occurred_on and contact.occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": FUTURE_DATE})
    contact.full_clean(exclude=["ambassador", "submission_key"])
    if "activity_areas" in data and not data["activity_areas"]:
        raise ValidationError({"activity_areas": "Select at least one activity area"})


def _raise_issue(contact: Contact, *, raise_it: bool, summary: str) -> None:
    summary = (summary or "").strip()
    if not raise_it:
        return
    if not summary:
        raise ValidationError({"raise_summary": SUMMARY_REQUIRED})
    issue = getattr(contact, "raised_issue", None) if contact.pk else None
    if issue is None:
        RaisedIssue.objects.create(contact=contact, summary=summary[:300])
    elif issue.status == IssueStatus.OPEN and issue.summary != summary:
        issue.summary = summary[:300]
        issue.save(update_fields=["summary", "updated_at"])


def log_contact(
    *,
    user,
    data: dict,
    submission_key: uuid.UUID | None = None,
    raise_with_commissioner: bool = False,
    raise_summary: str = "",
) -> tuple[Contact, bool]:
    """Log a contact for the ambassador `user`. Returns (contact, created).

    The same `submission_key` twice (a double tap, a retried phone request) returns the first
    contact and creates nothing. Raises PermissionDenied for someone who is not an active
    ambassador and ValidationError, with field messages, for bad input; nothing is stored then.
    """
    ambassador = _ambassador_for(user)
    if submission_key is not None:
        existing = Contact.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.ambassador_id != ambassador.pk:
                raise PermissionDenied(NOT_YOUR_CONTACT)
            return existing, False
    contact = Contact(ambassador=ambassador, submission_key=submission_key)
    _apply(contact, data, user=user)
    if raise_with_commissioner and not (raise_summary or "").strip():
        raise ValidationError({"raise_summary": SUMMARY_REQUIRED})
    try:
        with transaction.atomic():
            contact.save()
            contact.activity_areas.set(data.get("activity_areas", []))
            contact.groups_reached.set(data.get("groups_reached", []))
            _raise_issue(contact, raise_it=raise_with_commissioner, summary=raise_summary)
    except IntegrityError:
        # Two taps raced past the check above: the unique key let only one through.
        existing = Contact.objects.filter(submission_key=submission_key).first()
        if submission_key is None or existing is None:
            raise
        return existing, False
    return contact, True


def can_edit_contact(*, user, contact: Contact, today: date | None = None) -> bool:
    if user.is_staff and user.has_perm("engagement.change_contact"):
        return True
    if contact.ambassador.user_id != user.pk:
        return False
    return (today or timezone.localdate()) <= contact.editable_until


@transaction.atomic
def update_contact(
    *, user, contact: Contact, data: dict, raise_with_commissioner=False, raise_summary=""
) -> Contact:
    """Change a contact: its ambassador within the edit window, engagement staff at any time."""
    if not can_edit_contact(user=user, contact=contact):
        if contact.ambassador.user_id != user.pk and not user.is_staff:
            raise PermissionDenied(NOT_YOUR_CONTACT)
        raise PermissionDenied(EDIT_WINDOW_CLOSED)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _apply(contact, data, user=user)
    if raise_with_commissioner and not (raise_summary or "").strip():
        raise ValidationError({"raise_summary": SUMMARY_REQUIRED})
    contact.save()
    if "activity_areas" in data:
        contact.activity_areas.set(data["activity_areas"])
    if "groups_reached" in data:
        contact.groups_reached.set(data["groups_reached"])
    _raise_issue(contact, raise_it=raise_with_commissioner, summary=raise_summary)
    return contact


@transaction.atomic
def move_issue(*, issue: RaisedIssue, to: str, by, answer: str = "", note: str = "") -> RaisedIssue:
    """Move a raised issue along the workflow and record who did it.

    Raises PermissionDenied without the staff officer's permission and ValidationError for a
    move the workflow does not allow or an answer left out. The ambassador is emailed (after
    commit) when the issue is answered.
    """
    if not by.has_perm(PERMISSION):
        raise PermissionDenied("You cannot change raised issues")
    # Lock first, then read the state: two officers clicking at once make one move, not two.
    issue = RaisedIssue.objects.select_for_update().get(pk=issue.pk)
    current = issue.status
    if to not in allowed_moves(current):
        raise ValidationError(
            {
                "status": ILLEGAL_MOVE.format(
                    current=IssueStatus(current).label.lower(), target=IssueStatus(to).label.lower()
                )
            }
        )
    answer = (answer or "").strip()
    if to in NEEDS_ANSWER and not (answer or issue.answer):
        raise ValidationError({"answer": ANSWER_REQUIRED})
    if answer:
        issue.answer = answer
    issue.status = to
    issue.save(update_fields=["status", "answer", "updated_at"])
    RaisedIssueTransition.objects.create(
        issue=issue, from_status=current, to_status=to, by=by, note=(note or "").strip()
    )
    if to in TELL_AMBASSADOR:
        ambassador_user = issue.contact.ambassador.user
        send_email(
            to=ambassador_user.email,
            subject=f"Answered: {issue.summary[:80]}",
            template="engagement/email/issue_answered",
            context={
                "name": ambassador_user.get_short_name(),
                "summary": issue.summary,
                "answer": issue.answer,
                "contact_date": issue.contact.occurred_on.isoformat(),
            },
            related=issue,
        )
    return issue


def add_organisation(*, user, data: dict, policing_areas: list) -> Organisation:
    """Add an organisation. An ambassador may add only those of their own area."""
    ambassador = getattr(user, "ambassador", None)
    if not user.is_staff and ambassador is not None and ambassador.policing_area_id:
        if any(area.pk != ambassador.policing_area_id for area in policing_areas):
            raise ValidationError({"policing_areas": OUTSIDE_AREA})
        if not policing_areas:
            policing_areas = [ambassador.policing_area]
    organisation = Organisation(**data)
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        organisation.policing_areas.set(policing_areas)
    return organisation
