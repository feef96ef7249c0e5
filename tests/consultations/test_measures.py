"""Tracked measures: the 2008 strategy's confidence measure across yearly consultations, by
policing area, with the least confident areas standing out and small groups not shown."""

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from consultations.measures import measure_trend, measures_in_use
from consultations.models import Answer, Consultation, Response
from tests.consultations.factories import ConsultationFactory, confidence_question
from tests.pcc_portal.factories import LocalAuthorityFactory, PolicingAreaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.consultations.staff_test_urls")]

NAME = "Confidence in the police"
URL = "/staff/consultations/measures/confidence-in-the-police/"


def yearly(year, **fields):
    fields.setdefault("status", Consultation.Status.PUBLISHED)
    return ConsultationFactory(
        title=f"Policing survey {year}",
        opens_at=timezone.make_aware(datetime(year, 6, 1)),
        closes_at=timezone.make_aware(datetime(year, 8, 1)),
        **fields,
    )


def answered(question, n, *, good, **fields):
    """n responses answering the question; the first `good` say "Good", the rest "Poor"."""
    points = {p.label: p for p in question.scale.points.all()}
    responses = Response.objects.bulk_create(
        Response(consultation=question.consultation, **fields) for _ in range(n)
    )
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=question,
            scale_point=points["Good" if i < good else "Poor"],
        )
        for i, response in enumerate(responses)
    )


@pytest.fixture
def known(db):
    north = PolicingAreaFactory(name="North", slug="north", position=1)
    south = PolicingAreaFactory(name="South", slug="south", position=2)
    east = PolicingAreaFactory(name="East", slug="east", position=3)
    # People in the south named their district council rather than the policing area.
    district = LocalAuthorityFactory(name="Southern District", policing_area=south)

    earlier = confidence_question(yearly(2015))
    answered(earlier, 20, good=12, policing_area=north)  # 60%
    answered(earlier, 10, good=4, local_authority=district)  # 40%
    answered(earlier, 5, good=3, policing_area=east)  # too few answers

    later = confidence_question(yearly(2016))
    later.measure_name = NAME.upper()  # the name matches whatever its capitals
    later.save()
    answered(later, 10, good=9, policing_area=north)  # 90%
    answered(later, 20, good=10, policing_area=south)  # 50%: more than 5 points below overall
    answered(later, 10, good=4, policing_area=east)  # 40%: the lowest
    answered(later, 3, good=0, policing_area=north, suspect=True)

    # A draft asking the measure is not part of the trend.
    answered(confidence_question(yearly(2017, status=Consultation.Status.DRAFT)), 10, good=0)
    return {"north": north, "south": south, "east": east, "earlier": earlier, "later": later}


def shares(point, trend):
    return [(s.percent, s.answered, s.too_few, s.lowest) for s in point.area_shares(trend.areas)]


def test_the_share_is_worked_out_for_each_consultation_overall_and_by_area(known):
    trend = measure_trend(NAME.lower())
    assert [a.name for a in trend.areas] == ["North", "South", "East"]
    assert [p.question for p in trend.points] == [known["earlier"], known["later"]]
    earlier, later = trend.points

    # 19 of 35 answered excellent or good.
    assert (earlier.overall.answered, earlier.overall.counted) == (35, 19)
    assert earlier.overall.percent == Decimal("54")
    assert shares(earlier, trend) == [
        (Decimal("60"), 20, False, False),
        (Decimal("40"), 10, False, False),
        (None, 5, True, False),
    ]
    # 23 of 40: 57.5%, shown rounded half up.
    assert (later.overall.answered, later.overall.counted) == (40, 23)
    assert later.overall.percent == Decimal("58")
    assert shares(later, trend) == [
        (Decimal("90"), 10, False, False),
        (Decimal("50"), 20, False, True),
        (Decimal("40"), 10, False, True),
    ]
    assert trend.lowest_areas == [known["east"], known["south"]]


def test_suspect_responses_are_left_out_unless_asked_for(known):
    later = measure_trend(NAME, include_suspect=True).points[-1]
    assert (later.overall.answered, later.overall.counted) == (43, 23)
    assert later.by_area[known["north"].pk].answered == 13
    assert later.by_area[known["north"].pk].percent == Decimal("69")


def test_the_measures_in_use_are_listed_once_each(known):
    [measure] = measures_in_use()
    assert measure.consultations == 2
    assert measure.slug == "confidence-in-the-police"


def test_the_trend_page_shows_the_table_chart_and_lowest_areas(known, signed_in_as, client):
    signed_in_as("Performance officer")
    listing = client.get("/staff/consultations/measures/").content.decode()
    assert f'href="{URL}"' in listing
    assert (
        'href="/staff/consultations/measures/"'
        in client.get("/staff/consultations/").content.decode()
    )

    page = client.get(URL).content.decode()
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-label="Line chart of confidence', page)
    assert "Policing survey 2015: 54%; Policing survey 2016: 58%" in page
    assert "too few answers" in page
    assert page.count("Lowest confidence") == 2
    assert "<strong>East</strong>, <strong>South</strong>" in page
    assert "Policing survey 2017" not in page
    assert "43 answering" in client.get(URL + "?suspect=include").content.decode()


def test_an_unknown_measure_is_not_found(known, signed_in_as, client):
    signed_in_as("Engagement officer")
    assert client.get("/staff/consultations/measures/no-such-thing/").status_code == 404


def test_the_trend_takes_the_same_queries_for_many_consultations(
    db, signed_in_as, client, assert_flat_queries
):
    signed_in_as("Engagement officer")
    area = PolicingAreaFactory()
    years = iter(range(1990, 2100))

    def make_rows(n):
        for _ in range(n):
            answered(confidence_question(yearly(next(years))), 12, good=6, policing_area=area)

    response = assert_flat_queries(make_rows, lambda: client.get(URL))
    assert response.content.decode().count("12 answering") == 100


@pytest.mark.parametrize(
    "role,status",
    [
        ("Engagement officer", 200),
        ("Performance officer", 200),
        ("Commissioner and Deputy", 200),
        ("Grants officer", 403),
        ("Applicant", 403),
    ],
)
def test_who_may_see_the_measures(known, make_user, sign_in, role, status):
    client = sign_in(make_user(role))
    assert client.get("/staff/consultations/measures/").status_code == status
    assert client.get(URL).status_code == status
