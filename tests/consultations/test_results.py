"""A consultation's results: exact figures on known data, the filters, suspect responses counted
both ways, the text answers' search, the list of consultations, flat query counts and who may
see them."""

import re
from decimal import Decimal
from itertools import count

import pytest

from consultations.models import Answer, Response
from consultations.results import Selection, consultation_results, text_answers
from consultations.rules import EXPORT_RESPONSES, SEE_RESPONDENT_EMAILS, SEE_RESULTS
from tests.consultations.factories import ConsultationFactory
from tests.consultations.results_data import known_results, respond

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.consultations.staff_test_urls")]


@pytest.fixture
def known(db):
    return known_results()


def figures(results, question):
    result = next(r for r in results.questions if r.question == question)
    return result, [(row.label, row.count, row.percent) for row in result.rows]


def test_each_answer_is_counted_with_its_share_of_those_who_answered(known):
    results = consultation_results(consultation=known.consultation)
    assert results.responses == 4
    assert results.suspect == 1
    assert results.suspect_left_out == 1

    patrols, rows = figures(results, known.patrols)
    assert patrols.answered == 4
    assert rows == [("Often", 2, 50), ("Sometimes", 1, 25), ("Never", 1, 25)]

    priorities, rows = figures(results, known.priorities)
    # Three people answered; one chose two answers, so the shares add up to more than 100%.
    assert priorities.answered == 3
    assert priorities.several_allowed
    assert rows == [("Burglary", 2, 67), ("Speeding", 1, 33), ("Drugs", 1, 33)]

    _, rows = figures(results, known.precept)
    assert rows == [("Yes", 3, 75), ("No", 1, 25)]

    confidence, rows = figures(results, known.confidence)
    assert rows == [
        ("Excellent", 1, 25),
        ("Good", 1, 25),
        ("Fair", 1, 25),
        ("Poor", 1, 25),
        ("Very poor", 0, 0),
    ]
    assert confidence.measure.name == "Confidence in the police"
    assert confidence.measure.percent == 50
    assert confidence.measure.counted_as == "excellent or good"

    years, _ = figures(results, known.years)
    assert (years.count, years.mean, years.median) == (4, Decimal("5.75"), Decimal("5.50"))

    comments, _ = figures(results, known.comments)
    assert comments.answered == 2

    _, rows = figures(results, known.who)
    assert rows == [
        ("A resident", 2, 50),
        ("A business", 1, 25),
        ("On behalf of an organisation", 1, 25),
    ]
    email, _ = figures(results, known.email)
    assert email.answered == 1

    assert [(r.label, r.count, r.percent) for r in results.by_area] == [
        ("North", 2, 50),
        ("South", 2, 50),
    ]
    assert [(r.label, r.count) for r in results.by_channel] == [
        ("Online", 2),
        ("Paper form", 1),
        ("Email", 1),
        ("Public meeting", 0),
        ("Phone", 0),
    ]


def test_suspect_responses_are_counted_when_asked_for(known):
    results = consultation_results(
        consultation=known.consultation, selection=Selection(with_suspect=True)
    )
    assert results.responses == 5
    assert results.suspect_left_out == 0
    _, rows = figures(results, known.patrols)
    assert rows == [("Often", 2, 40), ("Sometimes", 1, 20), ("Never", 2, 40)]
    confidence, _ = figures(results, known.confidence)
    assert confidence.measure.percent == 40
    years, _ = figures(results, known.years)
    assert (years.count, years.mean, years.median) == (5, Decimal("24.60"), Decimal("7.00"))


@pytest.mark.parametrize(
    "selection, expected",
    [
        ({"policing_area": "north"}, [("Often", 2, 100), ("Sometimes", 0, 0), ("Never", 0, 0)]),
        ({"channel": "online"}, [("Often", 1, 50), ("Sometimes", 1, 50), ("Never", 0, 0)]),
        (
            {"respondent_type": "organisation"},
            [("Often", 0, 0), ("Sometimes", 0, 0), ("Never", 1, 100)],
        ),
    ],
)
def test_the_figures_split_by_area_respondent_type_and_channel(known, selection, expected):
    if "policing_area" in selection:
        selection = {"policing_area": known.north}
    results = consultation_results(
        consultation=known.consultation, selection=Selection(**selection)
    )
    assert figures(results, known.patrols)[1] == expected


