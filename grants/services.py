"""The grants verbs. Pages, the API, the admin, the demo data and tasks all call these; none of
them repeats their rules.

Each takes keyword arguments, asks the rules in rules.py with the record, validates, and owns
its transaction. A verb that moves an application does so through transitions.transition(),
which checks the move against the workflow table (workflow.py) and writes it with its history.
Refusals are PermissionDenied (the person) or ValidationError (the move or the input, with field
messages); nothing is written then.

Applying lives in applying.py, deciding and paying in awarding.py, monitoring in monitoring.py;
this module holds the assessment, the links to organisations, direct awards and the rounds'
own status, and offers every verb under one name.
"""

from collections.abc import Mapping, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from engagement.identifiers import normalise_charity_number, normalise_company_number
from engagement.models import Organisation
from engagement.services import add_organisation

from . import rules, workflow
from .applying import (
    add_attachment,
    answer_questions,
    check_budget,
    problems_before_submitting,
    remove_attachment,
    save_draft,
    set_budget_lines,
    set_consortium_members,
    start_application,
    submit_application,
)
from .awarding import (
    accept_offer,
    activate_award,
    as_money,
    award_grant,
    close_award,
    decline_application,
    record_instalment_paid,
    release_instalment,
    round_budget_left,
    scheme_budget_left,
)
from .models import (
    Application,
    AssessmentCriterion,
    Award,
    ConflictOfInterest,
    ConsortiumMember,
    GrantRound,
    GrantScheme,
    Score,
)
from .monitoring import (
    accept_monitoring_report,
    request_more_information,
    submit_monitoring_report,
)
from .transitions import lock, transition

__all__ = [
    "accept_monitoring_report",
    "accept_offer",
    "activate_award",
    "add_attachment",
    "answer_questions",
    "award_grant",
    "check_budget",
    "check_eligibility",
    "close_award",
    "complete_assessment",
    "create_direct_award",
    "decline_application",
    "declare_conflict",
    "link_consortium_member",
    "link_organisation",
    "move_round",
    "problems_before_submitting",
    "recommend",
    "record_instalment_paid",
    "release_instalment",
    "remove_attachment",
    "request_more_information",
    "round_budget_left",
    "save_draft",
    "scheme_budget_left",
    "score_application",
    "set_budget_lines",
    "set_consortium_members",
    "start_application",
    "submit_application",
    "submit_monitoring_report",
    "withdraw_application",
]

S = workflow.ApplicationStatus

CONFLICTED = "You declared a conflict of interest in this application, so you cannot score it"
NOT_IN_ASSESSMENT = "Only an application being assessed can be scored"
CANNOT_SCORE = "You cannot score grant applications"
CANNOT_DECLARE = "You cannot declare a conflict of interest for someone else"
NOT_AN_ASSESSOR = "Only a grant assessor declares a conflict of interest"
SCORE_RANGE = "Enter a score from 0 to {top}"
SCORE_CRITERION = "Score only the criteria of this application's round"
SCORES_REQUIRED = "Enter at least one score"
NOT_FULLY_SCORED = "An assessor must score every criterion before the assessment is closed"
RECOMMENDED_AMOUNT = "Enter the amount you recommend, more than £0"
RECOMMENDED_OUTSIDE_ROUND = (
    "The amount recommended must be between £{low:,.2f} and £{high:,.2f} in this round"
)
RECOMMENDED_MORE_THAN_REQUESTED = "You cannot recommend more than the £{requested:,.2f} asked for"
CANNOT_LINK = "You cannot link applications to organisations"
MORE_THAN_ONE = (
    "More than one organisation on record has this charity or company number ({names}): "
    "choose the right one"
)
NUMBER_DIFFERS = "That organisation's {number} is {theirs}, not the {typed} on the application"
NO_NAME_TO_CREATE = "The application gives no organisation's name to add to the records"
CANNOT_DIRECT_AWARD = "You cannot make direct awards"
DIRECT_AWARD_NOTE = "Direct award: the office commissions this organisation"
CANNOT_MANAGE_ROUNDS = "You cannot publish or withdraw grant rounds"
ROUND_ILLEGAL_MOVE = "A round that is {current} cannot be moved to {target}"
NO_CRITERIA = "Add at least one assessment criterion before publishing"


# --- Eligibility and assessment -----------------------------------------------------------------


