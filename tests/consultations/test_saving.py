"""Saving a long consultation part-way and carrying on from a link sent by email: the link
opens the answers and nothing else, sending the response deletes them, closing the
consultation ends them, and sensitive consultations offer none of it (decision 22)."""

import hashlib
import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations import people, retention, saving
from consultations.answering import TOO_FAST
from consultations.models import Question, Response, SavedResponse
from consultations.tokens import issue_token
from pcc_portal.models import OutboundMessage
from tests.consultations.factories import ConsultationFactory, QuestionFactory, choice_question

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.org"
LINK = re.compile(r"https://portal\.example\.org/consultations/[\w-]+/resume/([A-Za-z0-9_-]{43})/")
LONG_ANSWER = "More patrols on the estate after dark,\nand the street lights fixed."


@pytest.fixture(autouse=True)
def own_cache(settings):
    """Cache keys no other test shares: the flood count lives in the cache too."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }
    settings.SITE_URL = SITE


@pytest.fixture
def office(office):
    office.email = "engage@anyshire.example"
    office.save()
    return office


def published(**kwargs):
    return ConsultationFactory(status="published", **kwargs)


class Long:
    """A consultation with a long answer, a single choice and a multiple choice."""

    def __init__(self, **kwargs):
        self.consultation = published(
            title="Policing the estates", slug="policing-the-estates", **kwargs
        )
        self.text = QuestionFactory(
            consultation=self.consultation,
            position=1,
            kind=Question.Kind.LONG_TEXT,
            text="What would make you feel safer?",
            required=True,
        )
        self.choice = choice_question(
            self.consultation, ["Very safe", "Fairly safe", "Not safe"], position=2
        )
        self.many = choice_question(
            self.consultation,
            ["Patrols", "Lighting", "Cameras"],
            kind=Question.Kind.MULTIPLE_CHOICE,
            position=3,
        )
        self.fairly = self.choice.options.get(label="Fairly safe")
        self.patrols = self.many.options.get(label="Patrols")
        self.lighting = self.many.options.get(label="Lighting")

    @property
    def url(self):
        return f"/consultations/{self.consultation.slug}/"

    @property
    def save_url(self):
        return f"{self.url}save/"

    def answers(self, html: str = "", **extra) -> dict:
        """What the form sends, tokens and honeypot included."""
        return {
            "csrfmiddlewaretoken": "ignored-by-the-test-client",
            "form_token": form_token(html) if html else issue_token(self.consultation),
            "website": "",
            f"q{self.text.pk}": LONG_ANSWER,
            f"q{self.choice.pk}": str(self.fairly.pk),
            f"q{self.many.pk}": [str(self.patrols.pk), str(self.lighting.pk)],
            **extra,
        }

    def stored(self) -> dict:
        return {
            f"q{self.text.pk}": [LONG_ANSWER],
            f"q{self.choice.pk}": [str(self.fairly.pk)],
            f"q{self.many.pk}": [str(self.patrols.pk), str(self.lighting.pk)],
        }


@pytest.fixture
def long(office):
    return Long()


def form_token(html: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', html)
    assert found, "no form token on the page"
    return found.group(1)


def hidden(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)


def checked(html: str, option) -> bool:
    return bool(re.search(rf'value="{option.pk}"[^>]*checked', html))


def save(client, long, data, email, capture):
    """The two steps: the form's "Save and come back later", then the address."""
    page = client.post(long.save_url, data)
    assert page.status_code == 200
    carried = {}
    for name, value in hidden(page.content.decode()):
        carried.setdefault(name, []).append(value)
    with capture(execute=True):
        return client.post(long.save_url, {**carried, "email": email, "action": "send"})


def secret_in(email) -> str:
    found = LINK.search(email.body)
    assert found, email.body
    return found.group(1)


# --- The whole journey ------------------------------------------------------------------------


