"""The demo consultations: dated around today (decision 23), every kind of question, the
sensitive survey asking for no email, generated responses that are valid and reproducible,
answers about the people in tables that show some counts and hide others, themes on free text,
the document the precept consultation asked about, and a second load adding nothing."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from consultations import demo
from consultations.answering import Place, Respondent, check_answers
from consultations.equality import CHARACTERISTICS, characteristic_table
from consultations.models import (
    Answer,
    Consultation,
    ConsultationDocument,
    EqualityAnswers,
    Question,
    Response,
    Theme,
)
from consultations.outcomes import published_outcome
from consultations.plan import feedback_due
from consultations.reminders import consultation_reminders
from pcc_portal.demo import create_demo_users, demo_email
from pcc_portal.models import OutboundMessage
from pcc_portal.uploads import validate_document

pytestmark = pytest.mark.django_db

# Small numbers keep the test quick; the full demo's numbers are checked without loading them.
SIZES = {
    "precept-2016-17": 60,
    "20mph-limits": 40,
    "victims-survey": 30,
    "rural-crime-survey": 30,
    "community-remedy": 20,
    "front-counters": 20,
}
CONSULTATIONS = 7


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
    def counts():
        made = (Consultation, Response, Answer, EqualityAnswers, Theme, ConsultationDocument)
        return [model.objects.count() for model in made]

    first = counts()
    assert first[1] == sum(SIZES.values())
    again = load()
    assert counts() == first
    assert again.strip() == "0 consultations, 0 responses"
    assert filled.strip() == f"{CONSULTATIONS} consultations, {sum(SIZES.values())} responses"


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
        "community-remedy": "closed",
        "front-counters": "closed",
    }
    precept = Consultation.objects.get(slug="precept-2016-17")
    assert timezone.localdate(precept.opens_at) == date(2015, 12, 1)
    assert timezone.localdate(precept.closes_at) == date(2016, 1, 18)
    # Closed about five weeks ago: its feedback is due and not yet overdue.
    rural = Consultation.objects.get(slug="rural-crime-survey")
    assert now - timedelta(weeks=6) < rural.closes_at < now - timedelta(weeks=4)
    assert feedback_due(rural) > now
    # Closed more than twelve weeks ago with nothing published: the one flagged overdue.
    overdue = Consultation.objects.feedback_overdue(now)
    assert [c.slug for c in overdue] == ["front-counters"]
    assert feedback_due(overdue.get()) < now


def test_the_overdue_feedback_is_offered_as_a_reminder(filled):
    today = timezone.localdate()
    due = [
        reminder
        for reminder in consultation_reminders(start=today, end=today)
        if reminder.key.startswith("consultations.feedback_due:")
    ]
    counters = Consultation.objects.get(slug="front-counters")
    assert [r.key.split(":")[1] for r in due] == [str(counters.pk)]
    assert counters.owner in due[0].recipients


def test_published_by_the_demo_engagement_officer(filled):
    officer = demo_email("Engagement officer")
    for consultation in Consultation.objects.all():
        assert consultation.owner.email == officer
        assert consultation.history.first().history_user.email == officer


def test_every_kind_of_question_and_the_tracked_measure(filled):
    kinds = set(Question.objects.values_list("kind", flat=True))
    assert kinds == set(Question.Kind.values)
    measured = Question.objects.filter(measure_name="Confidence in the police")
    assert {q.consultation.slug for q in measured} == {
        "precept-2016-17",
        "20mph-limits",
        "front-counters",
    }
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

    def about_them(slug):
        return list(
            EqualityAnswers.objects.filter(response__consultation__slug=slug)
            .order_by("response__submitted_at", "response__client_key")
            .values_list("response__submitted_at", "age_band", "ethnicity", "religion")
        )

    first = {slug: (generated(slug), about_them(slug)) for slug in SIZES}
    # Moved aside, the same consultations are made again from scratch.
    for consultation in Consultation.objects.all():
        consultation.slug = f"old-{consultation.slug}"
        consultation.save(update_fields=["slug"])
    load()
    assert {slug: (generated(slug), about_them(slug)) for slug in SIZES} == first


def test_the_precept_consultation_has_its_outcome_published(filled):
    precept = Consultation.objects.get(slug="precept-2016-17")
    outcome = published_outcome(consultation=precept)
    assert outcome is not None
    assert outcome.decision_record.is_public
    assert outcome.decision_record.decided_on == date(2016, 2, 15)
    # Loading the demo writes to nobody.
    assert not OutboundMessage.objects.exists()
    # The one closed five weeks ago still waits for its feedback, and so, overdue, does one
    # closed sixteen weeks ago.
    for waiting in ("rural-crime-survey", "front-counters"):
        consultation = Consultation.objects.get(slug=waiting)
        assert published_outcome(consultation=consultation) is None


def test_a_recent_consultation_has_its_outcome_published(filled):
    remedy = Consultation.objects.get(slug="community-remedy")
    outcome = published_outcome(consultation=remedy)
    assert outcome is not None
    decided = outcome.decision_record.decided_on
    # Decided after it closed, and dated around today like the consultation.
    assert timezone.localdate(remedy.closes_at) < decided < timezone.localdate()
    assert outcome.decision_record.reference == f"DN {decided.year}/031"


def test_the_precept_consultation_has_the_document_it_asked_about(filled):
    precept = Consultation.objects.get(slug="precept-2016-17")
    document = ConsultationDocument.objects.get()
    assert document.consultation == precept
    assert document.title == "Precept proposal 2016/17"
    assert document.file.name.endswith(".pdf")
    with default_storage.open(document.file.name) as stored:
        content = stored.read()
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    # The stored file passes the same checks as an upload.
    validate_document(ContentFile(content, name="proposal.pdf"))


def test_some_free_text_answers_are_tagged_with_themes(filled):
    tagged = Answer.objects.filter(themes__isnull=False).distinct()
    assert tagged.exists()
    # Some, not all: staff are part-way through reading them.
    themed_texts = Answer.objects.filter(text__in=list(demo.THEMES))
    assert tagged.count() < themed_texts.count()
    for answer in tagged.prefetch_related("themes").select_related("response"):
        names = {theme.name for theme in answer.themes.all()}
        assert names == set(demo.THEMES[answer.text])
        assert {t.consultation_id for t in answer.themes.all()} == {answer.response.consultation_id}


def test_the_victims_survey_asks_about_the_people_and_the_council_survey_does_not(filled):
    victims = Consultation.objects.get(slug="victims-survey")
    # Decision 22 leaves out names and contact details, not the optional monitoring.
    assert victims.asks_equality
    assert EqualityAnswers.objects.filter(response__consultation=victims).exists()
    councils = Consultation.objects.get(slug="town-and-parish-council-survey")
    assert not councils.asks_equality


@pytest.fixture
def big_precept(reference_data):
    """Enough precept responses for the equality tables to have groups of ten and more."""
    create_demo_users()
    out = io.StringIO()
    demo.fill(today=timezone.localdate(), stdout=out, sizes={"precept-2016-17": 1200})
    return Consultation.objects.get(slug="precept-2016-17")


def test_a_realistic_share_answer_about_themselves_often_preferring_not_to_say(big_precept):
    residents = big_precept.responses.filter(respondent_type="resident")
    answered = EqualityAnswers.objects.filter(response__consultation=big_precept)
    assert 0.3 < answered.count() / residents.count() < 0.6
    # Only people answering for themselves are asked about themselves.
    assert not answered.exclude(response__respondent_type="resident").exists()
    for characteristic in CHARACTERISTICS:
        if characteristic.choices is None:
            assert answered.filter(groups__isnull=False).exists()
            continue
        values = list(answered.values_list(characteristic.field, flat=True))
        assert set(values) <= {"", *characteristic.choices.values}
        prefer_not = values.count("prefer_not")
        assert 0.05 < prefer_not / len(values) < 0.5, characteristic.field
    # Some say "Prefer not to say" to everything, most mix it with answers.
    everything = answered.filter(**dict.fromkeys(demo.ABOUT_YOU, "prefer_not"))
    assert 0 < everything.count() < answered.count() / 4


def test_the_equality_tables_show_some_groups_by_area_and_hide_small_ones(big_precept):
    table = characteristic_table(big_precept, "age_band")
    inner = [
        (row, column)
        for row in range(len(table.rows) - 1)
        for column in range(len(table.columns) - 1)
    ]
    shown = [cell for cell in inner if table.shown(*cell) is not None and table.shown(*cell) >= 10]
    hidden = [cell for cell in inner if table.shown(*cell) is None]
    assert len(shown) >= 5
    assert len(hidden) >= 5
    # More than one policing area has a group big enough to show.
    assert len({column for _, column in shown}) >= 2


def test_dates_follow_the_day_it_is_loaded():
    today = date(2030, 6, 15)
    dates = demo.windows(today)
    opens, closes = dates["20mph-limits"]
    assert opens == timezone.make_aware(datetime.combine(date(2030, 6, 5), time(9)))
    assert timezone.localdate(closes) == date(2030, 7, 6)
    assert timezone.localdate(dates["town-and-parish-council-survey"][0]) == date(2030, 6, 29)
    assert timezone.localdate(dates["community-remedy"][1]) == date(2030, 4, 6)
    assert timezone.localdate(dates["front-counters"][1]) == date(2030, 2, 23)