def check_eligibility(
    *, application: Application, by, eligible: bool, reason: str = ""
) -> Application:
    """Record the eligibility check: eligible (on to assessment) or ineligible, with the reason
    the applicant is told (required)."""
    to = S.ELIGIBLE if eligible else S.INELIGIBLE
    with transition(application, to=to, by=by, note=reason) as locked:
        if not eligible:
            locked.outcome_reason = reason.strip()
    return locked


def declare_conflict(
    *, application: Application, by, assessor=None, note: str = ""
) -> ConflictOfInterest:
    """Record a conflict of interest: an assessor declares their own (a grants officer may record
    one for an assessor). Declaring twice keeps the first. Any scores the assessor already gave
    the application are removed: an assessor never scores an application they are conflicted on.
    """
    assessor = assessor or by
    with transaction.atomic():
        # Locked like scoring, so a score cannot slip in beside the declaration; the rules are
        # asked of the application as it now stands.
        application = lock(application)
        if assessor.pk != by.pk and not by.has_perm(rules.RECORD_CONFLICTS, application):
            raise PermissionDenied(CANNOT_DECLARE)
        if not assessor.has_perm(rules.DECLARE_CONFLICT, application):
            raise PermissionDenied(NOT_AN_ASSESSOR)
        conflict, created = ConflictOfInterest.objects.get_or_create(
            assessor=assessor, application=application, defaults={"note": (note or "").strip()}
        )
        if created:
            conflict.full_clean()
        Score.objects.filter(application=application, assessor=assessor).delete()
    return conflict


def score_application(
    *, application: Application, by, scores: Mapping[int, tuple[int, str]]
) -> list[Score]:
    """Give or change the assessor's scores of an application being assessed: {criterion id:
    (score, comment)}. One score per assessor, criterion and application; a second scoring of
    the same criterion replaces the first.

    Raises PermissionDenied for someone who is not an assessor or who declared a conflict of
    interest in the application, and ValidationError for an application not being assessed or
    scores outside a criterion's range (by criterion: `criterion_<id>`); nothing is written then.
    """
    if not scores:
        raise ValidationError(SCORES_REQUIRED)
    with transaction.atomic():
        application = lock(application)
        if rules.is_conflicted(by, application):
            raise PermissionDenied(CONFLICTED)
        if application.status != S.ELIGIBLE:
            raise ValidationError(NOT_IN_ASSESSMENT)
        if not by.has_perm(rules.SCORE, application):
            raise PermissionDenied(CANNOT_SCORE)
        criteria = {c.pk: c for c in AssessmentCriterion.objects.filter(round=application.round_id)}
        errors: dict[str, list[str]] = {}
        checked = []
        for key, (value, comment) in scores.items():
            criterion = criteria.get(getattr(key, "pk", key))
            if criterion is None:
                raise ValidationError(SCORE_CRITERION)
            field = f"criterion_{criterion.pk}"
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                errors[field] = [SCORE_RANGE.format(top=criterion.max_score)]
                continue
            score = Score(
                application=application,
                assessor=by,
                criterion=criterion,
                score=value,
                comment=(comment or "").strip(),
            )
            try:
                score.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                errors[field] = [m for ms in error.message_dict.values() for m in ms]
                continue
            checked.append(score)
        if errors:
            raise ValidationError(errors)
        saved = []
        for score in checked:
            stored, _ = Score.objects.update_or_create(
                application=application,
                assessor=by,
                criterion=score.criterion,
                defaults={
                    "score": score.score,
                    "comment": score.comment,
                    "scored_at": timezone.now(),
                },
            )
            saved.append(stored)
    return saved


def complete_assessment(*, application: Application, by, note: str = "") -> Application:
    """Close an application's assessment once at least one assessor has scored every criterion
    of its round."""
    with transition(application, to=S.ASSESSED, by=by, note=note) as locked:
        criteria = AssessmentCriterion.objects.filter(round=locked.round_id).count()
        if criteria:
            complete = (
                Score.objects.filter(application=locked)
                .values("assessor")
                .annotate(scored=Count("criterion", distinct=True))
                .filter(scored__gte=criteria)
            )
            if not complete.exists():
                raise ValidationError(NOT_FULLY_SCORED)
    return locked