def test_a_question_nobody_answered_has_no_percentages(known):
    results = consultation_results(
        consultation=known.consultation, selection=Selection(channel="phone")
    )
    assert results.responses == 0
    _, rows = figures(results, known.patrols)
    assert rows == [("Often", 0, None), ("Sometimes", 0, None), ("Never", 0, None)]
    years, _ = figures(results, known.years)
    assert (years.count, years.mean, years.median) == (0, None, None)


def test_text_answers_are_searched_word_by_word(known):
    everything = Selection(with_suspect=True)
    found = text_answers(question=known.comments, selection=everything, search="HIGH speeding")
    assert [a.text for a in found] == ["Speeding on the high street"]
    assert text_answers(question=known.comments, selection=Selection()).count() == 2
    assert text_answers(question=known.comments, selection=everything).count() == 3


# --- The pages ------------------------------------------------------------------------------


def results_url(known, query=""):
    return f"/staff/consultations/{known.consultation.pk}/results/{query}"


def test_the_results_page_shows_the_figures_chart_and_measure(known, signed_in_as, client):
    signed_in_as("Performance officer")
    page = client.get(results_url(known)).content.decode()
    assert "4 responses counted" in page
    assert "1 suspect response is left out" in page
    assert "Confidence in the police: 50% (excellent or good)" in page
    # A chart with its figures in words, and the same figures in a table.
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-label="Bar chart of the answers to', page)
    assert "Often: 50%, Sometimes: 25%, Never: 25%" in page
    assert f'id="answers-{known.patrols.pk}"' in page
    assert "<script" not in page.split('id="responses-counted"')[1].split("</main>")[0]
    assert "Mean (average)" in page and "5.75" in page and "5.50" in page
    assert "Read and search the 2 answers" in page
    # Only those who may export are offered the downloads.
    assert "responses.csv" not in page


def test_the_filter_panel_splits_the_results(known, signed_in_as, client):
    signed_in_as("Engagement officer")
    page = client.get(results_url(known, "?policing_area=north&suspect=include")).content.decode()
    assert "3 responses counted, including 1 suspect response" in page
    assert "Selected filters" in page
    assert "moj-filter" in page
    assert '<option value="">Any</option>' in page
    # The downloads keep the split but always carry suspect responses, marked.
    assert "responses.csv?policing_area=north" in page
    assert 'suspect=include" download' not in page


def test_a_filter_that_is_not_on_offer_is_refused(known, signed_in_as, client):
    signed_in_as("Performance officer")
    response = client.get(results_url(known, "?channel=carrier-pigeon"))
    assert response.status_code == 400
    assert "not a choice on offer" in response.content.decode()


def test_text_answers_are_listed_searched_and_paged(known, signed_in_as, client):
    signed_in_as("Staff officer")
    for n in range(30):
        respond(known.consultation, {known.comments: f"Comment number {n}"})
    results = f"/staff/consultations/{known.consultation.pk}/results"
    url = f"{results}/questions/{known.comments.pk}/answers/"
    page = client.get(url).content.decode()
    assert "32 answers, page 1 of 2" in page
    # Newest first: the second page ends with the oldest answers.
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count("Comment number") == 5
    assert "More patrols near the school" in second
    page = client.get(url, {"search": "school"}).content.decode()
    assert "1 answer containing “school”" in page
    assert "More patrols near the school" in page
    assert "Comment number" not in page
    # A number question has no list of texts.
    other = (
        f"/staff/consultations/{known.consultation.pk}/results/questions/{known.years.pk}/answers/"
    )
    assert client.get(other).status_code == 404


