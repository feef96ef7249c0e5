"""The public consultation pages: the plan, one consultation and its form, the confirmation, the
sensitive mode and the cache (decisions 20, 22 and 35)."""

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from consultations import views as consultation_views
from consultations.models import Question, Response
from tests.consultations.factories import ConsultationFactory, OptionFactory, QuestionFactory

pytestmark = pytest.mark.django_db

LIST = "/consultations/"


@pytest.fixture(autouse=True)
def own_cache(settings):
    """Cache keys no other test shares: the flood count lives in the cache too."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def cache_on(settings):
    """The public cache on (the suite runs with it off)."""
    settings.PUBLIC_CACHE = True


def published(**kwargs):
    return ConsultationFactory(status="published", **kwargs)


def with_questions(consultation):
    """A required short answer and a single choice with two options."""
    text = QuestionFactory(
        consultation=consultation,
        position=1,
        kind=Question.Kind.SHORT_TEXT,
        text="What should we do about speeding?",
        required=True,
    )
    choice = QuestionFactory(
        consultation=consultation,
        position=2,
        kind=Question.Kind.SINGLE_CHOICE,
        text="Do you feel safe where you live?",
    )
    yes = OptionFactory(question=choice, position=1, label="Mostly safe")
    OptionFactory(question=choice, position=2, label="Mostly unsafe")
    return consultation, text, choice, yes


@pytest.fixture
def open_one(office):
    return with_questions(
        published(title="Speed limits near schools", slug="speed-limits", summary="About 20mph.")
    )


def url(consultation) -> str:
    return f"/consultations/{consultation.slug}/"


def page(client, path, status=200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def form_token(html: str) -> str:
    found = re.search(
        r'name="form_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="form_token"', html
    )
    assert found, "no form token on the page"
    return found.group(1) or found.group(2)


def answers(html, text_question, choice_question, option, **extra) -> dict:
    return {
        "form_token": form_token(html),
        f"q{text_question.pk}": "Cameras outside every school",
        f"q{choice_question.pk}": str(option.pk),
        "website": "",
        **extra,
    }


# --- The plan ---------------------------------------------------------------------------------


def test_the_plan_lists_open_upcoming_and_closed_consultations(client, office):
    now = timezone.now()
    published(title="Rural crime survey", opens_at=now - timedelta(days=3))
    published(
        title="Policing budget 2027",
        opens_at=now + timedelta(days=10),
        closes_at=now + timedelta(days=40),
    )
    published(
        title="Town council survey",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=5),
    )
    ConsultationFactory(title="Still a draft")
    ConsultationFactory(title="Taken down", status="withdrawn")

    html = page(client, LIST)
    opened, upcoming, closed = (
        html.index(f'id="{key}"') for key in ("open-now", "upcoming", "closed")
    )
    assert "Rural crime survey" in html[opened:upcoming]
    assert "Closes at" in html[opened:upcoming]
    assert "Policing budget 2027" in html[upcoming:closed]
    assert "Opens on" in html[upcoming:closed]
    assert "Town council survey" in html[closed:]
    assert "Feedback due by" in html[closed:]
    assert "Still a draft" not in html and "Taken down" not in html


def test_the_plan_is_in_the_public_menu_and_open_ones_on_the_home_page(client, office):
    published(title="Rural crime survey")
    published(title="Coming later", opens_at=timezone.now() + timedelta(days=3))
    home = page(client, "/")
    assert f'href="{LIST}"' in home and ">Consultations<" in home
    section = home[home.index('id="section-consultations"') :]
    assert "Rural crime survey" in section
    assert "Coming later" not in home


def test_the_home_page_says_when_nothing_is_open(client, office):
    assert "There are no consultations open at the moment." in page(client, "/")


# --- One consultation -------------------------------------------------------------------------


def test_an_open_consultation_shows_its_description_and_form(client, open_one):
    consultation, text, choice, _ = open_one
    html = page(client, url(consultation))
    assert "<title>Speed limits near schools" in html
    for shown in ("Why we are asking", "Who it is for", text.text, choice.text, "Mostly safe"):
        assert shown in html
    assert "Send your response" in html
    assert 'name="website"' in html


@pytest.mark.parametrize("status", ["draft", "withdrawn"])
def test_an_unpublished_consultation_is_not_found_and_staff_preview_it(
    client, office, signed_in_as, status
):
    consultation, text, choice, yes = with_questions(ConsultationFactory(status=status))
    assert client.get(url(consultation)).status_code == 404
    assert client.get(f"{url(consultation)}done/").status_code == 404
    assert client.post(url(consultation), {}).status_code == 404

    signed_in_as("Engagement officer")
    html = page(client, url(consultation))
    assert "Preview: not published" in html
    assert text.text in html
    response = client.post(url(consultation), answers(html, text, choice, yes))
    assert response.status_code in (400, 405)
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "opens, closes, says",
    [
        (timedelta(days=2), timedelta(days=20), "has not opened yet"),
        (timedelta(days=-20), timedelta(days=-2), "closed at"),
    ],
)
def test_a_consultation_not_open_says_so_and_accepts_nothing(client, office, opens, closes, says):
    now = timezone.now()
    consultation, text, choice, yes = with_questions(
        published(opens_at=now + opens, closes_at=now + closes)
    )
    html = page(client, url(consultation))
    assert says in html
    assert 'name="form_token"' not in html and "Send your response" not in html

    # A form drawn while it was open, sent after it closed (or a crafted one).
    data = {
        "form_token": consultation_views.issue_token(consultation),
        f"q{text.pk}": "Anything",
        f"q{choice.pk}": str(yes.pk),
        "website": "",
    }
    response = client.post(url(consultation), data)
    assert response.status_code in (400, 405)
    assert "not taking answers" in response.content.decode()
    assert not Response.objects.exists()


# --- Answering --------------------------------------------------------------------------------


def test_a_full_answer_stores_one_response_however_often_it_is_sent(client, open_one):
    consultation, text, choice, yes = open_one
    data = answers(page(client, url(consultation)), text, choice, yes)

    first = client.post(url(consultation), data)
    assert first.status_code == 302
    assert first["Location"] == f"{url(consultation)}done/"
    again = client.post(url(consultation), data)
    assert again.status_code == 302

    response = Response.objects.get()
    assert response.consultation == consultation
    assert response.channel == "online"
    assert response.client_key
    stored = {a.question_id: a for a in response.answers.all()}
    assert stored[text.pk].text == "Cameras outside every school"
    assert stored[choice.pk].option == yes

    done = page(client, first["Location"])
    assert "Response submitted" in done
    assert "Speed limits near schools" in done


def test_a_mistake_comes_back_with_the_error_summary_and_every_answer_kept(client, open_one):
    consultation, text, choice, yes = open_one
    data = answers(page(client, url(consultation)), text, choice, yes)
    data[f"q{text.pk}"] = ""

    response = client.post(url(consultation), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html
    assert f'href="#id_q{text.pk}"' in html or f"#q{text.pk}" in html
    # The choice made is still chosen, and the form can be sent again.
    assert re.search(rf'value="{yes.pk}"[^>]*checked', html)
    assert data["form_token"] in html
    assert not Response.objects.exists()

    data[f"q{text.pk}"] = "Speed cameras"
    assert client.post(url(consultation), data).status_code == 302
    assert Response.objects.count() == 1


def test_too_many_from_one_place_gets_a_429_that_keeps_what_was_typed(client, open_one, settings):
    consultation, text, choice, yes = open_one
    data = answers(page(client, url(consultation)), text, choice, yes)
    settings.CONSULTATION_FLOOD_PER_MINUTE = 0

    response = client.post(url(consultation), data)
    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "have not been sent yet" in html
    assert "Cameras outside every school" in html
    assert re.search(rf'value="{yes.pk}"[^>]*checked', html)
    # Not a mistake of theirs: no error summary, nothing stored.
    assert "govuk-error-summary" not in html
    assert not Response.objects.exists()


# --- Sensitive consultations ------------------------------------------------------------------


def test_a_sensitive_consultation_has_exit_this_page_and_a_neutral_title(client, office):
    consultation, text, choice, yes = with_questions(
        published(title="Domestic abuse survivors' survey", sensitive=True)
    )
    html = page(client, url(consultation))
    title = html[html.index("<title>") : html.index("</title>")]
    assert "abuse" not in title.lower() and "Consultation" in title
    assert 'data-module="govuk-exit-this-page"' in html
    assert "Exit this page" in html

    data = answers(html, text, choice, yes)
    done = client.post(url(consultation), data)
    assert done.status_code == 302
    html = page(client, done["Location"])
    assert 'data-module="govuk-exit-this-page"' in html
    assert "Response submitted" in html
    assert "abuse" not in html.lower()

    ordinary, *_ = with_questions(published(title="Street lighting"))
    assert "govuk-exit-this-page" not in page(client, url(ordinary))


# --- The cache (decision 35) ------------------------------------------------------------------


def test_two_anonymous_visitors_get_different_form_tokens(client, open_one, cache_on):
    consultation, *_ = open_one
    first = form_token(page(client, url(consultation)))
    client.cookies.clear()
    second = form_token(page(client, url(consultation)))
    assert first != second
    assert not Session.objects.exists()


def test_a_warm_open_consultation_asks_the_database_nothing(
    client, open_one, cache_on, django_assert_num_queries
):
    consultation, *_ = open_one
    page(client, url(consultation))
    with django_assert_num_queries(0):
        html = page(client, url(consultation))
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]{20,}"', html)


def test_an_edited_description_shows_on_the_next_anonymous_get(client, open_one, cache_on):
    consultation, text, *_ = open_one
    assert "Why we are asking" in page(client, url(consultation))
    consultation.why = "Because the law asks us to hear from you."
    consultation.save()
    text.text = "What would make the roads safer?"
    text.save()
    html = page(client, url(consultation))
    assert "Because the law asks us to hear from you." in html
    assert "What would make the roads safer?" in html


def test_pages_without_a_form_set_no_cookie(client, office, cache_on):
    now = timezone.now()
    closed, *_ = with_questions(
        published(opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    )
    upcoming, *_ = with_questions(published(opens_at=now + timedelta(days=9)))
    shown, *_ = with_questions(published())
    for path in (LIST, url(closed), url(upcoming), f"{url(shown)}done/"):
        for _ in range(2):  # rendered, then from the cache
            response = client.get(path)
            assert response.status_code == 200, path
            assert not response.cookies, (path, response.cookies)
    assert not client.cookies
    assert not Session.objects.exists()


def test_a_new_consultation_shows_in_the_plan_on_the_next_anonymous_get(client, office, cache_on):
    assert "Rural crime survey" not in page(client, LIST)
    made = published(title="Rural crime survey")
    assert "Rural crime survey" in page(client, LIST)
    made.status = "withdrawn"
    made.save()
    assert "Rural crime survey" not in page(client, LIST)
    assert client.get(url(made)).status_code == 404
