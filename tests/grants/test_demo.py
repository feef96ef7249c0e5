"""The demo grants: the 2015/16 rounds as history (about 35 tier 1 awards under £20,000 and a
tier 2 consortium), rounds around today at every stage, applications in every state, the
private fund at its cap, a direct award and a multi-year award whose instalment waits for a
report; every budget kept; dated relative to today (decision 23); a second load adds nothing."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grants import demo, services
from grants.financial_years import financial_year_of
from grants.models import (
    Application,
    ApplicationTransition,
    Award,
    GrantRound,
    GrantScheme,
    Instalment,
    MonitoringReport,
)
from grants.querysets import committed_by_financial_year
from grants.reminders import grants_reminders
from grants.workflow import ApplicationStatus as S
from grants.workflow import ReportStatus as R
from pcc_portal.demo import create_demo_users, demo_email
from pcc_portal.models import OutboundMessage, User

pytestmark = pytest.mark.django_db


def load(today=None) -> str:
    out = io.StringIO()
    demo.fill(today=today or timezone.localdate(), stdout=out)
    return out.getvalue()


@pytest.fixture
def filled(reference_data):
    create_demo_users()
    return load()


def test_the_whole_story_is_there_once_and_a_second_load_adds_nothing(filled):
    models = (GrantRound, Application, Award, Instalment, MonitoringReport, ApplicationTransition)
    counts = [model.objects.count() for model in models]
    rounds, applications, awards = counts[:3]
    assert filled.strip() == f"{rounds} rounds, {applications} applications, {awards} awards"
    assert load().strip() == "0 rounds, 0 applications, 0 awards"
    assert [model.objects.count() for model in models] == counts
    # Every state of the workflow has an application in it.
    assert set(Application.objects.values_list("status", flat=True)) == set(S.values)
    # Loading the demo writes to nobody: no letters, no reminders.
    assert not OutboundMessage.objects.exists()


def test_the_2015_16_tier_1_round_gave_about_35_awards_under_20000(filled):
    tier_1 = GrantRound.objects.get(slug="2015-16-tier-1")
    awards = Award.objects.filter(application__round=tier_1)
    assert 30 <= awards.count() <= 40
    assert all(award.amount < Decimal("20000") for award in awards)
    assert Award.objects.committed_to_round(tier_1) <= tier_1.budget
    assert tier_1.phase() == "decided"
    assert {a.application.status for a in awards} == {S.CLOSED}
    for award in awards.prefetch_related("instalments", "reports"):
        assert award.application.organisation_id is not None
        assert award.decision_record.reference == "DN 2015/027"
        assert [i.paid_at is not None for i in award.instalments.all()] == [True]
        assert [r.status for r in award.reports.all()] == [R.ACCEPTED]
        assert award.application.transitions.last().to_status == S.CLOSED
        assert award.application.reference.startswith("G2015-")


def test_the_tier_2_award_went_to_a_consortium_of_six(filled):
    (award,) = Award.objects.filter(application__round__slug="2015-16-tier-2")
    application = award.application
    assert application.is_consortium
    members = list(application.consortium_members.all())
    assert len(members) == 5 and all(m.organisation_id for m in members)
    assert len({application.organisation_id, *(m.organisation_id for m in members)}) == 6


def test_no_budget_is_over_committed_and_the_private_fund_stops_at_its_cap(filled):
    for grant_round in GrantRound.objects.all():
        assert Award.objects.committed_to_round(grant_round) <= grant_round.budget
    budgets = dict(GrantScheme.objects.values_list("pk", "annual_budget"))
    for (scheme, _year), committed in committed_by_financial_year().items():
        assert committed <= budgets[scheme]
    private = GrantScheme.objects.get(slug="private-fund")
    assert private.annual_budget == Decimal("20000.00")
    (waiting,) = Application.objects.filter(scheme=private, status=S.RECOMMENDED)
    year = financial_year_of(waiting.starts_on)
    assert year == financial_year_of(timezone.localdate())
    left = services.scheme_budget_left(private, year)
    assert Decimal("0") < left < waiting.recommended_amount
    decider = User.objects.get(email=demo_email("Commissioner and Deputy"))
    with pytest.raises(ValidationError) as refused:
        services.award_grant(
            application=waiting,
            by=decider,
            amount=waiting.recommended_amount,
            reasons="Helps young people",
        )
    assert "budget" in refused.value.message_dict["amount"][0]


def test_a_direct_award_and_a_multi_year_award_waiting_for_its_report(filled):
    today = timezone.localdate()
    direct = Application.objects.filter(kind=Application.Kind.DIRECT_AWARD)
    assert direct.count() == 2 and all(a.round_id is None for a in direct)
    (multi_year,) = Award.objects.filter(is_multi_year=True)
    assert multi_year.application.kind == Application.Kind.DIRECT_AWARD
    first, second, third = multi_year.instalments.order_by("number")
    assert first.paid_at is not None
    assert len({first.financial_year, second.financial_year, third.financial_year}) == 3
    held = second.held_for_report
    assert held.status == R.DUE and held.due_on < today
    officer = User.objects.get(email=demo_email("Grants officer"))
    with pytest.raises(ValidationError, match="held until"):
        services.release_instalment(instalment=second, by=officer)


def test_the_dates_tell_the_story_around_today(filled):
    today = timezone.localdate()
    phases = {r.slug: r.phase() for r in GrantRound.objects.all()}
    assert phases == {
        "2015-16-tier-1": "decided",
        "2015-16-tier-2": "decided",
        "tier-1-first-call": "closed",
        "tier-1-second-call": "open",
        "tier-2": "upcoming",
        "private-fund-bids": "closed",
    }
    # Nothing happened in the future: every step of every history is dated before now.
    assert not ApplicationTransition.objects.filter(at__gt=timezone.now()).exists()
    assert not Award.objects.filter(decided_on__gt=today).exists()
    owed = MonitoringReport.objects.outstanding().filter(
        award__application__status__in=(S.ACTIVE, S.OFFER_ACCEPTED)
    )
    assert owed.filter(due_on__lt=today).exists()
    assert owed.filter(due_on__gte=today, due_on__lte=today + timedelta(days=14)).exists()
    assert MonitoringReport.objects.filter(status=R.SUBMITTED).exists()
    # The reminders find them, and the round closing this week.
    kinds = {r.key.split(":")[0] for r in grants_reminders(start=today, end=today)}
    assert {
        "grants.report_due",
        "grants.own_report_due",
        "grants.report_overdue",
        "grants.round_closing",
    } <= kinds


def test_the_demo_applicant_has_a_draft_and_a_running_grant(filled):
    mine = Application.objects.filter(applicant__email=demo_email("Applicant"))
    assert set(mine.values_list("status", flat=True)) == {S.DRAFT, S.ACTIVE}
    running = mine.get(status=S.ACTIVE)
    assert running.attachments.filter(kind="governing_document").exists()
