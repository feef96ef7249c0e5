"""A person answers a consultation on a 320 px phone with the keyboard alone, and the pages of a
consultation pass the automated WCAG checks."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from consultations.models import Question, Response
from pcc_portal.models import Decision, PolicingArea
from pcc_portal.reference_data import load_reference_data
from pcc_portal.services import set_roles
from tests.consultations.factories import ConsultationFactory, OptionFactory, QuestionFactory
from tests.consultations.results_data import respond
from tests.pcc_portal.factories import UserFactory

from .conftest import accessibility_problems, assert_fits, sign_in_at

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# More than any of these pages has focusable things: a Tab that never arrives is a failure, not
# an endless loop.
MOST_TABS = 80


def speed_limits():
    """An open consultation: a required short answer, a required choice, an optional comment,
    and two responses already in."""
    consultation = ConsultationFactory(
        status="published",
        title="Speed limits near schools",
        slug="speed-limits",
        summary="Should the limit outside schools be 20mph?",
        opens_at=timezone.now() - timedelta(days=3),
    )
    idea = QuestionFactory(
        consultation=consultation,
        position=1,
        kind=Question.Kind.SHORT_TEXT,
        text="What should we do about speeding?",
        required=True,
    )
    safe = QuestionFactory(
        consultation=consultation,
        position=2,
        kind=Question.Kind.SINGLE_CHOICE,
        text="Do you feel safe walking near the school?",
        required=True,
    )
    for position, label in enumerate(["Mostly safe", "Mostly unsafe"], start=1):
        OptionFactory(question=safe, position=position, label=label)
    comment = QuestionFactory(
        consultation=consultation,
        position=3,
        kind=Question.Kind.LONG_TEXT,
        text="Anything else you want to tell us?",
    )
    area = PolicingArea.objects.get(slug="shropshire")
    for text, label in (("Cameras", "Mostly unsafe"), ("More patrols", "Mostly safe")):
        respond(
            consultation,
            {idea: text, safe: label, comment: "Thank you for asking"},
            channel=Response.Channel.ONLINE,
            respondent_type="resident",
            policing_area=area,
            submitted_at=timezone.now() - timedelta(days=1),
        )
    return consultation, idea, safe


def public_decision() -> Decision:
    return Decision.objects.create(
        reference="DN 2015/042",
        title="Speed cameras outside schools",
        decided_on=date(2015, 12, 1),
        decided_by="Alex Holder, Commissioner",
        summary="Cameras go up outside the four schools people named most.",
        is_public=True,
    )


def focused(page, attribute="id") -> str:
    return page.evaluate(f"document.activeElement.getAttribute('{attribute}') || ''")


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def test_a_person_answers_makes_a_mistake_corrects_it_and_submits_by_keyboard(live_server, phone):
    load_reference_data(office="west_mercia")
    consultation, idea, safe = speed_limits()
    page = f"{live_server.url}/consultations/{consultation.slug}/"
    phone.goto(page)
    assert phone.get_by_role("heading", name="Your answers").is_visible()
    assert_fits(phone)

    # Answers the choice, forgets the required text, and submits.
    tab_to(phone, f"input[name='q{safe.pk}']")
    phone.keyboard.press("Space")
    assert phone.get_by_label("Mostly safe").is_checked()
    tab_to(phone, "form[method='post'] button, form[method='post'] input[type='submit']")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")

    # Told what is wrong, with the focus on the summary, and the choice kept.
    summary = phone.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.get_by_text("There is a problem").is_visible()
    phone.wait_for_function("document.activeElement.closest('.govuk-error-summary') !== null")
    assert phone.get_by_label("Mostly safe").is_checked()
    assert Response.objects.filter(consultation=consultation).count() == 2
    assert_fits(phone)

    # The summary's link takes the focus to the field to put right.
    tab_to(phone, ".govuk-error-summary a")
    assert phone.evaluate("document.activeElement.getAttribute('href')") == f"#id_q{idea.pk}"
    phone.keyboard.press("Enter")
    assert focused(phone) == f"id_q{idea.pk}"
    phone.keyboard.type("Cameras outside every school")
    tab_to(phone, "form[method='post'] button, form[method='post'] input[type='submit']")
    phone.keyboard.press("Enter")

    phone.wait_for_url(f"{page}done/")
    assert phone.get_by_role("heading", name="Response submitted").is_visible()
    assert_fits(phone)
    newest = Response.objects.filter(consultation=consultation).latest("submitted_at")
    assert {a.question_id: a.text or a.option.label for a in newest.answers.all()} == {
        idea.pk: "Cameras outside every school",
        safe.pk: "Mostly safe",
    }


def test_the_consultation_pages_pass_the_automated_wcag_checks(
    live_server, audited_phone, axe_source
):
    """The plan, a consultation, its error state and confirmation, the decisions register and
    the staff results page."""
    phone = audited_phone
    load_reference_data(office="west_mercia")
    consultation, idea, _safe = speed_limits()
    public_decision()
    problems = {}

    for path in ("/consultations/", "/decisions/"):
        phone.goto(live_server.url + path)
        problems[path] = accessibility_problems(phone, axe_source)

    page = f"{live_server.url}/consultations/{consultation.slug}/"
    phone.goto(page)
    problems["consultation"] = accessibility_problems(phone, axe_source)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Send your response").click()  # empty: every error shows
    assert phone.locator(".govuk-error-summary").is_visible()
    problems["consultation with errors"] = accessibility_problems(phone, axe_source)
    phone.fill(f"#id_q{idea.pk}", "Cameras outside every school")
    phone.get_by_label("Mostly unsafe").check()
    phone.get_by_role("button", name="Send your response").click()
    phone.wait_for_url(f"{page}done/")
    problems["confirmation"] = accessibility_problems(phone, axe_source)

    officer = UserFactory()
    set_roles(user=officer, roles=["Engagement officer"])
    sign_in_at(phone, f"{live_server.url}/staff/consultations/{consultation.pk}/results/", officer)
    assert phone.get_by_text(consultation.title).first.is_visible()
    problems["results"] = accessibility_problems(phone, axe_source)
    assert {page: found for page, found in problems.items() if found} == {}
