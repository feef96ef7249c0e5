"""Applying: starting an application, saving it as a draft to come back to, its budget lines,
answers, consortium members and attachments, and sending it to the office.

An applicant changes only their own draft (rule grants.edit_application). What a draft holds is
checked as it is saved (formats and limits) but may be incomplete; completeness, the budget adding
up, the round's rules and the declaration are checked when it is sent.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pcc_portal.dates import in_words
from pcc_portal.uploads import validate_attachment

from . import rules, workflow
from .models import (
    Application,
    Attachment,
    BudgetLine,
    ConsortiumMember,
    GrantRound,
    RoundAnswer,
    RoundQuestion,
)
from .models.schemes import ZERO
from .transitions import transition

CANNOT_APPLY = "You need an applicant's account to apply for a grant"
ROUND_NOT_OPEN = "This round is not open for applications"
ROUND_CLOSED = "This round closed on {day}: it accepts no more applications"
NOT_YOUR_DRAFT = "You can only change your own application before you send it"
BUDGET_MISMATCH = (
    "Your budget lines add up to £{total:,.2f} but you asked for £{requested:,.2f}: "
    "make them the same"
)
BUDGET_LINES_REQUIRED = "Add at least one budget line showing what the money pays for"
BUDGET_LINE_DESCRIPTION = "Enter what budget line {n} pays for"
BUDGET_LINE_AMOUNT = "Enter the amount of budget line {n} in pounds, more than £0"
AMOUNT_OUTSIDE_ROUND = "The amount requested must be between £{low:,.2f} and £{high:,.2f}"
ACTIVITY_AREA_NOT_FUNDED = "This round does not fund work in that activity area"
OBJECTIVE_NOT_FUNDED = "This round does not fund work towards: {names}"
DECLARATION_REQUIRED = "Confirm the declaration to send your application"
SAFEGUARDING_POLICY_REQUIRED = "Attach your safeguarding policy"
GOVERNING_DOCUMENT_REQUIRED = "Attach your governing document"
MEMBERS_REQUIRED = "Add the organisations in the consortium"
ANSWER_REQUIRED = "Answer the question: {question}"
UNKNOWN_QUESTION = "Answer only the questions of the round you are applying to"
MEMBER_NAME_REQUIRED = "Enter the name of member organisation {n}"

# Each field the application must have before it is sent, and what the applicant is told.
REQUIRED = {
    "organisation_name": "Enter your organisation's name",
    "organisation_kind": "Select the kind of organisation",
    "organisation_address": "Enter your organisation's address",
    "organisation_postcode": "Enter your organisation's postcode",
    "governing_document": "Select your governing document",
    "contact_name": "Enter the name of the person we should contact",
    "contact_email": "Enter the contact's email address",
    "project_title": "Enter the project's title",
    "project_summary": "Enter a summary of the project",
    "project_activities": "Enter what the project will do",
    "project_beneficiaries": "Enter who the project is for",
    "activity_area": "Select the activity area the project is in",
    "starts_on": "Enter the date the project starts",
    "ends_on": "Enter the date the project ends",
    "amount_requested": "Enter the amount you are asking for",
    "expected_outcomes": "Enter what the project will achieve",
}
SAFEGUARDING_ANSWER_REQUIRED = "Select yes if your organisation has a safeguarding policy"
POLICING_AREAS_REQUIRED = "Select the policing areas the project will serve"

# What an applicant may change in a draft (the rest is the office's, or set by a service).
DRAFT_FIELDS = (
    "organisation_name",
    "organisation_kind",
    "charity_number",
    "company_number",
    "organisation_address",
    "organisation_postcode",
    "organisation_website",
    "has_safeguarding_policy",
    "governing_document",
    "is_consortium",
    "contact_name",
    "contact_email",
    "contact_phone",
    "project_title",
    "project_summary",
    "project_activities",
    "project_beneficiaries",
    "activity_area",
    "starts_on",
    "ends_on",
    "amount_requested",
    "other_funding",
    "other_funding_amount",
    "expected_outcomes",
)
TEXT_FIELDS = {
    name
    for name in DRAFT_FIELDS
    if Application._meta.get_field(name).get_internal_type() in ("CharField", "TextField")
}


def _lock_own_draft(application: Application, by) -> Application:
    """The draft's row, locked, once the person may change it: a draft being sent and a draft
    being saved in another tab do not interleave, and the rule is asked of the draft as it now
    stands."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not by.has_perm(rules.EDIT_APPLICATION, locked):
        raise PermissionDenied(NOT_YOUR_DRAFT)
    return locked


