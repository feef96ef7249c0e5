"""Consultations in `make bench`: seeding at volume, the pages it measures, and the checks it
makes, here at a small volume against Django's live server instead of gunicorn."""

import io
import random
import re
from importlib import import_module
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from consultations import bench, demo
from consultations.answering import TOO_FAST
from consultations.models import Answer, AnswerScale, Consultation, Question, Response
from pcc_portal.demo import create_demo_users
from pcc_portal.registry import bench_scenarios

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"
LIVE = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def consultations(reference_data):
    """The demo consultations, without their generated responses."""
    create_demo_users()
    demo.fill(today=timezone.localdate(), stdout=io.StringIO(), sizes={})


def test_the_scenario_is_plugged_in_with_its_pages_seeding_and_measures():
    scenario = bench_scenarios.get("consultations")
    assert scenario is bench.SCENARIO
    assert scenario.public_pages and scenario.prepare
    assert scenario.measures == (
        bench.measure_results_page,
        bench.measure_csv_export,
        bench.measure_response_posts,
    )


def test_it_measures_the_open_consultation_with_most_questions(consultations):
    chosen = bench.bench_consultation()
    now = timezone.now()
    assert chosen.accepts_responses(now) and not chosen.sensitive
    others = Consultation.objects.open(now).filter(sensitive=False).exclude(pk=chosen.pk)
    assert all(other.questions.count() <= chosen.questions.count() for other in others)


def test_seeding_adds_exactly_the_responses_asked_for_each_with_its_answers(consultations):
    consultation = bench.bench_consultation()
    made = bench.seed_responses(consultation=consultation, count=37, batch=10)
    assert made == 37
    responses = Response.objects.filter(consultation=consultation)
    assert responses.count() == 37
    assert not responses.filter(answers=None).exists()
    now = timezone.now()
    assert not responses.exclude(submitted_at__range=(consultation.opens_at, now)).exists()
    # Every required question that is always shown is answered, on the response or as a row.
    on_the_response = {Question.Kind.WHERE_YOU_LIVE, Question.Kind.RESPONDENT_TYPE}
    required = consultation.questions.filter(required=True, show_if_question=None).exclude(
        kind__in=on_the_response
    )
    for question in required:
        answered = Answer.objects.filter(question=question).values("response").distinct()
        assert answered.count() == 37, question.text
    # Keyed-in responses name who keyed them in; online ones carry a source.
    assert not responses.exclude(channel=Response.Channel.ONLINE).filter(keyed_in_by=None).exists()
    assert not responses.filter(channel=Response.Channel.ONLINE, client_key="").exists()


def test_preparing_tops_the_consultation_up_to_the_volume_and_no_further(consultations):
    consultation = bench.bench_consultation()
    bench.seed_responses(consultation=consultation, count=5)
    bench.prepare(volume=30)
    assert consultation.responses.count() == 30
    answers = Answer.objects.count()
    bench.prepare(volume=30)
    assert (consultation.responses.count(), Answer.objects.count()) == (30, answers)


def test_the_public_pages_are_the_plan_and_an_open_consultation(consultations, client):
    def get(path):
        page = client.get(path)
        return page.status_code, dict(page.headers), page.content.decode()

    pages = bench.public_pages(get)
    assert [name for name, _ in pages] == ["Consultations", "An open consultation"]
    slug = pages[1][1].strip("/").split("/")[-1]
    assert Consultation.objects.get(slug=slug).accepts_responses()
    assert client.get(pages[1][1]).status_code == 200


def test_with_nothing_open_there_is_no_page_to_measure(client):
    def get(path):
        page = client.get(path)
        return page.status_code, dict(page.headers), page.content.decode()

    with pytest.raises(SystemExit, match="no open consultation"):
        bench.public_pages(get)


def test_each_generated_post_is_a_response_the_form_accepts(consultations, client):
    consultation = bench.bench_consultation()
    make = bench.answer_maker(consultation)
    chance = random.Random(1)  # noqa: S311
    path = f"/consultations/{consultation.slug}/"
    for _ in range(5):
        page = client.get(path).content.decode()
        token = re.search(bench.HIDDEN.format(name="form_token"), page).group(1)
        fields = [("form_token", token), ("website", ""), *make(chance)]
        sent = client.post(path, urlencode(fields), content_type=FORM)
        assert sent.status_code == 302, sent.content.decode()[:2000]
    assert consultation.responses.count() == 5


def test_the_percentile_is_read_from_the_sorted_times():
    times = [0.5, 0.1, 0.3, 0.2, 0.4] * 20
    assert bench.percentile(times, 0.95) == 0.5
    assert bench.percentile(times, 0.5) == 0.3
    assert bench.percentile([], 0.95) == 0.0


# --- Against a live server -------------------------------------------------------------------


@pytest.fixture
def live(live_server, reference_data):
    # The 2008 scales come with a data migration, which an earlier test on a live server may
    # have flushed away: put them back as the migration does.
    if not AnswerScale.objects.exists():
        from django.apps import apps

        import_module("consultations.migrations.0002_answer_scales_of_2008").add_scales(apps, None)
    create_demo_users()
    demo.fill(today=timezone.localdate(), stdout=io.StringIO(), sizes={})
    return live_server.url


@LIVE
def test_every_post_accepted_is_one_response_stored(live, settings):
    settings.CONSULTATION_FLOOD_PER_MINUTE = 10_000
    consultation = bench.bench_consultation()
    before = consultation.responses.count()
    _, stored = bench.measure_response_posts(base_url=live, connections=1, duration=1)
    assert stored.passed, stored.figure
    # Sent straight after the form was drawn: stored, and flagged for it.
    assert f"{TOO_FAST} " in stored.note
    added = consultation.responses.count() - before
    assert added > 0
    assert stored.figure.startswith(f"{added:,} stored, {added:,} accepted (302) of {added:,}")


@LIVE
def test_refused_posts_fail_the_check_though_nothing_is_stored_for_them(live, settings):
    settings.CONSULTATION_FLOOD_PER_MINUTE = 2
    _, stored = bench.measure_response_posts(base_url=live, connections=1, duration=1)
    assert not stored.passed
    assert "other answers: 429" in stored.figure
    kept, accepted, sent = map(int, re.findall(r"\d+", stored.figure)[:3])
    assert kept == accepted < sent


@LIVE
def test_the_results_page_and_the_export_are_measured_as_a_signed_in_officer(live):
    consultation = bench.bench_consultation()
    bench.seed_responses(consultation=consultation, count=20)
    [results] = bench.measure_results_page(base_url=live)
    assert results.name == "Results page, 20 responses" and results.passed
    memory, served = bench.measure_csv_export(base_url=live)
    assert memory.name == "CSV export, 20 responses: peak memory"
    assert served.passed, served.figure
