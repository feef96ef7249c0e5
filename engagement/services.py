"""The engagement verbs. Views, the API, the admin, the demo data and tasks all call these.

Each says what it takes (keyword arguments with types), asks the rules in rules.py, validates
with the model's full_clean() and owns its transaction.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from pcc_portal.mail.services import send_email
from pcc_portal.models import PolicingArea, User

from . import rules, workflow
from .models import (
    FUTURE_DATE,
    ActivityArea,
    Ambassador,
    Contact,
    EngagementLevel,
    Organisation,
    RaisedIssue,
    RaisedIssueTransition,
    ReachedGroup,
)

NOT_AN_AMBASSADOR = "Only an active ambassador can log contacts"
EDIT_WINDOW_CLOSED = "This contact can no longer be changed: ask the engagement officer"
NOT_YOUR_CONTACT = "You can only change contacts you logged"
SUMMARY_REQUIRED = "Enter a short summary of the issue for the Commissioner"
ALREADY_RAISED = "An issue has already been raised from this contact"
ANSWER_REQUIRED = "Enter the answer before marking the issue answered"
ILLEGAL_MOVE = "An issue that is {current} cannot be moved to {target}"
CANNOT_MOVE_ISSUES = "You cannot change raised issues"
CANNOT_MAKE_MOVE = "You cannot move an issue to {target}"
ACTIVITY_AREA_REQUIRED = "Select at least one activity area"
CANNOT_ADD_ORGANISATIONS = "You cannot add organisations"
OUTSIDE_AREA = "You can only add organisations in your own policing area"
ORGANISATION_OUTSIDE_AREA = "Choose an organisation in your area"

__all__ = [
    "FUTURE_DATE",
    "ContactAnswers",
    "add_organisation",
    "log_contact",
    "move_issue",
    "raise_issue",
    "update_contact",
]


@dataclass(frozen=True, kw_only=True)
class ContactAnswers:
    """What a person says about one contact. The phone form and the API both give exactly this,
    so a contact logged either way meets the same rules."""

    occurred_on: date
    policing_area: PolicingArea
    people_reached: int
    method: str
    engagement_level: EngagementLevel
    activity_areas: Sequence[ActivityArea]
    organisation: Organisation | None = None
    who: str = ""
    place: str = ""
    groups_reached: Sequence[ReachedGroup] = ()
    topics: str = ""
    issues_raised: str = ""

    def __post_init__(self):
        # Querysets and lists arrive from forms and serializers: keep a fixed, comparable copy.
        object.__setattr__(self, "activity_areas", tuple(self.activity_areas))
        object.__setattr__(self, "groups_reached", tuple(self.groups_reached))

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(field.name for field in fields(cls))

    @classmethod
    def from_input(
        cls, values: Mapping, *, base: "ContactAnswers | None" = None
    ) -> "ContactAnswers":
        """The answers in a form's cleaned_data or a serializer's validated_data (other keys,
        such as the submission key, are the caller's). A partial change takes what it leaves
        out from `base`, the contact as it stands."""
        given = {name: values[name] for name in cls.names() if name in values}
        if base is not None:
            given = {**{name: getattr(base, name) for name in cls.names()}, **given}
        for text in ("who", "place", "topics", "issues_raised"):
            if given.get(text) is None:
                given.pop(text, None)
        return cls(**given)

    @classmethod
    def of(cls, contact: Contact) -> "ContactAnswers":
        """The answers a stored contact holds."""
        return cls(
            occurred_on=contact.occurred_on,
            policing_area=contact.policing_area,
            people_reached=contact.people_reached,
            method=contact.method,
            engagement_level=contact.engagement_level,
            activity_areas=contact.activity_areas.all(),
            organisation=contact.organisation,
            who=contact.who,
            place=contact.place,
            groups_reached=contact.groups_reached.all(),
            topics=contact.topics,
            issues_raised=contact.issues_raised,
        )


CONTACT_FIELDS = tuple(
    name for name in ContactAnswers.names() if name not in ("activity_areas", "groups_reached")
)


def _ambassador_for(user) -> Ambassador:
    if not user.has_perm(rules.LOG_CONTACTS):
        raise PermissionDenied(NOT_AN_AMBASSADOR)
    # A superuser passes every rule but may have no ambassador record to log contacts under.
    ambassador = Ambassador.objects.filter(user=user, active=True).first()
    if ambassador is None:
        raise PermissionDenied(NOT_AN_AMBASSADOR)
    return ambassador


def _apply(contact: Contact, answers: ContactAnswers, *, user) -> None:
    """Set the answers on the contact and check them all, reporting every broken rule at once."""
    for name in CONTACT_FIELDS:
        setattr(contact, name, getattr(answers, name))
    errors: dict[str, list] = {}
    organisation = answers.organisation
    if (
        organisation
        and not Organisation.objects.visible_to(user).filter(pk=organisation.pk).exists()
    ):
        errors["organisation"] = [ORGANISATION_OUTSIDE_AREA]
    if not answers.activity_areas:
        errors["activity_areas"] = [ACTIVITY_AREA_REQUIRED]
    try:
        contact.full_clean(exclude=["ambassador", "submission_key"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, list(messages))
    if errors:
        raise ValidationError(errors)


def _check_raise_summary(raise_with_commissioner: bool, raise_summary: str) -> None:
    if raise_with_commissioner and not (raise_summary or "").strip():
        raise ValidationError({"raise_summary": SUMMARY_REQUIRED})


def log_contact(
    *,
    user: User,
    answers: ContactAnswers,
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
    _apply(contact, answers, user=user)
    _check_raise_summary(raise_with_commissioner, raise_summary)
    try:
        with transaction.atomic():
            contact.save()
            contact.activity_areas.set(answers.activity_areas)
            contact.groups_reached.set(answers.groups_reached)
            if raise_with_commissioner:
                raise_issue(contact=contact, summary=raise_summary, by=user)
    except IntegrityError:
        # Two taps raced past the check above: the unique key let only one through.
        existing = Contact.objects.filter(submission_key=submission_key).first()
        if submission_key is None or existing is None:
            raise
        return existing, False
    return contact, True


def update_contact(
    *,
    user: User,
    contact: Contact,
    answers: ContactAnswers,
    raise_with_commissioner: bool = False,
    raise_summary: str = "",
) -> Contact:
    """Change a contact: its ambassador within the edit window, engagement staff at any time
    (rule engagement.change_contact_record). An open issue's summary can be restated.

    Raises PermissionDenied for someone the rule refuses, ValidationError for bad input.
    """
    if not user.has_perm(rules.CHANGE_CONTACT_RECORD, contact):
        if contact.ambassador.user_id == user.pk:
            raise PermissionDenied(EDIT_WINDOW_CLOSED)
        raise PermissionDenied(NOT_YOUR_CONTACT)
    _check_raise_summary(raise_with_commissioner, raise_summary)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        _apply(contact, answers, user=user)
        contact.save()
        contact.activity_areas.set(answers.activity_areas)
        contact.groups_reached.set(answers.groups_reached)
        if raise_with_commissioner:
            issue = RaisedIssue.objects.filter(contact=contact).first()
            if issue is None:
                raise_issue(contact=contact, summary=raise_summary, by=user)
            elif issue.status == workflow.INITIAL and issue.summary != raise_summary.strip():
                issue.summary = raise_summary.strip()
                issue.full_clean(exclude=["contact"])
                issue.save(update_fields=["summary", "updated_at"])
    return contact


def raise_issue(*, contact: Contact, summary: str, by: User) -> RaisedIssue:
    """Raise an issue from a contact for the office holder's staff officer to take up.

    The contact's ambassador (or engagement staff) may raise one issue per contact; it starts
    in the workflow's first state. Raises PermissionDenied for anyone else, ValidationError for
    an empty or too long summary or a second issue from the same contact.
    """
    if not by.has_perm(rules.RAISE_ISSUE, contact):
        raise PermissionDenied(NOT_YOUR_CONTACT)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": SUMMARY_REQUIRED})
    with transaction.atomic():
        if RaisedIssue.objects.filter(contact=contact).exists():
            raise ValidationError(ALREADY_RAISED)
        issue = RaisedIssue(contact=contact, summary=summary, status=workflow.INITIAL)
        issue.full_clean(exclude=["contact"])
        issue.save()
    return issue


def _state_name(key: str) -> str:
    return str(workflow.state_of(key).staff_name).lower()


def move_issue(
    *, issue: RaisedIssue, to: str, by: User, answer: str = "", note: str = ""
) -> RaisedIssue:
    """Move a raised issue along the workflow (workflow.py) and record who did it.

    Raises PermissionDenied for someone whom the move's rule refuses and ValidationError for a
    move the workflow does not have or an answer left out; nothing is written then. The
    ambassador is emailed, once the move is committed, when the move says so.
    """
    if not any(by.has_perm(rule, issue) for rule in workflow.MOVE_RULES):
        raise PermissionDenied(CANNOT_MOVE_ISSUES)
    with transaction.atomic():
        # Lock first, then read the state: two officers clicking at once make one move, not two.
        issue = RaisedIssue.objects.select_for_update().get(pk=issue.pk)
        current = issue.status
        move = workflow.find_move(current, to)
        if move is None:
            raise ValidationError(
                {"to": ILLEGAL_MOVE.format(current=_state_name(current), target=_state_name(to))}
            )
        if not by.has_perm(move.rule, issue):
            raise PermissionDenied(CANNOT_MAKE_MOVE.format(target=_state_name(to)))
        answer = (answer or "").strip()
        if move.needs_answer and not (answer or issue.answer):
            raise ValidationError({"answer": ANSWER_REQUIRED})
        if answer:
            issue.answer = answer
        issue.status = move.target
        issue.save(update_fields=["status", "answer", "updated_at"])
        RaisedIssueTransition.objects.create(
            issue=issue,
            from_status=current,
            to_status=move.target,
            by=by,
            note=(note or "").strip(),
        )
        if move.tell_ambassador:
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


def add_organisation(
    *,
    user: User,
    name: str,
    kind: str,
    policing_areas: Sequence[PolicingArea] = (),
    website: str = "",
    contact_name: str = "",
    email: str = "",
    phone: str = "",
    consent_basis: str = Organisation.ConsentBasis.NONE_HELD,
    charity_number: str = "",
    company_number: str = "",
    address: str = "",
    notes: str = "",
) -> Organisation:
    """Add an organisation. Staff may add any; an ambassador only those of their own area, which
    it gets when none is named (rules engagement.add_organisations and
    engagement.add_organisation_in_area).

    Raises PermissionDenied for someone who may add none, ValidationError for bad input.
    """
    if not user.has_perm(rules.ADD_ORGANISATIONS):
        raise PermissionDenied(CANNOT_ADD_ORGANISATIONS)
    areas = list(policing_areas)
    if not areas and not user.has_perm(rules.ADD_ORGANISATION_IN_AREA, None):
        # An area's ambassador adds the organisations of that area.
        ambassador = getattr(user, "ambassador", None)
        if ambassador is not None and ambassador.policing_area_id:
            areas = [ambassador.policing_area]
    if any(not user.has_perm(rules.ADD_ORGANISATION_IN_AREA, area) for area in areas):
        raise ValidationError({"policing_areas": OUTSIDE_AREA})
    organisation = Organisation(
        name=name,
        kind=kind,
        website=website,
        contact_name=contact_name,
        email=email,
        phone=phone,
        consent_basis=consent_basis,
        charity_number=charity_number,
        company_number=company_number,
        address=address,
        notes=notes,
    )
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        organisation.policing_areas.set(areas)
    return organisation
