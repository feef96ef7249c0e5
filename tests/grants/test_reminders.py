"""Grants' reminder provider (decision 18), on fixed dates: monitoring reports due within two
weeks or overdue go to the grantee and the grants officers; rounds closing within a week go to
the grants officers."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse

from grants import services
from grants.models import MonitoringReport
from grants.reminders import grants_reminders
from grants.workflow import RoundStatus
from pcc_portal.registry import due_reminders, reminder_providers
from tests.engagement.factories import LONDON
from tests.grants import factories as f

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)


def reminders(day=MONDAY, *, prefix="grants."):
    return [r for r in grants_reminders(start=day, end=day) if r.key.startswith(prefix)]


def final_report(award, due_on: date) -> MonitoringReport:
    report = award.reports.get(is_final=True)
    MonitoringReport.objects.filter(pk=report.pk).update(due_on=due_on)
    report.refresh_from_db()
    return report


@pytest.fixture
def running(people):
    """A running grant, its applicant the grantee."""
    application, award = f.active(people)
    return application, award


def test_a_report_due_within_two_weeks_goes_to_the_grantee_and_the_officers(people, running):
    application, award = running
    report = final_report(award, date(2026, 12, 7))

    own, office = reminders()

    assert own.key == f"grants.own_report_due:{report.pk}:2026-12-07"
    assert own.recipients == (application.applicant,)
    assert own.url == reverse("grants:grantee_report", args=[award.pk, report.pk])
    assert own.due_on == date(2026, 12, 7)
    assert "7 December 2026" in own.title and "Final report" in own.title
    assert office.key == f"grants.report_due:{report.pk}:2026-12-07"
    assert office.recipients == (people.officer,)
    assert office.url == reverse("grants_staff:report_review", args=[award.pk, report.pk])
    assert application.organisation.name in office.title


def test_fifteen_days_ahead_is_too_early(running):
    final_report(running[1], date(2026, 12, 8))
    assert reminders() == []


def test_an_overdue_report_is_offered_until_it_is_sent(people, running):
    application, award = running
    report = final_report(award, date(2026, 11, 20))

    keys = [r.key for r in reminders()]

    assert keys == [
        f"grants.own_report_overdue:{report.pk}:2026-11-20",
        f"grants.report_overdue:{report.pk}:2026-11-20",
    ]
    assert [r.key for r in reminders(MONDAY + timedelta(days=30))] == keys
    assert "overdue since 20 November 2026" in reminders()[0].title
    services.submit_monitoring_report(
        report=report, by=application.applicant, narrative="Done", people_reached=12
    )
    assert reminders() == []


def test_a_report_due_today_is_due_not_overdue(running):
    report = final_report(running[1], MONDAY)
    assert {r.key for r in reminders()} == {
        f"grants.own_report_due:{report.pk}:2026-11-23",
        f"grants.report_due:{report.pk}:2026-11-23",
    }


def test_a_report_sent_back_for_more_is_owed_again(people, running):
    application, award = running
    report = final_report(award, date(2026, 11, 30))
    services.submit_monitoring_report(
        report=report, by=application.applicant, narrative="Done", people_reached=12
    )
    assert reminders() == []
    services.request_more_information(report=report, by=people.officer, note="Add the spend")
    assert len(reminders()) == 2


def test_only_the_reports_of_running_grants_are_chased(people):
    application, award = f.approved(people)
    final_report(award, date(2026, 11, 30))
    assert reminders() == [], "nothing can be sent before the offer is accepted"
    services.withdraw_application(application=application, by=application.applicant)
    assert reminders() == []


def test_a_grant_with_no_grantee_account_reminds_the_officers(people):
    application = services.create_direct_award(
        scheme=f.GrantSchemeFactory(),
        organisation=f.linked_organisation(),
        by=people.officer,
        project_title="Cadet scheme",
        project_summary="Cadets",
        amount="9000",
        starts_on=date(2026, 4, 1),
        ends_on=date(2027, 3, 31),
    )
    award = services.award_grant(
        application=application, by=people.commissioner, amount="9000", reasons="Cadets"
    )
    services.accept_offer(application=application, by=people.officer)
    report = final_report(award, date(2026, 12, 1))

    (reminder,) = reminders()

    assert reminder.key == f"grants.report_due:{report.pk}:2026-12-01"
    assert reminder.recipients == (people.officer,)


def closing(day: date, hour=17, status=RoundStatus.PUBLISHED, **kwargs):
    return f.GrantRoundFactory(
        status=status,
        opens_at=datetime(2026, 10, 1, 9, tzinfo=LONDON),
        closes_at=datetime(day.year, day.month, day.day, hour, tzinfo=LONDON),
        **kwargs,
    )


def test_a_round_closing_within_a_week_goes_to_the_grants_officers(people):
    grant_round = closing(date(2026, 11, 30))

    (reminder,) = reminders(prefix="grants.round_closing")

    assert reminder.key == f"grants.round_closing:{grant_round.pk}:2026-11-30"
    assert reminder.recipients == (people.officer,)
    assert reminder.due_on == date(2026, 11, 30)
    assert "30 November 2026" in reminder.title and grant_round.name in reminder.title
    assert reminder.url == reverse("admin:grants_grantround_change", args=[grant_round.pk])


def test_eight_days_ahead_is_too_early_and_a_closed_round_is_not_offered(people):
    closing(date(2026, 12, 1))
    closing(date(2026, 11, 22))
    assert reminders(prefix="grants.round_closing") == []


@pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.WITHDRAWN])
def test_only_published_rounds_are_chased(people, status):
    closing(date(2026, 11, 25), status=status)
    assert reminders(prefix="grants.round_closing") == []


def test_with_no_grants_officer_no_round_is_chased(db):
    closing(date(2026, 11, 25))
    assert reminders(prefix="grants.round_closing") == []


def test_the_provider_is_registered_and_its_reminders_reach_the_digest(people):
    assert reminder_providers.get("grants") is grants_reminders
    grant_round = closing(date(2026, 11, 26))
    keys = [r.key for r in due_reminders(start=MONDAY, end=MONDAY)]
    assert f"grants.round_closing:{grant_round.pk}:2026-11-26" in keys


def test_each_reminder_opens_a_page_its_readers_may_open(client, sign_in, people, running):
    application, award = running
    final_report(award, date(2026, 12, 7))
    own, office = reminders()
    client.force_login(application.applicant)
    assert client.get(own.url).status_code == 200
    assert client.get(office.url).status_code in (302, 403)
    sign_in(people.officer)
    assert client.get(office.url).status_code == 200