def recommend(*, application: Application, by, amount, recommendation: str = "") -> Application:
    """Recommend an assessed application for funding, with the amount recommended (within the
    round's limits and no more than was asked for) for the decision to take or change."""
    amount = as_money(amount)
    with transition(application, to=S.RECOMMENDED, by=by, note=recommendation) as locked:
        _check_recommended_amount(locked, amount)
        locked.recommended_amount = amount
        locked.recommendation = (recommendation or "").strip()
    return locked


def _check_recommended_amount(application: Application, amount) -> None:
    if amount is None or amount <= 0:
        raise ValidationError({"recommended_amount": RECOMMENDED_AMOUNT})
    grant_round = application.round
    if grant_round and not grant_round.minimum_award <= amount <= grant_round.maximum_award:
        raise ValidationError(
            {
                "recommended_amount": RECOMMENDED_OUTSIDE_ROUND.format(
                    low=grant_round.minimum_award, high=grant_round.maximum_award
                )
            }
        )
    requested = application.amount_requested
    if requested is not None and amount > requested:
        raise ValidationError(
            {"recommended_amount": RECOMMENDED_MORE_THAN_REQUESTED.format(requested=requested)}
        )


def withdraw_application(*, application: Application, by, reason: str = "") -> Application:
    """Withdraw an application (the applicant, or an officer at their request), at any point
    before the grant starts. An award already made stops counting against the budgets."""
    with transition(application, to=S.WITHDRAWN, by=by, note=reason) as locked:
        if reason.strip():
            locked.outcome_reason = reason.strip()
    return locked


# --- The organisations on record ----------------------------------------------------------------


def find_organisation(*, charity_number: str, company_number: str) -> Organisation | None:
    """The one organisation on record with this charity or company number, written the way the
    registers write them; None when there is none. Raises ValidationError naming them when more
    than one has it, for an officer to choose."""
    charity = normalise_charity_number(charity_number)
    company = normalise_company_number(company_number)
    if not (charity or company):
        return None
    either = Q()
    if charity:
        either |= Q(charity_number=charity)
    if company:
        either |= Q(company_number=company)
    found = list(Organisation.objects.filter(either).order_by("pk")[:5])
    if len(found) > 1:
        raise ValidationError(MORE_THAN_ONE.format(names="; ".join(o.name for o in found)))
    return found[0] if found else None


def _check_same_numbers(details, organisation: Organisation) -> None:
    for number in ("charity_number", "company_number"):
        label = number.replace("_", " ")
        typed, theirs = getattr(details, number), getattr(organisation, number)
        if typed and theirs and typed != theirs:
            raise ValidationError(
                {"organisation": NUMBER_DIFFERS.format(number=label, theirs=theirs, typed=typed)}
            )


def _organisation_for(details, *, by, organisation: Organisation | None, areas) -> Organisation:
    """The organisation chosen (whose numbers must agree with those typed), else the one on
    record with the typed numbers, else a new one made from what was typed. An organisation on
    record is never changed: what an applicant typed stays on their application."""
    if organisation is not None:
        _check_same_numbers(details, organisation)
        return organisation
    found = find_organisation(
        charity_number=details.charity_number, company_number=details.company_number
    )
    if found is not None:
        return found
    if not details.organisation_name.strip():
        raise ValidationError({"organisation": NO_NAME_TO_CREATE})
    address = "\n".join(
        part
        for part in (
            getattr(details, "organisation_address", ""),
            getattr(details, "organisation_postcode", ""),
        )
        if part
    )
    return add_organisation(
        user=by,
        name=details.organisation_name,
        kind=details.organisation_kind or Organisation.Kind.OTHER,
        policing_areas=areas,
        website=getattr(details, "organisation_website", ""),
        charity_number=details.charity_number,
        company_number=details.company_number,
        address=address,
    )


ALREADY_AWARDED_TO = (
    "A grant has been awarded on this application, so the organisation it went to cannot change"
)


def link_organisation(
    *, application: Application, by, organisation: Organisation | None = None
) -> Application:
    """Link the application to the one organisation on record: the one given, or the one with
    its charity or company number, or a new one made from the details the applicant typed (so
    the award's org-id is stable). Linking again to another organisation is allowed until an
    award is made. Raises PermissionDenied for someone who may not link, ValidationError for a
    number that differs or more than one organisation found."""
    with transaction.atomic():
        application = lock(application)
        if not by.has_perm(rules.LINK_ORGANISATION, application):
            raise PermissionDenied(CANNOT_LINK)
        # The award's recipient and its org-id are published; they never change under it.
        if Award.objects.filter(application=application).exists():
            raise ValidationError({"organisation": ALREADY_AWARDED_TO})
        chosen = _organisation_for(
            application,
            by=by,
            organisation=organisation,
            areas=list(application.policing_areas.all()),
        )
        application.organisation = chosen
        application._history_user = by
        application.save(update_fields=["organisation", "updated_at"])
    return application


