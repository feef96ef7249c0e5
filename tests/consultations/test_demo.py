"""The demo consultations: dated around today (decision 23), every kind of question, the
sensitive survey asking for no email, generated responses that are valid and reproducible, and
a second load adding nothing."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from consultations import demo
from consultations.answering import Place, Respondent, check_answers
from consultations.models import Answer, Consultation, Question, Response
from consultations.outcomes import published_outcome
from consultations.plan import feedback_due
from pcc_portal.demo import create_demo_users, demo_email
from pcc_portal.models import OutboundMessage

pytestmark = pytest.mark.django_db

# Small numbers keep the test quick; the full demo's numbers are checked without loading them.
SIZES = {
    "precept-2016-17": 60,
    "20mph-limits": 40,
    "victims-survey": 30,
    "rural-crime-survey": 30,
}


def load(**kwargs) -> str:
    out = io.StringIO()
    demo.fill(today=timezone.localdate(), stdout=out, sizes=SIZES, **kwargs)
    return out.getvalue()


@pytest.fixture
def filled(reference_data):
    create_demo_users()
    return load()


def test_the_full_demo_has_a_few_thousand_responses():
    total = sum(d.responses for d in demo.DEMOS)
    assert 2_000 <= total <= 5_000
    assert {d.slug for d in demo.DEMOS} == set(demo.windows(date(2026, 5, 1)))


def test_a_second_load_adds_nothing(filled):
    counts = (Consultation.objects.count(), Response.objects.count(), Answer.objects.count())
    assert counts[1] == sum(SIZES.values())
    again = load()
    assert (Consultation.objects.count(), Response.objects.count(), Answer.objects.count()) == (
        counts
    )
    assert again.strip() == "0 consultations, 0 responses"
    assert filled.strip() == f"5 consultations, {sum(SIZES.values())} responses"


def test_the_dates_tell_the_story_around_today(filled):
    now = timezone.now()
    phases = {c.slug: c.phase(now) for c in Consultation.objects.all()}
    assert all(c.status == "published" for c in Consultation.objects.all())
    assert phases == {
        "precept-2016-17": "closed",
        "20mph-limits": "open",
        "town-and-parish-council-survey": "upcoming",
        "victims-survey": "open",
        "rural-crime-survey": "closed",
    }
    precept = Consultation.objects.get(slug="precept-2016-17")
    assert timezone.localdate(precept.opens_at) == date(2015, 12, 1)
    assert timezone.localdate(precept.closes_at) == date(2016, 1, 18)
    # Closed about five weeks ago: its feedback is due and not yet overdue.
    rural = Consultation.objects.get(slug="rural-crime-survey")
    assert now - timedelta(weeks=6) < rural.closes_at < now - timedelta(weeks=4)
    assert feedback_due(rural) > now


def test_published_by_the_demo_engagement_officer(filled):
    officer = demo_email("Engagement officer")
    for consultation in Consultation.objects.all():
        assert consultation.owner.email == officer
        assert consultation.history.first().history_user.email == officer


def test_every_kind_of_question_and_the_tracked_measure(filled):
    kinds = set(Question.objects.values_list("kind", flat=True))
    assert kinds == set(Question.Kind.values)
    measured = Question.objects.filter(measure_name="Confidence in the police")
    assert {q.consultation.slug for q in measured} == {"precept-2016-17", "20mph-limits"}
    for question in measured:
        assert question.scale.slug == "how-good-a-job"
        assert {p.label for p in question.measure_points.all()} == {"Excellent", "Good"}
    assert Question.objects.filter(show_if_question__isnull=False).exists()
    precept = Consultation.objects.get(slug="precept-2016-17")
    assert precept.questions.filter(
        kind="yes_no", text__contains="pay £3.50 more a year for policing (Band D property)"
    ).exists()


def test_the_victims_survey_is_sensitive_and_asks_for_no_email(filled):
    victims = Consultation.objects.get(slug="victims-survey")
    assert victims.sensitive
    assert not victims.questions.filter(kind__in=Question.PERSONAL).exists()
    assert not victims.responses.exclude(email="").exists()


def test_the_responses_are_spread_and_within_each_window(filled):
    now = timezone.now()
    for consultation in Consultation.objects.all():
        for response in consultation.responses.all():
            assert consultation.opens_at <= response.submitted_at <= consultation.closes_at
            assert response.submitted_at <= now
            assert (response.channel == "online") == (response.keyed_in_by_id is None)
    precept = Response.objects.filter(consultation__slug="precept-2016-17")
    assert precept.filter(respondent_type="business").exists()
    assert precept.filter(respondent_type="resident").count() > precept.count() / 2
    assert precept.values("policing_area").distinct().count() >= 4
    assert precept.filter(channel="online").count() > precept.count() / 2
    assert Response.objects.exclude(channel="online").exists()


def test_some_responses_are_suspect(reference_data):
    create_demo_users()
    out = io.StringIO()
    demo.fill(today=timezone.localdate(), stdout=out, sizes={"precept-2016-17": demo.BATCH + 200})
    precept = Response.objects.filter(consultation__slug="precept-2016-17")
    assert precept.count() == demo.BATCH + 200
    suspect = precept.filter(suspect=True)
    assert 0 < suspect.count() < precept.count() / 20
    assert all(response.suspect_reasons for response in suspect)


def _as_submitted(response: Response, questions: list[Question]) -> dict:
    """The response's stored answers as the form would have sent them."""
    answers: dict[int, object] = {}
    rows = list(response.answers.all())
    for question in questions:
        mine = [row for row in rows if row.question_id == question.pk]
        kind = question.kind
        if kind == Question.Kind.WHERE_YOU_LIVE and response.whereabouts:
            answers[question.pk] = Place(
                whereabouts=response.whereabouts,
                policing_area_id=None if response.local_authority_id else response.policing_area_id,
                local_authority_id=response.local_authority_id,
            )
        elif kind == Question.Kind.RESPONDENT_TYPE and response.respondent_type:
            answers[question.pk] = Respondent(
                type=response.respondent_type, organisation=response.organisation_name
            )
        elif not mine:
            continue
        elif kind == Question.Kind.MULTIPLE_CHOICE:
            answers[question.pk] = [row.option_id for row in mine]
        elif kind == Question.Kind.SINGLE_CHOICE:
            answers[question.pk] = mine[0].option_id
        elif kind == Question.Kind.SCALE:
            answers[question.pk] = mine[0].scale_point_id
        elif kind == Question.Kind.YES_NO:
            answers[question.pk] = mine[0].yes
        elif kind == Question.Kind.NUMBER:
            answers[question.pk] = mine[0].number
        else:
            answers[question.pk] = mine[0].text
    return answers


