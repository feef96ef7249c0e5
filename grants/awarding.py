"""Deciding and paying: awards, declines, offers accepted, grants started and closed, and the
instalments an award is paid in.

Neither a round's budget (whole awards) nor a scheme's annual budget (each instalment in the
financial year it falls due) can be over-committed, even when two officers award at the same
moment: award_grant locks the scheme's and the round's rows before it adds up what they have
committed, so a second award waits for the first and counts it.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pcc_portal.dates import check_date_range
from pcc_portal.models import Decision, OfficeProfile
from pcc_portal.roles import COMMISSIONER

from . import rules, workflow
from .financial_years import financial_year_label, financial_year_of
from .models import (
    Application,
    Award,
    GrantRound,
    GrantScheme,
    Instalment,
    MonitoringReport,
)
from .models.applications import PROJECT_DATE_LIMITS
from .models.schemes import ZERO
from .transitions import transition

S = workflow.ApplicationStatus

AMOUNT_REQUIRED = "Enter the amount awarded, more than £0"
AMOUNT_OUTSIDE_ROUND = "An award in this round must be between £{low:,.2f} and £{high:,.2f}"
MORE_THAN_REQUESTED = "The award cannot be more than the £{requested:,.2f} asked for"
REASONS_REQUIRED = "Enter the reasons for the grant: they are published with it"
DATES_REQUIRED = "Enter the dates the grant starts and ends"
ROUND_OVER_BUDGET = (
    "This award would take the round over its budget: £{left:,.2f} of £{budget:,.2f} is left"
)
SCHEME_OVER_BUDGET = (
    "This award would take {scheme} over its budget for {year}: "
    "£{left:,.2f} of £{budget:,.2f} is left"
)
INSTALMENTS_DO_NOT_ADD_UP = (
    "The instalments add up to £{total:,.2f}, not the £{amount:,.2f} awarded"
)
INSTALMENT_AMOUNT = "Each instalment must be more than £0"
NOT_LINKED = (
    "Link the application to the organisation on record before making an award: the award is "
    "published under its name and identifier"
)
DECIDER_REQUIRED = "Enter who made the decision"
DECISION_DATE_REQUIRED = "Enter the date of the decision"
NOT_ACCEPTED_YET = "The offer must be accepted before any money is released"
ALREADY_RELEASED = "This instalment was released on {day}"
HELD_FOR_REPORT = "This instalment is held until the monitoring report “{report}” is accepted"
NOT_RELEASED = "Release the instalment before recording it paid"
UNDERSPEND_TOO_LARGE = "The underspend returned cannot be more than the £{amount:,.2f} awarded"
CANNOT_RELEASE = "You cannot release grant payments"
MOST_YEARLY_INSTALMENTS = 5
YEARLY_INSTALMENTS = "Choose between 1 and {most} yearly instalments"
# A report is due this long before the later instalment it unlocks, and the final report this
# long after the grant ends.
REPORT_BEFORE_INSTALMENT = timedelta(days=28)
FINAL_REPORT_AFTER_END = timedelta(weeks=8)


def as_money(value) -> Decimal | None:
    """Pounds and pence from what a form, the API or a caller gives; None for what is not."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (ArithmeticError, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def _decides_in_person(user) -> bool:
    return user.groups.filter(name=COMMISSIONER.name).exists()


def name_and_title(user) -> str:
    """How the decisions register names a decider: "Alex Holder, <the holder's title>" when the
    person is the office holder or deputy named in the office's profile, else their name."""
    name = user.get_full_name()
    office = OfficeProfile.objects.get_current()
    if office.holder_name and name == office.holder_name:
        return f"{name}, {office.holder_title}"
    if office.deputy_name and name == office.deputy_name and office.deputy_title:
        return f"{name}, {office.deputy_title}"
    return name


def who_decided(*, by, decided_by: str, decided_on: date | None) -> tuple[str, date]:
    """Who decided and when. The Commissioner or Deputy deciding in the portal is the decider,
    today unless they say otherwise; an officer recording their decision must say who made it
    and on what date. Raises ValidationError naming what is missing."""
    decided_by = (decided_by or "").strip()
    if _decides_in_person(by):
        return decided_by or name_and_title(by), decided_on or timezone.localdate()
    errors = {}
    if not decided_by:
        errors["decided_by"] = DECIDER_REQUIRED
    if decided_on is None:
        errors["decided_on"] = DECISION_DATE_REQUIRED
    else:
        try:
            check_date_range(
                decided_on, name="The date of the decision", not_in_future=True, **_EARLIEST
            )
        except ValidationError as error:
            errors["decided_on"] = error.messages
    if errors:
        raise ValidationError(errors)
    return decided_by, decided_on


