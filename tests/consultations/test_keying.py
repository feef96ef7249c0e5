"""Staff key in responses that reached us on paper, by email, at a meeting or by phone; the
public print a paper copy of a consultation to send back."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from consultations.models import Consultation, Question, Response
from consultations.tokens import issue_token
from tests.consultations.factories import ConsultationFactory, QuestionFactory, choice_question

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.consultations.staff_test_urls")]


@pytest.fixture
def consultation(reference_data):
    consultation = ConsultationFactory(
        status=Consultation.Status.PUBLISHED, title="Policing your town"
    )
    choice_question(
        consultation, ["Often", "Sometimes", "Never"], text="How often do you see patrols?"
    )
    choice_question(
        consultation,
        ["Speeding", "Burglary"],
        kind=Question.Kind.MULTIPLE_CHOICE,
        text="What worries you?",
    )
    QuestionFactory(consultation=consultation, kind=Question.Kind.LONG_TEXT, text="Anything else?")
    return consultation


def key_in_url(consultation):
    return f"/staff/consultations/{consultation.pk}/responses/new/"


def answers(consultation, **extra):
    single, multiple, text = consultation.questions.order_by("position")
    return {
        f"q{single.pk}": single.options.get(label="Sometimes").pk,
        f"q{multiple.pk}": [multiple.options.get(label="Burglary").pk],
        f"q{text.pk}": "Written on the back of the form.",
        "form_token": issue_token(consultation),
        **extra,
    }


def test_an_engagement_officer_keys_in_a_paper_response(consultation, signed_in_as, client):
    officer = signed_in_as("Engagement officer")
    page = client.get(key_in_url(consultation)).content.decode()
    assert "How did it reach us?" in page
    assert "Paper form" in page and "Public meeting" in page
    assert 'value="online"' not in page

    reply = client.post(key_in_url(consultation), answers(consultation, channel="paper"))
    assert reply.status_code == 302
    page = client.get(reply["Location"]).content.decode()
    assert "Response saved" in page
    # A fresh form for the next one.
    assert "Written on the back of the form." not in page

    response = Response.objects.get(consultation=consultation)
    assert response.channel == Response.Channel.PAPER
    assert response.keyed_in_by == officer
    assert response.suspect is False and not response.suspect_reasons
    assert response.answers.count() == 3


def test_a_double_click_stores_one_response(consultation, signed_in_as, client):
    signed_in_as("Engagement officer")
    data = answers(consultation, channel="email")
    client.post(key_in_url(consultation), data)
    client.post(key_in_url(consultation), data)
    assert Response.objects.filter(consultation=consultation).count() == 1


def test_online_is_not_a_way_to_key_in(consultation, signed_in_as, client):
    signed_in_as("Engagement officer")
    reply = client.post(key_in_url(consultation), answers(consultation, channel="online"))
    assert reply.status_code == 400
    page = reply.content.decode()
    assert "govuk-error-summary" in page
    assert "Select how the response reached us" in page
    # What was typed is kept.
    assert "Written on the back of the form." in page
    assert not Response.objects.exists()


def test_a_response_keyed_in_after_the_close_is_stored(consultation, signed_in_as, client):
    signed_in_as("Engagement officer")
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=1)
    )
    reply = client.post(key_in_url(consultation), answers(consultation, channel="meeting"))
    assert reply.status_code == 302
    assert Response.objects.get().channel == Response.Channel.MEETING


def test_a_grants_officer_may_not_key_in(consultation, make_user, sign_in, client):
    client = sign_in(make_user("Grants officer"))
    assert client.get(key_in_url(consultation)).status_code == 403
    assert client.post(key_in_url(consultation), answers(consultation)).status_code == 403
    assert not Response.objects.exists()


def test_the_results_page_offers_keying_in_to_those_who_may(consultation, make_user, sign_in):
    results = f"/staff/consultations/{consultation.pk}/results/"
    page = sign_in(make_user("Engagement officer")).get(results).content.decode()
    assert key_in_url(consultation) in page
    page = sign_in(make_user("Performance officer")).get(results).content.decode()
    assert key_in_url(consultation) not in page


# --- The paper copy ---------------------------------------------------------------------------


def print_url(consultation):
    return f"/consultations/{consultation.slug}/print/"


def test_the_paper_copy_has_every_question_option_and_the_closing_date(consultation, client):
    page = client.get(print_url(consultation)).content.decode()
    for text in (
        "How often do you see patrols?",
        "What worries you?",
        "Anything else?",
        "Often",
        "Sometimes",
        "Never",
        "Speeding",
        "Burglary",
        "Tick one",
        "Tick all that apply",
    ):
        assert text in page
    assert timezone.localtime(consultation.closes_at).strftime("%-d %B %Y") in page
    assert len(re.findall(r'class="portal-tick-box"', page)) >= 5


def test_the_paper_copy_gives_the_office_address(consultation, client):
    from pcc_portal.models import OfficeProfile

    office = OfficeProfile.objects.get_current()
    office.address = "Hindlip Hall\nWorcester\nWR3 8SP"
    office.save()
    page = client.get(print_url(consultation)).content.decode()
    assert "Hindlip Hall" in page and "WR3 8SP" in page


def test_the_consultation_page_links_to_its_paper_copy(consultation, client):
    page = client.get(f"/consultations/{consultation.slug}/").content.decode()
    assert print_url(consultation) in page
    assert "Print a paper copy" in page


def test_a_draft_has_no_paper_copy(reference_data, client):
    draft = ConsultationFactory(status=Consultation.Status.DRAFT)
    assert client.get(print_url(draft)).status_code == 404


def test_an_upcoming_consultation_has_no_paper_copy_yet(reference_data, client):
    upcoming = ConsultationFactory(
        status=Consultation.Status.PUBLISHED,
        opens_at=timezone.now() + timedelta(days=3),
        closes_at=timezone.now() + timedelta(days=30),
    )
    assert client.get(print_url(upcoming)).status_code == 404


def test_the_paper_copy_lists_the_places_and_who_is_responding(consultation, client):
    from pcc_portal.models import PolicingArea

    QuestionFactory(consultation=consultation, kind=Question.Kind.WHERE_YOU_LIVE, text="Where?")
    QuestionFactory(consultation=consultation, kind=Question.Kind.RESPONDENT_TYPE, text="Who?")
    page = client.get(print_url(consultation)).content.decode()
    for area in PolicingArea.objects.all():
        assert escape(area.name) in page
    assert "Select where you live" not in page
    assert str(Response.RespondentType.RESIDENT.label) in page
    assert "on behalf of an organisation, its name" in page