def test_saved_answers_come_back_from_the_emailed_link_and_go_once_sent(
    client, long, mailoutbox, celery_eager, django_capture_on_commit_callbacks
):
    html = client.get(long.url).content.decode()
    assert "Save and come back later" in html
    assert f'formaction="{long.save_url}"' in html

    # The form's second button leads to the address page, carrying the answers but no tokens.
    page = client.post(long.save_url, long.answers(html))
    body = page.content.decode()
    assert page.status_code == 200
    assert "What is your email address?" in body
    assert page["Cache-Control"] == "no-store, private"
    names = {name for name, _ in hidden(body)}
    assert {f"q{long.text.pk}", f"q{long.choice.pk}", f"q{long.many.pk}"} <= names
    assert not names & {"form_token", "website", saving.RESUME_FIELD}

    done = save(
        client,
        long,
        long.answers(html),
        "Jo.Bloggs@example.com",
        django_capture_on_commit_callbacks,
    )
    assert done.status_code == 302
    assert done["Location"] == f"{long.url}saved/"
    sent = client.get(done["Location"]).content.decode()
    assert "We have sent you a link" in sent

    [email] = mailoutbox
    assert email.to == ["Jo.Bloggs@example.com"]
    assert "engage@anyshire.example" in email.from_email
    assert "Policing the estates" in email.subject
    closes = timezone.localtime(long.consultation.closes_at)
    assert f"{closes:%A} {closes.day} {closes:%B %Y}" in email.body
    secret = secret_in(email)

    saved = SavedResponse.objects.get()
    assert saved.email == "Jo.Bloggs@example.com"
    assert saved.answers == long.stored()
    # Only the hash of the link's secret is kept.
    assert saved.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(SavedResponse.objects.values_list())

    # A visitor with the link gets the form back, filled in, with a new one-time token.
    resumed = client.get(f"{long.url}resume/{secret}/")
    again = resumed.content.decode()
    assert resumed.status_code == 200
    assert resumed["Cache-Control"] == "no-store, private"
    assert resumed["Referrer-Policy"] == "strict-origin"
    assert "These are the answers you saved" in again
    assert "street lights fixed." in again
    assert checked(again, long.fairly) and checked(again, long.patrols)
    assert not checked(again, long.choice.options.get(label="Very safe"))
    assert (saving.RESUME_FIELD, secret) in hidden(again)
    assert form_token(again) != form_token(html)

    # A person who started a while ago sends it at once: not "too fast".
    SavedResponse.objects.update(created_at=timezone.now() - timedelta(hours=2))
    sent = client.post(long.url, long.answers(again, resume=secret))
    assert sent.status_code == 302
    response = Response.objects.get()
    assert TOO_FAST not in response.suspect_reasons
    assert response.answers.get(question=long.text).text == LONG_ANSWER
    assert not SavedResponse.objects.exists()

    # The link has done its work.
    gone = client.get(f"{long.url}resume/{secret}/")
    assert gone.status_code == 404
    assert "This link does not work" in gone.content.decode()
    assert "Start again" in gone.content.decode()


def test_saving_again_from_a_resumed_form_keeps_one_row_and_one_link(
    client, long, mailoutbox, celery_eager, django_capture_on_commit_callbacks
):
    save(client, long, long.answers(), "jo@example.com", django_capture_on_commit_callbacks)
    secret = secret_in(mailoutbox[0])
    first = SavedResponse.objects.get()

    resumed = client.get(f"{long.url}resume/{secret}/").content.decode()
    changed = long.answers(resumed, resume=secret)
    changed[f"q{long.text.pk}"] = "Cameras by the shops."
    # The address page offers the address the answers were saved under.
    page = client.post(long.save_url, changed).content.decode()
    assert 'value="jo@example.com"' in page
    assert (saving.RESUME_FIELD, secret) in hidden(page)

    assert save(client, long, changed, "jo@example.com", django_capture_on_commit_callbacks)[
        "Location"
    ].endswith("/saved/")
    saved = SavedResponse.objects.get()
    assert saved.pk == first.pk
    assert saved.answers[f"q{long.text.pk}"] == ["Cameras by the shops."]
    assert len(mailoutbox) == 2
    assert secret_in(mailoutbox[1]) == secret


def test_a_secret_that_opens_nothing_is_never_taken_for_new_answers(long):
    chosen = "A" * 43
    secret = saving.save_answers(
        consultation=long.consultation,
        data={**long.answers(), "resume": chosen},
        email="jo@example.com",
    )
    assert secret != chosen
    assert SavedResponse.objects.get().secret_hash != hashlib.sha256(chosen.encode()).hexdigest()
    # Nor does another consultation's secret open these answers.
    assert saving.resume(consultation=published(slug="another"), secret=secret) is None
    assert saving.resume(consultation=long.consultation, secret=secret) == long.stored()