_EARLIEST = {"earliest": PROJECT_DATE_LIMITS["earliest"]}


def _schedule(
    instalments: Sequence[tuple[date, Decimal]] | None, *, amount: Decimal, starts_on: date
) -> list[tuple[date, Decimal]]:
    """The instalments in date order, checked: each more than £0, together the amount."""
    if not instalments:
        return [(starts_on, amount)]
    schedule = []
    for due_on, value in instalments:
        value = as_money(value)
        if value is None or value <= 0:
            raise ValidationError({"instalments": INSTALMENT_AMOUNT})
        try:
            check_date_range(due_on, name="The date an instalment is due", **PROJECT_DATE_LIMITS)
        except ValidationError as error:
            raise ValidationError({"instalments": error.messages}) from None
        schedule.append((due_on, value))
    schedule.sort(key=lambda item: item[0])
    total = sum((value for _, value in schedule), ZERO)
    if total != amount:
        raise ValidationError(
            {"instalments": INSTALMENTS_DO_NOT_ADD_UP.format(total=total, amount=amount)}
        )
    return schedule


def _check_budgets(
    *, application: Application, amount: Decimal, schedule: list[tuple[date, Decimal]]
) -> None:
    """Lock the scheme's row, then the round's, and refuse an award that would take either over
    its budget. The rows stay locked until the award's transaction ends: without the locks two
    awards at once could each see room for itself and together overspend."""
    scheme = GrantScheme.objects.select_for_update().get(pk=application.scheme_id)
    if application.round_id is not None:
        grant_round = GrantRound.objects.select_for_update().get(pk=application.round_id)
        committed = Award.objects.committed_to_round(grant_round)
        if committed + amount > grant_round.budget:
            raise ValidationError(
                {
                    "amount": ROUND_OVER_BUDGET.format(
                        left=max(grant_round.budget - committed, ZERO), budget=grant_round.budget
                    )
                }
            )
    by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for due_on, value in schedule:
        by_year[financial_year_of(due_on)] += value
    for year, value in sorted(by_year.items()):
        committed = Instalment.objects.committed_in(scheme, year)
        if committed + value > scheme.annual_budget:
            raise ValidationError(
                {
                    "amount": SCHEME_OVER_BUDGET.format(
                        scheme=scheme.name,
                        year=financial_year_label(year),
                        left=max(scheme.annual_budget - committed, ZERO),
                        budget=scheme.annual_budget,
                    )
                }
            )


