"""Grants' reminders (decision 18).

A monitoring report falling due within two weeks goes to the grantee and the grants officers,
so it is written in time; once it is overdue it goes to them again, and stays offered until it
is sent. A round closing within a week goes to the grants officers, so that last calls for
applications go out. Only reports of grants that are running are chased: before the offer is
accepted nothing can be sent, and a withdrawn grant owes nothing.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from pcc_portal.dates import in_words
from pcc_portal.registry import Reminder
from pcc_portal.roles import GRANTS_OFFICER

from .models import GrantRound, MonitoringReport
from .monitoring import REPORTING_STATES

REPORT_NOTICE = timedelta(days=14)
CLOSING_NOTICE = timedelta(days=7)


def grants_reminders(*, start: date, end: date) -> Iterator[Reminder]:
    """Reports due soon, reports overdue, then rounds closing soon, for the days from `start`
    to `end`. The keys name the date each is due, so a new date is a new reminder and the
    same one is never sent twice."""
    officers = tuple(get_user_model().objects.holding_role(GRANTS_OFFICER.name).order_by("pk"))
    yield from _reports_due(start=start, end=end, officers=officers)
    yield from _reports_overdue(end=end, officers=officers)
    if officers:
        yield from _rounds_closing(start=start, end=end, officers=officers)


def _owed():
    return (
        MonitoringReport.objects.outstanding()
        .filter(award__application__status__in=REPORTING_STATES)
        .select_related("award__application__applicant", "award__application__organisation")
        .order_by("due_on", "pk")
    )


def _reports_due(*, start: date, end: date, officers) -> Iterator[Reminder]:
    """Reports still owed that fall due from `start` to two weeks after `end`."""
    for report in _owed().filter(due_on__gte=start, due_on__lte=end + REPORT_NOTICE):
        yield from _report_reminders(
            report, kind="report_due", title=f"Report due {_day(report.due_on)}", officers=officers
        )


def _reports_overdue(*, end: date, officers) -> Iterator[Reminder]:
    """Reports still owed whose due date had passed by `end`. An item stays offered until the
    report is sent, so a digest that missed a day still finds it."""
    for report in _owed().filter(due_on__lt=end):
        yield from _report_reminders(
            report,
            kind="report_overdue",
            title=f"Report overdue since {_day(report.due_on)}",
            officers=officers,
        )


def _report_reminders(report: MonitoringReport, *, kind: str, title: str, officers):
    """One reminder for the grantee, linking to their report's page, and one for the grants
    officers, linking to the report on the staff pages: each opens only for its readers."""
    application = report.award.application
    due = f"{report.pk}:{report.due_on.isoformat()}"
    grantee = application.applicant
    if grantee is not None and grantee.is_active:
        yield Reminder(
            key=f"grants.own_{kind}:{due}",
            recipients=(grantee,),
            due_on=report.due_on,
            title=f"{title}: {report.title}, {application.project_title}",
            url=reverse("grants:grantee_report", args=[report.award_id, report.pk]),
        )
    others = tuple(o for o in officers if grantee is None or o.pk != grantee.pk)
    if others:
        yield Reminder(
            key=f"grants.{kind}:{due}",
            recipients=others,
            due_on=report.due_on,
            title=f"{title}: {report.title}, {_recipient(application)}",
            url=reverse("grants_staff:report_review", args=[report.award_id, report.pk]),
        )


def _rounds_closing(*, start: date, end: date, officers) -> Iterator[Reminder]:
    """Published rounds still open at the start of `start` that close before the end of the
    week after `end`."""
    first = timezone.make_aware(datetime.combine(start, time.min))
    last = timezone.make_aware(datetime.combine(end + CLOSING_NOTICE + timedelta(days=1), time.min))
    closing = (
        GrantRound.objects.published()
        .filter(opens_at__lt=last, closes_at__gt=first, closes_at__lt=last)
        .select_related("scheme")
        .order_by("closes_at", "pk")
    )
    for grant_round in closing:
        closes_on = timezone.localdate(grant_round.closes_at)
        yield Reminder(
            key=f"grants.round_closing:{grant_round.pk}:{closes_on.isoformat()}",
            recipients=officers,
            due_on=closes_on,
            title=f"Closes {_day(closes_on)}: {grant_round}",
            url=reverse("admin:grants_grantround_change", args=[grant_round.pk]),
        )


def _recipient(application) -> str:
    if application.organisation_id is not None:
        return application.organisation.name
    return application.organisation_name


def _day(day: date) -> str:
    """In words, as the digest's email gives every date (decision 37)."""
    return in_words(day)