def test_going_back_from_the_address_page_keeps_every_answer(client, long):
    html = client.get(long.url).content.decode()
    page = client.post(long.save_url, long.answers(html))
    carried = {}
    for name, value in hidden(page.content.decode()):
        carried.setdefault(name, []).append(value)
    back = client.post(long.save_url, {**carried, "action": "back"})
    body = back.content.decode()
    assert back.status_code == 200
    assert "street lights fixed." in body
    assert checked(body, long.fairly) and checked(body, long.lighting)
    assert form_token(body) != form_token(html)
    assert back["Cache-Control"] == "no-store, private"


# --- What is kept -----------------------------------------------------------------------------


def test_only_the_questions_answers_are_kept_and_each_within_its_limit(long):
    data = long.answers(
        equality_age_band="25_34",
        somewhere_else="not a field",
        **{
            f"q{long.text.pk}": "x\x00" * 20_000,
            f"q{long.choice.pk}": [str(long.fairly.pk)] * 50,
            f"q{long.many.pk}": [str(n) for n in range(500)],
        },
    )
    data["website"] = "http://spam.example"
    saving.save_answers(consultation=long.consultation, data=data, email="jo@example.com")
    answers = SavedResponse.objects.get().answers
    assert set(answers) == {f"q{long.text.pk}", f"q{long.choice.pk}", f"q{long.many.pk}"}
    assert answers[f"q{long.text.pk}"] == ["x" * 5000]
    assert answers[f"q{long.choice.pk}"] == [str(long.fairly.pk)]
    assert len(answers[f"q{long.many.pk}"]) == 3


@pytest.mark.parametrize(
    "email, message",
    [
        ("", "Enter your email address"),
        ("not-an-address", "Enter an email address in the correct format"),
        ("a" * 250 + "@example.com", "Enter an email address in the correct format"),
    ],
)
def test_a_bad_address_keeps_the_answers_with_an_error_summary(
    client, long, mailoutbox, celery_eager, django_capture_on_commit_callbacks, email, message
):
    response = save(client, long, long.answers(), email, django_capture_on_commit_callbacks)
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html and message in html
    assert 'href="#id_email"' in html
    carried = hidden(html)
    assert (f"q{long.text.pk}", LONG_ANSWER) in carried
    assert (f"q{long.many.pk}", str(long.lighting.pk)) in carried
    assert not SavedResponse.objects.exists() and mailoutbox == []


# --- When there is nothing to save ------------------------------------------------------------


def test_a_closed_consultation_refuses_saving_and_its_links_stop_working(
    client, long, mailoutbox, celery_eager, django_capture_on_commit_callbacks
):
    secret = saving.save_answers(
        consultation=long.consultation, data=long.answers(), email="jo@example.com"
    )
    now = timezone.now()
    long.consultation.closes_at = now - timedelta(minutes=1)
    long.consultation.save()

    assert "Save and come back later" not in client.get(long.url).content.decode()
    assert saving.resume(consultation=long.consultation, secret=secret) is None
    page = client.get(f"{long.url}resume/{secret}/")
    assert page.status_code == 404
    assert "closed" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            long.save_url, {**long.answers(), "email": "sam@example.com", "action": "send"}
        )
    assert refused.status_code == 403
    assert "Your answers have not been saved" in refused.content.decode()
    with pytest.raises(ValidationError):
        saving.save_answers(
            consultation=long.consultation, data=long.answers(), email="sam@example.com"
        )
    assert SavedResponse.objects.count() == 1 and mailoutbox == []


def test_a_sensitive_consultation_offers_no_saving_and_sends_nothing(
    client, office, mailoutbox, celery_eager, django_capture_on_commit_callbacks
):
    long = Long(sensitive=True)
    html = client.get(long.url).content.decode()
    assert "Exit this page" in html
    assert "Save and come back later" not in html and "/save/" not in html

    with django_capture_on_commit_callbacks(execute=True):
        for step in ({}, {"email": "jo@example.com", "action": "send"}):
            assert client.post(long.save_url, {**long.answers(), **step}).status_code == 404
    with pytest.raises(ValidationError):
        saving.save_answers(
            consultation=long.consultation, data=long.answers(), email="jo@example.com"
        )
    assert not SavedResponse.objects.exists()
    assert not OutboundMessage.objects.exists() and mailoutbox == []