def test_the_generated_answers_pass_the_checks_the_public_form_makes(filled):
    for consultation in Consultation.objects.exclude(responses=None):
        questions = list(consultation.questions.in_order())
        for response in consultation.responses.prefetch_related("answers"):
            answers = _as_submitted(response, questions)
            kept = check_answers(consultation=consultation, answers=answers, questions=questions)
            # Nothing was stored for a question the person would not have been shown.
            assert set(kept) == set(answers)


def test_the_demo_is_the_same_on_every_laptop(reference_data):
    create_demo_users()
    load()

    def generated(slug):
        return list(
            Response.objects.filter(consultation__slug=slug)
            .order_by("pk")
            .values_list("submitted_at", "respondent_type", "policing_area", "channel")
        )

    first = {slug: generated(slug) for slug in SIZES}
    # Moved aside, the same consultations are made again from scratch.
    for consultation in Consultation.objects.all():
        consultation.slug = f"old-{consultation.slug}"
        consultation.save(update_fields=["slug"])
    load()
    assert {slug: generated(slug) for slug in SIZES} == first


def test_the_precept_consultation_has_its_outcome_published(filled):
    precept = Consultation.objects.get(slug="precept-2016-17")
    outcome = published_outcome(consultation=precept)
    assert outcome is not None
    assert outcome.decision_record.is_public
    assert outcome.decision_record.decided_on == date(2016, 2, 15)
    # Loading the demo writes to nobody.
    assert not OutboundMessage.objects.exists()
    # The one closed five weeks ago still waits for its feedback.
    rural = Consultation.objects.get(slug="rural-crime-survey")
    assert published_outcome(consultation=rural) is None


def test_dates_follow_the_day_it_is_loaded():
    today = date(2030, 6, 15)
    dates = demo.windows(today)
    opens, closes = dates["20mph-limits"]
    assert opens == timezone.make_aware(datetime.combine(date(2030, 6, 5), time(9)))
    assert timezone.localdate(closes) == date(2030, 7, 6)
    assert timezone.localdate(dates["town-and-parish-council-survey"][0]) == date(2030, 6, 29)