def award_grant(
    *,
    application: Application,
    by,
    amount,
    reasons: str,
    conditions: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    decided_by: str = "",
    decided_on: date | None = None,
    instalments: Sequence[tuple[date, Decimal]] | None = None,
    yearly_instalments: int = 1,
    decision_record: Decision | None = None,
    beneficiary_areas: Sequence | None = None,
) -> Award:
    """Approve a recommended application: make its award, its instalments and the monitoring
    reports it owes, and enter the decision in the register (or link the one given, when one
    decision made several awards).

    The Commissioner or Deputy decides in person; an officer records their decision, saying who
    made it and when. One instalment on the start date unless `instalments` ((due date, amount)
    pairs), or `yearly_instalments` (equal parts a year apart from the start), say otherwise;
    instalments in more than one financial year make a multi-year award,
    whose later instalments are each held until the monitoring report due before them is
    accepted. The project's dates and policing areas are the award's unless given.

    Raises PermissionDenied for someone who may not decide, and ValidationError when the move is
    not allowed, the organisation is not linked, the amount is outside the round's limits or
    more than was asked for, the instalments do not add up to it, or the award would take the
    round's budget or the scheme's annual budget of any year over; nothing is written then.
    """
    amount = as_money(amount)
    reasons = (reasons or "").strip()
    with transition(application, to=S.APPROVED, by=by) as locked:
        errors = {}
        if amount is None or amount <= 0:
            errors["amount"] = AMOUNT_REQUIRED
        elif locked.round_id is not None:
            grant_round = locked.round
            if not grant_round.minimum_award <= amount <= grant_round.maximum_award:
                errors["amount"] = AMOUNT_OUTSIDE_ROUND.format(
                    low=grant_round.minimum_award, high=grant_round.maximum_award
                )
        if "amount" not in errors and locked.amount_requested and amount > locked.amount_requested:
            errors["amount"] = MORE_THAN_REQUESTED.format(requested=locked.amount_requested)
        if not reasons:
            errors["reasons"] = REASONS_REQUIRED
        starts_on = starts_on or locked.starts_on
        ends_on = ends_on or locked.ends_on
        if starts_on is None or ends_on is None:
            errors["starts_on"] = DATES_REQUIRED
        if locked.organisation_id is None:
            errors["organisation"] = NOT_LINKED
        try:
            decided_by, decided_on = who_decided(
                by=by, decided_by=decided_by, decided_on=decided_on
            )
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        if instalments is None and yearly_instalments > 1:
            instalments = yearly_schedule(amount, starts_on=starts_on, count=yearly_instalments)
        schedule = _schedule(instalments, amount=amount, starts_on=starts_on)
        _check_budgets(application=locked, amount=amount, schedule=schedule)
        if decision_record is None:
            decision_record = _enter_in_register(
                locked, amount=amount, reasons=reasons, decided_by=decided_by, on=decided_on
            )
        is_multi_year = len({financial_year_of(due_on) for due_on, _ in schedule}) > 1
        award = Award(
            application=locked,
            amount=amount,
            conditions=(conditions or "").strip(),
            reasons=reasons,
            starts_on=starts_on,
            ends_on=ends_on,
            decided_by=decided_by,
            decided_on=decided_on,
            decision_record=decision_record,
            recorded_by=by,
            is_multi_year=is_multi_year,
        )
        award.full_clean(exclude=["application", "recorded_by", "decision_record"])
        award._history_user = by
        award.save()
        award.beneficiary_areas.set(
            beneficiary_areas if beneficiary_areas is not None else locked.policing_areas.all()
        )
        _make_instalments_and_reports(award, schedule, by=by)
        locked.decided_by, locked.decided_on = decided_by, decided_on
    return award


