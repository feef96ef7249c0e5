"""The assessment's staff pages: an assessor's applications to score, scoring with comments,
conflicts of interest declared (and then respected by the service, not only by the page), a
round's assessment with each assessor's scores, the ranking and the budget left, and the moves
to assessed and recommended made from it."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from grants import services
from grants.models import Application, ConflictOfInterest, Score
from grants.workflow import ApplicationStatus as S
from tests.engagement.factories import AmbassadorFactory
from tests.grants import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_assessment(people):
    """An application being assessed in an open round with two criteria (weights 2 and 1)."""
    grant_round = f.GrantRoundFactory()
    first = f.CriterionFactory(round=grant_round, name="Reduces crime", weight=2, max_score=5)
    second = f.CriterionFactory(round=grant_round, name="Value for money", weight=1, max_score=5)
    application = f.eligible(people, round=grant_round)
    return application, first, second


def score_page(application):
    return reverse("grants_staff:score_application", args=[application.pk])


def scores_of(application, assessor) -> dict:
    return {
        s.criterion_id: (s.score, s.comment)
        for s in Score.objects.filter(application=application, assessor=assessor)
    }


def post_scores(client, application, values: dict):
    data = {}
    for criterion, (score, comment) in values.items():
        data[f"score_{criterion.pk}"] = score
        data[f"comment_{criterion.pk}"] = comment
    return client.post(score_page(application), data)


# --- The assessor's list ------------------------------------------------------------------------


def test_an_assessor_lists_what_they_are_asked_to_score_with_their_progress(
    people, sign_in, client, in_assessment
):
    application, first, _ = in_assessment
    other = f.eligible(people, round=application.round)
    conflicted = f.eligible(people, round=application.round)
    services.declare_conflict(application=conflicted, by=people.assessor, note="A trustee")
    services.score_application(
        application=other, by=people.assessor, scores={first.pk: (3, "Sound")}
    )
    still_checking = f.submitted(people, round=application.round)
    sign_in(people.assessor)
    response = client.get(reverse("grants_staff:assessor_queue"))
    assert response.status_code == 200
    listed = {a.pk: a for a in response.context["applications"]}
    assert set(listed) == {application.pk, other.pk, conflicted.pk}
    assert still_checking.pk not in listed
    assert (listed[application.pk].my_scores, listed[application.pk].criteria_count) == (0, 2)
    assert listed[other.pk].my_scores == 1 and not listed[other.pk].conflicted
    assert listed[conflicted.pk].conflicted
    page = response.content.decode()
    assert "1 of 2 criteria" in page and "Conflict declared" in page
    # Two still need this assessor's scores: the conflicted one never will.
    assert response.context["to_do"] == 2


# --- Scoring ------------------------------------------------------------------------------------


def test_an_assessor_scores_each_criterion_with_comments(people, sign_in, client, in_assessment):
    application, first, second = in_assessment
    sign_in(people.assessor)
    page = client.get(score_page(application))
    assert page.status_code == 200
    assert "Reduces crime" in page.content.decode() and page.context["form"] is not None
    response = post_scores(
        client, application, {first: ("4", "Strong local partners"), second: ("3", "")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("grants_staff:assessor_queue")
    assert scores_of(application, people.assessor) == {
        first.pk: (4, "Strong local partners"),
        second.pk: (3, ""),
    }


def test_an_assessor_changes_their_scores_while_it_is_being_assessed(
    people, sign_in, client, in_assessment
):
    application, first, second = in_assessment
    services.score_application(
        application=application, by=people.assessor, scores={first: (2, "Thin"), second: (2, "")}
    )
    sign_in(people.assessor)
    form = client.get(score_page(application)).context["form"]
    assert form.initial == {
        f"score_{first.pk}": 2,
        f"comment_{first.pk}": "Thin",
        f"score_{second.pk}": 2,
        f"comment_{second.pk}": "",
    }
    post_scores(client, application, {first: ("5", "Better on reading again"), second: ("1", "")})
    assert scores_of(application, people.assessor) == {
        first.pk: (5, "Better on reading again"),
        second.pk: (1, ""),
    }
    assert Score.objects.filter(application=application).count() == 2


def test_a_score_above_the_criterions_highest_is_refused_beside_it_keeping_the_answers(
    people, sign_in, client, in_assessment
):
    application, first, second = in_assessment
    sign_in(people.assessor)
    response = post_scores(
        client, application, {first: ("9", "Typed comment kept"), second: ("four", "")}
    )
    assert response.status_code == 400
    form = response.context["form"]
    # The range is the service's rule; the page shows its words beside the field.
    assert form.errors[f"score_{first.pk}"] == ["Enter a score from 0 to 5"]
    assert form.errors[f"score_{second.pk}"] == [
        "Enter a score for ‘Value for money’ as a whole number from 0 to 5"
    ]
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Typed comment kept" in page
    assert not Score.objects.exists()


def test_a_missing_score_is_asked_for(people, sign_in, client, in_assessment):
    application, first, second = in_assessment
    sign_in(people.assessor)
    response = post_scores(client, application, {first: ("3", ""), second: ("", "")})
    assert response.status_code == 400
    assert response.context["form"].errors[f"score_{second.pk}"] == [
        "Enter a score for ‘Value for money’"
    ]
    assert not Score.objects.exists()


def test_scores_cannot_be_changed_once_the_assessment_is_closed(
    people, sign_in, client, in_assessment
):
    application, first, second = in_assessment
    services.score_application(
        application=application, by=people.assessor, scores={first: (4, "Good"), second: (3, "")}
    )
    services.complete_assessment(application=application, by=people.officer)
    sign_in(people.assessor)
    page = client.get(score_page(application))
    assert page.status_code == 200 and page.context["form"] is None
    assert "no longer being assessed" in page.content.decode()
    response = post_scores(client, application, {first: ("1", ""), second: ("1", "")})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [services.NOT_IN_ASSESSMENT]
    assert scores_of(application, people.assessor)[first.pk] == (4, "Good")


# --- Conflicts of interest ----------------------------------------------------------------------


def test_a_declared_conflict_removes_the_scores_and_the_service_refuses_scoring(
    people, sign_in, client, in_assessment, monkeypatch
):
    application, first, second = in_assessment
    services.score_application(
        application=application, by=people.assessor, scores={first: (5, ""), second: (5, "")}
    )
    sign_in(people.assessor)
    conflict_page = reverse("grants_staff:declare_conflict", args=[application.pk])
    page = client.get(conflict_page).content.decode()
    assert "the scores you have already given it will be removed" in page
    response = client.post(conflict_page, {"note": "My sister chairs its trustees"})
    assert response.status_code == 302
    conflict = ConflictOfInterest.objects.get(application=application)
    assert (conflict.assessor, conflict.note) == (people.assessor, "My sister chairs its trustees")
    assert not Score.objects.filter(application=application).exists()

    page = client.get(score_page(application))
    assert page.status_code == 200 and page.context["form"] is None
    assert "You declared a conflict of interest" in page.content.decode()

    # The page sends the scores on: it is the service that refuses them.
    asked = []
    real = services.score_application

    def spy(**kwargs):
        asked.append(kwargs["by"])
        return real(**kwargs)

    monkeypatch.setattr(services, "score_application", spy)
    response = post_scores(client, application, {first: ("5", ""), second: ("5", "")})
    assert asked == [people.assessor]
    assert response.status_code == 403
    assert not Score.objects.filter(application=application).exists()
    with pytest.raises(PermissionDenied):
        real(application=application, by=people.assessor, scores={first.pk: (5, "")})


def test_a_conflict_needs_the_interest_declared(people, sign_in, client, in_assessment):
    application, _, _ = in_assessment
    sign_in(people.assessor)
    response = client.post(
        reverse("grants_staff:declare_conflict", args=[application.pk]), {"note": " "}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["note"] == [
        "Enter what your interest in the application is"
    ]
    assert not ConflictOfInterest.objects.exists()


def test_whoever_declared_a_conflict_does_not_see_the_scores(
    people, make_user, sign_in, client, in_assessment
):
    application, first, second = in_assessment
    services.score_application(
        application=application, by=people.assessor, scores={first: (4, "Secret"), second: (3, "")}
    )
    administrator = make_user("Administrator")
    services.declare_conflict(application=application, by=administrator, note="A trustee")
    sign_in(administrator)
    response = client.get(reverse("grants_staff:round_assessment", args=[application.round_id]))
    (row,) = response.context["rows"]
    assert not row.may_see_scores and row.by_assessor == []
    assert "Not shown: you declared a conflict of interest" in response.content.decode()
    detail = client.get(
        reverse("grants_staff:application_assessment", args=[application.round_id, application.pk])
    )
    assert detail.status_code == 200 and "Secret" not in detail.content.decode()
    sign_in(people.officer)
    detail = client.get(
        reverse("grants_staff:application_assessment", args=[application.round_id, application.pk])
    )
    page = detail.content.decode()
    assert "Secret" in page and "A trustee" in page


# --- The round's assessment: ranking and budget --------------------------------------------------


def score(application, assessor, values):
    services.score_application(
        application=application,
        by=assessor,
        scores={criterion.pk: (value, "") for criterion, value in values.items()},
    )


def test_the_ranking_on_known_scores_and_weights(people, make_user, sign_in, client):
    grant_round = f.GrantRoundFactory()
    heavy = f.CriterionFactory(round=grant_round, weight=3)
    light = f.CriterionFactory(round=grant_round, weight=1)
    second_assessor = make_user("Grant assessor")
    a, b, c, d, unscored = (f.eligible(people, round=grant_round) for _ in range(5))
    # a: (5*3 + 1) + (3*3 + 3) = 28 from two assessors, average 14.
    score(a, people.assessor, {heavy: 5, light: 1})
    score(a, second_assessor, {heavy: 3, light: 3})
    score(b, people.assessor, {heavy: 1, light: 5})  # 8
    score(c, people.assessor, {heavy: 4, light: 4})  # 16
    score(d, second_assessor, {heavy: 4, light: 2})  # 14: level with a
    sign_in(people.officer)
    response = client.get(reverse("grants_staff:round_assessment", args=[grant_round.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    ranked = [
        (r.application.pk, r.rank, r.application.weighted_total, r.application.average_score)
        for r in rows
    ]
    level = sorted([a.pk, d.pk])
    assert ranked[0] == (c.pk, 1, 16, 16.0)
    assert sorted(row[0] for row in ranked[1:3]) == level
    assert {row[1:] for row in ranked[1:3]} == {(2, 28, 14.0), (2, 14, 14.0)}
    assert ranked[3] == (b.pk, 4, 8, 8.0)
    assert ranked[4] == (unscored.pk, None, 0, None)
    by_a = next(r for r in rows if r.application.pk == a.pk).by_assessor
    assert sorted(x.weighted_total for x in by_a) == [12, 16]
    assert [s.score for s in next(x for x in by_a if x.weighted_total == 16).scores] == [5, 1]


def test_the_budget_left_on_known_data(people, sign_in, client):
    grant_round = f.GrantRoundFactory(budget=Decimal("50000.00"))
    f.CriterionFactory(round=grant_round, weight=2)
    f.CriterionFactory(round=grant_round, weight=1)
    # Ranked by score: first recommended £15,000, then one assessed asking £20,000, then
    # one recommended at £12,000; an award of £10,000 already made, and one declined.
    top = f.recommended(people, round=grant_round, score=5, amount_requested=Decimal("15000"))
    middle = f.assessed(people, round=grant_round, score=4, amount_requested=Decimal("20000"))
    awarded, award = f.approved(
        people, round=grant_round, score=3, amount_requested=Decimal("10000")
    )
    last = f.recommended(people, round=grant_round, score=2, amount_requested=Decimal("12000"))
    declined = f.assessed(people, round=grant_round, score=1)
    services.decline_application(
        application=declined, by=people.commissioner, reason="Not enough evidence of need"
    )
    sign_in(people.officer)
    response = client.get(reverse("grants_staff:round_assessment", args=[grant_round.pk]))
    context = response.context
    assert context["budget_left"] == Decimal("40000.00")
    assert context["committed"] == Decimal("10000.00")
    assert context["recommended_total"] == Decimal("27000.00")
    assert context["left_if_recommended_funded"] == Decimal("13000.00")
    shown = [(r.application.pk, r.left_if_funded, r.over_budget_by) for r in context["rows"]]
    assert shown == [
        (top.pk, Decimal("25000.00"), None),
        (middle.pk, Decimal("5000.00"), None),
        (awarded.pk, None, None),
        (last.pk, Decimal("-7000.00"), Decimal("7000.00")),
        (declined.pk, None, None),
    ]
    page = response.content.decode()
    assert "£13,000.00" in page and "by £7,000.00" in page and "£25,000.00" in page
    assert award.amount == Decimal("10000.00")


# --- Moves made from the assessment -------------------------------------------------------------


def test_an_officer_marks_an_application_assessed_from_the_round(
    people, sign_in, client, in_assessment
):
    application, first, second = in_assessment
    page = reverse("grants_staff:round_assessment", args=[application.round_id])
    sign_in(people.officer)
    # Not every criterion scored: the service's refusal is shown at the top.
    score(application, people.assessor, {first: 4})
    response = client.post(page, {"application": application.pk, "to": S.ASSESSED})
    assert response.status_code == 400
    assert services.NOT_FULLY_SCORED in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == S.ELIGIBLE
    score(application, people.assessor, {second: 3})
    response = client.post(page, {"application": application.pk, "to": S.ASSESSED})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.ASSESSED
    assert application.transitions.last().by == people.officer


def test_an_officer_recommends_from_the_applications_assessment(people, sign_in, client):
    application = f.assessed(people, amount_requested=Decimal("5000"))
    services.link_organisation(application=application, by=people.officer)
    page = reverse(
        "grants_staff:application_assessment", args=[application.round_id, application.pk]
    )
    sign_in(people.officer)
    form = client.get(page).context["recommend_form"]
    assert form.initial == {"recommended_amount": Decimal("5000.00")}
    response = client.post(
        page, {"recommend": "1", "recommended_amount": "6,000", "recommendation": "Kept"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["recommended_amount"] == [
        "You cannot recommend more than the £5,000.00 asked for"
    ]
    assert "Kept" in response.content.decode()
    response = client.post(
        page, {"recommend": "1", "recommended_amount": "£4,500", "recommendation": "Good value"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.recommended_amount, application.recommendation) == (
        S.RECOMMENDED,
        Decimal("4500.00"),
        "Good value",
    )


# --- Who may open what --------------------------------------------------------------------------


def test_an_assessor_scores_but_cannot_see_the_rounds_money_or_decide(
    people, sign_in, client, in_assessment
):
    application, first, second = in_assessment
    score(application, people.assessor, {first: 4, second: 4})
    sign_in(people.assessor)
    assert client.get(reverse("grants_staff:assessor_queue")).status_code == 200
    round_page = reverse("grants_staff:round_assessment", args=[application.round_id])
    assert client.get(round_page).status_code == 403
    assert client.post(round_page, {"application": application.pk, "to": "assessed"}).status_code
    assert Application.objects.get(pk=application.pk).status == S.ELIGIBLE
    detail = reverse(
        "grants_staff:application_assessment", args=[application.round_id, application.pk]
    )
    assert client.get(detail).status_code == 403
    with pytest.raises(PermissionDenied):
        services.complete_assessment(application=application, by=people.assessor)


def test_the_commissioner_reads_the_assessment_but_does_not_mark_it(
    people, sign_in, client, in_assessment
):
    application, first, second = in_assessment
    score(application, people.assessor, {first: 4, second: 4})
    round_page = reverse("grants_staff:round_assessment", args=[application.round_id])
    sign_in(people.commissioner)
    response = client.get(round_page)
    assert response.status_code == 200
    assert response.context["rows"][0].moves == set()
    assert "Mark as assessed" not in response.content.decode()
    # The service refuses what the page did not offer.
    response = client.post(round_page, {"application": application.pk, "to": "assessed"})
    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).status == S.ELIGIBLE


def test_officers_and_the_commissioner_do_not_score(people, sign_in, client, in_assessment):
    application, _, _ = in_assessment
    for person in (people.officer, people.commissioner):
        sign_in(person)
        assert client.get(reverse("grants_staff:assessor_queue")).status_code == 403
        assert client.get(score_page(application)).status_code == 403


@pytest.mark.parametrize("who", ["applicant", "ambassador"])
def test_applicants_and_ambassadors_are_refused(people, sign_in, client, in_assessment, who):
    application, first, _ = in_assessment
    if who == "applicant":
        person = application.applicant
        sign_in(person, verified=False)
    else:
        person = AmbassadorFactory().user
        sign_in(person)
    for url in (
        reverse("grants_staff:assessor_queue"),
        score_page(application),
        reverse("grants_staff:declare_conflict", args=[application.pk]),
        reverse("grants_staff:round_assessment", args=[application.round_id]),
        reverse("grants_staff:application_assessment", args=[application.round_id, application.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(score_page(application), {f"score_{first.pk}": "5"})
    assert response.status_code == 403
    assert not Score.objects.exists()


# --- Query counts -------------------------------------------------------------------------------


@pytest.fixture
def busy_round(people, make_user):
    """make(n): n more applications in the round's assessment, each scored on both criteria by
    two assessors, with a conflict declared by a third; every fifth recommended."""
    grant_round = f.GrantRoundFactory(budget=Decimal("1000000"))
    criteria = [f.CriterionFactory(round=grant_round, weight=w) for w in (2, 1)]
    assessors = [people.assessor, make_user("Grant assessor")]
    conflicted = make_user("Grant assessor")
    made = []

    def make(count):
        for _ in range(count):
            n = len(made)
            recommended = n % 5 == 4
            application = f.ApplicationFactory(
                round=grant_round,
                status=S.RECOMMENDED if recommended else S.ELIGIBLE,
                reference=f"G2015-{n:05d}",
                recommended_amount=Decimal("4000") if recommended else None,
                organisation=f.linked_organisation(),
                documents=False,
            )
            Score.objects.bulk_create(
                Score(application=application, assessor=a, criterion=c, score=(n + i) % 6)
                for i, a in enumerate(assessors)
                for c in criteria
            )
            ConflictOfInterest.objects.create(assessor=conflicted, application=application)
            made.append(application)

    return grant_round, make


def test_the_rounds_assessment_takes_as_many_queries_for_50_as_for_5(
    people, sign_in, client, assert_flat_queries, busy_round
):
    grant_round, make = busy_round
    sign_in(people.officer)
    url = reverse("grants_staff:round_assessment", args=[grant_round.pk])
    response = assert_flat_queries(make, lambda: client.get(url), at_most=20)
    assert len(response.context["rows"]) == 50


def test_the_assessors_list_takes_as_many_queries_for_50_as_for_5(
    people, sign_in, client, assert_flat_queries, busy_round
):
    _, make = busy_round
    sign_in(people.assessor)
    url = reverse("grants_staff:assessor_queue")
    response = assert_flat_queries(make, lambda: client.get(url), at_most=12)
    assert len(response.context["applications"]) == 40  # the recommended are scored already
