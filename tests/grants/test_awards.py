"""Beyond one-off grants to open rounds: direct awards, multi-year awards whose later instalments
wait for a satisfactory monitoring report, and consortium awards; and monitoring itself."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grants import awarding, monitoring, rules, services, transitions
from grants.models import Application, BeneficiaryFigure, MonitoringReport
from grants.workflow import ApplicationStatus as S
from grants.workflow import ReportStatus as R
from tests.grants import factories as f
from tests.pcc_portal.factories import PolicingAreaFactory

pytestmark = pytest.mark.django_db


# --- Direct awards ------------------------------------------------------------------------------


def direct(people, **kwargs):
    values = {
        "scheme": f.GrantSchemeFactory(),
        "organisation": f.linked_organisation(),
        "by": people.officer,
        "project_title": "Independent sexual violence advisers",
        "project_summary": "Two advisers for victims across the force area",
        "amount": "15000",
        "starts_on": date(2015, 4, 1),
        "ends_on": date(2016, 3, 31),
        "policing_areas": [PolicingAreaFactory()],
    }
    values.update(kwargs)
    return services.create_direct_award(**values)


def test_the_office_commissions_a_named_organisation(people):
    application = direct(people)
    assert application.kind == Application.Kind.DIRECT_AWARD and application.round is None
    assert application.status == S.RECOMMENDED and application.reference
    assert application.organisation.name == application.organisation_name
    assert application.recommended_amount == Decimal("15000.00")
    assert application.transitions.get().note == services.DIRECT_AWARD_NOTE
    award = services.award_grant(
        application=application, by=people.commissioner, amount="15000", reasons="Commissioned"
    )
    assert award.application.status == S.APPROVED and award.amount == Decimal("15000.00")
    # Staff see a direct award from the start; it is the office's own.
    assert Application.objects.visible_to(people.assessor).filter(pk=application.pk).exists()


def test_only_a_grants_officer_makes_direct_awards(people):
    assert people.officer.has_perm("grants.make_direct_awards")
    for person in (people.assessor, people.commissioner, f.ApplicantFactory()):
        with pytest.raises(PermissionDenied):
            direct(people, by=person)
    assert not Application.objects.exists()


def test_a_direct_award_is_checked_like_any_other(people):
    with pytest.raises(ValidationError) as caught:
        direct(people, project_title=" ", amount="0", ends_on=date(2015, 1, 1))
    assert set(caught.value.message_dict) == {"project_title", "amount_requested", "ends_on"}
    assert not Application.objects.exists()


def test_an_application_to_a_round_cannot_take_the_direct_route(people):
    application = f.ApplicationFactory()
    with pytest.raises(ValidationError):
        transitions.check_move(application, S.RECOMMENDED, application.applicant)
    assert S.RECOMMENDED not in [
        m.target for m in rules.moves_for(application.applicant, application)
    ]


# --- Multi-year awards --------------------------------------------------------------------------


@pytest.fixture
def multi_year(people):
    grant_round = f.GrantRoundFactory(longest_project_months=24, maximum_award=Decimal("20000"))
    starts_on = date(2015, 10, 1)
    application, award = f.active(
        people,
        round=grant_round,
        starts_on=starts_on,
        ends_on=date(2017, 3, 31),
        amount_requested=Decimal("16000.00"),
        instalments=[(date(2015, 10, 1), "8000"), (date(2016, 10, 1), "8000")],
    )
    return application, award


def test_a_multi_year_awards_later_instalment_waits_for_its_report(people, multi_year):
    application, award = multi_year
    assert award.is_multi_year
    first, second = award.instalments.all()
    assert second.held_for_report is not None and first.held_for_report is None
    report = second.held_for_report
    assert report.due_on == date(2016, 9, 3)
    assert services.release_instalment(instalment=first, by=people.officer).released_at
    with pytest.raises(ValidationError) as caught:
        services.release_instalment(instalment=second, by=people.officer)
    assert caught.value.messages == [
        "This instalment is held until the monitoring report “Report before instalment 2” is "
        "accepted"
    ]
    report = services.submit_monitoring_report(
        report=report, by=application.applicant, narrative="Year one went well", people_reached=40
    )
    # Sent but not yet accepted: still held.
    with pytest.raises(ValidationError):
        services.release_instalment(instalment=second, by=people.officer)
    report = services.request_more_information(
        report=report, by=people.officer, note="Add the attendance figures"
    )
    assert report.status == R.MORE_INFORMATION
    with pytest.raises(ValidationError):
        services.release_instalment(instalment=second, by=people.officer)
    report = services.submit_monitoring_report(
        report=report,
        by=application.applicant,
        narrative="Year one went well; attendance attached",
        people_reached=40,
    )
    services.accept_monitoring_report(report=report, by=people.officer)
    released = services.release_instalment(instalment=second, by=people.officer)
    assert released.released_at and released.released_by == people.officer
    # Releasing twice changes nothing.
    again = services.release_instalment(instalment=second, by=people.officer)
    assert again.released_at == released.released_at


def test_no_money_is_released_before_the_offer_is_accepted(people):
    application, award = f.approved(people)
    with pytest.raises(ValidationError) as caught:
        services.release_instalment(instalment=award.instalments.get(), by=people.officer)
    assert caught.value.messages == [awarding.NOT_ACCEPTED_YET]


def test_only_grants_officers_release_and_record_payments(people):
    application, award = f.active(people)
    instalment = award.instalments.get()
    for person in (people.assessor, people.commissioner, application.applicant):
        with pytest.raises(PermissionDenied):
            services.release_instalment(instalment=instalment, by=person)
    with pytest.raises(ValidationError):
        services.record_instalment_paid(instalment=instalment, by=people.officer)
    services.release_instalment(instalment=instalment, by=people.officer)
    paid = services.record_instalment_paid(instalment=instalment, by=people.officer)
    assert paid.paid_at is not None


# --- Consortium awards --------------------------------------------------------------------------


def test_a_consortium_award_names_its_lead_and_members(people):
    application = f.ApplicationFactory(is_consortium=True)
    existing = f.linked_organisation(name="Telford Youth Club", charity_number="1123456")
    services.set_consortium_members(
        application=application,
        by=application.applicant,
        members=[
            {"organisation_name": "Telford youth club", "charity_number": "1123456"},
            {"organisation_name": "Wellington Boxing", "company_number": "1234567"},
        ],
    )
    application, award = f.approved(people, application=application)
    for member in application.consortium_members.all():
        services.link_consortium_member(member=member, by=people.officer)
    first, second = application.consortium_members.all()
    assert first.organisation == existing
    assert second.organisation.company_number == "01234567"
    assert application.is_consortium and application.organisation is not None
    assert award.recipient_name == application.organisation.name


# --- Monitoring ---------------------------------------------------------------------------------


def test_a_report_gives_aggregated_beneficiary_figures(people):
    application, award = f.active(people)
    report = award.reports.get(is_final=True)
    sent = services.submit_monitoring_report(
        report=report,
        by=application.applicant,
        narrative="Forty young people took part",
        people_reached=40,
        spend_to_date=Decimal("4800.00"),
        figures={("age", "10 to 15"): 25, ("age", "16 to 19"): 15, ("gender", "Female"): 18},
    )
    assert sent.status == R.SUBMITTED and sent.submitted_by == application.applicant
    assert sorted(sent.figures.values_list("band", "count")) == [
        ("10 to 15", 25),
        ("16 to 19", 15),
        ("Female", 18),
    ]


def test_figures_that_cannot_be_right_are_refused(people):
    application, award = f.active(people)
    report = award.reports.get()
    with pytest.raises(ValidationError) as caught:
        services.submit_monitoring_report(
            report=report,
            by=application.applicant,
            narrative="",
            people_reached=10,
            figures={("age", "10 to 15"): 8, ("age", "16 to 19"): 5, ("gender", "Robot"): 1},
        )
    assert caught.value.message_dict == {
        "narrative": [monitoring.NARRATIVE_REQUIRED],
        "figure_age": ["The age figures add up to 13, more than the 10 reached"],
        "figure_gender": ["Choose one of the groups listed"],
    }
    report.refresh_from_db()
    assert report.status == R.DUE and not BeneficiaryFigure.objects.exists()


def test_only_the_grantee_or_an_officer_sends_a_report_and_only_officers_review(people):
    application, award = f.active(people)
    report = award.reports.get()
    with pytest.raises(PermissionDenied):
        services.submit_monitoring_report(
            report=report, by=f.ApplicantFactory(), narrative="x", people_reached=1
        )
    services.submit_monitoring_report(
        report=report, by=people.officer, narrative="Keyed in from paper", people_reached=5
    )
    with pytest.raises(PermissionDenied):
        services.accept_monitoring_report(report=report, by=application.applicant)
    accepted = services.accept_monitoring_report(report=report, by=people.officer)
    assert accepted.status == R.ACCEPTED
    with pytest.raises(ValidationError):
        services.submit_monitoring_report(
            report=report, by=application.applicant, narrative="Again", people_reached=5
        )


def test_asking_for_more_needs_to_say_what(people):
    application, award = f.active(people)
    report = services.submit_monitoring_report(
        report=award.reports.get(), by=application.applicant, narrative="x", people_reached=1
    )
    with pytest.raises(ValidationError) as caught:
        services.request_more_information(report=report, by=people.officer, note=" ")
    assert caught.value.message_dict == {"officer_note": [monitoring.NOTE_REQUIRED]}


def test_overdue_and_soon_due_reports_are_found(people):
    _, award = f.active(people)
    today = timezone.localdate()
    MonitoringReport.objects.filter(award=award).update(due_on=today - timedelta(days=1))
    soon = MonitoringReport.objects.create(award=award, title="Half year", due_on=today)
    later = MonitoringReport.objects.create(
        award=award, title="Year end", due_on=today + timedelta(days=30)
    )
    assert set(MonitoringReport.objects.overdue(today)) == set(
        award.reports.exclude(pk__in=[soon.pk, later.pk])
    )
    assert list(MonitoringReport.objects.due_within(14, today)) == [soon]
    later.status = R.ACCEPTED
    later.save()
    assert later not in MonitoringReport.objects.outstanding()
