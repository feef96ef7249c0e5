"""Applying: a draft saved and resumed, budget lines that must add up, and sending, once, to an
open round only."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grants import applying, services
from grants.models import Application, ApplicationTransition, Attachment
from grants.workflow import ApplicationStatus as S
from tests.engagement.factories import ActivityAreaFactory
from tests.grants.factories import (
    PDF,
    ApplicantFactory,
    ApplicationFactory,
    GrantRoundFactory,
    RoundQuestionFactory,
    upload,
)
from tests.pcc_portal.factories import ObjectiveFactory, PolicingAreaFactory

pytestmark = pytest.mark.django_db


def errors_of(caught) -> dict:
    return caught.value.message_dict


# --- Starting, saving and resuming a draft ------------------------------------------------------


def test_an_applicant_starts_a_draft_with_their_email_as_the_contact():
    applicant = ApplicantFactory(full_name="Sam Applicant")
    grant_round = GrantRoundFactory()
    application = services.start_application(grant_round=grant_round, by=applicant)
    assert application.status == S.DRAFT
    assert application.scheme == grant_round.scheme
    assert (application.contact_email, application.contact_name) == (
        applicant.email,
        "Sam Applicant",
    )
    assert application.reference == ""


def test_only_an_applicant_can_start_an_application(make_user):
    with pytest.raises(PermissionDenied):
        services.start_application(grant_round=GrantRoundFactory(), by=make_user("Grants officer"))


def test_a_round_not_yet_open_takes_no_drafts():
    upcoming = GrantRoundFactory(opens_at=timezone.now() + timedelta(days=3))
    with pytest.raises(ValidationError):
        services.start_application(grant_round=upcoming, by=ApplicantFactory())


def test_a_draft_is_saved_incomplete_and_resumed_with_everything_typed():
    applicant = ApplicantFactory()
    draft = services.start_application(grant_round=GrantRoundFactory(), by=applicant)
    area = PolicingAreaFactory()
    services.save_draft(
        application=draft,
        by=applicant,
        values={"project_title": "  Safer parks  ", "charity_number": "sc 012345"},
        policing_areas=[area],
    )
    resumed = Application.objects.get(pk=draft.pk)
    assert resumed.project_title == "Safer parks"
    assert resumed.charity_number == "SC012345"
    assert list(resumed.policing_areas.all()) == [area]
    assert resumed.project_summary == "" and resumed.status == S.DRAFT


def test_a_draft_with_bad_input_reports_every_field_and_keeps_what_was_saved_before():
    applicant = ApplicantFactory()
    draft = services.start_application(grant_round=GrantRoundFactory(), by=applicant)
    services.save_draft(application=draft, by=applicant, values={"project_title": "First"})
    with pytest.raises(ValidationError) as caught:
        services.save_draft(
            application=draft,
            by=applicant,
            values={
                "project_title": "Second",
                "charity_number": "12",
                "organisation_postcode": "not a postcode",
                "project_summary": "x" * 1001,
            },
        )
    assert set(errors_of(caught)) == {"charity_number", "organisation_postcode", "project_summary"}
    assert Application.objects.get(pk=draft.pk).project_title == "First"


def test_a_project_longer_than_the_round_allows_is_refused():
    application = ApplicationFactory(round__longest_project_months=6)
    with pytest.raises(ValidationError) as caught:
        services.save_draft(
            application=application,
            by=application.applicant,
            values={"ends_on": application.starts_on + timedelta(days=200)},
        )
    assert errors_of(caught)["ends_on"] == [
        "The project can run for at most 6 months in this round"
    ]


def test_nobody_else_changes_a_draft(make_user, application):
    for someone in (ApplicantFactory(), make_user("Grants officer")):
        with pytest.raises(PermissionDenied):
            services.save_draft(application=application, by=someone, values={"project_title": "x"})


# --- Budget lines -------------------------------------------------------------------------------


def test_budget_lines_that_do_not_add_up_are_a_clear_error():
    application = ApplicationFactory(
        amount_requested=Decimal("1500.00"), budget=[("Venue", "700"), ("Worker", "500")]
    )
    with pytest.raises(ValidationError) as caught:
        services.check_budget(application)
    assert errors_of(caught)["amount_requested"] == [
        "Your budget lines add up to £1,200.00 but you asked for £1,500.00: make them the same"
    ]
    with pytest.raises(ValidationError) as caught:
        services.submit_application(
            application=application, by=application.applicant, declaration=True
        )
    assert "make them the same" in errors_of(caught)["amount_requested"][0]
    assert Application.objects.get(pk=application.pk).status == S.DRAFT


def test_budget_lines_are_replaced_and_each_bad_one_named(application):
    lines = services.set_budget_lines(
        application=application,
        by=application.applicant,
        lines=[("Venue hire", "1000.50"), ("Youth worker", Decimal("3999.50"))],
    )
    assert [line.amount for line in lines] == [Decimal("1000.50"), Decimal("3999.50")]
    services.check_budget(application)
    with pytest.raises(ValidationError) as caught:
        services.set_budget_lines(
            application=application,
            by=application.applicant,
            lines=[("", "10"), ("Printing", "-5"), ("Travel", "NaN")],
        )
    assert set(errors_of(caught)) == {"line_1", "line_2", "line_3"}
    assert application.budget_lines.count() == 2


def test_an_application_without_budget_lines_is_not_sent():
    application = ApplicationFactory(budget=[])
    problems = services.problems_before_submitting(application)
    assert problems["budget_lines"] == [applying.BUDGET_LINES_REQUIRED]


# --- Sending ------------------------------------------------------------------------------------


def test_sending_moves_to_the_eligibility_check_with_a_reference_and_its_history(application):
    sent = services.submit_application(
        application=application, by=application.applicant, declaration=True
    )
    assert sent.status == S.SUBMITTED
    assert sent.submitted_at and sent.declaration_given_at
    assert sent.reference == f"G{timezone.localtime(sent.submitted_at).year}-{sent.pk:05d}"
    (move,) = sent.transitions.all()
    assert (move.from_status, move.to_status, move.by) == (S.DRAFT, S.SUBMITTED, sent.applicant)


def test_sending_twice_makes_one_submission(application):
    first = services.submit_application(
        application=application, by=application.applicant, declaration=True
    )
    again = services.submit_application(
        application=application, by=application.applicant, declaration=True
    )
    assert again.pk == first.pk and again.submitted_at == first.submitted_at
    assert ApplicationTransition.objects.filter(application=application).count() == 1


def test_a_closed_round_accepts_nothing():
    application = ApplicationFactory()
    closes_at = application.round.closes_at
    with pytest.raises(ValidationError) as caught:
        services.submit_application(
            application=application,
            by=application.applicant,
            declaration=True,
            now=closes_at + timedelta(seconds=1),
        )
    assert "it accepts no more applications" in caught.value.messages[0]
    application.refresh_from_db()
    assert application.status == S.DRAFT and application.submitted_at is None


def test_the_declaration_is_required(application):
    with pytest.raises(ValidationError) as caught:
        services.submit_application(
            application=application, by=application.applicant, declaration=False
        )
    assert errors_of(caught) == {"declaration": [applying.DECLARATION_REQUIRED]}


def test_everything_missing_is_reported_at_once():
    application = ApplicationFactory(
        project_title="", contact_email="", has_safeguarding_policy=None, areas=[]
    )
    with pytest.raises(ValidationError) as caught:
        services.submit_application(
            application=application, by=application.applicant, declaration=False
        )
    assert set(errors_of(caught)) == {
        "project_title",
        "contact_email",
        "has_safeguarding_policy",
        "policing_areas",
        "declaration",
    }


def test_the_rounds_own_rules_are_met():
    funded_area = ActivityAreaFactory(number=2)
    objective = ObjectiveFactory()
    grant_round = GrantRoundFactory(maximum_award=Decimal("2000.00"))
    grant_round.activity_areas.set([funded_area])
    grant_round.objectives.set([objective])
    question = RoundQuestionFactory(round=grant_round)
    application = ApplicationFactory(round=grant_round)
    application.objectives.set([ObjectiveFactory()])
    problems = services.problems_before_submitting(application)
    assert problems["amount_requested"] == [
        "The amount requested must be between £500.00 and £2,000.00"
    ]
    assert problems["activity_area"] == [applying.ACTIVITY_AREA_NOT_FUNDED]
    assert "objectives" in problems
    assert problems[f"question_{question.pk}"] == [f"Answer the question: {question.text}"]
    services.answer_questions(
        application=application, by=application.applicant, answers={question.pk: "With a panel"}
    )
    assert f"question_{question.pk}" not in services.problems_before_submitting(application)


def test_an_answer_longer_than_its_question_allows_is_refused():
    question = RoundQuestionFactory(max_length=20)
    application = ApplicationFactory(round=question.round)
    with pytest.raises(ValidationError) as caught:
        services.answer_questions(
            application=application, by=application.applicant, answers={question.pk: "x" * 21}
        )
    assert errors_of(caught)[f"question_{question.pk}"] == [
        "Your answer must be 20 characters or fewer"
    ]


def test_a_safeguarding_policy_said_to_exist_must_be_attached(application):
    application.has_safeguarding_policy = True
    application.save()
    problems = services.problems_before_submitting(application)
    assert applying.SAFEGUARDING_POLICY_REQUIRED in problems["attachments"]
    services.add_attachment(
        application=application,
        by=application.applicant,
        kind=Attachment.Kind.SAFEGUARDING_POLICY,
        upload=upload("safeguarding.pdf", PDF),
    )
    assert "attachments" not in services.problems_before_submitting(application)


def test_a_consortium_bid_names_its_members(application):
    application.is_consortium = True
    application.save()
    assert "consortium_members" in services.problems_before_submitting(application)
    services.set_consortium_members(
        application=application,
        by=application.applicant,
        members=[{"organisation_name": "Telford Youth Club", "charity_number": "1 123 456"}],
    )
    assert "consortium_members" not in services.problems_before_submitting(application)
    assert application.consortium_members.get().charity_number == "1123456"


def test_only_its_applicant_sends_an_application(make_user, application):
    for someone in (ApplicantFactory(), make_user("Grants officer")):
        with pytest.raises(PermissionDenied):
            services.submit_application(application=application, by=someone, declaration=True)
    assert Application.objects.get(pk=application.pk).status == S.DRAFT


def test_a_sent_application_can_no_longer_be_changed_by_its_applicant(application):
    services.submit_application(application=application, by=application.applicant, declaration=True)
    with pytest.raises(PermissionDenied):
        services.save_draft(
            application=application, by=application.applicant, values={"project_title": "New"}
        )
    with pytest.raises(PermissionDenied):
        services.set_budget_lines(
            application=application, by=application.applicant, lines=[("x", "1")]
        )
    # Asked of the application as it now stands, not of the copy in hand (still a draft).
    assert application.status == S.DRAFT
    with pytest.raises(PermissionDenied):
        services.add_attachment(
            application=application,
            by=application.applicant,
            kind=Attachment.Kind.OTHER,
            upload=upload("late.pdf", PDF),
        )