def test_an_unknown_link_says_to_start_again(client, long):
    for path in (
        f"{long.url}resume/{'B' * 43}/",
        f"{long.url}resume/cut-short/",
        f"{long.url}resume/%3Cscript%3E/",
        "/consultations/no-such-consultation/resume/whatever/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        html = response.content.decode()
        assert "This link does not work" in html, path
        assert "<script>" not in html
        assert response["Cache-Control"] == "no-store, private"


# --- Abuse ------------------------------------------------------------------------------------


def test_links_share_the_flood_limit_of_responses_and_keep_the_answers(
    client, long, settings, mailoutbox, celery_eager, django_capture_on_commit_callbacks
):
    settings.CONSULTATION_FLOOD_PER_MINUTE = 1
    # A response from this place uses the minute's one submission.
    assert client.post(long.url, long.answers()).status_code == 302

    response = save(
        client, long, long.answers(), "jo@example.com", django_capture_on_commit_callbacks
    )
    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "have not been saved yet" in html
    assert (f"q{long.text.pk}", LONG_ANSWER) in hidden(html)
    assert 'value="jo@example.com"' in html
    assert not SavedResponse.objects.exists() and mailoutbox == []


def test_one_address_gets_only_so_many_links_an_hour(long, django_capture_on_commit_callbacks):
    for _ in range(saving.LINKS_PER_HOUR):
        saving.save_answers(
            consultation=long.consultation, data=long.answers(), email="victim@example.com"
        )
    with pytest.raises(ValidationError) as refused:
        saving.save_answers(
            consultation=long.consultation, data=long.answers(), email="VICTIM@example.com"
        )
    assert refused.value.message_dict["email"] == [saving.TOO_MANY_LINKS]
    assert SavedResponse.objects.count() == saving.LINKS_PER_HOUR
    # An hour on, it can have another.
    later = timezone.now() + timedelta(hours=1, minutes=1)
    saving.save_answers(
        consultation=long.consultation, data=long.answers(), email="victim@example.com", now=later
    )


# --- Keeping them no longer than needed -------------------------------------------------------


def test_the_daily_job_removes_saved_answers_of_closed_consultations(long):
    still_open = saving.save_answers(
        consultation=long.consultation, data=long.answers(), email="jo@example.com"
    )
    closing = published(slug="closing-soon", closes_at=timezone.now() + timedelta(days=1))
    saving.save_answers(consultation=closing, data={}, email="sam@example.com")

    retention.anonymise_expired_responses(now=timezone.now() + timedelta(hours=1))
    assert SavedResponse.objects.count() == 2
    retention.anonymise_expired_responses(now=timezone.now() + timedelta(days=2))
    assert (
        SavedResponse.objects.get().secret_hash == hashlib.sha256(still_open.encode()).hexdigest()
    )


def test_subject_access_shows_saved_answers_and_erasure_removes_them(long, make_user):
    officer = make_user("Engagement officer")
    saving.save_answers(
        consultation=long.consultation, data=long.answers(), email="Jo.Bloggs@example.com"
    )
    saving.save_answers(consultation=long.consultation, data={}, email="sam@example.com")

    data = people.export_person(email="jo.bloggs@EXAMPLE.com", by=officer)
    [saved] = data["answers saved to finish later"]
    assert saved["consultation"] == "Policing the estates"
    assert saved["email address"] == "Jo.Bloggs@example.com"
    answers = {row["question"]: row["answer"] for row in saved["answers"]}
    assert answers["1. What would make you feel safer?"] == [LONG_ANSWER]
    assert ["Fairly safe"] in answers.values()
    assert ["Patrols", "Lighting"] in answers.values()

    people.erase_responses_of(email="JO.BLOGGS@example.com", by=officer)
    assert list(SavedResponse.objects.values_list("email", flat=True)) == ["sam@example.com"]


# --- The cache (decision 35) ------------------------------------------------------------------


def test_a_resumed_form_is_never_cached_nor_shown_to_another_visitor(client, long, settings):
    settings.PUBLIC_CACHE = True
    secret = saving.save_answers(
        consultation=long.consultation, data=long.answers(), email="jo@example.com"
    )
    link = f"{long.url}resume/{secret}/"
    client.get(long.url)  # the blank form's questions are now cached

    first = client.get(link)
    assert first["Cache-Control"] == "no-store, private"
    assert "street lights fixed." in first.content.decode()
    again = client.get(link).content.decode()
    assert form_token(again) != form_token(first.content.decode())

    client.cookies.clear()
    for _ in range(2):
        blank = client.get(long.url).content.decode()
        assert "street lights fixed." not in blank
        assert not checked(blank, long.fairly)
        assert saving.RESUME_FIELD not in {name for name, _ in hidden(blank)}
    assert not Session.objects.exists()
