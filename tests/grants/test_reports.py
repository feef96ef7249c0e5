"""The staff reports: the awards by scheme, round, policing area, activity area and objective,
what is committed against each budget, their workbook, and who may open them."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grants import reports
from grants.models import Application, Award, Instalment
from grants.workflow import ApplicationStatus as S
from tests.engagement.factories import ActivityAreaFactory
from tests.grants.factories import GrantRoundFactory, GrantSchemeFactory, approved
from tests.grants.factories_published import AwardFactory
from tests.pcc_portal.factories import ObjectiveFactory, PolicingAreaFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("grants_staff:reports")
XLSX = reverse("grants_staff:reports_xlsx")
SHEETS = [
    "By scheme",
    "By round",
    "By policing area",
    "By activity area",
    "By objective",
    "Round budgets",
    "Scheme budgets",
]


@pytest.fixture
def known(office):
    scheme = GrantSchemeFactory(name="Grant scheme", slug="grant-scheme")
    tier_1 = GrantRoundFactory(scheme=scheme, name="2015/16 tier 1", budget=Decimal("50000"))
    tier_2 = GrantRoundFactory(scheme=scheme, name="2015/16 tier 2", budget=Decimal("80000"))
    hidden = GrantSchemeFactory(name="Commissioned services", slug="commissioned", is_public=False)
    north = PolicingAreaFactory(name="North", position=1)
    south = PolicingAreaFactory(name="South", position=2)
    youth = ActivityAreaFactory(number=4, name="Children and young people")
    victims = ActivityAreaFactory(number=2, name="Victims and vulnerable people")
    reoffending = ObjectiveFactory(number=3, title="Reduce reoffending")
    safety = ObjectiveFactory(number=1, title="Reduce crime")

    def award(grant_round, amount, *, areas, activity, objectives, **kwargs):
        made = AwardFactory(
            application__round=grant_round,
            application__activity_area=activity,
            amount=Decimal(amount),
            areas=areas,
            **kwargs,
        )
        made.application.objectives.set(objectives)
        return made

    award(tier_1, "5000", areas=[north], activity=youth, objectives=[safety])
    award(tier_1, "3000", areas=[north, south], activity=victims, objectives=[safety, reoffending])
    # Over two financial years: 12,000 due in 2015/16 and 8,000 in 2016/17.
    award(
        tier_2,
        "20000",
        areas=[south],
        activity=youth,
        objectives=[reoffending],
        starts_on=date(2015, 9, 1),
        ends_on=date(2017, 3, 31),
        instalments=[(date(2015, 9, 1), "12000"), (date(2016, 9, 1), "8000")],
    )
    AwardFactory(
        application__round=None,
        application__kind=Application.Kind.DIRECT_AWARD,
        application__scheme=hidden,
        application__activity_area=None,
        amount=Decimal("1500"),
        areas=[],
        decided_on=date(2016, 5, 1),
        starts_on=date(2016, 5, 1),
        ends_on=date(2016, 12, 31),
    )
    # An offer withdrawn commits nothing and counts nowhere.
    award(
        tier_1,
        "4000",
        areas=[north],
        activity=youth,
        objectives=[safety],
        application__status=S.WITHDRAWN,
    )
    return {"scheme": scheme, "hidden": hidden, "tier_1": tier_1, "tier_2": tier_2}


def table(breakdown) -> list[tuple]:
    return [(row.label, row.awards, row.total) for row in breakdown.rows]


def by_key(report) -> dict:
    return {breakdown.key: breakdown for breakdown in report.breakdowns}


def test_the_breakdowns_on_known_data(known):
    report = reports.build_report()
    assert (report.awards, report.total) == (4, Decimal("29500"))
    found = by_key(report)
    assert table(found["scheme"]) == [
        ("Commissioned services", 1, Decimal("1500")),
        ("Grant scheme", 3, Decimal("28000")),
    ]
    assert table(found["round"]) == [
        ("Grant scheme: 2015/16 tier 1", 2, Decimal("8000")),
        ("Grant scheme: 2015/16 tier 2", 1, Decimal("20000")),
        ("Direct awards (no round)", 1, Decimal("1500")),
    ]
    # The award serving both areas counts in each.
    assert table(found["policing_area"]) == [
        ("North", 2, Decimal("8000")),
        ("South", 2, Decimal("23000")),
        ("No policing area given", 1, Decimal("1500")),
    ]
    assert table(found["activity_area"]) == [
        ("2. Victims and vulnerable people", 1, Decimal("3000")),
        ("4. Children and young people", 2, Decimal("25000")),
        ("No activity area given", 1, Decimal("1500")),
    ]
    assert table(found["objective"]) == [
        ("Objective 1: Reduce crime", 2, Decimal("8000")),
        ("Objective 3: Reduce reoffending", 2, Decimal("23000")),
        ("No objective given", 1, Decimal("1500")),
    ]


def test_the_rounds_budgets_agree_with_the_budget_guard(known):
    rows = {row.label: row for row in reports.build_report().round_budgets}
    tier_1, tier_2 = rows["2015/16 tier 1"], rows["2015/16 tier 2"]
    assert (tier_1.budget, tier_1.committed, tier_1.left) == (
        Decimal("50000"),
        Decimal("8000"),
        Decimal("42000"),
    )
    assert tier_1.committed == Award.objects.committed_to_round(known["tier_1"])
    assert tier_2.committed == Award.objects.committed_to_round(known["tier_2"])
    assert tier_2.percent == "25.0%"


def test_a_schemes_annual_budget_counts_each_instalment_in_its_year(known):
    report = reports.build_report()
    rows = {(row.scheme, row.year): row for row in report.scheme_budgets}
    scheme = known["scheme"]
    assert rows[("Grant scheme", "2015/16")].committed == Decimal("20000")  # 5,000 + 3,000 + 12,000
    assert rows[("Grant scheme", "2016/17")].committed == Decimal("8000")
    assert rows[("Commissioned services", "2016/17")].committed == Decimal("1500")
    for year, label in ((2015, "2015/16"), (2016, "2016/17")):
        assert rows[("Grant scheme", label)].committed == Instalment.objects.committed_in(
            scheme, year
        )
    assert rows[("Grant scheme", "2015/16")].left == Decimal("980000")


def test_the_year_and_scheme_chosen(client, known, signed_in_as):
    signed_in_as("Grants officer")
    response = client.get(PAGE, {"year": "2016"})
    report = response.context["report"]
    assert (report.awards, report.total) == (1, Decimal("1500"))
    assert {row.year for row in report.scheme_budgets} == {"2016/17"}
    response = client.get(PAGE, {"scheme": "grant-scheme"})
    report = response.context["report"]
    assert (report.awards, report.total) == (3, Decimal("28000"))
    assert {row.scheme for row in report.round_budgets} == {"Grant scheme"}
    assert {row.scheme for row in report.scheme_budgets} == {"Grant scheme"}


def test_the_page_shows_the_tables(client, known, signed_in_as):
    signed_in_as("Grants officer")
    page = client.get(PAGE).content.decode()
    for caption in ("By scheme", "By round", "By policing area", "By objective", "Rounds"):
        assert caption in page
    assert "£29,500" in page
    assert "Grant scheme: 2015/16 tier 2" in page


def test_the_workbook_has_a_sheet_for_each_table(client, known, signed_in_as):
    signed_in_as("Grants officer")
    response = client.get(XLSX, {"scheme": "grant-scheme"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="grant-reports-grant-scheme-' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == SHEETS
    by_round = workbook["By round"]
    assert [cell.value for cell in by_round[1]] == ["Round", "Awards", "Total (£)"]
    assert by_round["A1"].font.bold
    assert by_round.column_dimensions["A"].width == 50
    assert [cell.value for cell in by_round[2]] == ["Grant scheme: 2015/16 tier 1", 2, 8000]
    assert [cell.value for cell in by_round[by_round.max_row]] == ["All awards", 3, 28000]
    assert by_round["C2"].number_format == '"£"#,##0.00'
    budgets = workbook["Scheme budgets"]
    assert budgets.column_dimensions["C"].width > 10
    years = {row[1]: row[3] for row in budgets.iter_rows(min_row=2, values_only=True)}
    assert years["2015/16"] == 20000 and years["2016/17"] == 8000


def test_an_award_made_through_the_services_is_counted(people):
    _, award = approved(people, amount=Decimal("4200.00"))
    report = reports.build_report()
    assert (report.awards, report.total) == (1, Decimal("4200.00"))
    rows = {row.label: row for row in report.round_budgets}
    assert rows[award.application.round.name].committed == Decimal("4200.00")


# --- Who may open them ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("Grants officer", 200),
        ("Commissioner and Deputy", 200),
        ("Administrator", 200),
        ("Grant assessor", 403),  # scores, sees no money
        ("Engagement officer", 403),
        ("Applicant", 403),
    ],
)
def test_who_may_open_the_reports(client, office, signed_in_as, role, status):
    signed_in_as(role)
    assert client.get(PAGE).status_code == status
    assert client.get(XLSX).status_code == status


def test_someone_signed_out_is_sent_to_sign_in(client, office):
    for url in (PAGE, XLSX):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor:login"))


def test_the_query_count_is_the_same_for_5_and_50_awards(
    client, office, signed_in_as, assert_flat_queries
):
    signed_in_as("Grants officer")
    grant_round = GrantRoundFactory()
    objective, area = ObjectiveFactory(), PolicingAreaFactory()

    def make(count):
        for _ in range(count):
            award = AwardFactory(application__round=grant_round, areas=[area])
            award.application.objectives.add(objective)

    response = assert_flat_queries(make, lambda: client.get(PAGE, {"year": "2015"}))
    assert response.context["report"].awards == 50


def test_the_workbook_takes_as_many_queries_for_50_awards_as_for_5(
    client, office, signed_in_as, assert_flat_queries
):
    signed_in_as("Commissioner and Deputy")
    grant_round = GrantRoundFactory()

    def make(count):
        for _ in range(count):
            AwardFactory(application__round=grant_round)

    assert_flat_queries(make, lambda: client.get(XLSX))
