"""The consultation rules as a person meets them, door to door: each type's checks at its edges,
"show only if" both ways, the window on every door, each suspect flag from the public form to the
figures, the flood limit with and without a trusted proxy, the 429 page, one-time tokens behind
the public cache, sensitive consultations, streamed exports, feedback emails, the API's refusals,
the app's parts of the privacy notice and accessibility statement, and hostile text on
PostgreSQL (decisions 20, 21, 22, 24, 35, 37 and 38)."""

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations import abuse, answering
from consultations.answering import EmailAnswer, Place, Respondent, check_answers
from consultations.models import Answer, AnswerScale, Question, Response
from consultations.outcomes import publish_outcome, write_outcome
from consultations.results import Selection, consultation_results
from consultations.tokens import issue_token, read_token
from pcc_portal.models import Decision, OutboundMessage
from pcc_portal.registry import parts_of
from tests.consultations.factories import (
    ConsultationFactory,
    QuestionFactory,
    choice_question,
    confidence_question,
)
from tests.consultations.results_data import known_results, respond
from tests.pcc_portal.factories import LocalAuthorityFactory, PolicingAreaFactory

pytestmark = pytest.mark.django_db
Kind = Question.Kind

API = "/api/v1/consultations/"
# A minute's flood count must not roll over halfway through a test.
FROZEN = datetime(2026, 3, 2, 10, 15, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def own_cache(settings):
    """Cache keys no other test shares: the flood count, the throttle and the public pages."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def patient(settings):
    """No response is too fast: the tests that want one say so."""
    settings.CONSULTATION_MIN_SECONDS = 0


@pytest.fixture
def frozen_minute(monkeypatch):
    monkeypatch.setattr(abuse, "timezone", SimpleNamespace(now=lambda: FROZEN))


# --- helpers ----------------------------------------------------------------------------------


def published(**kwargs):
    return ConsultationFactory(status="published", **kwargs)


def url(consultation) -> str:
    return f"/consultations/{consultation.slug}/"


def token_on(html: str) -> str:
    found = re.search(
        r'name="form_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="form_token"', html
    )
    assert found, "no form token on the page"
    return found.group(1) or found.group(2)


def fresh_token(client, consultation) -> str:
    reply = client.get(url(consultation))
    assert reply.status_code == 200
    return token_on(reply.content.decode())


def send(client, consultation, answers: dict, **headers):
    """Post the public form as a browser would: a token drawn from the page, then the answers."""
    data = {"form_token": fresh_token(client, consultation), "website": "", **answers}
    return client.post(url(consultation), data, **headers)


def title_of(html: str) -> str:
    return html[html.index("<title>") : html.index("</title>")]


def post_json(client, consultation, body, **headers):
    return client.post(
        f"{API}{consultation.slug}/responses/",
        data=body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        **headers,
    )


def api_body(consultation, answers: dict, **extra) -> dict:
    return {"form_token": issue_token(consultation), "answers": answers, "website": "", **extra}


@pytest.fixture
def places():
    north = PolicingAreaFactory(name="North")
    return {
        "north": north,
        "town": LocalAuthorityFactory(name="Town", policing_area=north),
        "vale": LocalAuthorityFactory(name="Vale", policing_area=north),
    }


@pytest.fixture
def every_kind(places):
    """An open consultation asking one optional question of each type, in order."""
    consultation = published(title="Safer roads", slug="safer-roads")
    q = {
        "single": choice_question(consultation, ["Red", "Green"], position=1),
        "multiple": choice_question(
            consultation, ["Bus", "Car", "Bike"], kind=Kind.MULTIPLE_CHOICE, position=2
        ),
        "yes_no": QuestionFactory(consultation=consultation, kind=Kind.YES_NO, position=3),
        "scale": confidence_question(consultation, position=4),
    }
    for position, kind in enumerate(
        [
            Kind.SHORT_TEXT,
            Kind.LONG_TEXT,
            Kind.NUMBER,
            Kind.WHERE_YOU_LIVE,
            Kind.RESPONDENT_TYPE,
            Kind.EMAIL,
        ],
        start=5,
    ):
        q[kind.value] = QuestionFactory(consultation=consultation, kind=kind, position=position)
    return consultation, q


# --- Each type's checks, at their edges -------------------------------------------------------


def test_each_type_takes_what_fits_right_up_to_its_limits(every_kind, places):
    consultation, q = every_kind
    worried = AnswerScale.objects.get(slug="how-good-a-job").points.get(label="Very poor")
    kept = check_answers(
        consultation=consultation,
        answers={
            q["single"].pk: q["single"].options.get(label="Red").pk,
            # Chosen twice by a client: counted once.
            q["multiple"].pk: [q["multiple"].options.get(label="Bike").pk] * 2,
            q["yes_no"].pk: False,
            q["scale"].pk: worried.pk,
            q["short_text"].pk: "x" * answering.SHORT_TEXT_MAX,
            q["long_text"].pk: "y" * answering.LONG_TEXT_MAX,
            q["number"].pk: Decimal("-999999999999.99"),
            q["where_you_live"].pk: Place("prefer_not"),
            q["respondent_type"].pk: Respondent("organisation", "o" * answering.ORGANISATION_MAX),
            q["email"].pk: EmailAnswer(f"{'a' * 64}@{'b' * 60}.example.com", True),
        },
    )
    assert kept[q["multiple"].pk] == [q["multiple"].options.get(label="Bike").pk]
    assert kept[q["yes_no"].pk] is False
    assert kept[q["number"].pk] == Decimal("-999999999999.99")
    assert len(kept[q["long_text"].pk]) == answering.LONG_TEXT_MAX


def test_each_type_refuses_what_is_just_past_its_limits(every_kind, places):
    consultation, q = every_kind
    other_scale = AnswerScale.objects.get(slug="how-worried").points.first()
    red = q["single"].options.get(label="Red").pk
    with pytest.raises(ValidationError) as caught:
        check_answers(
            consultation=consultation,
            answers={
                q["single"].pk: True,  # a boolean is not an option's id, even where True == 1
                q["multiple"].pk: [q["multiple"].options.first().pk, red],
                q["yes_no"].pk: 1,
                q["scale"].pk: other_scale.pk,  # a point of another scale
                q["short_text"].pk: "x" * (answering.SHORT_TEXT_MAX + 1),
                q["long_text"].pk: 42,
                q["number"].pk: Decimal("1000000000000"),
                q["where_you_live"].pk: Place("in_area"),  # in the area, but where?
                q["respondent_type"].pk: Respondent("organisation", "o" * 201),
                q["email"].pk: EmailAnswer(f"{'a' * 250}@example.com", True),
            },
        )
    errors = caught.value.message_dict
    assert errors == {
        f"q{q['single'].pk}": ["Select one of the answers given for question 1"],
        f"q{q['multiple'].pk}": ["Select one of the answers given for question 2"],
        f"q{q['yes_no'].pk}": ["Select one of the answers given for question 3"],
        f"q{q['scale'].pk}": ["Select one of the answers given for question 4"],
        f"q{q['short_text'].pk}": ["Your answer must be 500 characters or fewer"],
        f"q{q['long_text'].pk}": ["Enter your answer to question 6"],
        f"q{q['number'].pk}": [answering.NUMBER_TOO_BIG],
        f"q{q['where_you_live'].pk}": ["Select one of the answers given for question 8"],
        f"q{q['respondent_type'].pk}_organisation": ["Your answer must be 200 characters or fewer"],
        f"q{q['email'].pk}": [answering.BAD_EMAIL],
    }


def test_an_option_of_another_question_is_refused_on_the_public_form(client, office, every_kind):
    consultation, q = every_kind
    stray = q["single"].options.first().pk
    reply = send(
        client,
        consultation,
        {f"q{q['multiple'].pk}": [str(q["multiple"].options.first().pk), str(stray)]},
    )
    assert reply.status_code == 400
    html = reply.content.decode()
    assert "govuk-error-summary" in html
    assert "Select one of the answers given for question 2" in html
    assert not Response.objects.exists()


# --- Show only if, both ways ------------------------------------------------------------------


@pytest.fixture
def travel():
    """Q1 how you travel (several answers); Q2, required, only for those who cycle; Q3, required,
    shown on any answer to Q1."""
    consultation = published(slug="travel")
    how = choice_question(
        consultation, ["Walk", "Bike", "Car"], kind=Kind.MULTIPLE_CHOICE, position=1
    )
    lanes = choice_question(
        consultation, ["Yes", "No"], position=2, required=True, show_if_question=how
    )
    lanes.show_if_options.set(how.options.filter(label="Bike"))
    why = QuestionFactory(
        consultation=consultation, position=3, required=True, show_if_question=how
    )
    return consultation, how, lanes, why


def chosen(question, *labels) -> list[int]:
    return [question.options.get(label=label).pk for label in labels]


def test_a_condition_on_several_answers_is_met_by_any_one_of_them(travel):
    consultation, how, lanes, why = travel
    with pytest.raises(ValidationError) as caught:
        check_answers(consultation=consultation, answers={how.pk: chosen(how, "Walk", "Bike")})
    assert caught.value.message_dict == {
        f"q{lanes.pk}": ["Select an answer to question 2"],
        f"q{why.pk}": ["Enter your answer to question 3"],
    }


def test_an_unmet_condition_asks_nothing_and_keeps_nothing(travel):
    consultation, how, lanes, why = travel
    kept = check_answers(
        consultation=consultation,
        answers={
            how.pk: chosen(how, "Walk", "Car"),
            lanes.pk: lanes.options.first().pk,
            why.pk: "Because",
        },
    )
    assert set(kept) == {how.pk, why.pk}
    # Q1 unanswered: neither follow-up is asked, required or not.
    assert check_answers(consultation=consultation, answers={lanes.pk: "anything"}) == {}


def test_show_only_if_both_ways_on_the_public_form(client, office, travel, patient):
    consultation, how, lanes, why = travel
    cyclist = {f"q{how.pk}": [str(pk) for pk in chosen(how, "Bike")], f"q{why.pk}": "Fitness"}
    reply = send(client, consultation, cyclist)
    assert reply.status_code == 400
    assert "Select an answer to question 2" in reply.content.decode()
    assert not Response.objects.exists()

    walker = {
        f"q{how.pk}": [str(pk) for pk in chosen(how, "Walk")],
        f"q{lanes.pk}": str(lanes.options.get(label="No").pk),
        f"q{why.pk}": "Exercise",
    }
    assert send(client, consultation, walker).status_code == 302
    stored = Response.objects.get()
    assert set(stored.answers.values_list("question", flat=True)) == {how.pk, why.pk}


def test_show_only_if_both_ways_through_the_api(client, travel):
    consultation, how, lanes, why = travel
    reply = post_json(
        client, consultation, api_body(consultation, {str(how.pk): chosen(how, "Bike")})
    )
    assert reply.status_code == 400
    assert set(reply.json()) == {f"answers.{lanes.pk}", f"answers.{why.pk}"}
    sent = {
        str(how.pk): chosen(how, "Car"),
        str(lanes.pk): lanes.options.first().pk,
        str(why.pk): "To work",
    }
    assert post_json(client, consultation, api_body(consultation, sent)).status_code == 201
    assert not Answer.objects.filter(question=lanes).exists()


# --- The window, on every door ----------------------------------------------------------------


def dated(opens: timedelta, closes: timedelta):
    now = timezone.now()
    consultation = published(opens_at=now + opens, closes_at=now + closes)
    question = QuestionFactory(consultation=consultation, kind=Kind.SHORT_TEXT)
    return consultation, question


@pytest.mark.parametrize(
    "opens, closes, message",
    [
        (timedelta(days=2), timedelta(days=9), answering.NOT_OPEN_YET),
        (timedelta(days=-9), timedelta(days=-2), answering.CLOSED),
    ],
    ids=["upcoming", "closed"],
)
def test_the_api_takes_nothing_outside_the_window(client, opens, closes, message):
    consultation, question = dated(opens, closes)
    reply = post_json(client, consultation, api_body(consultation, {str(question.pk): "Hello"}))
    assert reply.status_code == 400
    assert reply.json() == {"non_field_errors": [message]}
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "opens, closes",
    [(timedelta(days=2), timedelta(days=9)), (timedelta(days=-9), timedelta(days=-2))],
    ids=["upcoming", "closed"],
)
def test_the_public_form_takes_nothing_outside_the_window(client, office, opens, closes):
    consultation, question = dated(opens, closes)
    data = {"form_token": issue_token(consultation), f"q{question.pk}": "Hello", "website": ""}
    reply = client.post(url(consultation), data)
    assert reply.status_code == 405
    assert reply["Allow"] == "GET, HEAD"
    assert "not taking answers" in reply.content.decode()
    assert not Response.objects.exists()


def test_the_window_opens_at_the_opening_moment_and_not_before():
    consultation, question = dated(timedelta(days=1), timedelta(days=9))
    with pytest.raises(ValidationError, match="not open yet"):
        answering.submit_response(
            consultation=consultation,
            answers={question.pk: "Early"},
            now=consultation.opens_at - timedelta(microseconds=1),
        )
    response, created = answering.submit_response(
        consultation=consultation, answers={question.pk: "Prompt"}, now=consultation.opens_at
    )
    assert created and response.submitted_at == consultation.opens_at


# --- Suspect: stored, flagged, never refused, counted both ways --------------------------------


@pytest.fixture
def yes_or_no(office):
    consultation = published(title="Street lighting", slug="street-lighting")
    question = choice_question(consultation, ["Yes", "No"], position=1, required=True)
    return consultation, question


def answer_of(question, label) -> dict:
    return {f"q{question.pk}": str(question.options.get(label=label).pk)}


def test_each_suspect_flag_from_the_public_form_is_stored_and_counted_both_ways(
    client, yes_or_no, settings
):
    consultation, question = yes_or_no
    settings.CONSULTATION_MIN_SECONDS = 0
    done = f"{url(consultation)}done/"

    careful = send(client, consultation, answer_of(question, "Yes"), REMOTE_ADDR="203.0.113.1")
    honeypot = send(
        client,
        consultation,
        {**answer_of(question, "No"), "website": "http://spam.example"},
        REMOTE_ADDR="203.0.113.2",
    )
    settings.CONSULTATION_MIN_SECONDS = 3600
    too_fast = send(client, consultation, answer_of(question, "No"), REMOTE_ADDR="203.0.113.3")
    settings.CONSULTATION_MIN_SECONDS = 0
    again = send(client, consultation, answer_of(question, "Yes"), REMOTE_ADDR="203.0.113.1")

    # Never refused, and the person is told nothing different.
    for reply in (careful, honeypot, too_fast, again):
        assert (reply.status_code, reply["Location"]) == (302, done)
    stored = list(Response.objects.order_by("pk").values_list("suspect", "suspect_reasons"))
    assert stored == [
        (False, []),
        (True, [answering.HONEYPOT]),
        (True, [answering.TOO_FAST]),
        (True, [answering.REPEATED]),
    ]

    without = consultation_results(consultation=consultation)
    assert (without.responses, without.suspect_left_out) == (1, 3)
    (result,) = without.questions
    assert [(row.label, row.count, row.percent) for row in result.rows] == [
        ("Yes", 1, 100),
        ("No", 0, 0),
    ]
    counted = consultation_results(
        consultation=consultation, selection=Selection(with_suspect=True)
    )
    assert (counted.responses, counted.suspect, counted.suspect_left_out) == (4, 3, 0)
    (result,) = counted.questions
    assert [(row.label, row.count, row.percent) for row in result.rows] == [
        ("Yes", 2, 50),
        ("No", 2, 50),
    ]


def test_the_results_page_offers_the_figures_with_and_without_suspect_responses(
    client, yes_or_no, signed_in_as, settings
):
    consultation, question = yes_or_no
    settings.CONSULTATION_MIN_SECONDS = 0
    send(client, consultation, answer_of(question, "Yes"), REMOTE_ADDR="203.0.113.1")
    send(client, consultation, answer_of(question, "Yes"), REMOTE_ADDR="203.0.113.1")
    send(
        client,
        consultation,
        {**answer_of(question, "No"), "website": "filled"},
        REMOTE_ADDR="203.0.113.2",
    )
    signed_in_as("Engagement officer")
    results = f"/staff/consultations/{consultation.pk}/results/"
    page = client.get(results).content.decode()
    assert "1 response counted" in page
    assert "2 suspect responses are left out" in page
    page = client.get(results, {"suspect": "include"}).content.decode()
    assert "3 responses counted, including 2 suspect responses" in page


def test_repeats_are_counted_within_one_consultation_only(yes_or_no):
    consultation, question = yes_or_no
    elsewhere = published()
    other_question = choice_question(elsewhere, ["Yes", "No"], position=1)
    earlier = timezone.now() - timedelta(minutes=5)

    def submit(where, asked, label):
        response, _ = answering.submit_response(
            consultation=where,
            answers={asked.pk: asked.options.get(label=label).pk},
            client_key="c" * 64,
            issued_at=earlier,
        )
        return response

    assert not submit(consultation, question, "Yes").suspect
    # The same source, the same day, the same words: but another consultation.
    assert not submit(elsewhere, other_question, "Yes").suspect
    assert submit(consultation, question, "Yes").suspect_reasons == [answering.REPEATED]


def test_a_honeypot_filled_with_anything_is_flagged_never_refused(client, yes_or_no, patient):
    consultation, question = yes_or_no
    for n, junk in enumerate(("x" * 5000, "nul\x00byte")):
        reply = send(
            client,
            consultation,
            {**answer_of(question, "Yes"), "website": junk},
            REMOTE_ADDR=f"203.0.113.{n}",
        )
        assert reply.status_code == 302, reply.content.decode()[:2000]
    assert (
        list(Response.objects.values_list("suspect_reasons", flat=True))
        == [[answering.HONEYPOT]] * 2
    )


def test_the_api_flags_a_honeypot_filled_with_anything_and_never_refuses(client, yes_or_no):
    consultation, question = yes_or_no
    sent = {str(question.pk): question.options.first().pk}
    for junk in ("x" * 5000, "nul\x00byte"):
        reply = post_json(client, consultation, api_body(consultation, sent, website=junk))
        assert reply.status_code == 201, reply.content
    assert Response.objects.filter(suspect=True).count() == 2


# --- The flood limit, with and without a trusted proxy (decisions 20 and 21) -------------------


@pytest.fixture
def flood_of_two(settings, frozen_minute, patient):
    settings.CONSULTATION_FLOOD_PER_MINUTE = 2


def test_without_a_trusted_proxy_the_public_form_ignores_x_forwarded_for(
    client, yes_or_no, flood_of_two, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    consultation, question = yes_or_no
    codes = [
        send(
            client,
            consultation,
            answer_of(question, "Yes"),
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]
    # One source: the forged header does not make the same answers look like two people's.
    assert list(Response.objects.order_by("pk").values_list("suspect", flat=True)) == [
        False,
        True,
    ]
    assert Response.objects.values("client_key").distinct().count() == 1


def test_behind_a_trusted_proxy_the_public_form_counts_each_person_apart(
    client, yes_or_no, flood_of_two, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    consultation, question = yes_or_no
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    def from_(person, forged=""):
        forwarded = f"{forged}, {person}" if forged else person
        return send(
            client,
            consultation,
            answer_of(question, "Yes"),
            HTTP_X_FORWARDED_FOR=forwarded,
            **proxy,
        ).status_code

    assert [from_("198.51.100.1"), from_("198.51.100.2")] == [302, 302]
    assert from_("198.51.100.1") == 302
    # A third from the same person, even behind an address of its own choosing, is a flood.
    assert from_("198.51.100.1", forged="192.0.2.99") == 429
    assert from_("198.51.100.2") == 302
    # Everyone arrived from the proxy's address, yet only the repeat by one person is suspect.
    flags = list(Response.objects.order_by("pk").values_list("suspect", flat=True))
    assert flags == [False, False, True, True]
    assert Response.objects.values("client_key").distinct().count() == 2


def test_the_api_counts_a_flood_the_same_way(client, yes_or_no, flood_of_two, settings):
    consultation, question = yes_or_no
    sent = {str(question.pk): question.options.first().pk}

    def from_(remote, forwarded):
        return post_json(
            client,
            consultation,
            api_body(consultation, sent),
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    settings.TRUSTED_PROXY_COUNT = 0
    codes = [from_("203.0.113.7", f"198.51.100.{n}").status_code for n in range(3)]
    assert codes == [201, 201, 429]

    settings.TRUSTED_PROXY_COUNT = 1
    codes = [from_("10.0.0.1", f"198.51.100.{n}").status_code for n in range(10, 13)]
    assert codes == [201, 201, 201]
    flooded = [from_("10.0.0.1", "198.51.100.20") for _ in range(3)][-1]
    assert flooded.status_code == 429
    assert flooded["Content-Type"].startswith("application/json")
    assert int(flooded["Retry-After"]) == 55


# --- The 429 page keeps what was typed ---------------------------------------------------------


def test_the_429_page_keeps_every_kind_of_answer_and_nothing_else(
    client, office, every_kind, places, settings
):
    consultation, q = every_kind
    token = fresh_token(client, consultation)
    typed = {
        "form_token": token,
        "website": "honeypot-words",
        f"q{q['single'].pk}": str(q["single"].options.get(label="Green").pk),
        f"q{q['multiple'].pk}": [str(o.pk) for o in q["multiple"].options.exclude(label="Car")],
        f"q{q['yes_no'].pk}": "no",
        f"q{q['scale'].pk}": str(q["scale"].scale.points.get(label="Fair").pk),
        f"q{q['short_text'].pk}": "Slower traffic by the school",
        f"q{q['long_text'].pk}": "Line one <b>bold?</b>\nLine two",
        f"q{q['number'].pk}": "1,250",
        f"q{q['where_you_live'].pk}": f"authority:{places['vale'].pk}",
        f"q{q['respondent_type'].pk}": "organisation",
        f"q{q['respondent_type'].pk}_organisation": "Vale Cycling Club",
        f"q{q['email'].pk}": "sam@example.com",
        f"q{q['email'].pk}_feedback": "on",
    }
    settings.CONSULTATION_FLOOD_PER_MINUTE = 0

    reply = client.post(url(consultation), typed)

    assert reply.status_code == 429
    html = reply.content.decode()

    def checked(name, value):
        return re.search(rf'name="{name}"[^>]*value="{value}"[^>]*checked', html) or re.search(
            rf'value="{value}"[^>]*name="{name}"[^>]*checked', html
        )

    for name in ("single", "scale"):
        assert checked(f"q{q[name].pk}", typed[f"q{q[name].pk}"]), name
    for value in typed[f"q{q['multiple'].pk}"]:
        assert checked(f"q{q['multiple'].pk}", value)
    car = q["multiple"].options.get(label="Car").pk
    assert not checked(f"q{q['multiple'].pk}", car)
    assert checked(f"q{q['yes_no'].pk}", "no")
    assert checked(f"q{q['respondent_type'].pk}", "organisation")
    assert 'value="Slower traffic by the school"' in html
    assert "Line one &lt;b&gt;bold?&lt;/b&gt;\nLine two</textarea>" in html
    assert 'value="1,250"' in html or 'value="1250"' in html
    assert re.search(rf'value="authority:{places["vale"].pk}"[^>]*selected', html)
    assert 'value="Vale Cycling Club"' in html
    assert 'value="sam@example.com"' in html
    assert re.search(rf'name="q{q["email"].pk}_feedback"[^>]*checked', html)
    # Not the machine's bait, and no error: nothing was wrong with the answers.
    assert "honeypot-words" not in html
    assert "govuk-error-summary" not in html and "Error:" not in title_of(html)
    # Sent again once the flood has passed, the kept form is stored.
    settings.CONSULTATION_FLOOD_PER_MINUTE = 30
    again = {**typed, "form_token": token_on(html), "website": ""}
    assert client.post(url(consultation), again).status_code == 302
    assert Response.objects.get().organisation_name == "Vale Cycling Club"


def test_the_429_page_names_the_button_to_press_again(client, yes_or_no, settings):
    consultation, question = yes_or_no
    settings.CONSULTATION_FLOOD_PER_MINUTE = 0
    html = send(client, consultation, answer_of(question, "Yes")).content.decode()
    banner = html[html.index("govuk-notification-banner__content") :]
    banner = banner[: banner.index("</div>")]
    button = re.search(r'<(?:button|input)[^>]*(?:value="|>)\s*(Send your response)', html)
    assert button, "the form's button"
    assert button.group(1) in banner


# --- One-time tokens behind the public cache (decision 35) -------------------------------------


def test_two_anonymous_gets_from_the_cache_get_different_tokens(
    client, office, yes_or_no, settings, django_assert_num_queries, patient
):
    settings.PUBLIC_CACHE = True
    consultation, question = yes_or_no
    first = client.get(url(consultation))
    client.cookies.clear()
    with django_assert_num_queries(0):  # served from the cache
        second = client.get(url(consultation))
    client.cookies.clear()
    with django_assert_num_queries(0):
        third = client.get(url(consultation))

    tokens = [token_on(reply.content.decode()) for reply in (first, second, third)]
    assert len(set(tokens)) == 3
    assert len({read_token(token, consultation)[0] for token in tokens}) == 3
    for reply in (first, second, third):
        assert "no-store" in reply["Cache-Control"]
    # Each visitor's token stores that visitor's response.
    for token in tokens[1:]:
        data = {"form_token": token, "website": "", **answer_of(question, "Yes")}
        assert client.post(url(consultation), data).status_code == 302
    assert Response.objects.count() == 2


def test_a_page_from_the_cache_gives_each_visitor_a_csrf_token_that_works(
    office, yes_or_no, settings, django_assert_num_queries, patient
):
    settings.PUBLIC_CACHE = True
    consultation, question = yes_or_no
    Client().get(url(consultation))  # draws the page and keeps it
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = []
    for visitor in visitors:
        with django_assert_num_queries(0):
            pages.append(visitor.get(url(consultation)))
    csrf = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
        for page in pages
    ]
    assert len(set(csrf)) == 2 and all(page.cookies.get("csrftoken") for page in pages)
    assert "<fresh:" not in pages[0].content.decode()
    for visitor, page, token in zip(visitors, pages, csrf, strict=True):
        data = {
            "csrfmiddlewaretoken": token,
            "form_token": token_on(page.content.decode()),
            "website": "",
            **answer_of(question, "Yes"),
        }
        assert visitor.post(url(consultation), data).status_code == 302
    assert Response.objects.count() == 2


def test_a_renamed_policing_area_shows_at_once_on_a_cached_form(office, settings):
    settings.PUBLIC_CACHE = True
    consultation = published(title="Speed watch", slug="speed-watch")
    QuestionFactory(consultation=consultation, position=1, kind=Kind.WHERE_YOU_LIVE)
    area = PolicingAreaFactory(name="Riverside")
    assert "Riverside" in Client().get(url(consultation)).content.decode()
    area.name = "Riverside and Vale"
    area.save()
    assert "Riverside and Vale" in Client().get(url(consultation)).content.decode()


# --- Sensitive consultations (decision 22) ------------------------------------------------------

SUBJECT = "Domestic abuse survivors"


@pytest.fixture
def sensitive(office):
    consultation = published(title=f"{SUBJECT}' survey", slug="survivors", sensitive=True)
    told = QuestionFactory(
        consultation=consultation,
        position=1,
        kind=Kind.LONG_TEXT,
        required=True,
        text="What helped you most?",
    )
    QuestionFactory(consultation=consultation, position=2, kind=Kind.RESPONDENT_TYPE)
    QuestionFactory(consultation=consultation, position=3, kind=Kind.WHERE_YOU_LIVE)
    # An email question added by mistake once it was published is never asked.
    email = QuestionFactory(consultation=consultation, position=4, kind=Kind.EMAIL)
    return consultation, told, email


def assert_neutral_with_exit(html: str):
    assert SUBJECT.lower() not in title_of(html).lower()
    assert "survey" not in title_of(html).lower()
    assert 'data-module="govuk-exit-this-page"' in html and "Exit this page" in html


def test_every_page_of_a_sensitive_consultation_is_neutral_and_has_exit_this_page(
    client, sensitive, settings
):
    consultation, told, _ = sensitive
    html = client.get(url(consultation)).content.decode()
    assert_neutral_with_exit(html)

    mistake = client.post(url(consultation), {"form_token": token_on(html), "website": ""})
    assert mistake.status_code == 400
    assert "Error:" in title_of(mistake.content.decode())
    assert_neutral_with_exit(mistake.content.decode())

    settings.CONSULTATION_FLOOD_PER_MINUTE = 0
    flooded = send(client, consultation, {f"q{told.pk}": "Being believed"})
    assert flooded.status_code == 429
    assert_neutral_with_exit(flooded.content.decode())

    printed = client.get(f"{url(consultation)}print/")
    assert printed.status_code == 200
    assert_neutral_with_exit(printed.content.decode())

    done = client.get(f"{url(consultation)}done/").content.decode()
    assert_neutral_with_exit(done)
    assert SUBJECT.lower() not in done.lower()


def test_a_sensitive_consultations_form_can_be_sent_past_the_csrf_origin_check(sensitive):
    """Under "no-referrer" a browser posts the form with "Origin: null", which Django's CSRF
    check refuses: the page keeps its address from other sites and still posts to its own."""
    consultation, told, _ = sensitive
    browser = Client(enforce_csrf_checks=True)
    html = browser.get(url(consultation)).content.decode()
    assert '<meta name="referrer" content="same-origin">' in html
    assert "no-referrer" not in html
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = {"csrfmiddlewaretoken": csrf, "form_token": token_on(html), "website": ""}
    data[f"q{told.pk}"] = "Being believed"
    sent = browser.post(url(consultation), data, HTTP_ORIGIN="http://testserver")
    assert sent.status_code == 302
    refused = Client(enforce_csrf_checks=True)
    refused.get(url(consultation))
    assert refused.post(url(consultation), data, HTTP_ORIGIN="null").status_code == 403


def test_a_sensitive_consultation_asks_for_no_name_or_contact_details(client, sensitive):
    consultation, _, email = sensitive
    html = client.get(url(consultation)).content.decode()
    form = html[html.index("<form") : html.index("</form>")]
    assert f'name="q{email.pk}"' not in form
    for kind in ("email", "tel", "name", "given-name", "family-name", "street-address"):
        assert f'autocomplete="{kind}"' not in form, kind
    assert 'type="email"' not in form and 'type="tel"' not in form
    assert "email" not in form.lower() and "phone" not in form.lower()
    assert "Tell me the outcome" not in form


def test_answering_a_sensitive_consultation_sends_no_email(
    client, sensitive, patient, mailoutbox, celery_eager, django_capture_on_commit_callbacks
):
    consultation, told, email = sensitive
    with django_capture_on_commit_callbacks(execute=True):
        reply = send(
            client,
            consultation,
            {
                f"q{told.pk}": "Being believed",
                f"q{email.pk}": "survivor@example.com",
                f"q{email.pk}_feedback": "on",
            },
        )
    assert reply.status_code == 302
    stored = Response.objects.get()
    assert (stored.email, stored.wants_feedback) == ("", False)
    assert mailoutbox == [] and not OutboundMessage.objects.exists()


# --- Exports are streamed ----------------------------------------------------------------------


def test_the_csv_is_read_from_the_database_only_as_it_is_sent(signed_in_as, client):
    known = known_results()
    signed_in_as("Engagement officer")
    with CaptureQueriesContext(connection) as answering_the_request:
        reply = client.get(f"/staff/consultations/{known.consultation.pk}/responses.csv")
    assert isinstance(reply, StreamingHttpResponse)
    asked = " ".join(query["sql"] for query in answering_the_request)
    assert "consultations_answer" not in asked

    with CaptureQueriesContext(connection) as sending:
        body = b"".join(reply.streaming_content).decode("utf-8-sig")
    assert any("consultations_answer" in query["sql"] for query in sending)
    assert len(body.strip().splitlines()) == 1 + 5


def test_the_xlsx_is_sent_from_a_file_not_built_in_memory(signed_in_as, client):
    known = known_results()
    signed_in_as("Engagement officer")
    reply = client.get(f"/staff/consultations/{known.consultation.pk}/responses.xlsx")
    assert isinstance(reply, FileResponse) and reply.streaming
    assert b"".join(reply.streaming_content)[:2] == b"PK"


# --- Feedback emails ---------------------------------------------------------------------------


def test_an_unusable_address_keyed_in_from_paper_does_not_stop_the_others(
    make_user, mailoutbox, celery_eager, django_capture_on_commit_callbacks
):
    officer = make_user("Engagement officer")
    now = timezone.now()
    consultation = published(opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=9))
    Response.objects.create(consultation=consultation, email="not an address", wants_feedback=True)
    Response.objects.create(consultation=consultation, email="ann@example.org", wants_feedback=True)
    outcome = write_outcome(
        consultation=consultation,
        said="Lower speeds.",
        decision="20mph outside schools.",
        shaped_by="Schools first.",
        by=officer,
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish_outcome(outcome=outcome, by=officer)
    outcome.refresh_from_db()
    assert outcome.is_published
    assert [message.to for message in mailoutbox] == [["ann@example.org"]]


# --- The API's refusals (decision 38) ----------------------------------------------------------


@pytest.fixture
def api_survey(every_kind):
    consultation, q = every_kind
    return consultation, {name: str(question.pk) for name, question in q.items()}, q


def hostile_bodies(consultation, ids, q) -> dict:
    token = issue_token(consultation)

    def answers(**by_name):
        return json.dumps(
            {"form_token": token, "website": "", "answers": {ids[k]: v for k, v in by_name.items()}}
        )

    return {
        "int too long to parse": (
            f'{{"form_token": "{token}", "answers": {{"{ids["number"]}": {"9" * 5000}}}}}'
        ),
        "byte order mark": "\ufeff" + answers(short_text="Hi"),
        "not utf-8": b'{"form_token": "\xff\xfe", "answers": {}}',
        "answers null": json.dumps({"form_token": token, "answers": None}),
        "website an object": json.dumps({"form_token": token, "answers": {}, "website": {}}),
        "token a number": json.dumps({"form_token": 12, "answers": {}}),
        "place for a choice": answers(single={"where": "outside"}),
        "float as an option": answers(single=float(q["single"].options.first().pk)),
        "nested lists": answers(multiple=[[q["multiple"].options.first().pk]]),
        "booleans as options": answers(multiple=[True]),
        "area zero": answers(where_you_live={"where": "area:0"}),
        "authority past 64 bits": answers(where_you_live={"where": "authority:" + "9" * 30}),
        "unknown where": answers(where_you_live={"where": "moon"}),
        "unknown respondent": answers(respondent_type={"type": "robot"}),
        "organisation too long": answers(
            respondent_type={"type": "organisation", "organisation": "o" * 100_000}
        ),
        "feedback as a word": answers(email={"email": "a@example.com", "wants_feedback": "yes"}),
        "number as text": answers(number="12"),
        "number too big": answers(number=10**30),
        "too many places": answers(number=-0.001),
        "text as a list": answers(long_text=["a"]),
        "text of a megabyte": answers(long_text="x" * 1_000_000),
        "scale by label": answers(scale="Good"),
        "yes as a word": answers(yes_no="yes"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "int too long to parse",
        "byte order mark",
        "not utf-8",
        "answers null",
        "website an object",
        "token a number",
        "place for a choice",
        "float as an option",
        "nested lists",
        "booleans as options",
        "area zero",
        "authority past 64 bits",
        "unknown where",
        "unknown respondent",
        "organisation too long",
        "feedback as a word",
        "number as text",
        "number too big",
        "too many places",
        "text as a list",
        "text of a megabyte",
        "scale by label",
        "yes as a word",
    ],
)
def test_a_hostile_body_is_a_400_in_json_and_stores_nothing(client, api_survey, name):
    consultation, ids, q = api_survey
    reply = post_json(client, consultation, hostile_bodies(consultation, ids, q)[name])
    assert reply.status_code == 400, reply.content[:500]
    assert reply["Content-Type"].startswith("application/json")
    errors = reply.json()
    assert errors and all(isinstance(messages, list | str) for messages in errors.values()), errors
    assert not Response.objects.exists()


def test_an_oversized_body_is_a_413_in_json(client, api_survey, settings):
    consultation, ids, _ = api_survey
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    reply = post_json(
        client, consultation, api_body(consultation, {ids["long_text"]: "x" * 20_000})
    )
    assert reply.status_code == 413
    assert reply["Content-Type"].startswith("application/json")
    assert reply.json()["detail"]
    assert not Response.objects.exists()


# --- The app's parts of the privacy notice and accessibility statement (decision 32) ----------


@pytest.mark.parametrize(
    "slug, says",
    [
        ("privacy", "Responses to consultations"),
        ("accessibility", "Exit this page"),
    ],
)
def test_the_app_adds_its_part_to_the_privacy_notice_and_accessibility_statement(
    client, reference_data, slug, says
):
    (part,) = [p for p in parts_of(slug) if p.app_label == "consultations"]
    assert says in part.body
    html = client.get(f"/{slug}/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert part.title in main and says in main
    assert "{{" not in main and "{%" not in main


def test_the_privacy_part_names_the_office_holder_from_the_office_profile(client, reference_data):
    from pcc_portal.models import OfficeProfile

    holder = OfficeProfile.objects.get_current().holder_title
    html = client.get("/privacy/").content.decode()
    section = html[html.index("Responses to consultations") :]
    assert f"{holder}’s public task" in section or f"{holder}'s public task" in section


# --- Hostile text on PostgreSQL (decision 24) --------------------------------------------------

NUL = "\x00"
MEGABYTE = "x" * 1_000_000
RTL_AND_EMOJI = "\u202eمرحبا שלום\u202c — more patrols 👮🏽‍♀️🚓 ❤️"


def nul_in(name, q, places) -> dict:
    """One field of the public form carrying a NUL byte; every other field answered well."""
    fields = {
        "short_text": {f"q{q['short_text'].pk}": f"Slow{NUL}er"},
        "long_text": {f"q{q['long_text'].pk}": f"Line{NUL}"},
        "number": {f"q{q['number'].pk}": f"12{NUL}"},
        "where": {f"q{q['where_you_live'].pk}": f"authority:{places['vale'].pk}{NUL}"},
        "organisation": {
            f"q{q['respondent_type'].pk}": "organisation",
            f"q{q['respondent_type'].pk}_organisation": f"Club{NUL}",
        },
        "email": {f"q{q['email'].pk}": f"sam{NUL}@example.com"},
        "choice": {f"q{q['single'].pk}": f"{q['single'].options.first().pk}{NUL}"},
        "about you": {"equality_sex": f"female{NUL}"},
    }
    return fields[name]


@pytest.mark.postgres
@pytest.mark.parametrize(
    "name",
    [
        "short_text",
        "long_text",
        "number",
        "where",
        "organisation",
        "email",
        "choice",
        "about you",
    ],
)
def test_a_nul_byte_in_any_field_of_the_public_form_is_a_clear_error(
    client, office, every_kind, places, name
):
    consultation, q = every_kind
    reply = send(client, consultation, nul_in(name, q, places))
    html = reply.content.decode()
    assert reply.status_code == 400, name
    assert "govuk-error-summary" in html and "Error:" in title_of(html)
    assert not Response.objects.exists()


@pytest.mark.postgres
def test_a_nul_byte_in_a_text_answer_says_what_to_remove(client, office, every_kind, places):
    consultation, q = every_kind
    html = send(client, consultation, nul_in("long_text", q, places)).content.decode()
    assert answering.NUL_CHARACTER in html


@pytest.mark.postgres
@pytest.mark.parametrize(
    "answer",
    [
        {"long_text": f"Hello{NUL}"},
        {"short_text": f"{NUL}"},
        {"respondent_type": {"type": "organisation", "organisation": f"Club{NUL}"}},
        {"respondent_type": {"type": f"resident{NUL}"}},
        {"where_you_live": {"where": f"outside{NUL}"}},
        {"email": {"email": f"sam@example.com{NUL}", "wants_feedback": True}},
    ],
    ids=["long text", "short text", "organisation", "respondent type", "where", "email"],
)
def test_a_nul_byte_anywhere_in_an_api_answer_is_a_field_error(client, api_survey, answer):
    consultation, ids, _ = api_survey
    ((name, value),) = answer.items()
    reply = post_json(client, consultation, api_body(consultation, {ids[name]: value}))
    assert reply.status_code == 400
    assert set(reply.json()) <= {f"answers.{ids[name]}", f"answers.{ids[name]}.organisation"}
    assert not Response.objects.exists()


@pytest.mark.postgres
def test_a_nul_byte_in_the_apis_token_is_a_field_error(client, api_survey):
    consultation, _, _ = api_survey
    reply = post_json(client, consultation, {"form_token": f"abc{NUL}", "answers": {}})
    assert reply.status_code == 400 and "form_token" in reply.json()


@pytest.mark.postgres
def test_a_megabyte_of_text_is_refused_with_the_limit_on_every_door(
    client, office, every_kind, api_survey
):
    consultation, q = every_kind
    reply = send(client, consultation, {f"q{q['long_text'].pk}": MEGABYTE})
    assert reply.status_code == 400
    assert "Your answer must be 5,000 characters or fewer" in reply.content.decode()
    _, ids, _ = api_survey
    reply = post_json(client, consultation, api_body(consultation, {ids["short_text"]: MEGABYTE}))
    assert reply.json() == {
        f"answers.{ids['short_text']}": ["Your answer must be 500 characters or fewer"]
    }
    assert not Response.objects.exists()


@pytest.mark.postgres
def test_right_to_left_text_and_emoji_go_in_and_come_out_as_typed(
    client, office, every_kind, api_survey, patient, signed_in_as
):
    consultation, q = every_kind
    at_the_limit = "🚓" * answering.SHORT_TEXT_MAX
    reply = send(
        client,
        consultation,
        {
            f"q{q['long_text'].pk}": RTL_AND_EMOJI,
            f"q{q['short_text'].pk}": at_the_limit,
            f"q{q['respondent_type'].pk}": "organisation",
            f"q{q['respondent_type'].pk}_organisation": "نادي الدراجات 🚲",
        },
    )
    assert reply.status_code == 302
    _, ids, _ = api_survey
    reply = post_json(client, consultation, api_body(consultation, {ids["long_text"]: "שלום 👋"}))
    assert reply.status_code == 201

    web = Response.objects.get(channel="online", organisation_name__startswith="نادي")
    assert web.organisation_name == "نادي الدراجات 🚲"
    assert web.answers.get(question=q["long_text"]).text == RTL_AND_EMOJI
    assert web.answers.get(question=q["short_text"]).text == at_the_limit

    signed_in_as("Engagement officer")
    found = client.get(
        f"/staff/consultations/{consultation.pk}/results/questions/{q['long_text'].pk}/answers/",
        {"search": "שלום", "suspect": "include"},
    )
    assert found.status_code == 200
    assert "2 answers containing" in found.content.decode()
    exported = client.get(f"/staff/consultations/{consultation.pk}/responses.csv")
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert RTL_AND_EMOJI in text and "שלום 👋" in text and at_the_limit in text


@pytest.mark.postgres
def test_a_nul_byte_in_what_staff_search_for_is_not_a_500(client, office, signed_in_as):
    known = known_results()
    signed_in_as("Engagement officer")
    answers = (
        f"/staff/consultations/{known.consultation.pk}/results/questions/"
        f"{known.comments.pk}/answers/"
    )
    assert client.get(answers, {"search": f"school{NUL}"}).status_code == 400
    results = f"/staff/consultations/{known.consultation.pk}/results/"
    assert client.get(results, {"policing_area": f"1{NUL}"}).status_code == 400
    found = client.post("/staff/consultations/people/", {"email": f"resident{NUL}@example.com"})
    assert found.status_code == 400


@pytest.mark.postgres
def test_a_nul_byte_in_a_search_of_the_decisions_register_is_not_a_500(client, office):
    Decision.objects.create(
        reference="DN 2015/042",
        title="Speed cameras outside schools",
        decided_on=timezone.localdate(),
        decided_by="Alex Holder",
        summary="Cameras outside four schools.",
        is_public=True,
    )
    reply = client.get("/decisions/", {"q": f"cameras{NUL}"})
    assert reply.status_code == 200
    assert "Speed cameras outside schools" in reply.content.decode()


@pytest.mark.postgres
def test_the_csv_export_streams_on_postgresql(client, signed_in_as, monkeypatch):
    """Two server-side cursors read side by side, a chunk at a time."""
    monkeypatch.setattr("consultations.exports.CHUNK", 2)
    known = known_results()
    for n in range(7):
        respond(known.consultation, {known.patrols: "Often", known.comments: f"Note {n}"})
    signed_in_as("Engagement officer")
    reply = client.get(f"/staff/consultations/{known.consultation.pk}/responses.csv")
    rows = b"".join(reply.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 1 + 5 + 7
    assert all(f"Note {n}" in "".join(rows) for n in range(7))
