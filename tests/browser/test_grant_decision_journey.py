"""A submitted application goes from the eligibility check to the published award on 320 px
phones, each person on their own: the grants officer checks it and links its organisation, an
assessor scores it, the officer marks it assessed and recommends it, the Commissioner approves it,
and the grant appears on the public list of grants awarded."""

from decimal import Decimal

import pytest

from grants.models import Application, Award, Score
from grants.workflow import ApplicationStatus as S
from tests.grants.factories import CriterionFactory, GrantRoundFactory, Office, submitted

from .conftest import assert_fits, sign_in_at

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECOMMENDATION = "Strong local support and a clear plan"
REASONS = "Reduces youth crime in the town centre"
CONDITIONS = "Report every six months"


@pytest.fixture
def people(make_user, office):
    """A grants officer, an assessor and the Commissioner (the office's named holder)."""
    return Office(make_user)


@pytest.fixture
def phone_of(browser, live_server):
    """phone_of(user, path) -> a 320 px phone of the person's own, signed in at `path`: each
    person keeps their own session, as on their own phone, and comes back to it later."""
    contexts = []

    def open_as(user, path):
        context = browser.new_context(viewport={"width": 320, "height": 720}, is_mobile=True)
        contexts.append(context)
        page = context.new_page()
        sign_in_at(page, live_server.url + path, user)
        page.wait_for_url(live_server.url + path)
        return page

    yield open_as
    for context in contexts:
        context.close()


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def status_of(application) -> str:
    return Application.objects.get(pk=application.pk).status


def test_an_application_is_checked_scored_recommended_approved_and_published(
    live_server, phone, phone_of, people
):
    grant_round = GrantRoundFactory(name="2015/16 tier 1", scheme__name="Safer communities fund")
    crime = CriterionFactory(round=grant_round, name="Reduces crime", weight=2, max_score=5)
    value = CriterionFactory(round=grant_round, name="Value for money", weight=1, max_score=5)
    application = submitted(
        people,
        round=grant_round,
        organisation_name="Telford Youth Trust",
        project_title="Youth diversion in Telford",
        amount_requested=Decimal("5000.00"),
    )
    assert application.status == S.SUBMITTED and application.organisation_id is None
    base = live_server.url
    pk = application.pk

    # The officer checks eligibility and links the organisation on record.
    officer = phone_of(people.officer, f"/staff/grants/applications/{pk}/eligibility/")
    assert officer.get_by_role("heading", name="Check eligibility").is_visible()
    assert_fits(officer)
    officer.get_by_label("Eligible: it goes on to assessment").check()
    submit(officer, "Record the eligibility check")
    assert officer.url == f"{base}/staff/grants/applications/{pk}/"
    assert officer.get_by_text("Eligibility check recorded.").is_visible()
    assert status_of(application) == S.ELIGIBLE

    with officer.expect_navigation():
        officer.get_by_role("button", name="Link the organisation").click()
    assert_fits(officer)
    submit(officer, "Link the application")
    assert officer.get_by_text("Application linked to the organisation on record.").is_visible()
    linked = Application.objects.select_related("organisation").get(pk=pk).organisation
    assert linked is not None and linked.name == "Telford Youth Trust"

    # The assessor scores each criterion.
    assessor = phone_of(people.assessor, f"/staff/grants/assessment/{pk}/")
    assert assessor.get_by_role("heading", name="Score Youth diversion in Telford").is_visible()
    assert_fits(assessor)
    for criterion, score, comment in ((crime, "4", "Clear plan"), (value, "3", "Fair costs")):
        group = assessor.get_by_role("group", name=criterion.name)
        group.get_by_label("Score, from 0 to 5").fill(score)
        group.get_by_label("Comment (optional)").fill(comment)
    submit(assessor, "Save scores")
    assert assessor.url == f"{base}/staff/grants/assessment/"
    assert assessor.get_by_text("Scores saved.").is_visible()
    scores = {
        s.criterion_id: (s.score, s.comment)
        for s in Score.objects.filter(application_id=pk, assessor=people.assessor)
    }
    assert scores == {crime.pk: (4, "Clear plan"), value.pk: (3, "Fair costs")}
    assert status_of(application) == S.ELIGIBLE

    # The officer marks it assessed on the round's assessment, then recommends it.
    officer.goto(f"{base}/staff/grants/rounds/{grant_round.pk}/assessment/")
    row = officer.locator(f"#application-{pk}")
    assert "(11)" in row.inner_text()  # 4 × 2 + 3 × 1
    submit(officer, f"Mark as assessed {application.reference}")
    assert officer.get_by_text(f"{application.reference} marked as assessed.").is_visible()
    assert status_of(application) == S.ASSESSED

    officer.goto(f"{base}/staff/grants/applications/{pk}/recommend/")
    assert officer.get_by_role("heading", name="Recommend for funding").is_visible()
    assert_fits(officer)
    officer.get_by_label("Amount recommended (£)").fill("4500")
    officer.get_by_label("Why it is recommended").fill(RECOMMENDATION)
    submit(officer, "Recommend for funding")
    assert officer.get_by_text("Application recommended for funding.").is_visible()
    recommended = Application.objects.get(pk=pk)
    assert recommended.status == S.RECOMMENDED
    assert recommended.recommended_amount == Decimal("4500.00")
    assert recommended.recommendation == RECOMMENDATION

    # The Commissioner approves it in person, at the amount recommended.
    commissioner = phone_of(people.commissioner, f"/staff/grants/applications/{pk}/decide/")
    assert commissioner.get_by_text(RECOMMENDATION).is_visible()
    commissioner.get_by_label("Approve: make an award").check()
    assert commissioner.get_by_label("Amount awarded (£)").input_value() == "4500.00"
    commissioner.get_by_label("Conditions of the grant").fill(CONDITIONS)
    commissioner.get_by_label("Why the grant is made").fill(REASONS)
    assert_fits(commissioner)
    submit(commissioner, "Record the decision")
    assert commissioner.get_by_text("Decision recorded.").is_visible()
    award = Award.objects.select_related("application").get(application_id=pk)
    assert award.application.status == S.APPROVED
    assert (award.amount, award.reasons, award.conditions, award.recorded_by) == (
        Decimal("4500.00"),
        REASONS,
        CONDITIONS,
        people.commissioner,
    )
    assert award.decided_by == "Alex Holder, Commissioner for Anyshire"
    assert award.decision_record is not None

    # Anyone sees the grant on the public list.
    phone.goto(f"{base}/grants/awarded/")
    card = phone.locator(f"#award-{award.pk}")
    assert card.get_by_role("heading", name="£4,500 to Telford Youth Trust").is_visible()
    text = card.inner_text()
    assert "Youth diversion in Telford" in text
    assert "Safer communities fund: 2015/16 tier 1" in text
    assert REASONS in text and CONDITIONS in text
    assert phone.locator("#awarded-total").inner_text().startswith("1 grant awarded")
    assert_fits(phone)
