"""The public list of awards: the Specified Information Order's monthly publication of each crime
and disorder reduction grant, with its conditions and reasons, filterable, paginated and cached
for anonymous visitors."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Application
from grants.workflow import ApplicationStatus as S
from tests.grants.factories import GrantRoundFactory, GrantSchemeFactory, approved
from tests.grants.factories_published import AwardFactory
from tests.pcc_portal.factories import PolicingAreaFactory

pytestmark = pytest.mark.django_db

AWARDED = reverse("grants:awarded")


@pytest.fixture
def known(office):
    """Awards of known amounts and dates, and two that must not be published."""
    cdr_round = GrantRoundFactory(scheme__name="Grant scheme", scheme__slug="grant-scheme")
    hidden_cdr = GrantSchemeFactory(
        name="Commissioned services", slug="commissioned", is_public=False
    )
    hidden_private = GrantSchemeFactory(
        name="Staff welfare fund",
        slug="staff-welfare",
        is_public=False,
        crime_and_disorder_reduction=False,
    )
    north, south = (
        PolicingAreaFactory(name="North", slug="north"),
        PolicingAreaFactory(name="South", slug="south"),
    )
    in_round = {"application__round": cdr_round}
    may = AwardFactory(
        **in_round, amount=Decimal("5000.00"), decided_on=date(2015, 5, 15), areas=[north]
    )
    june = [
        AwardFactory(
            **in_round, amount=Decimal("7000.00"), decided_on=date(2015, 6, 2), areas=[south]
        ),
        AwardFactory(
            application__round=None,
            application__kind=Application.Kind.DIRECT_AWARD,
            application__scheme=hidden_cdr,
            amount=Decimal("4500.50"),
            decided_on=date(2015, 6, 30),
            conditions="Open the centre on Saturdays",
            reasons="The only refuge in the south of the county",
            areas=[south],
        ),
    ]
    april_next_year = AwardFactory(
        **in_round, amount=Decimal("1000.00"), decided_on=date(2016, 4, 1), areas=[north, south]
    )
    not_published = [
        AwardFactory(
            application__round=None,
            application__kind=Application.Kind.DIRECT_AWARD,
            application__scheme=hidden_private,
            application__project_title="Staff welfare grant",
            amount=Decimal("900.00"),
            decided_on=date(2015, 6, 10),
        ),
        AwardFactory(
            **in_round,
            application__status=S.WITHDRAWN,
            application__project_title="Offer refused",
            amount=Decimal("800.00"),
            decided_on=date(2015, 6, 11),
        ),
    ]
    return {
        "round": cdr_round,
        "hidden_cdr": hidden_cdr,
        "north": north,
        "south": south,
        "may": may,
        "june": june,
        "april": april_next_year,
        "not_published": not_published,
    }


def months_of(response):
    return [(row["month"], row["awards"], row["total"]) for row in response.context["months"]]


def test_the_monthly_totals_on_known_data(client, known):
    response = client.get(AWARDED)
    assert response.status_code == 200
    assert months_of(response) == [
        (date(2016, 4, 1), 1, Decimal("1000.00")),
        (date(2015, 6, 1), 2, Decimal("11500.50")),
        (date(2015, 5, 1), 1, Decimal("5000.00")),
    ]
    assert response.context["totals"] == {"awards": 4, "total": Decimal("17500.50")}
    page = response.content.decode()
    assert "£11,500.50" in page
    assert "4 grants awarded" in page


def test_each_award_is_shown_with_its_recipient_purpose_conditions_and_reasons(client, known):
    award = known["june"][1]
    page = client.get(AWARDED).content.decode()
    assert f"£4,500.50 to {award.application.organisation.name}" in page
    assert award.application.project_title in page
    assert "Open the centre on Saturdays" in page
    assert "The only refuge in the south of the county" in page
    assert "30 June 2015" in page
    assert "Commissioned services (a grant made directly)" in page


def test_a_hidden_schemes_crime_and_disorder_grants_are_published_and_no_others(client, known):
    page = client.get(AWARDED).content.decode()
    shown = {a.pk for a in client.get(AWARDED).context["page"].object_list}
    assert known["june"][1].pk in shown  # hidden, but a crime and disorder reduction grant
    assert "Staff welfare grant" not in page  # hidden and outside section 9
    assert "Offer refused" not in page  # withdrawn: no grant was made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"scheme": "commissioned"}, ["june1"]),
        ({"scheme": "grant-scheme"}, ["april", "june0", "may"]),
        ({"round": "ROUND"}, ["april", "june0", "may"]),
        ({"year": "2016"}, ["april"]),
        ({"year": "2015"}, ["june0", "june1", "may"]),
        ({"area": "north"}, ["april", "may"]),
        ({"area": "south", "month": "2015-06"}, ["june0", "june1"]),
        ({"month": "2015-05"}, ["may"]),
    ],
)
def test_the_filters(client, known, query, expected):
    names = {
        "may": known["may"],
        "april": known["april"],
        "june0": known["june"][0],
        "june1": known["june"][1],
    }
    if query.get("round") == "ROUND":
        query = {"round": known["round"].slug}
    response = client.get(AWARDED, query)
    assert response.status_code == 200
    shown = {award.pk for award in response.context["page"].object_list}
    assert shown == {names[name].pk for name in expected}
    total = sum((names[name].amount for name in expected), Decimal("0"))
    assert response.context["totals"]["total"] == total
    assert sum(row["total"] for row in response.context["months"]) == total


def test_a_choice_not_on_offer_is_ignored_not_an_error(client, known):
    for query in ({"scheme": "no-such"}, {"month": "2015-13"}, {"year": "x" * 50}):
        response = client.get(AWARDED, query)
        assert response.status_code == 200
        assert response.context["totals"]["awards"] == 4


def test_the_filters_offer_only_what_published_awards_reach(client, known):
    form = client.get(AWARDED).context["filters"].form
    schemes = [label for _, label in form.fields["scheme"].choices]
    assert schemes == ["All schemes", "Commissioned services", "Grant scheme"]
    months = [value for value, _ in form.fields["month"].choices]
    assert months == ["", "2016-04", "2015-06", "2015-05"]
    assert [label for _, label in form.fields["year"].choices] == [
        "All years",
        "2016/17",
        "2015/16",
    ]


def test_the_list_is_paginated(client, office):
    grant_round = GrantRoundFactory()
    for _ in range(27):
        AwardFactory(application__round=grant_round)
    first = client.get(AWARDED)
    assert len(first.context["page"].object_list) == 25
    second = client.get(AWARDED, {"page": 2})
    assert len(second.context["page"].object_list) == 2
    assert second.context["totals"]["awards"] == 27


def test_nothing_awarded_yet(client, office):
    response = client.get(AWARDED)
    assert response.status_code == 200
    assert "No grants have been awarded yet." in response.content.decode()


def test_the_query_count_is_the_same_for_5_and_50_awards(client, office, assert_flat_queries):
    grant_round = GrantRoundFactory()

    def make(count):
        for _ in range(count):
            AwardFactory(application__round=grant_round)

    response = assert_flat_queries(make, lambda: client.get(AWARDED, {"page": 2}))
    assert len(response.context["page"].object_list) == 25


def test_the_query_count_is_flat_with_every_filter_chosen(client, office, assert_flat_queries):
    grant_round = GrantRoundFactory()
    area = PolicingAreaFactory()

    def make(count):
        for _ in range(count):
            AwardFactory(application__round=grant_round, areas=[area])

    query = {
        "scheme": grant_round.scheme.slug,
        "round": grant_round.slug,
        "year": "2015",
        "area": area.slug,
        "month": "2015-05",
    }
    response = assert_flat_queries(make, lambda: client.get(AWARDED, query))
    assert response.context["totals"]["awards"] == 50


def test_an_award_made_through_the_services_is_published_with_its_decision(client, people):
    application, award = approved(people)
    page = client.get(AWARDED).content.decode()
    assert award.reasons in page
    decision = award.decision_record
    assert decision.is_public  # the scheme is public, so is its decision
    assert decision.get_absolute_url() in page


# --- Cached for visitors (decision 35) ----------------------------------------------------------


@pytest.fixture
def cache_on(settings):
    settings.PUBLIC_CACHE = True
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


def test_the_page_is_cached_for_visitors_and_refreshed_by_a_new_award(
    client, known, cache_on, django_assert_num_queries
):
    query = {"scheme": "grant-scheme"}
    first = client.get(AWARDED, query)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        assert client.get(AWARDED, query).content == first.content
    AwardFactory(
        application__round=known["round"],
        application__project_title="A new youth club",
        decided_on=date(2015, 7, 1),
    )
    assert "A new youth club" in client.get(AWARDED, query).content.decode()


def test_a_change_to_an_award_refreshes_the_cached_page(client, known, cache_on):
    assert "Report every six months" in client.get(AWARDED).content.decode()
    award = known["may"]
    award.conditions = "Send a final report"
    award.save()
    assert "Send a final report" in client.get(AWARDED).content.decode()
    scheme = known["hidden_cdr"]
    scheme.name = "Commissioned victim services"
    scheme.save()
    assert "Commissioned victim services" in client.get(AWARDED).content.decode()


def test_a_signed_in_person_is_not_served_the_cached_page(client, known, cache_on, make_user):
    client.get(AWARDED)
    client.force_login(make_user("Applicant"))
    response = client.get(AWARDED)
    assert response.status_code == 200
    assert response.context is not None  # rendered, not served from the cache
