"""Monitoring reports: the grantee sends each by its due date, with the people reached and,
optionally, how many of them fall in each age band, gender, ethnic group and disability group
(aggregated, never about one person); an officer accepts it or asks for more. A multi-year
award's later instalment waits for the report before it to be accepted (awarding.py)."""

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import workflow
from .applying import store_attachment
from .models import Attachment, BeneficiaryFigure, MonitoringReport

R = workflow.ReportStatus
ILLEGAL_MOVE = "A report that is {current} cannot be {target}"
CANNOT_SEND = "You can only send the reports of your own grant"
CANNOT_REVIEW = "You cannot review monitoring reports"
GRANT_NOT_RUNNING = "Reports are sent for a grant whose offer has been accepted"
NARRATIVE_REQUIRED = "Enter what the grant did"
PEOPLE_REQUIRED = "Enter how many people the grant reached"
NOTE_REQUIRED = "Enter what more you need: the grantee is told it"
FIGURES_TOO_MANY = "The {category} figures add up to {total:,}, more than the {people:,} reached"
FIGURE_NOT_A_COUNT = "Enter the number of people as a whole number, 0 or more"
# Reports belong to a grant that is running, or one being closed after its final report.
REPORTING_STATES = (
    workflow.ApplicationStatus.OFFER_ACCEPTED,
    workflow.ApplicationStatus.ACTIVE,
    workflow.ApplicationStatus.CLOSED,
)


def _move(report: MonitoringReport, to: str, by) -> workflow.Move:
    move = workflow.REPORT_TRANSITIONS.get(report.status, {}).get(to)
    if move is None:
        current = str(workflow.REPORT_STATES[report.status].staff_name).lower()
        target = str(workflow.REPORT_STATES[to].staff_name).lower()
        raise ValidationError({"status": ILLEGAL_MOVE.format(current=current, target=target)})
    if not by.has_perm(move.rule, report):
        raise PermissionDenied(CANNOT_SEND if to == R.SUBMITTED else CANNOT_REVIEW)
    return move


def _lock(report: MonitoringReport) -> MonitoringReport:
    return (
        MonitoringReport.objects.select_for_update(of=("self",))
        .select_related("award__application")
        .get(pk=report.pk)
    )


def submit_monitoring_report(
    *,
    report: MonitoringReport,
    by,
    narrative: str,
    people_reached: int | None,
    spend_to_date: Decimal | None = None,
    figures: Mapping[tuple[str, str], int] | None = None,
    attachments: Mapping[str, object] | None = None,
) -> MonitoringReport:
    """Send a due report (or send it again after more information was asked for).

    `figures` maps (category, group) to a number of people, e.g. {("age", "16 to 19"): 12};
    they replace any sent before. Each category's figures cannot add up to more than the
    people reached. `attachments` maps an attachment kind to an uploaded file.

    Raises PermissionDenied for anyone but the grantee (or an officer keying in a paper
    report), and ValidationError for a report not due, a grant not running, or bad figures,
    every field's message at once; nothing is written then.
    """
    narrative = (narrative or "").strip()
    with transaction.atomic():
        report = _lock(report)
        _move(report, R.SUBMITTED, by)
        if report.award.application.status not in REPORTING_STATES:
            raise ValidationError(GRANT_NOT_RUNNING)
        errors: dict[str, list[str]] = {}
        if not narrative:
            errors["narrative"] = [NARRATIVE_REQUIRED]
        if people_reached is None or people_reached == "":
            errors["people_reached"] = [PEOPLE_REQUIRED]
        rows = _figures(figures or {}, people_reached, errors)
        report.narrative = narrative
        report.people_reached = None if "people_reached" in errors else people_reached
        report.spend_to_date = spend_to_date
        try:
            report.full_clean(exclude=["award", "submitted_by", "reviewed_by"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, list(messages))
        if errors:
            raise ValidationError(errors)
        report.status = R.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = by
        report._history_user = by
        report.save()
        report.figures.all().delete()
        BeneficiaryFigure.objects.bulk_create(
            [BeneficiaryFigure(report=report, **row) for row in rows]
        )
        for kind, upload in (attachments or {}).items():
            store_attachment(
                application=report.award.application,
                by=by,
                kind=kind or Attachment.Kind.MONITORING_EVIDENCE,
                upload=upload,
                monitoring_report=report,
            )
    return report


def _figures(figures: Mapping, people_reached, errors: dict) -> list[dict]:
    rows = []
    totals: dict[str, int] = defaultdict(int)
    for (category, band), count in figures.items():
        if count in (None, ""):
            continue
        figure = BeneficiaryFigure(category=category, band=band, count=count)
        field = f"figure_{category}"
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            errors.setdefault(field, []).append(FIGURE_NOT_A_COUNT)
            continue
        try:
            figure.full_clean(exclude=["report"])
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.messages)
            continue
        totals[category] += count
        rows.append({"category": category, "band": band, "count": count})
    if isinstance(people_reached, int):
        for category, total in totals.items():
            if total > people_reached:
                label = str(BeneficiaryFigure.Category(category).label).lower()
                errors.setdefault(f"figure_{category}", []).append(
                    FIGURES_TOO_MANY.format(category=label, total=total, people=people_reached)
                )
    return rows


def accept_monitoring_report(*, report: MonitoringReport, by, note: str = "") -> MonitoringReport:
    """Accept a sent report as satisfactory: an instalment held for it can then be released."""
    return _review(report=report, by=by, to=R.ACCEPTED, note=note)


def request_more_information(*, report: MonitoringReport, by, note: str) -> MonitoringReport:
    """Send a report back to the grantee, saying what more is needed (required)."""
    return _review(report=report, by=by, to=R.MORE_INFORMATION, note=note)


def _review(*, report: MonitoringReport, by, to: str, note: str) -> MonitoringReport:
    note = (note or "").strip()
    with transaction.atomic():
        report = _lock(report)
        move = _move(report, to, by)
        if move.needs_reason and not note:
            raise ValidationError({"officer_note": NOTE_REQUIRED})
        report.status = to
        report.officer_note = note
        report.reviewed_at = timezone.now()
        report.reviewed_by = by
        report.full_clean(exclude=["award", "submitted_by", "reviewed_by"])
        report._history_user = by
        report.save()
    return report
