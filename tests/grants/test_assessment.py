"""Eligibility, assessment and recommendation: who may make each move, the reasons applicants are
told, conflicts of interest respected, one score per assessor and criterion, and the ranking."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grants import services, transitions
from grants.models import Application, ConflictOfInterest, Score
from grants.workflow import ApplicationStatus as S
from tests.grants import factories as f

pytestmark = pytest.mark.django_db


def history(application) -> list[tuple]:
    return list(application.transitions.values_list("from_status", "to_status", "by", "note"))


# --- Eligibility --------------------------------------------------------------------------------


def test_an_officer_finds_an_application_eligible(people):
    application = f.submitted(people)
    checked = services.check_eligibility(application=application, by=people.officer, eligible=True)
    assert checked.status == S.ELIGIBLE
    assert history(checked)[-1] == (S.SUBMITTED, S.ELIGIBLE, people.officer.pk, "")


def test_ineligible_needs_the_reason_the_applicant_is_told(people):
    application = f.submitted(people)
    with pytest.raises(ValidationError) as caught:
        services.check_eligibility(application=application, by=people.officer, eligible=False)
    assert caught.value.message_dict == {"reason": [transitions.REASON_REQUIRED]}
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED
    checked = services.check_eligibility(
        application=application, by=people.officer, eligible=False, reason="Outside the area"
    )
    assert (checked.status, checked.outcome_reason) == (S.INELIGIBLE, "Outside the area")
    assert history(checked)[-1][-1] == "Outside the area"


@pytest.mark.parametrize("who", ["assessor", "commissioner", "applicant"])
def test_only_officers_check_eligibility(people, who):
    application = f.submitted(people)
    person = application.applicant if who == "applicant" else getattr(people, who)
    with pytest.raises(PermissionDenied):
        services.check_eligibility(application=application, by=person, eligible=True)
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


def test_a_draft_cannot_be_checked_for_eligibility(people, application):
    # Staff do not even see a draft: it is the applicant's until it is sent.
    with pytest.raises(PermissionDenied):
        services.check_eligibility(application=application, by=people.officer, eligible=True)


def test_an_ineligible_application_goes_no_further(people):
    application = f.submitted(people)
    services.check_eligibility(
        application=application, by=people.officer, eligible=False, reason="A statutory body"
    )
    with pytest.raises(ValidationError) as caught:
        services.check_eligibility(application=application, by=people.officer, eligible=True)
    assert caught.value.message_dict["status"] == [
        "This application is at “Ineligible”: it cannot be moved to “Assessment”"
    ]


# --- Conflicts of interest and scores -----------------------------------------------------------


@pytest.fixture
def in_assessment(people):
    application = f.eligible(people)
    first, second = (f.CriterionFactory(round=application.round, weight=w) for w in (2, 1))
    return application, first, second


def test_an_assessor_scores_each_criterion_with_comments(people, in_assessment):
    application, first, second = in_assessment
    scores = services.score_application(
        application=application,
        by=people.assessor,
        scores={first.pk: (4, " Strong partners "), second.pk: (3, "")},
    )
    assert {(s.criterion_id, s.score, s.comment) for s in scores} == {
        (first.pk, 4, "Strong partners"),
        (second.pk, 3, ""),
    }


def test_scoring_again_replaces_the_score(people, in_assessment):
    application, first, _ = in_assessment
    services.score_application(application=application, by=people.assessor, scores={first: (2, "")})
    services.score_application(application=application, by=people.assessor, scores={first: (5, "")})
    assert list(Score.objects.filter(application=application).values_list("score", flat=True)) == [
        5
    ]


def test_a_score_outside_the_criterions_range_is_refused(people, in_assessment):
    application, first, second = in_assessment
    with pytest.raises(ValidationError) as caught:
        services.score_application(
            application=application,
            by=people.assessor,
            scores={first.pk: (6, ""), second.pk: (-1, "")},
        )
    assert caught.value.message_dict == {
        f"criterion_{first.pk}": ["Enter a score from 0 to 5"],
        f"criterion_{second.pk}": ["Enter a score from 0 to 5"],
    }
    assert not Score.objects.exists()


def test_a_criterion_of_another_round_is_refused(people, in_assessment):
    application, _, _ = in_assessment
    other = f.CriterionFactory()
    with pytest.raises(ValidationError):
        services.score_application(
            application=application, by=people.assessor, scores={other.pk: (3, "")}
        )


def test_a_conflicted_assessor_cannot_score(people, make_user, in_assessment):
    application, first, _ = in_assessment
    services.score_application(application=application, by=people.assessor, scores={first: (3, "")})
    conflict = services.declare_conflict(
        application=application, by=people.assessor, note="I am a trustee"
    )
    assert conflict.assessor == people.assessor
    # The scores given before the declaration go: they cannot stand.
    assert not Score.objects.filter(application=application).exists()
    with pytest.raises(PermissionDenied) as caught:
        services.score_application(
            application=application, by=people.assessor, scores={first: (5, "")}
        )
    assert str(caught.value) == services.CONFLICTED
    assert not people.assessor.has_perm("grants.score_application", application)
    # Another assessor still may.
    other = make_user("Grant assessor")
    services.score_application(application=application, by=other, scores={first: (4, "")})
    assert list(Score.objects.values_list("assessor", flat=True)) == [other.pk]


def test_declaring_twice_keeps_the_first(people, in_assessment):
    application, _, _ = in_assessment
    first = services.declare_conflict(application=application, by=people.assessor, note="Trustee")
    again = services.declare_conflict(application=application, by=people.assessor, note="Other")
    assert again.pk == first.pk and again.note == "Trustee"
    assert ConflictOfInterest.objects.count() == 1


def test_an_officer_records_a_conflict_for_an_assessor_but_an_assessor_not_for_another(
    people, make_user, in_assessment
):
    application, _, _ = in_assessment
    services.declare_conflict(application=application, by=people.officer, assessor=people.assessor)
    assert ConflictOfInterest.objects.filter(assessor=people.assessor).exists()
    another = make_user("Grant assessor")
    with pytest.raises(PermissionDenied):
        services.declare_conflict(application=application, by=another, assessor=people.assessor)


@pytest.mark.parametrize("who", ["officer", "commissioner"])
def test_only_assessors_score(people, in_assessment, who):
    application, first, _ = in_assessment
    with pytest.raises(PermissionDenied):
        services.score_application(
            application=application, by=getattr(people, who), scores={first.pk: (3, "")}
        )


def test_only_an_application_being_assessed_is_scored(people):
    application = f.submitted(people)
    criterion = f.CriterionFactory(round=application.round)
    with pytest.raises(ValidationError):
        services.score_application(
            application=application, by=people.assessor, scores={criterion.pk: (3, "")}
        )


def test_the_assessment_closes_once_an_assessor_scored_every_criterion(people, in_assessment):
    application, first, second = in_assessment
    services.score_application(application=application, by=people.assessor, scores={first: (3, "")})
    with pytest.raises(ValidationError) as caught:
        services.complete_assessment(application=application, by=people.officer)
    assert caught.value.messages == [services.NOT_FULLY_SCORED]
    services.score_application(
        application=application, by=people.assessor, scores={second: (3, "")}
    )
    assessed = services.complete_assessment(application=application, by=people.officer)
    assert assessed.status == S.ASSESSED


def test_the_ranking_weighs_scores_and_averages_over_assessors(people, make_user):
    grant_round = f.GrantRoundFactory()
    heavy, light = (f.CriterionFactory(round=grant_round, weight=w) for w in (3, 1))
    strong = f.eligible(people, round=grant_round)
    weak = f.eligible(people, round=grant_round)
    second_assessor = make_user("Grant assessor")
    for assessor, (a, b) in ((people.assessor, (5, 1)), (second_assessor, (3, 3))):
        services.score_application(
            application=strong, by=assessor, scores={heavy: (a, ""), light: (b, "")}
        )
    services.score_application(
        application=weak, by=people.assessor, scores={heavy: (1, ""), light: (5, "")}
    )
    ranked = list(
        Application.objects.in_round(grant_round).with_scores().order_by("-average_score")
    )
    assert [a.pk for a in ranked] == [strong.pk, weak.pk]
    # strong: (5*3 + 1) + (3*3 + 3) = 28 from two assessors; weak: 1*3 + 5 = 8 from one.
    assert [(a.weighted_total, a.assessors, a.average_score) for a in ranked] == [
        (28, 2, 14.0),
        (8, 1, 8.0),
    ]
    unscored = f.submitted(people, round=grant_round)
    found = Application.objects.with_scores().get(pk=unscored.pk)
    assert (found.weighted_total, found.assessors, found.average_score) == (0, 0, None)


# --- Recommendation -----------------------------------------------------------------------------


def test_an_officer_recommends_an_amount_within_the_rounds_limits(people):
    application = f.assessed(people)
    for amount, message in (
        ("0", services.RECOMMENDED_AMOUNT),
        ("100", "The amount recommended must be between £500.00 and £20,000.00 in this round"),
        ("6000", "You cannot recommend more than the £5,000.00 asked for"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.recommend(application=application, by=people.officer, amount=amount)
        assert caught.value.message_dict == {"recommended_amount": [message]}
    recommended = services.recommend(
        application=application, by=people.officer, amount="4500", recommendation="Good value"
    )
    assert (recommended.status, recommended.recommended_amount) == (
        S.RECOMMENDED,
        Decimal("4500.00"),
    )
    assert history(recommended)[-1] == (S.ASSESSED, S.RECOMMENDED, people.officer.pk, "Good value")


def test_an_assessor_cannot_recommend(people):
    application = f.assessed(people)
    with pytest.raises(PermissionDenied):
        services.recommend(application=application, by=people.assessor, amount="1000")
