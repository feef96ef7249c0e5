"""Consultations: status from dates, the publishing workflow and its rules, the shipped scales,
and the admin meeting the same rules."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from consultations import workflow
from consultations.models import AnswerScale, Consultation, Question
from consultations.services import move_consultation
from pcc_portal.roles import ROLES
from tests.consultations.factories import (
    ConsultationFactory,
    OptionFactory,
    QuestionFactory,
    confidence_question,
)

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def test_the_2008_survey_scales_are_shipped():
    scales = {s.slug: [p.label for p in s.points.all()] for s in AnswerScale.objects.all()}
    assert scales["how-good-a-job"] == ["Excellent", "Good", "Fair", "Poor", "Very poor"]
    assert scales["how-worried"][0] == "Very worried"
    assert scales["how-worried"][-1] == "Not at all worried"
    assert scales["agreement"][0] == "Strongly agree"


@pytest.mark.parametrize(
    "opens, closes, phase",
    [
        (timedelta(days=1), timedelta(days=10), Consultation.Phase.UPCOMING),
        (timedelta(days=-1), timedelta(days=10), Consultation.Phase.OPEN),
        (timedelta(days=-10), timedelta(days=-1), Consultation.Phase.CLOSED),
    ],
)
def test_a_published_consultations_phase_follows_from_its_dates(opens, closes, phase):
    consultation = ConsultationFactory(
        status="published", opens_at=NOW + opens, closes_at=NOW + closes
    )
    assert consultation.phase(NOW) == phase
    assert consultation.accepts_responses(NOW) == (phase == Consultation.Phase.OPEN)
    found = {
        Consultation.Phase.UPCOMING: Consultation.objects.upcoming(NOW),
        Consultation.Phase.OPEN: Consultation.objects.open(NOW),
        Consultation.Phase.CLOSED: Consultation.objects.closed(NOW),
    }
    assert [list(qs) for qs in found.values()].count([consultation]) == 1
    assert list(found[phase]) == [consultation]


@pytest.mark.parametrize("status", ["draft", "withdrawn"])
def test_an_unpublished_consultation_has_no_phase_and_accepts_nothing(status):
    consultation = ConsultationFactory(status=status)
    assert consultation.phase(NOW) is None
    assert not consultation.accepts_responses(NOW)
    assert not Consultation.objects.open(NOW).exists()


def test_a_consultation_closes_after_it_opens():
    consultation = ConsultationFactory.build(opens_at=NOW, closes_at=NOW - timedelta(hours=1))
    with pytest.raises(ValidationError) as error:
        consultation.full_clean(exclude=["owner"])
    assert "closes_at" in error.value.message_dict
    with pytest.raises(IntegrityError):
        ConsultationFactory(opens_at=NOW, closes_at=NOW)


def test_a_scale_question_names_its_scale():
    question = QuestionFactory.build(kind=Question.Kind.SCALE, scale=None)
    with pytest.raises(ValidationError) as error:
        question.full_clean(exclude=["consultation"])
    assert "scale" in error.value.message_dict


def test_show_only_if_names_an_earlier_question_of_the_same_consultation():
    first = QuestionFactory(position=1, kind=Question.Kind.SINGLE_CHOICE)
    later = QuestionFactory(consultation=first.consultation, position=2)
    later.show_if_question = first
    later.full_clean()
    first.show_if_question = later
    with pytest.raises(ValidationError):
        first.full_clean()
    elsewhere = QuestionFactory(position=5)
    elsewhere.show_if_question = first
    with pytest.raises(ValidationError):
        elsewhere.full_clean()


def test_the_confidence_measure_counts_excellent_and_good():
    question = confidence_question(ConsultationFactory())
    assert {p.label for p in question.measure_points.all()} == {"Excellent", "Good"}


@pytest.fixture
def officer(make_user):
    return make_user("Engagement officer")


def test_publishing_needs_questions_and_their_options(officer):
    consultation = ConsultationFactory()
    with pytest.raises(ValidationError, match="at least one question"):
        move_consultation(consultation=consultation, to=workflow.PUBLISHED, by=officer)
    choice = QuestionFactory(consultation=consultation, kind=Question.Kind.SINGLE_CHOICE)
    with pytest.raises(ValidationError, match="answers people can choose"):
        move_consultation(consultation=consultation, to=workflow.PUBLISHED, by=officer)
    OptionFactory(question=choice)
    moved = move_consultation(consultation=consultation, to=workflow.PUBLISHED, by=officer)
    assert moved.status == workflow.PUBLISHED
    assert moved.history.first().history_user == officer


def test_a_sensitive_consultation_asks_for_no_email(officer):
    consultation = ConsultationFactory(sensitive=True)
    QuestionFactory(consultation=consultation, kind=Question.Kind.EMAIL)
    with pytest.raises(ValidationError, match="cannot ask for an email"):
        move_consultation(consultation=consultation, to=workflow.PUBLISHED, by=officer)


def test_illegal_moves_are_refused_and_change_nothing(officer):
    consultation = ConsultationFactory()
    with pytest.raises(ValidationError, match="draft cannot be moved to withdrawn"):
        move_consultation(consultation=consultation, to=workflow.WITHDRAWN, by=officer)
    consultation.refresh_from_db()
    assert consultation.status == workflow.DRAFT


MAY_PUBLISH = {"Administrator", "Engagement officer"}


@pytest.mark.parametrize("role", [role.name for role in ROLES])
def test_only_engagement_officers_publish(make_user, role):
    consultation = ConsultationFactory()
    QuestionFactory(consultation=consultation)
    user = make_user(role)
    if role in MAY_PUBLISH:
        move_consultation(consultation=consultation, to=workflow.PUBLISHED, by=user)
    else:
        with pytest.raises(PermissionDenied):
            move_consultation(consultation=consultation, to=workflow.PUBLISHED, by=user)
        consultation.refresh_from_db()
        assert consultation.status == workflow.DRAFT


def test_every_state_has_its_names_and_colour_and_every_move_its_rule():
    for state in workflow.STATES.values():
        assert state.staff_name and state.public_name and state.colour
    for move in workflow.TRANSITIONS:
        assert move.source in workflow.STATES and move.target in workflow.STATES
        assert move.rule.startswith("consultations.")


def test_the_admins_publish_action_calls_the_service(client, signed_in_as):
    officer = signed_in_as("Engagement officer")
    ready = ConsultationFactory(owner=officer)
    QuestionFactory(consultation=ready)
    empty = ConsultationFactory(owner=officer)
    response = client.post(
        "/admin/consultations/consultation/",
        {"action": "move_to_published", "_selected_action": [ready.pk, empty.pk]},
        follow=True,
    )
    assert response.status_code == 200
    ready.refresh_from_db()
    empty.refresh_from_db()
    assert (ready.status, empty.status) == ("published", "draft")
    assert "Add at least one question before publishing" in response.content.decode()


def test_the_commissioner_reads_consultations_in_the_admin_and_changes_nothing(
    client, signed_in_as
):
    signed_in_as("Commissioner and Deputy")
    consultation = ConsultationFactory()
    assert client.get("/admin/consultations/consultation/").status_code == 200
    change = f"/admin/consultations/consultation/{consultation.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()  # read only
    assert client.get("/admin/consultations/consultation/add/").status_code == 403
