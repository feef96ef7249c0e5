"""Deciding: the Commissioner or Deputy decides, or an officer records their decision and its
date; an award has its instalments, its reports due and its entry in the decisions register; the
offer is accepted, the grant started and closed; illegal moves are refused in words, and every
step is in the history with who and when."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grants import awarding, services
from grants.models import Application, Award
from grants.workflow import ApplicationStatus as S
from pcc_portal.models import Decision
from tests.grants import factories as f

pytestmark = pytest.mark.django_db


def award_for(application, by, **kwargs):
    values = {"amount": "4000", "reasons": "Reduces youth crime", "conditions": "Report twice"}
    values.update(kwargs)
    return services.award_grant(application=application, by=by, **values)


def test_the_commissioner_approves_and_the_award_is_made(people):
    application = f.recommended(people)
    award = award_for(application, people.commissioner)
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert award.amount == Decimal("4000.00")
    assert award.decided_by == "Alex Holder, Commissioner for Anyshire"
    assert award.decided_on == timezone.localdate()
    assert (award.starts_on, award.ends_on) == (application.starts_on, application.ends_on)
    assert set(award.beneficiary_areas.all()) == set(application.policing_areas.all())
    assert [(i.number, i.due_on, i.amount) for i in award.instalments.all()] == [
        (1, application.starts_on, Decimal("4000.00"))
    ]
    (report,) = award.reports.all()
    assert report.is_final and report.due_on == application.ends_on + timedelta(weeks=8)
    assert not award.is_multi_year
    # The decision is entered in the register and linked from the award.
    decision = award.decision_record
    assert decision.reference == f"Grant {application.reference}"
    assert decision.decided_by == award.decided_by and decision.summary == "Reduces youth crime"
    assert application.transitions.last().by == people.commissioner


def test_an_officer_records_the_decision_saying_who_made_it_and_when(people):
    application = f.recommended(people)
    with pytest.raises(ValidationError) as caught:
        award_for(application, people.officer)
    assert caught.value.message_dict == {
        "decided_by": [awarding.DECIDER_REQUIRED],
        "decided_on": [awarding.DECISION_DATE_REQUIRED],
    }
    with pytest.raises(ValidationError) as caught:
        award_for(
            application,
            people.officer,
            decided_by="Sam Deputy, Deputy Commissioner",
            decided_on=timezone.localdate() + timedelta(days=1),
        )
    assert caught.value.message_dict["decided_on"] == [
        "The date of the decision must be today or in the past"
    ]
    award = award_for(
        application,
        people.officer,
        decided_by="Sam Deputy, Deputy Commissioner",
        decided_on=date(2015, 11, 20),
    )
    assert (award.decided_by, award.decided_on, award.recorded_by) == (
        "Sam Deputy, Deputy Commissioner",
        date(2015, 11, 20),
        people.officer,
    )


def test_several_awards_can_share_one_decision_in_the_register(people):
    decision = Decision.objects.create(
        reference="DN 2015/042",
        title="2015/16 tier 1 awards",
        decided_on=timezone.localdate(),
        decided_by="Alex Holder",
        summary="The round's awards",
    )
    awards = [
        award_for(f.recommended(people), people.commissioner, decision_record=decision)
        for _ in range(2)
    ]
    assert {a.decision_record_id for a in awards} == {decision.pk}
    assert Decision.objects.count() == 1


@pytest.mark.parametrize("who", ["assessor", "applicant"])
def test_neither_an_assessor_nor_the_applicant_decides(people, who):
    application = f.recommended(people)
    person = application.applicant if who == "applicant" else people.assessor
    with pytest.raises(PermissionDenied):
        award_for(application, person)
    with pytest.raises(PermissionDenied):
        services.decline_application(application=application, by=person, reason="No")
    assert Application.objects.get(pk=application.pk).status == S.RECOMMENDED
    assert not Award.objects.exists()


def test_an_award_keeps_to_the_rounds_limits_and_what_was_asked_for(people):
    application = f.recommended(people)
    for amount, message in (
        ("100", "An award in this round must be between £500.00 and £20,000.00"),
        ("5000.01", "The award cannot be more than the £5,000.00 asked for"),
        ("abc", awarding.AMOUNT_REQUIRED),
    ):
        with pytest.raises(ValidationError) as caught:
            award_for(application, people.commissioner, amount=amount)
        assert caught.value.message_dict["amount"] == [message]
    with pytest.raises(ValidationError) as caught:
        award_for(application, people.commissioner, reasons=" ")
    assert caught.value.message_dict["reasons"] == [awarding.REASONS_REQUIRED]
    assert not Award.objects.exists() and not Decision.objects.exists()


def test_an_award_needs_the_organisation_on_record(people):
    application = f.assessed(people)
    application = services.recommend(application=application, by=people.officer, amount="4000")
    with pytest.raises(ValidationError) as caught:
        award_for(application, people.commissioner)
    assert caught.value.message_dict["organisation"] == [awarding.NOT_LINKED]


def test_instalments_must_add_up_to_the_award(people):
    application = f.recommended(people)
    start = application.starts_on
    with pytest.raises(ValidationError) as caught:
        award_for(application, people.commissioner, instalments=[(start, "1000"), (start, "2000")])
    assert caught.value.message_dict["instalments"] == [
        "The instalments add up to £3,000.00, not the £4,000.00 awarded"
    ]


def test_the_commissioner_declines_with_a_reason(people):
    application = f.recommended(people)
    with pytest.raises(ValidationError):
        services.decline_application(application=application, by=people.commissioner, reason="")
    declined = services.decline_application(
        application=application, by=people.commissioner, reason="Duplicates existing provision"
    )
    assert (declined.status, declined.outcome_reason) == (
        S.DECLINED,
        "Duplicates existing provision",
    )
    assert declined.decided_by == "Alex Holder, Commissioner for Anyshire"
    assert declined.transitions.last().note == "Duplicates existing provision"
    # The decline is in the register, kept from the public: it names who was refused and why.
    entry = declined.decision_record
    assert entry.summary == "Duplicates existing provision" and not entry.is_public
    assert entry.decided_by == declined.decided_by and entry.decided_on == declined.decided_on
    assert declined.reference in entry.reference


def test_an_assessed_application_not_recommended_can_be_declined_by_a_recorded_decision(people):
    application = f.assessed(people)
    declined = services.decline_application(
        application=application,
        by=people.officer,
        reason="Scored below the line",
        decided_by="Sam Deputy",
        decided_on=timezone.localdate(),
    )
    assert declined.status == S.DECLINED and declined.decided_by == "Sam Deputy"


def test_the_grantee_accepts_the_offer_and_the_grant_starts_and_closes(people):
    application, award = f.approved(people)
    with pytest.raises(PermissionDenied):
        services.accept_offer(application=application, by=f.ApplicantFactory())
    accepted = services.accept_offer(application=application, by=application.applicant)
    assert accepted.status == S.OFFER_ACCEPTED
    award.refresh_from_db()
    assert award.offer_accepted_at is not None
    with pytest.raises(PermissionDenied):
        services.activate_award(application=application, by=application.applicant)
    started = services.activate_award(application=application, by=people.officer)
    assert started.status == S.ACTIVE
    with pytest.raises(ValidationError) as caught:
        services.close_award(
            application=application, by=people.officer, underspend_returned="5000.01"
        )
    assert "cannot be more than the £5,000.00 awarded" in caught.value.messages[0]
    closed = services.close_award(
        application=application, by=people.officer, underspend_returned="250", note="Done"
    )
    award.refresh_from_db()
    assert closed.status == S.CLOSED
    assert award.underspend_returned == Decimal("250.00") and award.closed_at is not None
    assert [(t.from_status, t.to_status) for t in closed.transitions.all()] == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.ELIGIBLE),
        (S.ELIGIBLE, S.ASSESSED),
        (S.ASSESSED, S.RECOMMENDED),
        (S.RECOMMENDED, S.APPROVED),
        (S.APPROVED, S.OFFER_ACCEPTED),
        (S.OFFER_ACCEPTED, S.ACTIVE),
        (S.ACTIVE, S.CLOSED),
    ]
    assert all(t.by_id and t.at for t in closed.transitions.all())


def test_an_officer_records_an_offer_accepted_on_paper(people):
    application, _ = f.approved(people)
    assert services.accept_offer(application=application, by=people.officer).status == (
        S.OFFER_ACCEPTED
    )


def test_the_applicant_withdraws_and_nothing_moves_after(people):
    application = f.submitted(people)
    withdrawn = services.withdraw_application(
        application=application, by=application.applicant, reason="Funded elsewhere"
    )
    assert (withdrawn.status, withdrawn.outcome_reason) == (S.WITHDRAWN, "Funded elsewhere")
    with pytest.raises(ValidationError) as caught:
        services.check_eligibility(application=application, by=people.officer, eligible=True)
    assert caught.value.message_dict["status"] == [
        "This application is at “Withdrawn”: it cannot be moved to “Assessment”"
    ]


def test_a_draft_can_be_withdrawn_but_a_closed_grant_cannot(people):
    draft = f.ApplicationFactory()
    assert services.withdraw_application(application=draft, by=draft.applicant).status == (
        S.WITHDRAWN
    )
    application, _ = f.active(people)
    services.close_award(application=application, by=people.officer)
    with pytest.raises(ValidationError) as caught:
        services.withdraw_application(application=application, by=application.applicant)
    assert caught.value.message_dict["status"] == [
        "This application is at “Closed”: it cannot be moved to “Withdrawn”"
    ]


@pytest.mark.parametrize(
    "stage, verb",
    [
        ("submitted", lambda app, p: services.complete_assessment(application=app, by=p.officer)),
        ("submitted", lambda app, p: award_for(app, p.commissioner)),
        ("eligible", lambda app, p: services.recommend(application=app, by=p.officer, amount=1000)),
        ("assessed", lambda app, p: services.accept_offer(application=app, by=p.officer)),
        ("assessed", lambda app, p: services.activate_award(application=app, by=p.officer)),
    ],
)
def test_illegal_moves_are_refused_and_write_nothing(people, stage, verb):
    application = getattr(f, stage)(people)
    moves = application.transitions.count()
    with pytest.raises(ValidationError) as caught:
        verb(application, people)
    assert caught.value.message_dict["status"][0].startswith(
        f"This application is at “{application.state.staff_name}”: it cannot be moved"
    )
    assert Application.objects.get(pk=application.pk).status == stage
    assert application.transitions.count() == moves
