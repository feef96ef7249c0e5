"""Coverage: who are we reaching? The rules with known figures, then the page's and CSV's doors."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from engagement.coverage import coverage_report, csv_rows, per_10000
from engagement.coverage_forms import (
    END_BEFORE_START,
    ENTER_START,
    REAL_START,
    TOO_LONG,
    CoverageForm,
    default_range,
)
from engagement.models import Event
from tests.engagement.factories import (
    LONDON,
    ActivityAreaFactory,
    AmbassadorFactory,
    ContactFactory,
    ReachedGroupFactory,
)
from tests.pcc_portal.factories import LocalAuthorityFactory, PolicingAreaFactory

pytestmark = pytest.mark.django_db

FIRST = date(2025, 4, 1)
LAST = date(2025, 6, 30)
URL = "/staff/engagement/coverage/"
CSV_URL = "/staff/engagement/coverage.csv"


def area_with(name: str, *residents: int, position: int = 0):
    """A policing area whose local authorities have these residents (none: not known)."""
    area = PolicingAreaFactory(name=name, position=position)
    for count in residents:
        LocalAuthorityFactory(policing_area=area, residents=count)
    return area


def contact(area, people: int, *, on=FIRST, activity_areas=(), groups=()):
    ambassador = area.ambassadors.first() or AmbassadorFactory(policing_area=area)
    return ContactFactory(
        ambassador=ambassador,
        policing_area=area,
        occurred_on=on,
        people_reached=people,
        activity_areas=list(activity_areas),
        groups_reached=list(groups),
    )


def event(title: str, starts_at: datetime, area=None):
    return Event.objects.create(
        title=title,
        kind=Event.Kind.PUBLIC_MEETING,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        policing_area=area,
    )


@pytest.fixture
def known():
    """Three areas, three activity areas, three groups, and contacts and events in and around
    April to June 2025."""
    a = area_with("Area A", 50_000, position=1)
    b = area_with("Area B", 30_000, 30_000, position=2)
    c = area_with("Area C", position=3)  # no local authority: residents not known
    strong_voice = ActivityAreaFactory(number=1, name="Strong voice")
    victims = ActivityAreaFactory(number=2, name="Victims, witnesses and vulnerable people")
    business = ActivityAreaFactory(number=3, name="Businesses and rural communities")
    young = ReachedGroupFactory(name="People aged 16 to 19", position=1)
    single_parents = ReachedGroupFactory(name="Single-parent families", position=2)
    unreported = ReachedGroupFactory(name="Victims who did not report", position=3)

    contact(a, 10, on=FIRST, activity_areas=[strong_voice, victims], groups=[young])
    contact(a, 20, on=LAST, activity_areas=[strong_voice])
    contact(b, 9, on=date(2025, 5, 15), activity_areas=[victims], groups=[single_parents])
    contact(c, 100, on=date(2025, 5, 20), activity_areas=[strong_voice])
    # Outside the range, one day either side: left out of every figure.
    contact(a, 1000, on=FIRST - timedelta(days=1), activity_areas=[business], groups=[unreported])
    contact(b, 1000, on=LAST + timedelta(days=1), activity_areas=[business], groups=[unreported])

    event("Public meeting", datetime(2025, 5, 1, 19, tzinfo=LONDON), a)
    event("Late surgery", datetime(2025, 6, 30, 23, 30, tzinfo=LONDON), a)  # 22:30 UTC: in
    event("After midnight", datetime(2025, 7, 1, 0, 30, tzinfo=LONDON), a)  # 23:30 UTC: out
    event("Before the range", datetime(2025, 3, 31, 12, tzinfo=LONDON), b)
    event("Force-wide forum", datetime(2025, 6, 1, 10, tzinfo=LONDON))
    return {"a": a, "b": b, "c": c}


# --- the rules ---------------------------------------------------------------------------


def test_rates_are_per_10000_residents_rounded_half_up_to_one_place():
    assert per_10000(30, 50_000) == Decimal("6.0")
    assert per_10000(5, 200_000) == Decimal("0.3")  # 0.25: half up, not to even
    assert per_10000(1, 200_000) == Decimal("0.1")  # 0.05
    assert per_10000(0, 50_000) == Decimal("0.0")
    assert per_10000(7, None) is None
    assert per_10000(7, 0) is None


def test_reach_by_policing_area_with_known_figures(known):
    report = coverage_report(first=FIRST, last=LAST)
    rows = {row.name: row for row in report.policing_areas}
    assert [row.name for row in report.policing_areas] == ["Area A", "Area B", "Area C"]

    a = rows["Area A"]
    assert (a.contacts, a.people_reached, a.events, a.residents) == (2, 30, 2, 50_000)
    assert a.people_per_10000 == Decimal("6.0")
    assert a.contacts_per_10000 == Decimal("0.4")

    b = rows["Area B"]  # residents: the sum of its two authorities
    assert (b.contacts, b.people_reached, b.events, b.residents) == (1, 9, 0, 60_000)
    assert b.people_per_10000 == Decimal("1.5")
    assert b.contacts_per_10000 == Decimal("0.2")  # 0.1666...

    c = rows["Area C"]
    assert (c.contacts, c.people_reached, c.residents) == (1, 100, None)
    assert c.people_per_10000 is None and c.contacts_per_10000 is None

    assert [row.name for row in report.policing_areas if row.least_reached] == ["Area B"]
    assert report.whole_force_events == 1


def test_totals_count_each_contact_once_and_include_areas_without_residents(known):
    totals = coverage_report(first=FIRST, last=LAST).totals
    assert totals.contacts == 4
    assert totals.people_reached == 139  # 10 + 20 + 9 + 100: Area C's contact counts
    assert totals.events == 3  # two in Area A, one for the whole force area
    # One area's population is not known, so no rate for the whole force area.
    assert totals.residents is None
    assert totals.people_per_10000 is None and totals.contacts_per_10000 is None


def test_a_contact_with_two_activity_areas_counts_once_in_each(known):
    report = coverage_report(first=FIRST, last=LAST)
    rows = {row.name: (row.contacts, row.people_reached) for row in report.activity_areas}
    assert rows == {
        "Strong voice": (3, 130),
        "Victims, witnesses and vulnerable people": (2, 19),
        "Businesses and rural communities": (0, 0),  # its contacts are out of range
    }
    least = [row.name for row in report.activity_areas if row.least_reached]
    assert least == ["Businesses and rural communities"]


def test_reach_by_group(known):
    report = coverage_report(first=FIRST, last=LAST)
    rows = {row.name: (row.contacts, row.people_reached) for row in report.groups_reached}
    assert rows == {
        "People aged 16 to 19": (1, 10),
        "Single-parent families": (1, 9),
        "Victims who did not report": (0, 0),
    }
    least = [row.name for row in report.groups_reached if row.least_reached]
    assert least == ["Victims who did not report"]


def test_ties_for_least_reached_are_all_marked():
    x = area_with("Area X", 10_000, position=1)
    y = area_with("Area Y", 20_000, position=2)
    z = area_with("Area Z", 10_000, position=3)
    green, amber, red = (ReachedGroupFactory(name=name) for name in ("Green", "Amber", "Red"))
    one, two = ActivityAreaFactory(number=1), ActivityAreaFactory(number=2)
    contact(x, 5, activity_areas=[one], groups=[green])  # 5.0 per 10,000
    contact(y, 10, activity_areas=[two], groups=[amber])  # 5.0
    contact(z, 8, activity_areas=[one, two], groups=[red, green, amber])  # 8.0

    report = coverage_report(first=FIRST, last=LAST)

    assert [row.name for row in report.policing_areas if row.least_reached] == ["Area X", "Area Y"]
    assert [row.contacts for row in report.groups_reached] == [2, 2, 1]  # Amber, Green, Red
    assert [row.name for row in report.groups_reached if row.least_reached] == ["Red"]
    assert [row.least_reached for row in report.activity_areas] == [True, True]  # 2 and 2
    # Every area's population is known: the whole force area has rates too.
    totals = report.totals
    assert (totals.contacts, totals.people_reached, totals.residents) == (3, 23, 40_000)
    assert totals.people_per_10000 == Decimal("5.8")  # 5.75, half up
    assert totals.contacts_per_10000 == Decimal("0.8")  # 0.75, half up


def test_nothing_is_marked_when_there_is_no_data():
    area_with("Area A", 50_000)
    area_with("Area B", 60_000)
    ActivityAreaFactory(number=1)
    ReachedGroupFactory()
    report = coverage_report(first=FIRST, last=LAST)
    assert not report.has_contacts
    rows = report.policing_areas + report.activity_areas + report.groups_reached
    assert rows and not any(row.least_reached for row in rows)
    assert report.totals.contacts == 0 and report.totals.people_reached == 0


def test_groups_are_not_marked_when_no_contact_names_a_group(known):
    report = coverage_report(first=date(2025, 5, 20), last=date(2025, 5, 20))  # Area C's only
    assert report.totals.contacts == 1
    assert not any(row.least_reached for row in report.groups_reached)
    # Areas with known residents reached nobody: they are the least reached.
    least = [row.name for row in report.policing_areas if row.least_reached]
    assert least == ["Area A", "Area B"]


def test_population_sources_are_listed():
    area_with("Area A", 50_000)
    report = coverage_report(first=FIRST, last=LAST)
    assert [(s.source, s.year) for s in report.population_sources] == [("Test figures", 2021)]


def test_the_report_refuses_an_end_before_its_start():
    with pytest.raises(ValueError):
        coverage_report(first=LAST, last=FIRST)


def test_the_report_takes_a_fixed_number_of_queries(known, django_assert_num_queries):
    with django_assert_num_queries(7):
        coverage_report(first=FIRST, last=LAST)


def test_csv_rows_are_one_long_table(known):
    rows = csv_rows(coverage_report(first=FIRST, last=LAST))
    assert rows[0] == ("policing_area", "Area A", 2, 30, 2, 50_000, Decimal("6.0"))
    assert rows[3] == ("policing_area", "Whole force area", None, None, 1, None, None)
    assert rows[-1] == ("total", "All contacts", 4, 139, 3, None, None)


# --- the form ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2025, 11, 23), (date(2025, 8, 1), date(2025, 11, 23))),
        (date(2025, 2, 10), (date(2024, 11, 1), date(2025, 2, 10))),
        (date(2025, 3, 31), (date(2024, 12, 1), date(2025, 3, 31))),
    ],
)
def test_the_default_range_is_the_last_three_full_months_up_to_today(today, expected):
    assert default_range(today) == expected


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"first": "", "last": "2025-06-30"}, "first", ENTER_START),
        ({"first": "2025-02-31", "last": "2025-06-30"}, "first", REAL_START),
        ({"first": "2025-06-30", "last": "2025-06-29"}, "last", END_BEFORE_START),
        ({"first": "2020-01-01", "last": "2025-01-01"}, "last", TOO_LONG),
    ],
)
def test_the_form_answers_bad_dates_in_plain_words(data, field, message):
    form = CoverageForm(data)
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_the_form_takes_five_years_and_british_dates():
    form = CoverageForm({"first": "01/01/2020", "last": "31/12/2024"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"first": date(2020, 1, 1), "last": date(2024, 12, 31)}
    assert CoverageForm({"first": "2025-06-30", "last": "2025-06-30"}).is_valid()


# --- the page and the CSV ----------------------------------------------------------------


@pytest.fixture
def officer(make_user, sign_in):
    return sign_in(make_user("Performance officer"))


def query(first=FIRST, last=LAST):
    return {"first": first.isoformat(), "last": last.isoformat()}


def test_the_page_shows_the_three_tables(officer, known):
    response = officer.get(URL, query())
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Coverage: who are we reaching?</h1>' in page
    for caption in ("By policing area", "By activity area", "By group reached"):
        assert f'govuk-table__caption--m">{caption}</caption>' in page
    assert 'scope="row"' in page and 'scope="col"' in page
    assert "govuk-table__header--numeric" in page and "govuk-table__cell--numeric" in page
    assert "50,000" in page and "6.0" in page and "Not known" in page
    # B, the group and the activity area reached least: a tag, not colour alone.
    assert page.count('<strong class="moj-badge moj-badge--red">Least reached</strong>') == 3
    assert "Test figures (2021)" in page
    assert 'href="/staff/engagement/coverage.csv?first=2025-04-01&amp;last=2025-06-30"' in page
    assert 'value="2025-04-01"' in page and 'type="date"' in page
    assert 'method="get"' in page.lower()


def test_without_dates_the_page_shows_the_default_range(officer):
    response = officer.get(URL)
    assert response.status_code == 200
    first, last = default_range(timezone.localdate())
    page = response.content.decode()
    assert f'value="{first.isoformat()}"' in page and f'value="{last.isoformat()}"' in page
    assert "No contacts were logged between these dates" in page


def test_bad_dates_keep_what_was_typed_and_answer_400(officer):
    response = officer.get(URL, {"first": "2025-02-31", "last": "2025-01-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert REAL_START in page
    assert 'value="2025-02-31"' in page and 'value="2025-01-01"' in page
    assert "<title>Error: " in page
    assert "By policing area" not in page


def test_an_end_before_the_start_is_refused(officer):
    response = officer.get(URL, {"first": "2025-06-30", "last": "2025-04-01"})
    assert response.status_code == 400
    assert END_BEFORE_START in response.content.decode()


def test_the_csv_is_the_same_report(officer, known):
    response = officer.get(CSV_URL, query())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="coverage-2025-04-01-2025-06-30.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["table", "name", "contacts", "people_reached", "events", "residents", "per_10000"],
        ["policing_area", "Area A", "2", "30", "2", "50000", "6.0"],
        ["policing_area", "Area B", "1", "9", "0", "60000", "1.5"],
        ["policing_area", "Area C", "1", "100", "0", "", ""],
        ["policing_area", "Whole force area", "", "", "1", "", ""],
        ["activity_area", "Strong voice", "3", "130", "", "", ""],
        ["activity_area", "Victims, witnesses and vulnerable people", "2", "19", "", "", ""],
        ["activity_area", "Businesses and rural communities", "0", "0", "", "", ""],
        ["group_reached", "People aged 16 to 19", "1", "10", "", "", ""],
        ["group_reached", "Single-parent families", "1", "9", "", "", ""],
        ["group_reached", "Victims who did not report", "0", "0", "", "", ""],
        ["total", "All contacts", "4", "139", "3", "", ""],
    ]


def test_the_csv_does_not_let_a_name_run_as_a_formula(officer):
    area_with("=HYPERLINK(1)", 10_000)
    rows = list(csv.reader(io.StringIO(officer.get(CSV_URL, query()).content.decode())))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_the_csv_answers_bad_dates_with_400_and_a_message(officer):
    response = officer.get(CSV_URL, {"first": "", "last": "2025-06-30"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().strip() == ENTER_START


@pytest.mark.parametrize("path", [URL, CSV_URL])
def test_the_public_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize("path", [URL, CSV_URL])
def test_ambassadors_may_not_see_coverage(make_user, sign_in, path):
    client = sign_in(make_user("Ambassador"))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", ["Grants officer", "Applicant"])
def test_staff_without_the_contacts_permission_may_not_see_coverage(make_user, sign_in, role):
    assert sign_in(make_user(role)).get(URL).status_code == 403


@pytest.mark.parametrize("path", [URL, CSV_URL])
def test_performance_officers_may(officer, path):
    assert officer.get(path, query()).status_code == 200


def test_the_page_takes_as_many_queries_for_50_contacts_as_for_5(officer, assert_flat_queries):
    area = area_with("Area A", 50_000)
    groups = [ReachedGroupFactory(), ReachedGroupFactory()]
    activity_areas = [ActivityAreaFactory(number=1), ActivityAreaFactory(number=2)]

    def add(count):
        for n in range(count):
            contact(
                area,
                n + 1,
                on=FIRST + timedelta(days=n),
                activity_areas=activity_areas[: n % 2 + 1],
                groups=groups[: n % 3],
            )

    response = assert_flat_queries(add, lambda: officer.get(URL, query()))
    assert response.context["report"].totals.contacts == 50


def test_an_area_without_residents_says_why_it_has_no_rate(make_user, sign_in, known):
    page = sign_in(make_user("Performance officer")).get(URL, query()).content.decode()
    row = page[page.index('data-sort-value="Area C"') :]
    row = row[: row.index("</tr>")]
    assert "No population figure" in row
    assert "/admin/" not in row  # a performance officer may not edit local authorities


def test_staff_who_keep_the_areas_are_linked_to_add_the_residents(make_user, sign_in, known):
    client = sign_in(make_user("Administrator"))
    page = client.get(URL, query()).content.decode()
    row = page[page.index('data-sort-value="Area C"') :]
    row = row[: row.index("</tr>")]
    link = f'href="/admin/pcc_portal/policingarea/{known["c"].pk}/change/"'
    assert "No population figure:" in row and link in row
    assert "add residents to its local authorities in the admin" in row
    assert client.get(f"/admin/pcc_portal/policingarea/{known['c'].pk}/change/").status_code == 200
    # Areas whose residents are known have their rates, and no such words.
    row_a = page[page.index('data-sort-value="Area A"') :]
    assert "No population figure" not in row_a[: row_a.index("</tr>")]
