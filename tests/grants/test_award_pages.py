"""The money side of grants for staff: rounds with their budgets, the schemes' annual budgets by
financial year, and the awards with their instalments and monitoring (a multi-year award's
instalment held until its report is accepted, reports accepted or sent back with an email,
overdue reports flagged, underspend recorded and the grant closed)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from grants import awarding, monitoring, services
from grants.award_views import scheme_years
from grants.financial_years import financial_year_label, financial_year_of
from grants.models import Award, GrantScheme, Instalment, MonitoringReport
from grants.querysets import committed_by_financial_year
from grants.workflow import ApplicationStatus as S
from grants.workflow import ReportStatus as R
from pcc_portal.mail.services import date_in_words
from pcc_portal.models import OfficeProfile, OutboundMessage
from tests.engagement.factories import AmbassadorFactory
from tests.grants import factories as f

pytestmark = pytest.mark.django_db


def award_page(award):
    return reverse("grants_staff:award_detail", args=[award.pk])


def report_page(report):
    return reverse("grants_staff:report_review", args=[report.award_id, report.pk])


@pytest.fixture
def multi_year(people):
    """An active £16,000 grant paid in two instalments a year apart; the second is held for the
    report due before it."""
    grant_round = f.GrantRoundFactory(longest_project_months=24)
    application, award = f.active(
        people,
        round=grant_round,
        starts_on=date(2015, 10, 1),
        ends_on=date(2017, 3, 31),
        amount_requested=Decimal("16000.00"),
        instalments=[(date(2015, 10, 1), "8000"), (date(2016, 10, 1), "8000")],
    )
    return application, award


# --- The rounds and the schemes' budgets ---------------------------------------------------------


def test_rounds_show_their_phase_budget_committed_and_left(people, sign_in, client):
    scheme = f.GrantSchemeFactory(annual_budget=Decimal("100000.00"))
    now = timezone.now()
    upcoming = f.GrantRoundFactory(
        scheme=scheme, opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=30)
    )
    open_round = f.GrantRoundFactory(scheme=scheme, budget=Decimal("40000.00"))
    f.approved(people, round=open_round, amount_requested=Decimal("6000"))
    f.recommended(people, round=open_round, amount_requested=Decimal("9000"))  # not committed
    closed = f.GrantRoundFactory(scheme=scheme)
    f.submitted(people, round=closed)
    decided = f.GrantRoundFactory(scheme=scheme, budget=Decimal("30000.00"))
    f.approved(people, round=decided, amount_requested=Decimal("2500"))
    for grant_round in (closed, decided):
        grant_round.opens_at, grant_round.closes_at = now - timedelta(days=30), now
        grant_round.save()
    draft = f.GrantRoundFactory(scheme=scheme, status="draft")
    sign_in(people.officer)
    response = client.get(reverse("grants_staff:rounds_overview"))
    assert response.status_code == 200
    shown = {r.pk: (r.phase_key, r.committed, r.left) for r in response.context["rounds"]}
    assert shown == {
        upcoming.pk: ("upcoming", Decimal("0"), Decimal("100000.00")),
        open_round.pk: ("open", Decimal("6000.00"), Decimal("34000.00")),
        closed.pk: ("closed", Decimal("0"), Decimal("100000.00")),
        decided.pk: ("decided", Decimal("2500.00"), Decimal("27500.00")),
        draft.pk: ("not_published", Decimal("0"), Decimal("100000.00")),
    }
    page = response.content.decode()
    for label in ("Opening soon", "Open", "Closed", "Decided", "Draft"):
        assert f">{label}</strong>" in page
    assert "£34,000.00" in page
    only_open = client.get(reverse("grants_staff:rounds_overview"), {"phase": "open"})
    assert [r.pk for r in only_open.context["rounds"]] == [open_round.pk]


def test_a_schemes_annual_budget_counts_instalments_in_the_year_they_fall_due(
    people, sign_in, client, multi_year
):
    _, award = multi_year
    scheme = award.application.scheme
    scheme.annual_budget = Decimal("100000.00")
    scheme.save()
    f.approved(
        people,
        round=f.GrantRoundFactory(scheme=scheme),
        amount_requested=Decimal("5000"),
        instalments=[(date(2016, 5, 1), "5000")],
    )
    sign_in(people.commissioner)
    response = client.get(reverse("grants_staff:rounds_overview"))
    (shown,) = [s for s in response.context["schemes"] if s.pk == scheme.pk]
    this_year = financial_year_of(timezone.localdate())
    years = {y.label: (y.committed, y.left) for y in shown.years}
    assert years == {
        "2015/16": (Decimal("8000.00"), Decimal("92000.00")),
        "2016/17": (Decimal("13000.00"), Decimal("87000.00")),
        financial_year_label(this_year): (Decimal("0.00"), Decimal("100000.00")),
    }
    # The grouped figures are the ones the award's budget check counts, year by year.
    grouped = committed_by_financial_year()
    assert len(grouped) == 2
    for (scheme_id, year), committed in grouped.items():
        each = GrantScheme.objects.get(pk=scheme_id)
        assert committed == Instalment.objects.committed_in(each, year)
        assert each.annual_budget - committed == awarding.scheme_budget_left(each, year)
    assert "£87,000.00" in response.content.decode()


def test_a_withdrawn_award_commits_nothing(people):
    application, award = f.accepted(
        people,
        round=f.GrantRoundFactory(longest_project_months=24),
        starts_on=date(2015, 10, 1),
        ends_on=date(2017, 3, 31),
        amount_requested=Decimal("16000.00"),
        instalments=[(date(2015, 10, 1), "8000"), (date(2016, 10, 1), "8000")],
    )
    scheme = application.scheme
    before = scheme_years([scheme], today=date(2016, 1, 1))[scheme.pk]
    assert [y.committed for y in before] == [Decimal("8000.00"), Decimal("8000.00")]
    services.withdraw_application(application=application, by=people.officer, reason="Closed")
    after = scheme_years([scheme], today=date(2016, 1, 1))[scheme.pk]
    assert [(y.label, y.committed) for y in after] == [("2015/16", Decimal("0.00"))]


# --- An award's instalments ---------------------------------------------------------------------


def test_the_later_instalment_is_held_until_its_report_is_accepted(
    people, sign_in, client, multi_year
):
    application, award = multi_year
    first, second = award.instalments.all()
    report = second.held_for_report
    sign_in(people.officer)
    page = client.get(award_page(award))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Held</strong> until “Report before instalment 2” is accepted" in text
    assert "2015/16" in text and "2016/17" in text

    assert client.post(award_page(award), {"release": first.pk}).status_code == 302
    # Held: the service refuses and says why.
    response = client.post(award_page(award), {"release": second.pk})
    assert response.status_code == 400
    assert awarding.HELD_FOR_REPORT.format(report=report.title) in response.content.decode()
    second.refresh_from_db()
    assert second.released_at is None

    services.submit_monitoring_report(
        report=report, by=application.applicant, narrative="Year one", people_reached=40
    )
    assert client.post(award_page(award), {"release": second.pk}).status_code == 400
    response = client.post(report_page(report), {"decision": "accept", "officer_note": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == (R.ACCEPTED, people.officer)
    assert client.post(award_page(award), {"release": second.pk}).status_code == 302
    second.refresh_from_db()
    assert second.released_at is not None and second.released_by == people.officer
    assert client.post(award_page(award), {"paid": second.pk}).status_code == 302
    second.refresh_from_db()
    assert second.paid_at is not None


def test_an_instalment_of_another_award_is_refused(people, sign_in, client, multi_year):
    _, award = multi_year
    _, other = f.active(people)
    sign_in(people.officer)
    response = client.post(award_page(award), {"release": other.instalments.get().pk})
    assert response.status_code == 400
    assert other.instalments.get().released_at is None


def test_an_officer_records_the_offer_accepted_and_starts_the_grant(people, sign_in, client):
    application, award = f.approved(people)
    sign_in(people.officer)
    response = client.get(award_page(award))
    assert [m.target for m in response.context["moves"]] == [S.OFFER_ACCEPTED]
    client.post(award_page(award), {"action": "move", "to": S.OFFER_ACCEPTED})
    client.post(award_page(award), {"action": "move", "to": S.ACTIVE})
    application.refresh_from_db()
    assert application.status == S.ACTIVE
    assert [t.by for t in application.transitions.order_by("-pk")[:2]] == [people.officer] * 2


# --- Monitoring reports -------------------------------------------------------------------------


def sent_report(people, **kwargs):
    application, award = f.active(people, **kwargs)
    report = services.submit_monitoring_report(
        report=award.reports.get(is_final=True),
        by=application.applicant,
        narrative="Forty young people took part",
        people_reached=40,
        spend_to_date=Decimal("4800.00"),
        figures={("age", "16 to 19"): 15, ("age", "10 to 15"): 25, ("gender", "Female"): 18},
    )
    return application, award, report


def test_a_sent_report_shows_its_beneficiary_figures(people, sign_in, client):
    _, award, report = sent_report(people)
    sign_in(people.commissioner)
    for url in (award_page(award), report_page(report)):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Forty young people took part" in page and "£4,800.00" in page
        # The groups in the form's order, under their categories.
        assert page.index("10 to 15") < page.index("16 to 19") < page.index("Female")
    # The Commissioner reads; reviewing is the grants officers'.
    assert client.get(report_page(report)).context["form"] is None
    response = client.post(report_page(report), {"decision": "accept"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == R.SUBMITTED


def test_asking_for_more_information_emails_the_grantee(people, sign_in, client):
    application, award, report = sent_report(people, contact_email="chair@youthclub.example")
    sign_in(people.officer)
    response = client.post(report_page(report), {"decision": "more_information"})
    assert response.status_code == 400
    assert response.context["form"].errors["officer_note"] == [monitoring.NOTE_REQUIRED]
    assert not OutboundMessage.objects.exists()

    response = client.post(
        report_page(report),
        {"decision": "more_information", "officer_note": "Add the attendance registers"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.officer_note) == (
        R.MORE_INFORMATION,
        "Add the attendance registers",
    )
    message = OutboundMessage.objects.get()
    assert message.to_email == "chair@youthclub.example"
    assert message.template == services.MORE_INFORMATION_EMAIL
    assert (
        message.subject
        == f"More information needed for your grant report: {application.project_title}"
    )
    assert message.context["note"] == "Add the attendance registers"
    assert message.context["due_on"] == date_in_words(report.due_on)
    assert message.context["url"].startswith("http")
    assert message.context["url"].endswith(
        reverse("grants:grantee_report", args=[award.pk, report.pk])
    )
    text = render_to_string(
        f"{message.template}.txt",
        {**message.context, "office": OfficeProfile.objects.get_current()},
    )
    assert "Add the attendance registers" in text and date_in_words(report.due_on) in text
    assert message.context["url"] in text


def test_accepting_a_report_sends_no_email(people, sign_in, client):
    _, _, report = sent_report(people)
    sign_in(people.officer)
    client.post(report_page(report), {"decision": "accept", "officer_note": "Thank you"})
    report.refresh_from_db()
    assert (report.status, report.officer_note) == (R.ACCEPTED, "Thank you")
    assert not OutboundMessage.objects.exists()


def test_overdue_reports_are_flagged_on_the_awards_list(people, sign_in, client):
    _, late = f.active(people)
    _, on_time = f.active(people)
    yesterday = timezone.localdate() - timedelta(days=1)
    MonitoringReport.objects.filter(award=late).update(due_on=yesterday)
    sign_in(people.officer)
    response = client.get(reverse("grants_staff:award_list"))
    assert response.status_code == 200
    flags = {a.pk: a.overdue_reports for a in response.context["page"]}
    assert flags == {late.pk: 1, on_time.pk: 0}
    page = response.content.decode()
    assert page.count("1 report overdue") == 1
    only_late = client.get(reverse("grants_staff:award_list"), {"overdue": "true"})
    assert [a.pk for a in only_late.context["page"]] == [late.pk]
    detail = client.get(award_page(late)).content.decode()
    assert "Overdue</strong>" in detail
    # Once sent it is no longer owed, so no longer overdue.
    report = late.reports.get()
    services.submit_monitoring_report(
        report=report, by=late.application.applicant, narrative="Done", people_reached=3
    )
    response = client.get(reverse("grants_staff:award_list"))
    assert {a.pk: a.reports_to_review for a in response.context["page"]}[late.pk] == 1
    assert "1 report overdue" not in response.content.decode()


# --- Underspend and closing ---------------------------------------------------------------------


def test_underspend_is_recorded_and_the_grant_closed(people, sign_in, client):
    application, award = f.active(people, amount_requested=Decimal("5000"))
    sign_in(people.officer)
    response = client.post(
        award_page(award), {"action": "underspend", "underspend_returned": "9,000"}
    )
    assert response.status_code == 400
    assert "The underspend returned cannot be more than the £5,000.00 awarded" in (
        response.content.decode()
    )
    response = client.post(
        award_page(award), {"action": "underspend", "underspend_returned": "£250.50"}
    )
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.underspend_returned == Decimal("250.50")

    close_page = reverse("grants_staff:award_close", args=[award.pk])
    form = client.get(close_page).context["form"]
    assert form.initial["underspend_returned"] == Decimal("250.50")
    response = client.post(
        close_page, {"underspend_returned": "300", "note": "Final report accepted"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    award.refresh_from_db()
    assert application.status == S.CLOSED and award.closed_at is not None
    assert award.underspend_returned == Decimal("300.00")
    assert application.transitions.last().note == "Final report accepted"


def test_a_grant_not_started_cannot_be_closed(people, sign_in, client):
    _, award = f.approved(people)
    sign_in(people.officer)
    close_page = reverse("grants_staff:award_close", args=[award.pk])
    page = client.get(close_page)
    assert page.status_code == 200 and page.context["form"] is None
    response = client.post(close_page, {"underspend_returned": "0"})
    assert response.status_code == 400
    award.refresh_from_db()
    assert award.closed_at is None
    # Nor is underspend recorded before the offer is accepted.
    response = client.post(award_page(award), {"action": "underspend", "underspend_returned": "1"})
    assert response.status_code == 400
    assert services.UNDERSPEND_BEFORE_ACCEPTED in response.content.decode()


# --- Who may open what --------------------------------------------------------------------------


def test_the_commissioner_reads_awards_but_changes_nothing(people, sign_in, client, multi_year):
    _, award = multi_year
    first = award.instalments.first()
    sign_in(people.commissioner)
    response = client.get(award_page(award))
    assert response.status_code == 200
    assert not response.context["may_release"] and response.context["underspend_form"] is None
    assert client.post(award_page(award), {"release": first.pk}).status_code == 403
    assert (
        client.post(
            award_page(award), {"action": "underspend", "underspend_returned": "1"}
        ).status_code
        == 403
    )
    first.refresh_from_db()
    assert first.released_at is None


def test_an_assessor_sees_no_money(people, sign_in, client, multi_year):
    _, award = multi_year
    sign_in(people.assessor)
    for url in (
        reverse("grants_staff:rounds_overview"),
        reverse("grants_staff:award_list"),
        award_page(award),
        reverse("grants_staff:award_close", args=[award.pk]),
        report_page(award.reports.first()),
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("who", ["applicant", "ambassador"])
def test_applicants_and_ambassadors_are_refused(people, sign_in, client, multi_year, who):
    application, award = multi_year
    if who == "applicant":
        # Even the grantee: their own award has a page of its own.
        sign_in(application.applicant, verified=False)
    else:
        sign_in(AmbassadorFactory().user)
    for url in (
        reverse("grants_staff:rounds_overview"),
        reverse("grants_staff:award_list"),
        award_page(award),
        reverse("grants_staff:award_close", args=[award.pk]),
        report_page(award.reports.first()),
    ):
        assert client.get(url).status_code == 403, url
    first = award.instalments.first()
    assert client.post(award_page(award), {"release": first.pk}).status_code == 403
    first.refresh_from_db()
    assert first.released_at is None


# --- Query counts -------------------------------------------------------------------------------


def make_awards(people, count: int, *, scheme=None) -> list[Award]:
    """Awards as the office's records hold them, made straight into the tables: each with two
    instalments across two financial years, a report overdue and one sent."""
    made = []
    today = timezone.localdate()
    for _ in range(count):
        application = f.ApplicationFactory(
            status=S.ACTIVE,
            organisation=f.linked_organisation(),
            documents=False,
            **({"round__scheme": scheme} if scheme else {}),
        )
        award = Award.objects.create(
            application=application,
            amount=Decimal("5000.00"),
            reasons="Reduces youth crime",
            starts_on=today,
            ends_on=today + timedelta(days=400),
            decided_by="Alex Holder",
            decided_on=today,
            recorded_by=people.officer,
            is_multi_year=True,
        )
        Instalment.objects.create(award=award, number=1, due_on=today, amount=Decimal("2500"))
        Instalment.objects.create(
            award=award, number=2, due_on=today + timedelta(days=366), amount=Decimal("2500")
        )
        MonitoringReport.objects.create(
            award=award, title="Half year", due_on=today - timedelta(days=3)
        )
        MonitoringReport.objects.create(
            award=award, title="Year one", due_on=today, status=R.SUBMITTED
        )
        made.append(award)
    return made


def test_the_awards_list_takes_as_many_queries_for_50_as_for_5(
    people, sign_in, client, assert_flat_queries
):
    sign_in(people.officer)
    url = reverse("grants_staff:award_list")
    response = assert_flat_queries(
        lambda n: make_awards(people, n), lambda: client.get(url), at_most=15
    )
    assert len(response.context["page"]) == 50
    assert all(
        a.overdue_reports == 1 and a.reports_to_review == 1 for a in response.context["page"]
    )


def test_the_rounds_overview_takes_as_many_queries_for_50_as_for_5(
    people, sign_in, client, assert_flat_queries
):
    scheme = f.GrantSchemeFactory()

    def make(count):
        for _ in range(count):
            make_awards(people, 1, scheme=scheme)

    sign_in(people.officer)
    url = reverse("grants_staff:rounds_overview")
    response = assert_flat_queries(make, lambda: client.get(url), at_most=15)
    assert len(response.context["rounds"]) == 50
    (shown,) = [s for s in response.context["schemes"] if s.pk == scheme.pk]
    assert sum(y.committed for y in shown.years) == Decimal("250000.00")