def start_application(*, grant_round: GrantRound, by, now=None) -> Application:
    """Start a draft application to an open round for the applicant `by`, with their email as
    the contact's. Raises PermissionDenied for someone without an applicant's account and
    ValidationError for a round not open."""
    if not by.has_perm(rules.APPLY):
        raise PermissionDenied(CANNOT_APPLY)
    if not grant_round.accepts_applications(now):
        raise ValidationError(ROUND_NOT_OPEN)
    application = Application(
        kind=Application.Kind.OPEN_ROUND,
        round=grant_round,
        scheme_id=grant_round.scheme_id,
        applicant=by,
        contact_name=by.get_full_name() if by.full_name else "",
        contact_email=by.email,
    )
    application._history_user = by
    application.full_clean()
    application.save()
    return application


def save_draft(
    *,
    application: Application,
    by,
    values: Mapping,
    objectives: Sequence | None = None,
    policing_areas: Sequence | None = None,
) -> Application:
    """Save what the applicant typed into their draft: any of DRAFT_FIELDS (the others in
    `values` are the caller's), and the objectives and policing areas when given.

    Formats and limits are checked now, every field's message at once; a draft may be
    incomplete. Raises PermissionDenied unless it is the person's own draft, and ValidationError
    for bad input, when nothing is saved.
    """
    with transaction.atomic():
        application = _lock_own_draft(application, by)
        for name in DRAFT_FIELDS:
            if name in values:
                value = values[name]
                if name in TEXT_FIELDS:
                    value = (value or "").strip()
                setattr(application, name, value)
        application.full_clean(exclude=["applicant", "round", "scheme"])
        application._history_user = by
        application.save()
        if objectives is not None:
            application.objectives.set(objectives)
        if policing_areas is not None:
            application.policing_areas.set(policing_areas)
    return application


@dataclass(frozen=True)
class BudgetItem:
    description: str
    amount: Decimal | str | int