def test_the_list_shows_each_consultation_with_its_counts(known, signed_in_as, client):
    ConsultationFactory(title="A draft survey", status="draft")
    signed_in_as("Commissioner and Deputy")
    page = client.get("/staff/consultations/").content.decode()
    assert "Policing priorities" in page and "A draft survey" in page
    row = page.split(">Policing priorities</a>")[1].split("</tr>")[0]
    assert re.findall(r'data-sort-value="(\d+)">(\d+)<', row)[-2:] == [("5", "5"), ("1", "1")]
    assert "govuk-tag" in row


def test_the_list_takes_the_same_queries_for_many_consultations(
    signed_in_as, client, assert_flat_queries
):
    signed_in_as("Engagement officer")

    def make_rows(n):
        for _ in range(n):
            consultation = ConsultationFactory()
            respond(consultation, {}, suspect=True)

    assert_flat_queries(make_rows, lambda: client.get("/staff/consultations/"))


def test_the_results_page_takes_the_same_queries_at_10_and_1000_responses(
    known, signed_in_as, client, assert_flat_queries
):
    """Decision 25 and the results' budget: the figures come from grouped queries."""
    signed_in_as("Engagement officer")
    batches = iter([10, 990])
    numbers = count()
    patrol = list(known.patrols.options.all())
    priority = list(known.priorities.options.all())
    points = list(known.confidence.scale.points.all())

    def make_rows(_):
        size = next(batches)
        responses = Response.objects.bulk_create(
            Response(
                consultation=known.consultation,
                channel="online",
                respondent_type="resident",
                policing_area=known.south,
                suspect=n % 7 == 0,
            )
            for n in range(size)
        )
        answers = []
        for response in responses:
            n = next(numbers)
            answers += [
                Answer(response=response, question=known.patrols, option=patrol[n % 3]),
                Answer(response=response, question=known.priorities, option=priority[n % 3]),
                Answer(response=response, question=known.priorities, option=priority[-1]),
                Answer(response=response, question=known.precept, yes=n % 2 == 0),
                Answer(response=response, question=known.confidence, scale_point=points[n % 5]),
                Answer(response=response, question=known.years, number=n % 40),
                Answer(response=response, question=known.comments, text=f"Comment {n}"),
            ]
        Answer.objects.bulk_create(answers)

    response = assert_flat_queries(
        make_rows, lambda: client.get(results_url(known, "?suspect=include")), at_most=25
    )
    assert "1,005 responses counted" in response.content.decode()


# --- Who may see them -----------------------------------------------------------------------

SEE = [
    "Commissioner and Deputy",
    "Performance officer",
    "Staff officer",
    "Engagement officer",
    "Administrator",
]


@pytest.mark.parametrize("role", SEE)
def test_staff_who_view_responses_see_results(known, make_user, sign_in, role):
    client = sign_in(make_user(role))
    assert client.get("/staff/consultations/").status_code == 200
    assert client.get(results_url(known)).status_code == 200


@pytest.mark.parametrize("role", ["Grants officer", "Grant assessor", "Ambassador", "Applicant"])
def test_others_may_not_see_results(known, make_user, sign_in, role):
    client = sign_in(make_user(role))
    assert client.get("/staff/consultations/").status_code == 403
    assert client.get(results_url(known)).status_code == 403


def test_the_public_are_sent_to_sign_in(known, client):
    for url in ("/staff/consultations/", results_url(known)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize(
    "role, results, export",
    [
        ("Commissioner and Deputy", True, False),
        ("Performance officer", True, False),
        ("Staff officer", True, False),
        ("Engagement officer", True, True),
        ("Administrator", True, True),
        ("Grants officer", False, False),
        (None, False, False),
    ],
)
def test_the_rules(make_user, role, results, export):
    user = make_user(role)
    assert user.has_perm(SEE_RESULTS) is results
    assert user.has_perm(EXPORT_RESPONSES) is export
    assert user.has_perm(SEE_RESPONDENT_EMAILS) is export