def link_consortium_member(
    *, member: ConsortiumMember, by, organisation: Organisation | None = None
) -> ConsortiumMember:
    """Link a consortium member to its organisation on record, as link_organisation does."""
    with transaction.atomic():
        member = ConsortiumMember.objects.select_for_update().get(pk=member.pk)
        if not by.has_perm(rules.LINK_ORGANISATION, member.application):
            raise PermissionDenied(CANNOT_LINK)
        member.organisation = _organisation_for(member, by=by, organisation=organisation, areas=())
        member.save(update_fields=["organisation"])
    return member


# --- Direct awards ------------------------------------------------------------------------------


def create_direct_award(
    *,
    scheme: GrantScheme,
    organisation: Organisation,
    by,
    project_title: str,
    project_summary: str,
    amount,
    starts_on: date,
    ends_on: date,
    recommendation: str = "",
    activity_area=None,
    objectives: Sequence = (),
    policing_areas: Sequence = (),
    project_activities: str = "",
    project_beneficiaries: str = "",
    expected_outcomes: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    applicant=None,
) -> Application:
    """The office commissions a named organisation: an application of its own, outside any
    round, linked to the organisation and recommended for the amount, ready for the decision
    (award_grant). `applicant` is the grantee's account, if they have one, for their reports.

    Raises PermissionDenied for someone who may not make direct awards and ValidationError for
    bad input; nothing is written then.
    """
    if not by.has_perm(rules.MAKE_DIRECT_AWARDS):
        raise PermissionDenied(CANNOT_DIRECT_AWARD)
    amount = as_money(amount)
    application = Application(
        kind=Application.Kind.DIRECT_AWARD,
        scheme=scheme,
        round=None,
        applicant=applicant,
        organisation=organisation,
        organisation_name=organisation.name,
        organisation_kind=organisation.kind,
        charity_number=organisation.charity_number,
        company_number=organisation.company_number,
        organisation_address=organisation.address,
        organisation_website=organisation.website,
        contact_name=(contact_name or "").strip(),
        contact_email=(contact_email or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        project_title=(project_title or "").strip(),
        project_summary=(project_summary or "").strip(),
        project_activities=(project_activities or "").strip(),
        project_beneficiaries=(project_beneficiaries or "").strip(),
        expected_outcomes=(expected_outcomes or "").strip(),
        activity_area=activity_area,
        starts_on=starts_on,
        ends_on=ends_on,
        amount_requested=amount,
    )
    errors = {}
    if not application.project_title:
        errors["project_title"] = ["Enter the project's title"]
    if not application.project_summary:
        errors["project_summary"] = ["Enter a summary of the project"]
    if amount is None or amount <= 0:
        errors["amount_requested"] = [RECOMMENDED_AMOUNT]
    try:
        application.full_clean(exclude=["applicant"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, list(messages))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application._history_user = by
        application.save()
        application.objectives.set(objectives)
        application.policing_areas.set(policing_areas)
        note = (recommendation or "").strip() or DIRECT_AWARD_NOTE
        with transition(application, to=S.RECOMMENDED, by=by, note=note) as locked:
            locked.recommended_amount = amount
            locked.recommendation = note
            locked.reference = f"G{timezone.localdate().year}-{locked.pk:05d}"
    return locked


# --- A round's status ---------------------------------------------------------------------------


def move_round(*, grant_round: GrantRound, to: str, by) -> GrantRound:
    """Publish, withdraw or return a round to draft, as workflow.py allows. A round is
    published with its criteria in place. Raises PermissionDenied for someone who may not
    manage rounds and ValidationError for a move the workflow does not have."""
    if not by.has_perm(rules.MANAGE_ROUNDS, grant_round):
        raise PermissionDenied(CANNOT_MANAGE_ROUNDS)
    with transaction.atomic():
        grant_round = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
        move = workflow.ROUND_TRANSITIONS.get(grant_round.status, {}).get(to)
        if move is None:
            raise ValidationError(
                {
                    "status": ROUND_ILLEGAL_MOVE.format(
                        current=str(grant_round.state.staff_name).lower(),
                        target=str(workflow.RoundStatus(to).label).lower()
                        if to in workflow.RoundStatus.values
                        else to,
                    )
                }
            )
        if to == workflow.RoundStatus.PUBLISHED and not grant_round.criteria.exists():
            raise ValidationError({"status": NO_CRITERIA})
        grant_round.status = to
        grant_round._history_user = by
        grant_round.save(update_fields=["status", "updated_at"])
    return grant_round


# --- After the award: reports sent back, and underspend returned --------------------------------

MORE_INFORMATION_EMAIL = "grants/staff/awards/email/more_information"
MORE_INFORMATION_SUBJECT = "More information needed for your grant report: {title}"
CANNOT_CHANGE_AWARD = "You cannot change grant awards"
UNDERSPEND_BEFORE_ACCEPTED = "Underspend is recorded once the offer of the grant has been accepted"


def grantee_address(application: Application) -> str:
    """Where the office writes to a grantee: the application's contact, else the account that
    applied; empty when there is neither."""
    if application.contact_email:
        return application.contact_email
    return application.applicant.email if application.applicant_id else ""


def ask_for_more_information(*, report, by, note: str):
    """Send a monitoring report back to the grantee saying what more is needed
    (request_more_information) and email them the note with a link to the report, sent when the
    transaction commits. A grant with no usable address on record is sent back without an email.
    Raises as request_more_information does; nothing is written or sent then."""
    import logging

    from django.urls import reverse

    from pcc_portal.mail.services import absolute_url, date_in_words, send_email

    with transaction.atomic():
        report = request_more_information(report=report, by=by, note=note)
        application = report.award.application
        address = grantee_address(application)
        if address:
            context = {
                "name": application.contact_name,
                "project": application.project_title,
                "reference": application.reference,
                "report": report.title,
                "due_on": date_in_words(report.due_on),
                "note": report.officer_note,
                "url": absolute_url(
                    reverse("grants:grantee_report", args=[report.award_id, report.pk])
                ),
            }
            try:
                send_email(
                    to=address,
                    subject=MORE_INFORMATION_SUBJECT.format(title=application.project_title),
                    template=MORE_INFORMATION_EMAIL,
                    context=context,
                    related=report,
                )
            except ValidationError:
                # An address typed on an application may be unusable; the review still stands.
                logging.getLogger(__name__).warning(
                    "Monitoring report %s: the grantee's address cannot be written to", report.pk
                )
    return report


def record_underspend_returned(*, award, by, amount):
    """Record what the grantee did not spend and paid back, replacing what was recorded before.
    Raises PermissionDenied for someone who may not change awards, and ValidationError before the
    offer is accepted or for more than was awarded; nothing is written then."""
    from .awarding import UNDERSPEND_TOO_LARGE
    from .models import Award
    from .monitoring import REPORTING_STATES

    amount = as_money(amount)
    with transaction.atomic():
        award = (
            Award.objects.select_for_update(of=("self",))
            .select_related("application")
            .get(pk=award.pk)
        )
        if not by.has_perm(rules.MANAGE_AWARDS, award):
            raise PermissionDenied(CANNOT_CHANGE_AWARD)
        if award.application.status not in REPORTING_STATES:
            raise ValidationError({"underspend_returned": UNDERSPEND_BEFORE_ACCEPTED})
        if amount is None or amount < 0 or amount > award.amount:
            raise ValidationError(
                {"underspend_returned": UNDERSPEND_TOO_LARGE.format(amount=award.amount)}
            )
        award.underspend_returned = amount
        award._history_user = by
        award.save(update_fields=["underspend_returned", "updated_at"])
    return award


# --- The decision, with its letter; the organisations an officer may link -----------------------

AWARD_LETTER = "grants/letters/award"
DECLINE_LETTER = "grants/letters/decline"
AWARD_LETTER_SUBJECT = "Grant offer: {title}"
DECLINE_LETTER_SUBJECT = "Your grant application: {title}"


def record_decision(
    *,
    application: Application,
    by,
    approve: bool,
    amount=None,
    reasons: str = "",
    conditions: str = "",
    reason: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    decided_by: str = "",
    decided_on: date | None = None,
    yearly_instalments: int = 1,
) -> Application:
    """Record the decision on an application and write the applicant its letter: approved
    (award_grant: the award, its instalments, its reports due and its entry in the decisions
    register) with the award letter and its conditions, or declined (decline_application) with
    the decline letter and the reason.

    The letter is written in the decision's own transaction and leaves once it commits: a
    decision refused, or recorded a second time (an illegal move), writes no letter. An
    application with no usable address is decided without one.

    Raises what award_grant and decline_application raise; nothing is written then.
    """
    with transaction.atomic():
        if approve:
            award = award_grant(
                application=application,
                by=by,
                amount=amount,
                reasons=reasons,
                conditions=conditions,
                starts_on=starts_on,
                ends_on=ends_on,
                decided_by=decided_by,
                decided_on=decided_on,
                yearly_instalments=yearly_instalments,
            )
            application = award.application
            _write_letter(application, template=AWARD_LETTER, award=award)
        else:
            application = decline_application(
                application=application,
                by=by,
                reason=reason,
                decided_by=decided_by,
                decided_on=decided_on,
            )
            _write_letter(application, template=DECLINE_LETTER)
    return application


def decision_letter_context(application: Application, award=None) -> dict:
    """What a decision letter says, with the award when one was made, as JSON for the email's
    template (which runs later, in a worker): dates in words, money in pounds, links on SITE_URL
    (decision 37)."""
    from django.urls import reverse

    from pcc_portal.mail.services import absolute_url, date_in_words

    context = {
        "name": application.contact_name or application.organisation_name,
        "organisation": application.organisation_name,
        "reference": application.reference,
        "project": application.project_title,
        "decided_by": application.decided_by,
        "decided_on": date_in_words(application.decided_on) if application.decided_on else "",
        "reason": application.outcome_reason,
        # The applicant's own page of the application; a grantee without an account signs in.
        "url": absolute_url(
            reverse("grants:application", args=[application.pk])
            if application.applicant_id
            else reverse("pcc_portal:account")
        ),
    }
    if award is not None:
        decision = award.decision_record
        context.update(
            {
                "organisation": award.recipient_name,
                "url": absolute_url(reverse("grants:grantee_award", args=[award.pk])),
                "amount": f"£{award.amount:,.2f}",
                "conditions": award.conditions,
                "reasons": award.reasons,
                "starts_on": date_in_words(award.starts_on),
                "ends_on": date_in_words(award.ends_on),
                "instalments": [
                    {
                        "due_on": date_in_words(i.due_on),
                        "amount": f"£{i.amount:,.2f}",
                        "held_for": i.held_for_report.title if i.held_for_report_id else "",
                    }
                    for i in award.instalments.select_related("held_for_report").order_by("number")
                ],
                "reports": [
                    {"title": r.title, "due_on": date_in_words(r.due_on)}
                    for r in award.reports.order_by("due_on", "pk")
                ],
                "register_url": (
                    absolute_url(decision.get_absolute_url())
                    if decision is not None and decision.is_public
                    else ""
                ),
            }
        )
    return context


def _write_letter(application: Application, *, template: str, award=None) -> None:
    import logging

    from pcc_portal.mail.services import send_email

    address = grantee_address(application)
    if not address:
        return
    subject = AWARD_LETTER_SUBJECT if template == AWARD_LETTER else DECLINE_LETTER_SUBJECT
    try:
        send_email(
            to=address,
            subject=subject.format(title=application.project_title or application.reference),
            template=template,
            context=decision_letter_context(application, award),
            related=award or application,
        )
    except ValidationError:
        # An address typed on an application may be unusable; the decision still stands.
        logging.getLogger(__name__).warning(
            "Application %s: the decision letter's address cannot be written to", application.pk
        )


def organisations_to_link(application: Application) -> list[Organisation]:
    """The organisations on record an officer may link the application to: those with its
    charity or company number however it was typed, or, when it gives neither, those of the
    same name. None: linking adds the organisation from the details the applicant typed."""
    charity = normalise_charity_number(application.charity_number)
    company = normalise_company_number(application.company_number)
    if charity or company:
        either = Q()
        if charity:
            either |= Q(charity_number=charity)
        if company:
            either |= Q(company_number=company)
    elif application.organisation_name.strip():
        either = Q(name__iexact=application.organisation_name.strip())
    else:
        return []
    return list(Organisation.objects.filter(either).order_by("name", "pk")[:10])
