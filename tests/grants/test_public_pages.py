"""The public grant pages: the rounds open now and coming up with their rules, one round's page,
the way in to an application, the home page's section and the menu; cached for anonymous
visitors, and flat in queries however many rounds there are."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from grants.models import Application
from grants.public_views import moment_in_words
from grants.workflow import RoundStatus
from tests.engagement.factories import ActivityAreaFactory
from tests.grants.factories import (
    ApplicantFactory,
    CriterionFactory,
    GrantRoundFactory,
    GrantSchemeFactory,
    RoundQuestionFactory,
)
from tests.pcc_portal.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db

LIST = reverse("grants:round_list")


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def detail(grant_round) -> str:
    return reverse("grants:round_detail", args=[grant_round.slug])


@pytest.fixture
def cache_on(settings):
    """The public cache on (the suite runs with it off)."""
    settings.PUBLIC_CACHE = True


@pytest.fixture
def rounds(office):
    """One round of each kind the list must tell apart."""
    now = timezone.now()
    return {
        "open": GrantRoundFactory(name="Tier 1 open now"),
        "upcoming": GrantRoundFactory(
            name="Tier 2 coming up",
            opens_at=now + timedelta(days=10),
            closes_at=now + timedelta(days=40),
        ),
        "closed": GrantRoundFactory(
            name="Tier 3 closed",
            opens_at=now - timedelta(days=40),
            closes_at=now - timedelta(days=1),
        ),
        "draft": GrantRoundFactory(name="Tier 4 draft", status=RoundStatus.DRAFT),
        "withdrawn": GrantRoundFactory(name="Tier 5 withdrawn", status=RoundStatus.WITHDRAWN),
        "hidden": GrantRoundFactory(
            name="Tier 6 of a hidden scheme", scheme=GrantSchemeFactory(is_public=False)
        ),
    }


def test_the_list_shows_open_and_upcoming_rounds_of_public_schemes_only(client, rounds):
    html = page(client, LIST)
    assert "Tier 1 open now" in html
    assert "Tier 2 coming up" in html
    for name in ("Tier 3 closed", "Tier 4 draft", "Tier 5 withdrawn", "Tier 6 of a hidden scheme"):
        assert name not in html
    # Open now comes before coming up.
    assert html.index("Tier 1 open now") < html.index("Coming up") < html.index("Tier 2 coming up")


def test_the_list_gives_each_rounds_rules(client, office):
    area = ActivityAreaFactory(number=7, name="Children and young people")
    objective = ObjectiveFactory(title="Reduce youth offending")
    grant_round = GrantRoundFactory(
        minimum_award=Decimal("500.00"),
        maximum_award=Decimal("20000.00"),
        budget=Decimal("150000.00"),
        scheme__eligibility="Registered charities working in the force area",
        closes_at=timezone.now() + timedelta(days=5),
    )
    grant_round.activity_areas.set([area])
    grant_round.objectives.set([objective])
    CriterionFactory(round=grant_round, name="Reduces crime or the fear of crime", weight=3)
    html = page(client, LIST)
    assert "£500 to £20,000" in html
    assert "£150,000 in all" in html
    assert moment_in_words(grant_round.closes_at) in html
    assert "Registered charities working in the force area" in html
    assert "Children and young people" in html
    assert "Reduce youth offending" in html
    assert "Reduces crime or the fear of crime" in html
    assert "×3" in html


def test_an_open_rounds_page_starts_an_application(client, office):
    grant_round = GrantRoundFactory(name="2015/16 tier 1", scheme__name="Grant scheme")
    RoundQuestionFactory(round=grant_round, text="How will you involve young people?")
    html = page(client, detail(grant_round))
    assert "2015/16 tier 1" in html and "Grant scheme" in html
    assert "How will you involve young people?" in html
    assert "Start an application" in html
    assert f'href="{reverse("grants:start", args=[grant_round.slug])}"' in html


def test_a_closed_or_upcoming_rounds_page_says_so_and_offers_no_way_in(client, rounds):
    closed = page(client, detail(rounds["closed"]))
    assert "This round closed at" in closed and "accepts no more applications" in closed
    assert "Start an application" not in closed
    upcoming = page(client, detail(rounds["upcoming"]))
    assert "has not opened yet" in upcoming
    assert "Start an application" not in upcoming


def test_unpublished_rounds_and_hidden_schemes_have_no_public_page(client, rounds):
    for kind in ("draft", "withdrawn", "hidden"):
        assert client.get(detail(rounds[kind])).status_code == 404, kind
        assert client.get(reverse("grants:start", args=[rounds[kind].slug])).status_code == 404


def test_the_way_in_asks_a_visitor_to_sign_in_or_create_an_account(client, rounds):
    html = page(client, reverse("grants:start", args=[rounds["open"].slug]))
    assert reverse("grants:register") in html
    assert reverse("two_factor:login") in html
    response = client.post(reverse("grants:start", args=[rounds["open"].slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
    assert not Application.objects.exists()


def test_a_closed_round_accepts_nothing(client, rounds):
    applicant = ApplicantFactory()
    client.force_login(applicant)
    start = reverse("grants:start", args=[rounds["closed"].slug])
    html = page(client, start)
    assert "accepts no more applications" in html
    assert "Start your application" not in html
    response = client.post(start, {"start_key": "4f1b2c58-87a3-4c3e-9d55-0c4a5e1f2b3a"})
    assert response.status_code == 400
    assert "This round is not open for applications" in response.content.decode()
    assert not Application.objects.exists()


def test_the_home_page_lists_open_rounds_and_the_menu_offers_grants(client, rounds):
    html = page(client, "/")
    assert "Open grant rounds" in html
    section = html[html.index("Open grant rounds") :]
    assert "Tier 1 open now" in section
    assert "Tier 2 coming up" not in section and "Tier 3 closed" not in section
    assert f'<a class="govuk-header__link" href="{LIST}"' in html


def test_a_warm_list_and_round_page_ask_the_database_nothing_and_set_no_cookie(
    client, rounds, cache_on, django_assert_num_queries
):
    paths = (
        LIST,
        detail(rounds["open"]),
        detail(rounds["closed"]),
        reverse("grants:start", args=[rounds["open"].slug]),
    )
    for path in paths:
        first = client.get(path)
        assert first.status_code == 200
        with django_assert_num_queries(0):
            second = client.get(path)
        assert second.status_code == 200, path
        assert second.content == first.content
        assert not first.cookies and not second.cookies, path
    assert not client.cookies
    assert not Session.objects.exists()


def test_a_new_or_changed_round_shows_on_the_next_anonymous_get(client, rounds, cache_on):
    assert "Rural crime fund" not in page(client, LIST)
    made = GrantRoundFactory(name="Rural crime fund")
    assert "Rural crime fund" in page(client, LIST)
    CriterionFactory(round=made, name="Works with farmers")
    assert "Works with farmers" in page(client, LIST)
    made.status = RoundStatus.WITHDRAWN
    made.save()
    assert "Rural crime fund" not in page(client, LIST)


def test_the_list_takes_as_many_queries_for_50_rounds_as_for_5(client, office, assert_flat_queries):
    area, objective = ActivityAreaFactory(number=3), ObjectiveFactory()

    def make_rounds(count):
        for _ in range(count):
            grant_round = GrantRoundFactory()
            grant_round.activity_areas.set([area])
            grant_round.objectives.set([objective])
            CriterionFactory(round=grant_round)

    response = assert_flat_queries(make_rounds, lambda: client.get(LIST))
    assert response.content.decode().count("govuk-caption-m") == 50