def set_budget_lines(
    *, application: Application, by, lines: Sequence[BudgetItem | tuple]
) -> list[BudgetLine]:
    """Replace the draft's budget lines with these (description, amount) pairs, in order.

    Raises ValidationError naming each line at fault (`line_1`, `line_2` ...); nothing changes
    then. Whether they add up to the amount requested is checked when the application is sent
    (and may be asked earlier with check_budget).
    """
    errors: dict[str, list[str]] = {}
    made = []
    for n, item in enumerate(lines, start=1):
        description, amount = item if isinstance(item, tuple) else (item.description, item.amount)
        description = (description or "").strip()
        try:
            amount = Decimal(str(amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            amount = None
        messages = []
        if not description:
            messages.append(BUDGET_LINE_DESCRIPTION.format(n=n))
        if amount is None or not amount.is_finite() or amount <= 0:
            messages.append(BUDGET_LINE_AMOUNT.format(n=n))
        line = BudgetLine(position=n, description=description, amount=amount or ZERO)
        if not messages:
            try:
                line.full_clean(exclude=["application"])
            except ValidationError as error:
                messages += [m for ms in error.message_dict.values() for m in ms]
        if messages:
            errors[f"line_{n}"] = messages
        made.append(line)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = _lock_own_draft(application, by)
        application.budget_lines.all().delete()
        for line in made:
            line.application = application
        return BudgetLine.objects.bulk_create(made)


def check_budget(application: Application) -> None:
    """The budget lines add up to the amount requested, to the penny; raises ValidationError
    on `amount_requested` saying both figures when they do not."""
    lines = list(application.budget_lines.all())
    if not lines:
        raise ValidationError({"budget_lines": BUDGET_LINES_REQUIRED})
    total = sum((line.amount for line in lines), ZERO)
    requested = application.amount_requested
    if requested is None or total != requested:
        raise ValidationError(
            {
                "amount_requested": BUDGET_MISMATCH.format(
                    total=total, requested=requested if requested is not None else ZERO
                )
            }
        )


def _question_id(key) -> int | None:
    try:
        return int(getattr(key, "pk", key))
    except (TypeError, ValueError):
        return None


def answer_questions(
    *, application: Application, by, answers: Mapping[int, str]
) -> list[RoundAnswer]:
    """Save answers to the round's own questions, by question (or its id). An empty answer is
    kept as empty (a required one is asked for when the application is sent). Raises
    ValidationError for a question of another round, or an answer over its question's limit
    (`question_<id>`)."""
    questions = {q.pk: q for q in RoundQuestion.objects.filter(round=application.round_id)}
    errors: dict[str, list[str]] = {}
    given = {_question_id(key): text for key, text in answers.items()}
    if not set(given) <= set(questions):
        raise ValidationError(UNKNOWN_QUESTION)
    with transaction.atomic():
        application = _lock_own_draft(application, by)
        saved = []
        for key, text in given.items():
            question = questions[key]
            answer = RoundAnswer.objects.filter(application=application, question=question).first()
            answer = answer or RoundAnswer(application=application, question=question)
            answer.answer = (text or "").strip()
            try:
                answer.full_clean(exclude=["application", "question"])
            except ValidationError as error:
                errors[f"question_{question.pk}"] = error.messages
                continue
            saved.append(answer)
        if errors:
            raise ValidationError(errors)
        for answer in saved:
            answer.save()
    return saved


def set_consortium_members(
    *, application: Application, by, members: Sequence[Mapping]
) -> list[ConsortiumMember]:
    """Replace the consortium's member organisations with these, as the lead typed them: each
    a mapping of organisation_name, organisation_kind, charity_number, company_number and role.
    Raises ValidationError naming each member at fault (`member_1` ...)."""
    errors: dict[str, list[str]] = {}
    made = []
    fields = ("organisation_name", "organisation_kind", "charity_number", "company_number", "role")
    for n, typed in enumerate(members, start=1):
        member = ConsortiumMember(
            position=n, **{name: (typed.get(name) or "").strip() for name in fields}
        )
        try:
            member.full_clean(exclude=["application", "organisation"])
        except ValidationError as error:
            errors[f"member_{n}"] = [m for ms in error.message_dict.values() for m in ms]
        made.append(member)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = _lock_own_draft(application, by)
        application.consortium_members.all().delete()
        for member in made:
            member.application = application
        return ConsortiumMember.objects.bulk_create(made)


def add_attachment(*, application: Application, by, kind: str, upload) -> Attachment:
    """Attach a file to the draft. The file is checked by pcc_portal/uploads.py (its size, its
    name and what it really is; office files inside). Raises ValidationError on `file` for a
    file refused, with the reason."""
    with transaction.atomic():
        application = _lock_own_draft(application, by)
        return store_attachment(application=application, by=by, kind=kind, upload=upload)


def store_attachment(*, application, by, kind, upload, monitoring_report=None) -> Attachment:
    """Check and store a file sent with an application or a monitoring report; the caller has
    asked the rule that lets this person send it."""
    try:
        validate_attachment(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    attachment = Attachment(
        application=application,
        monitoring_report=monitoring_report,
        kind=kind,
        file=upload,
        original_name=(upload.name or "")[-255:],
        size=upload.size,
        uploaded_by=by,
    )
    # The file's checks ran above; full_clean would read it a second time.
    attachment.full_clean(exclude=["file", "application", "monitoring_report", "uploaded_by"])
    attachment.save()
    return attachment


def remove_attachment(*, attachment: Attachment, by) -> None:
    """Take a file off a draft."""
    with transaction.atomic():
        _lock_own_draft(attachment.application, by)
        attachment.delete()
        # The file goes once the row has gone for good.
        transaction.on_commit(lambda: attachment.file.delete(save=False))


def problems_before_submitting(application: Application) -> dict[str, list[str]]:
    """What stops the application being sent, by field, in the applicant's words; empty when it
    is ready. Only the applicant's answers are judged: the round being open and the declaration
    are submit_application's."""
    problems: dict[str, list[str]] = {}
    for field, message in REQUIRED.items():
        if getattr(application, field) in (None, ""):
            problems[field] = [message]
    if application.has_safeguarding_policy is None:
        problems["has_safeguarding_policy"] = [SAFEGUARDING_ANSWER_REQUIRED]
    if not application.policing_areas.exists():
        problems["policing_areas"] = [POLICING_AREAS_REQUIRED]
    try:
        application.full_clean(exclude=["applicant", "round", "scheme"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            problems.setdefault(field, list(messages))
    if "amount_requested" not in problems:
        try:
            check_budget(application)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                problems.setdefault(field, list(messages))
    problems.update(_round_problems(application, problems))
    kinds = set(application.attachments.values_list("kind", flat=True))
    if application.has_safeguarding_policy and Attachment.Kind.SAFEGUARDING_POLICY not in kinds:
        problems.setdefault("attachments", []).append(SAFEGUARDING_POLICY_REQUIRED)
    needs_governing_document = application.governing_document not in (
        "",
        Application.GoverningDocument.STATUTE,
    )
    if needs_governing_document and Attachment.Kind.GOVERNING_DOCUMENT not in kinds:
        problems.setdefault("attachments", []).append(GOVERNING_DOCUMENT_REQUIRED)
    if application.is_consortium and not application.consortium_members.exists():
        problems["consortium_members"] = [MEMBERS_REQUIRED]
    return problems


def _round_problems(application: Application, found: Mapping) -> dict[str, list[str]]:
    grant_round = application.round
    if grant_round is None:
        return {}
    problems: dict[str, list[str]] = {}
    amount = application.amount_requested
    outside = amount is not None and not (
        grant_round.minimum_award <= amount <= grant_round.maximum_award
    )
    if outside and "amount_requested" not in found:
        problems["amount_requested"] = [
            AMOUNT_OUTSIDE_ROUND.format(
                low=grant_round.minimum_award, high=grant_round.maximum_award
            )
        ]
    areas = set(grant_round.activity_areas.values_list("pk", flat=True))
    if areas and application.activity_area_id and application.activity_area_id not in areas:
        problems["activity_area"] = [ACTIVITY_AREA_NOT_FUNDED]
    funded = set(grant_round.objectives.values_list("pk", flat=True))
    if funded:
        outside = [str(o) for o in application.objectives.all() if o.pk not in funded]
        if outside:
            problems["objectives"] = [OBJECTIVE_NOT_FUNDED.format(names="; ".join(outside))]
    answers = dict(application.answers.values_list("question_id", "answer"))
    for question in grant_round.questions.all():
        if question.required and not (answers.get(question.pk) or "").strip():
            problems[f"question_{question.pk}"] = [ANSWER_REQUIRED.format(question=question.text)]
    return problems


def submit_application(*, application: Application, by, declaration: bool, now=None) -> Application:
    """Send the applicant's draft to the office: it moves to the eligibility check, gets its
    reference, and the declaration's time is kept.

    Sending twice makes one submission: an application already sent is returned as it is.
    Raises PermissionDenied for anyone but its applicant; ValidationError when the round is not
    open (a closed round accepts nothing), the declaration is not given, or anything the
    application must have is missing or wrong (every field's message at once; the budget lines
    must add up to the amount requested). Nothing is written then.
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.submitted_at is not None and current.status != workflow.INITIAL:
            if not by.has_perm(rules.VIEW_APPLICATION, current):
                raise PermissionDenied(NOT_YOUR_DRAFT)
            return current
        with transition(current, to=workflow.ApplicationStatus.SUBMITTED, by=by) as locked:
            grant_round = locked.round
            if not grant_round.accepts_applications(now):
                if now >= grant_round.closes_at:
                    day = in_words(timezone.localdate(grant_round.closes_at))
                    raise ValidationError(ROUND_CLOSED.format(day=day))
                raise ValidationError(ROUND_NOT_OPEN)
            problems = problems_before_submitting(locked)
            if not declaration and locked.declaration_given_at is None:
                problems["declaration"] = [DECLARATION_REQUIRED]
            if problems:
                raise ValidationError(problems)
            locked.declaration_given_at = now
            locked.submitted_at = now
            locked.reference = reference_for(locked, now)
    return locked


def reference_for(application: Application, now) -> str:
    """G, the year it was sent and its number: G2015-00042. Its number never changes, so the
    reference is unique however many are sent at once."""
    return f"G{timezone.localtime(now).year}-{application.pk:05d}"
