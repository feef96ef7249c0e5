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
from django.urls import reverse
from django.utils import timezone

from pcc_portal.mail.services import absolute_url, date_in_words, one_line, send_email
from pcc_portal.models import PolicingArea, User
from pcc_portal.roles import STAFF_OFFICER

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
CANNOT_LOG_ISSUES = "You cannot log issues"
ISSUE_SUMMARY_REQUIRED = "Enter a short summary of the issue"
SOURCE_REQUIRED = "Select where the issue came from"
# Long enough to know the issue by in a subject line.
SUBJECT_SUMMARY_LENGTH = 80

__all__ = [
    "FUTURE_DATE",
    "ContactAnswers",
    "add_organisation",
    "check_contact_answers",
    "log_contact",
    "log_issue",
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


# The fields each of Contact.clean()'s rules reads: a rule is judged only on answers in hand.
CONTACT_RULE_FIELDS = {"who": ("who", "organisation"), "occurred_on": ("occurred_on",)}


def _raise_errors(raise_with_commissioner: bool, raise_summary: str) -> dict[str, list]:
    if raise_with_commissioner and not (raise_summary or "").strip():
        return {"raise_summary": [SUMMARY_REQUIRED]}
    return {}


def check_contact_answers(*, values: Mapping) -> None:
    """Check the rules of one contact that can be judged from the answers alone, on as many
    answers as `values` holds (a form's cleaned_data, without the fields already in error).

    A form asks this in its clean(), so the person sees every broken rule in one round rather
    than these only once the required fields are filled in; log_contact and update_contact ask
    the same rules of the complete answers. Raises ValidationError naming each field.
    """
    errors: dict[str, list] = {}
    if "raise_with_commissioner" in values and "raise_summary" in values:
        errors.update(
            _raise_errors(bool(values["raise_with_commissioner"]), values["raise_summary"] or "")
        )
    contact = Contact(**{name: values[name] for name in CONTACT_FIELDS if name in values})
    try:
        contact.clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if all(name in values for name in CONTACT_RULE_FIELDS.get(field, (field,))):
                errors.setdefault(field, list(messages))
    if errors:
        raise ValidationError(errors)


def _apply(
    contact: Contact,
    answers: ContactAnswers,
    *,
    user,
    raise_with_commissioner: bool = False,
    raise_summary: str = "",
) -> None:
    """Set the answers on the contact and check them all, reporting every broken rule at once."""
    for name in CONTACT_FIELDS:
        setattr(contact, name, getattr(answers, name))
    errors: dict[str, list] = _raise_errors(raise_with_commissioner, raise_summary)
    organisation = answers.organisation
    if (
        organisation
        and not Organisation.objects.visible_to(user).filter(pk=organisation.pk).exists()
    ):
        errors["organisation"] = [ORGANISATION_OUTSIDE_AREA]
    if not answers.activity_areas:
        errors["activity_areas"] = [ACTIVITY_AREA_REQUIRED]
    _full_clean(contact, errors, exclude=["ambassador", "submission_key"])


def _full_clean(instance, errors: dict[str, list], *, exclude: list[str]) -> None:
    """Raise the errors already found together with the model's own, so that every broken rule
    is reported at once; a field keeps the service's message over the model's."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, list(messages))
    if errors:
        raise ValidationError(errors)


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
    _apply(
        contact,
        answers,
        user=user,
        raise_with_commissioner=raise_with_commissioner,
        raise_summary=raise_summary,
    )
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
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        _apply(
            contact,
            answers,
            user=user,
            raise_with_commissioner=raise_with_commissioner,
            raise_summary=raise_summary,
        )
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
    in the workflow's first state, and each staff officer is emailed a link to it once it is
    committed. Raises PermissionDenied for anyone else, ValidationError for an empty or too
    long summary or a second issue from the same contact.
    """
    if not by.has_perm(rules.RAISE_ISSUE, contact):
        raise PermissionDenied(NOT_YOUR_CONTACT)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": SUMMARY_REQUIRED})
    with transaction.atomic():
        if RaisedIssue.objects.filter(contact=contact).exists():
            raise ValidationError(ALREADY_RAISED)
        issue = RaisedIssue(
            contact=contact,
            source=RaisedIssue.Source.AMBASSADOR_CONTACT,
            summary=summary,
            status=workflow.INITIAL,
        )
        issue.full_clean(exclude=["contact"])
        issue.save()
        _tell_the_queue_keepers(issue, by=by)
    return issue


def log_issue(
    *,
    summary: str,
    source: str,
    by: User,
    raised_by_name: str = "",
    raised_by_contact: str = "",
    details: str = "",
) -> RaisedIssue:
    """Log an issue the office learned of other than from an ambassador's contact (feedback
    from the public, correspondence, a complaint, a partner organisation) into the queue of
    raised issues, where it follows the same workflow. The other staff officers are emailed a
    link to it once it is committed.

    Raises PermissionDenied for someone who may not log issues (rule engagement.log_issue) and
    ValidationError, with every field's message at once, for bad input; nothing is stored then.
    """
    if not by.has_perm(rules.LOG_ISSUE):
        raise PermissionDenied(CANNOT_LOG_ISSUES)
    issue = RaisedIssue(
        contact=None,
        source=(source or "").strip(),
        summary=(summary or "").strip(),
        raised_by_name=(raised_by_name or "").strip(),
        raised_by_contact=(raised_by_contact or "").strip(),
        details=(details or "").strip(),
        status=workflow.INITIAL,
        logged_by=by,
    )
    errors: dict[str, list] = {}
    if not issue.summary:
        errors["summary"] = [ISSUE_SUMMARY_REQUIRED]
    if not issue.source:
        errors["source"] = [SOURCE_REQUIRED]
    _full_clean(issue, errors, exclude=list(errors))
    with transaction.atomic():
        issue.save()
        _tell_the_queue_keepers(issue, by=by)
    return issue


def _tell_the_queue_keepers(issue: RaisedIssue, *, by: User) -> None:
    """Email each staff officer (the people who keep the queue) a link to a new issue, in the
    caller's transaction: the emails leave once the issue is committed. The person who raised
    or logged it is not told of it, and someone without an address is left out rather than
    stopping the issue."""
    keepers = (
        User.objects.holding_role(STAFF_OFFICER.name)
        .exclude(email="")
        .exclude(pk=by.pk)
        .order_by("pk")
    )
    contact = issue.contact
    # What someone outside the office told us (their contact details, the details of a
    # complaint) stays on the issue's page, behind sign-in, rather than in a mailbox.
    context = {
        "summary": issue.summary,
        "raised_by": issue.raised_by,
        "source": str(issue.get_source_display()),
        "raised_by_name": issue.raised_by_name,
        "contact_date": date_in_words(contact.occurred_on) if contact else "",
        "policing_area": str(contact.policing_area) if contact else "",
        "raised_on": date_in_words(timezone.localdate(issue.raised_at)),
        "url": absolute_url(reverse("engagement:issue_detail", args=[issue.pk])),
    }
    subject = f"Issue raised: {one_line(issue.summary, limit=SUBJECT_SUMMARY_LENGTH)}"
    for keeper in keepers:
        send_email(
            to=keeper.email,
            subject=subject,
            template="engagement/email/issue_raised",
            context={**context, "name": keeper.get_short_name()},
            related=issue,
        )


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
            _tell_the_ambassador(issue)
    return issue


def _tell_the_ambassador(issue: RaisedIssue) -> None:
    """Email the ambassador who raised the issue its answer, with a link to their contact. An
    issue the office logged itself has no ambassador to tell."""
    if issue.contact_id is None:
        return
    contact = issue.contact
    ambassador_user = contact.ambassador.user
    if not ambassador_user.email:
        return
    send_email(
        to=ambassador_user.email,
        subject=f"Answered: {one_line(issue.summary, limit=SUBJECT_SUMMARY_LENGTH)}",
        template="engagement/email/issue_answered",
        context={
            "name": ambassador_user.get_short_name(),
            "summary": issue.summary,
            "answer": issue.answer,
            "contact_date": date_in_words(contact.occurred_on),
            "url": absolute_url(reverse("engagement:contact_detail", args=[contact.pk])),
        },
        related=issue,
    )


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