def yearly_schedule(amount: Decimal, *, starts_on: date, count: int) -> list[tuple[date, Decimal]]:
    """`amount` in `count` equal instalments a year apart from `starts_on`; the pennies that do
    not divide go with the first."""
    if not 1 <= count <= MOST_YEARLY_INSTALMENTS:
        raise ValidationError(
            {"yearly_instalments": YEARLY_INSTALMENTS.format(most=MOST_YEARLY_INSTALMENTS)}
        )
    part = (amount / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    first = amount - part * (count - 1)
    return [(_years_after(starts_on, year), first if year == 0 else part) for year in range(count)]


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def _enter_in_register(
    application: Application, *, amount: Decimal, reasons: str, decided_by: str, on: date
) -> Decision:
    recipient = application.organisation.name
    decision = Decision(
        reference=f"Grant {application.reference}",
        title=f"Grant of £{amount:,.2f} to {recipient}: {application.project_title}"[:255],
        decided_on=on,
        decided_by=decided_by,
        summary=reasons,
        is_public=application.scheme.is_public,
    )
    decision.full_clean(exclude=["document"])
    decision.save()
    return decision


def _make_instalments_and_reports(award: Award, schedule, *, by) -> None:
    """Each instalment, and the reports the grantee owes: for a multi-year award one before each
    later instalment, which holds it; for every award a final report after it ends."""
    for number, (due_on, value) in enumerate(schedule, start=1):
        report = None
        if award.is_multi_year and number > 1:
            report = MonitoringReport.objects.create(
                award=award,
                title=f"Report before instalment {number}",
                due_on=max(due_on - REPORT_BEFORE_INSTALMENT, award.starts_on),
            )
        instalment = Instalment(
            award=award, number=number, due_on=due_on, amount=value, held_for_report=report
        )
        instalment._history_user = by
        instalment.save()
    MonitoringReport.objects.create(
        award=award,
        title="Final report",
        due_on=award.ends_on + FINAL_REPORT_AFTER_END,
        is_final=True,
    )


def decline_application(
    *,
    application: Application,
    by,
    reason: str,
    decided_by: str = "",
    decided_on: date | None = None,
) -> Application:
    """Decline an assessed or recommended application, with the reason the applicant is told.
    The Commissioner or Deputy decides in person; an officer records their decision, who and
    when. Raises PermissionDenied and ValidationError as award_grant does; a reason is required.
    """
    with transition(application, to=S.DECLINED, by=by, note=reason) as locked:
        locked.decided_by, locked.decided_on = who_decided(
            by=by, decided_by=decided_by, decided_on=decided_on
        )
        locked.outcome_reason = reason.strip()
        locked.decision_record = _enter_decline_in_register(locked)
    return locked


def _enter_decline_in_register(application: Application) -> Decision:
    """A decline is a decision of the office like an award, so it is in the register; it is not
    published there, since it names an organisation that was refused money and why."""
    decision = Decision(
        reference=f"Declined {application.reference}",
        title=(
            f"Grant application declined: {application.organisation_name}: "
            f"{application.project_title}"
        )[:255],
        decided_on=application.decided_on,
        decided_by=application.decided_by,
        summary=application.outcome_reason or "Declined",
        is_public=False,
    )
    decision.full_clean(exclude=["document"])
    decision.save()
    return decision


def accept_offer(*, application: Application, by) -> Application:
    """The grantee accepts the offer (or an officer records an acceptance on paper)."""
    with transition(application, to=S.OFFER_ACCEPTED, by=by) as locked:
        award = Award.objects.select_for_update().get(application=locked)
        award.offer_accepted_at = timezone.now()
        award._history_user = by
        award.save(update_fields=["offer_accepted_at", "updated_at"])
    return locked


def activate_award(*, application: Application, by, note: str = "") -> Application:
    """The grant starts: its agreement is in place and its first payment can go."""
    with transition(application, to=S.ACTIVE, by=by, note=note) as locked:
        pass
    return locked


def close_award(
    *, application: Application, by, underspend_returned=ZERO, note: str = ""
) -> Application:
    """Close a grant that has run its course, recording any underspend paid back. Raises
    ValidationError for an underspend more than the award."""
    underspend = as_money(underspend_returned)
    with transition(application, to=S.CLOSED, by=by, note=note) as locked:
        award = Award.objects.select_for_update().get(application=locked)
        if underspend is None or underspend < 0 or underspend > award.amount:
            raise ValidationError(
                {"underspend_returned": UNDERSPEND_TOO_LARGE.format(amount=award.amount)}
            )
        award.underspend_returned = underspend
        award.closed_at = timezone.now()
        award._history_user = by
        award.save(update_fields=["underspend_returned", "closed_at", "updated_at"])
    return locked


def release_instalment(*, instalment: Instalment, by, now=None) -> Instalment:
    """Release an instalment for payment.

    Releasing twice changes nothing. Raises PermissionDenied for someone who may not release
    payments, and ValidationError before the offer is accepted, or while the monitoring report
    the instalment is held for (a multi-year award's later instalments) is not yet accepted.
    """
    if not by.has_perm(rules.RELEASE_INSTALMENT, instalment):
        raise PermissionDenied(CANNOT_RELEASE)
    with transaction.atomic():
        # Only the instalment's own row is locked: the report it waits for is read as it stands.
        instalment = (
            Instalment.objects.select_for_update(of=("self",))
            .select_related("award__application", "held_for_report")
            .get(pk=instalment.pk)
        )
        if instalment.released_at is not None:
            return instalment
        if instalment.award.application.status not in (S.OFFER_ACCEPTED, S.ACTIVE):
            raise ValidationError(NOT_ACCEPTED_YET)
        report = instalment.held_for_report
        if report is not None and report.status != workflow.ReportStatus.ACCEPTED:
            raise ValidationError(HELD_FOR_REPORT.format(report=report.title))
        instalment.released_at = now or timezone.now()
        instalment.released_by = by
        instalment._history_user = by
        instalment.save(update_fields=["released_at", "released_by"])
    return instalment


def record_instalment_paid(*, instalment: Instalment, by, paid_at=None) -> Instalment:
    """Record that a released instalment was paid."""
    if not by.has_perm(rules.RELEASE_INSTALMENT, instalment):
        raise PermissionDenied(CANNOT_RELEASE)
    with transaction.atomic():
        instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
        if instalment.released_at is None:
            raise ValidationError(NOT_RELEASED)
        if instalment.paid_at is None:
            instalment.paid_at = paid_at or timezone.now()
            instalment._history_user = by
            instalment.save(update_fields=["paid_at"])
    return instalment


def round_budget_left(grant_round: GrantRound) -> Decimal:
    """What the round can still award."""
    return grant_round.budget - Award.objects.committed_to_round(grant_round)


def scheme_budget_left(scheme: GrantScheme, start_year: int) -> Decimal:
    """What the scheme can still commit in the financial year starting in `start_year`."""
    return scheme.annual_budget - Instalment.objects.committed_in(scheme, start_year)
