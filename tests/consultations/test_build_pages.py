"""The staff pages that build a consultation: its details, its questions (every type, the
answers to choose from, "show only if", tracked measures, the precept questions, order and
deletion), the preview, publishing and withdrawing, the history, who may open them and their
query counts."""

import re
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from consultations import building, editing, precept, services
from consultations.models import (
    QUESTION_TYPE_FIXED,
    AnswerScale,
    Consultation,
    Question,
    Response,
)
from engagement.calendar_text import LONDON
from tests.consultations.factories import (
    ConsultationFactory,
    QuestionFactory,
    choice_question,
    confidence_question,
)
from tests.engagement.factories import ActivityAreaFactory, OrganisationFactory
from tests.pcc_portal.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db
Kind = Question.Kind


def url(name, *args):
    return reverse(f"consultations_staff:{name}", args=args)


@pytest.fixture
def officer(signed_in_as):
    return signed_in_as("Engagement officer", full_name="Alex Builder")


@pytest.fixture
def draft(officer):
    return ConsultationFactory(title="Speed limits in villages", owner=officer)


def page_of(response) -> str:
    return response.content.decode()


def errors_of(response) -> str:
    """The text of the page's GOV.UK error summary."""
    page = page_of(response)
    assert "govuk-error-summary" in page, "no error summary"
    return page.split("govuk-error-summary__list")[1].split("</ul>")[0]


# --- Details ----------------------------------------------------------------------------------


def details(officer, **changes) -> dict:
    opens = timezone.localdate() + timedelta(days=7)
    closes = opens + timedelta(days=42)
    data = {
        "title": "Policing in our villages",
        "slug": "",
        "summary": "What should the police do about speeding in villages?",
        "why": "The office is deciding where speed enforcement goes next year.",
        "can_change": "Where the cameras go.",
        "cannot_change": "The speed limits, which the councils set.",
        "audience": "Residents of villages and parish councils",
        "opens_on_0": str(opens.day),
        "opens_on_1": str(opens.month),
        "opens_on_2": str(opens.year),
        "opens_time": "9am",
        "closes_on_0": str(closes.day),
        "closes_on_1": str(closes.month),
        "closes_on_2": str(closes.year),
        "closes_time": "11:59pm",
        "owner": str(officer.pk),
        "sensitive": "no",
        "asks_equality": "yes",
        "retention_months": "24",
    }
    data.update(changes)
    return data


def test_mistakes_are_listed_and_the_answers_kept(client, officer):
    partner = OrganisationFactory(name="Ledbury parish council")
    data = details(
        officer,
        title="Policing in our villages",
        summary="",
        closes_on_2=str(timezone.localdate().year - 1),
        retention_months="500",
        partners=[str(partner.pk)],
    )
    response = client.post(url("create"), data)

    assert response.status_code == 400
    summary = errors_of(response)
    assert "Enter a summary of the consultation" in summary
    assert "The closing date must be after it opens" in summary
    assert "Keep personal data for between 1 and 120 months" in summary
    page = page_of(response)
    assert "<title>Error: Create a consultation" in page
    assert 'value="Policing in our villages"' in page
    assert re.search(rf'value="{partner.pk}"\s+checked', page)
    # The group holding a ticked organisation is open.
    assert '<details class="govuk-details govuk-!-margin-bottom-2" open>' in page
    assert not Consultation.objects.exists()


def test_an_officer_creates_a_consultation(client, officer, reference_data):
    area = ActivityAreaFactory()
    objective = ObjectiveFactory()
    partners = [OrganisationFactory(), OrganisationFactory()]
    data = details(
        officer,
        activity_areas=[str(area.pk)],
        objectives=[str(objective.pk)],
        partners=[str(p.pk) for p in partners],
    )
    page = page_of(client.get(url("create")))
    assert "Create a consultation" in page
    assert partners[0].name in page and objective.title in page

    response = client.post(url("create"), data)

    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("questions", consultation.pk)
    assert consultation.slug == "policing-in-our-villages"
    assert consultation.status == Consultation.Status.DRAFT
    assert consultation.owner == officer
    opens = timezone.localtime(consultation.opens_at, LONDON)
    assert (opens.date(), opens.hour, opens.minute) == (
        timezone.localdate() + timedelta(days=7),
        9,
        0,
    )
    assert timezone.localtime(consultation.closes_at, LONDON).time().strftime("%H:%M") == "23:59"
    assert list(consultation.activity_areas.all()) == [area]
    assert list(consultation.objectives.all()) == [objective]
    assert set(consultation.partners.all()) == set(partners)
    assert consultation.history.get().history_user == officer
    assert "Consultation created" in page_of(client.get(response["Location"]))


def test_the_web_address_must_be_free(client, officer):
    ConsultationFactory(slug="villages")
    response = client.post(url("create"), details(officer, slug="villages"))
    assert response.status_code == 400
    assert building.SLUG_TAKEN in errors_of(response)
    response = client.post(url("create"), details(officer, slug="Not a slug!"))
    assert "Web address must use only lower case letters" in errors_of(response)


def test_the_owner_must_build_consultations(client, officer, make_user):
    grants = make_user("Grants officer")
    response = client.post(url("create"), details(officer, owner=str(grants.pk)))
    assert response.status_code == 400
    assert "Choose the owner of the consultation" in errors_of(response)
    # Chosen by another door, the service refuses too.
    form_details = building.ConsultationDetails(
        title="A",
        slug="a",
        summary="S",
        why="W",
        audience="All",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=1),
        owner=grants,
    )
    with pytest.raises(ValidationError) as refused:
        building.create_consultation(details=form_details, by=officer)
    assert refused.value.message_dict["owner"] == [building.OWNER_CANNOT_BUILD]


def test_details_are_changed_and_the_history_shows_the_change(client, officer, draft):
    page = page_of(client.get(url("edit", draft.pk)))
    assert 'value="Speed limits in villages"' in page
    opens = timezone.localtime(draft.opens_at, LONDON)
    closes = timezone.localtime(draft.closes_at, LONDON)
    data = details(
        officer,
        title="Speed limits in our villages",
        slug=draft.slug,
        opens_on_0=str(opens.day),
        opens_on_1=str(opens.month),
        opens_on_2=str(opens.year),
        closes_on_0=str(closes.day),
        closes_on_1=str(closes.month),
        closes_on_2=str(closes.year),
    )
    response = client.post(url("edit", draft.pk), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Speed limits in our villages"
    overview = page_of(client.get(url("overview", draft.pk)))
    assert "Details changed" in overview
    assert escape("Title: Speed limits in villages → Speed limits in our villages") in overview
    assert "by Alex Builder" in overview


# --- Questions --------------------------------------------------------------------------------


def question_data(**changes) -> dict:
    data = {"text": "How often do you see speeding?", "kind": Kind.SHORT_TEXT, "required": "no"}
    data.update(changes)
    return data


KIND_EXTRAS = {
    Kind.SINGLE_CHOICE: {"new_options": "Often\nSometimes\nNever"},
    Kind.MULTIPLE_CHOICE: {"new_options": "Speeding\r\nParking\r\n\r\nNoise"},
    Kind.SCALE: {},
}


@pytest.mark.parametrize("kind", list(Kind))
def test_each_kind_of_question_is_added(client, officer, draft, kind):
    extra = dict(KIND_EXTRAS.get(kind, {}))
    if kind == Kind.SCALE:
        extra["scale"] = str(AnswerScale.objects.get(slug="how-worried").pk)
    QuestionFactory(consultation=draft, position=3)
    response = client.post(
        url("question_add", draft.pk), question_data(kind=kind, required="yes", **extra)
    )

    assert response.status_code == 302, errors_of(response)
    question = draft.questions.get(kind=kind) if kind != Kind.SHORT_TEXT else draft.questions.last()
    assert response["Location"].endswith(f"#question-{question.pk}")
    assert question.position == 4
    assert question.required is True
    labels = list(question.options.values_list("label", flat=True))
    if kind == Kind.SINGLE_CHOICE:
        assert labels == ["Often", "Sometimes", "Never"]
    elif kind == Kind.MULTIPLE_CHOICE:
        assert labels == ["Speeding", "Parking", "Noise"]
    else:
        assert labels == []
    assert (question.scale is not None) == (kind == Kind.SCALE)
    page = page_of(client.get(url("questions", draft.pk)))
    assert "Question 2" in page and question.get_kind_display() in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"kind": Kind.SINGLE_CHOICE, "new_options": "Only one"}, building.TWO_OPTIONS),
        ({"kind": Kind.MULTIPLE_CHOICE, "new_options": ""}, building.TWO_OPTIONS),
        (
            {"kind": Kind.SINGLE_CHOICE, "new_options": "Yes\nyes"},
            escape(building.SAME_OPTION_TWICE.format(label="yes")),
        ),
        ({"kind": Kind.LONG_TEXT, "new_options": "A\nB"}, building.OPTIONS_ONLY_FOR_CHOICE),
        ({"kind": Kind.SCALE}, "Choose the scale people answer on"),
        ({"kind": ""}, "Select the type of answer"),
        ({"text": ""}, "Enter the question"),
        ({"text": "x" * 501}, "Question must be 500 characters or fewer"),
    ],
)
def test_a_question_is_refused_with_its_reason(client, officer, draft, extra, message):
    response = client.post(url("question_add", draft.pk), question_data(**extra))
    assert response.status_code == 400
    assert message in errors_of(response)
    assert not draft.questions.exists()
    if extra.get("new_options"):
        # What was typed is kept.
        assert escape(extra["new_options"].splitlines()[0]) in page_of(response)


def test_a_sensitive_consultation_asks_no_email_and_each_detail_is_asked_once(client, draft):
    QuestionFactory(consultation=draft, kind=Kind.WHERE_YOU_LIVE, position=1)
    response = client.post(url("question_add", draft.pk), question_data(kind=Kind.WHERE_YOU_LIVE))
    assert building.ASKED_ALREADY.format(number=1) in errors_of(response)
    draft.sensitive = True
    draft.save()
    response = client.post(url("question_add", draft.pk), question_data(kind=Kind.EMAIL))
    assert building.PERSONAL_IN_SENSITIVE in errors_of(response)


def test_a_question_is_shown_only_after_an_earlier_answer(client, officer, draft):
    worried = choice_question(draft, ["Yes", "No"], text="Are you worried?", position=1)
    why = choice_question(draft, ["Speed", "Noise"], text="What about?", position=2)
    yes = worried.options.get(label="Yes")
    form = page_of(client.get(url("question_add", draft.pk)))
    assert "Question 1: Are you worried?" in form and "Question 2: What about?" in form

    response = client.post(
        url("question_add", draft.pk),
        question_data(text="Tell us more", kind=Kind.LONG_TEXT, show_if_options=[str(yes.pk)]),
    )
    assert response.status_code == 302
    added = draft.questions.get(text="Tell us more")
    assert added.show_if_question == worried
    assert list(added.show_if_options.all()) == [yes]
    listing = page_of(client.get(url("questions", draft.pk)))
    assert "The answer to question 1 is “Yes”" in listing

    two_questions = [str(yes.pk), str(why.options.first().pk)]
    response = client.post(
        url("question_add", draft.pk),
        question_data(text="Mixed", show_if_options=two_questions),
    )
    assert building.CONDITION_ONE_QUESTION in errors_of(response)

    # The question it depends on keeps its type and the answer it depends on.
    response = client.post(
        url("question_edit", draft.pk, worried.pk),
        question_data(
            text="Are you worried?",
            kind=Kind.SINGLE_CHOICE,
            **{f"option_{yes.pk}": "", f"option_{worried.options.get(label='No').pk}": "No"},
        ),
    )
    assert building.OPTION_NEEDED.format(number=3) in errors_of(response)
    response = client.get(url("question_delete", draft.pk, worried.pk))
    response = client.post(url("question_delete", draft.pk, worried.pk))
    assert response.status_code == 400
    assert building.DEPENDED_ON.format(number=3) in errors_of(response)
    assert draft.questions.filter(pk=worried.pk).exists()


def test_a_scale_question_can_be_a_tracked_measure(client, officer, draft):
    scale = AnswerScale.objects.get(slug="how-good-a-job")
    counted = [str(p.pk) for p in scale.points.filter(label__in=["Excellent", "Good"])]
    response = client.post(
        url("question_add", draft.pk),
        question_data(
            text="How good a job do the police do?",
            kind=Kind.SCALE,
            scale=str(scale.pk),
            measure_name="Confidence in the police",
            measure_points=counted,
        ),
    )
    assert response.status_code == 302
    question = draft.questions.get()
    assert question.measure_name == "Confidence in the police"
    assert sorted(p.label for p in question.measure_points.all()) == ["Excellent", "Good"]
    assert "Confidence in the police: the share answering “Excellent” or “Good”" in page_of(
        client.get(url("questions", draft.pk))
    )

    refused = client.post(
        url("question_add", draft.pk),
        question_data(kind=Kind.YES_NO, measure_name="Confidence", measure_points=counted),
    )
    assert building.MEASURE_ONLY_FOR_SCALE in errors_of(refused)
    other_scale = AnswerScale.objects.get(slug="agreement")
    refused = client.post(
        url("question_add", draft.pk),
        question_data(
            kind=Kind.SCALE,
            scale=str(other_scale.pk),
            measure_name="Confidence",
            measure_points=counted,
        ),
    )
    assert escape(building.POINTS_NOT_ON_SCALE) in errors_of(refused)
    refused = client.post(
        url("question_add", draft.pk),
        question_data(kind=Kind.SCALE, scale=str(scale.pk), measure_name="Confidence"),
    )
    assert building.MEASURE_NEEDS_POINTS in errors_of(refused)


def test_the_precept_questions_are_added_with_the_band_d_figure(client, officer, draft):
    QuestionFactory(consultation=draft, position=1)
    page = page_of(client.get(url("precept_add", draft.pk)))
    assert "£X more a year for policing" in page

    refused = client.post(url("precept_add", draft.pk), {"band_d_increase": "lots"})
    assert refused.status_code == 400
    assert precept.NOT_AN_AMOUNT in errors_of(refused)
    refused = client.post(url("precept_add", draft.pk), {"band_d_increase": "0"})
    assert escape(precept.NOT_POSITIVE) in errors_of(refused)
    assert 'value="0"' in page_of(refused)

    response = client.post(url("precept_add", draft.pk), {"band_d_increase": "£4.99"})
    assert response.status_code == 302
    who, willing, comment = draft.questions.order_by("position")[1:]
    assert who.kind == Kind.RESPONDENT_TYPE
    assert willing.text == (
        "Would you be willing to pay £4.99 more a year for policing (Band D property)?"
    )
    assert comment.kind == Kind.LONG_TEXT
    assert "questions 2 to 4" in page_of(client.get(response["Location"]))


def test_questions_move_up_and_down(client, officer, draft):
    first = choice_question(draft, ["Yes", "No"], text="First?", position=1)
    second = QuestionFactory(consultation=draft, text="Second?", position=2)
    third = QuestionFactory(consultation=draft, text="Third?", position=3)

    def order():
        return list(draft.questions.order_by("position", "pk").values_list("text", flat=True))

    response = client.post(url("questions", draft.pk), {"down": str(first.pk)})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{first.pk}")
    assert order() == ["Second?", "First?", "Third?"]
    client.post(url("questions", draft.pk), {"up": str(third.pk)})
    assert order() == ["Second?", "Third?", "First?"]
    # The first stays first.
    client.post(url("questions", draft.pk), {"up": str(second.pk)})
    assert order() == ["Second?", "Third?", "First?"]

    third.show_if_question = first
    third.position = 4
    third.save()
    third.show_if_options.set(first.options.all()[:1])
    assert order() == ["Second?", "First?", "Third?"]
    refused = client.post(url("questions", draft.pk), {"up": str(third.pk)})
    assert refused.status_code == 400
    assert building.MUST_FOLLOW.format(number=3, other=2) in errors_of(refused)
    assert order() == ["Second?", "First?", "Third?"]
    refused = client.post(url("questions", draft.pk), {"up": "not a number"})
    assert refused.status_code == 400


@pytest.fixture
def answered(draft):
    question = choice_question(draft, ["Often", "Never"], text="How often?", position=1)
    Response.objects.create(consultation=draft)
    return question


def test_deleting_asks_first_and_is_refused_once_answered(client, officer, draft):
    question = QuestionFactory(consultation=draft, text="Going soon?")
    page = page_of(client.get(url("question_delete", draft.pk, question.pk)))
    assert "Delete the question" in page and "Going soon?" in page
    response = client.post(url("question_delete", draft.pk, question.pk))
    assert response.status_code == 302
    assert not draft.questions.exists()

    kept = choice_question(draft, ["Often", "Never"], text="How often?")
    Response.objects.create(consultation=draft)
    page = page_of(client.get(url("question_delete", draft.pk, kept.pk)))
    assert editing.QUESTION_KEPT in page and "Delete the question" not in page
    response = client.post(url("question_delete", draft.pk, kept.pk))
    assert response.status_code == 400
    assert editing.QUESTION_KEPT in errors_of(response)
    assert draft.questions.filter(pk=kept.pk).exists()
    # Nor can an answer people could choose go.
    often, never = kept.options.order_by("position")
    response = client.post(
        url("question_edit", draft.pk, kept.pk),
        question_data(
            text="How often?",
            kind=Kind.SINGLE_CHOICE,
            **{f"option_{often.pk}": "", f"option_{never.pk}": "Never"},
        ),
    )
    assert editing.OPTION_KEPT in errors_of(response)
    assert kept.options.count() == 2


def test_the_type_cannot_change_once_answered(client, officer, draft, answered):
    labels = {f"option_{option.pk}": option.label for option in answered.options.all()}
    response = client.post(
        url("question_edit", draft.pk, answered.pk),
        question_data(text="How often?", kind=Kind.MULTIPLE_CHOICE, **labels),
    )
    assert response.status_code == 400
    assert escape(str(QUESTION_TYPE_FIXED)) in errors_of(response)
    answered.refresh_from_db()
    assert answered.kind == Kind.SINGLE_CHOICE
    # Nor can a new question be required: the responses already given would be incomplete.
    response = client.post(url("question_add", draft.pk), question_data(required="yes"))
    assert building.REQUIRED_ONCE_ANSWERED in errors_of(response)


def test_wording_can_change_once_answered_and_the_history_keeps_it(
    client, officer, draft, answered
):
    often, never = answered.options.order_by("position")
    page = page_of(client.get(url("question_edit", draft.pk, answered.pk)))
    assert 'value="Often"' in page and "People have answered this consultation" in page
    response = client.post(
        url("question_edit", draft.pk, answered.pk),
        question_data(
            text="How often do you see the police?",
            kind=Kind.SINGLE_CHOICE,
            **{f"option_{often.pk}": "Often (weekly or more)", f"option_{never.pk}": "Never"},
            new_options="Sometimes",
        ),
    )
    assert response.status_code == 302, errors_of(response)
    answered.refresh_from_db()
    assert answered.text == "How often do you see the police?"
    assert list(answered.options.values_list("label", flat=True)) == [
        "Often (weekly or more)",
        "Never",
        "Sometimes",
    ]
    before, after = answered.history.order_by("history_date")
    assert (before.text, after.text) == ("How often?", "How often do you see the police?")
    assert after.history_user == officer
    overview = page_of(client.get(url("overview", draft.pk)))
    assert "Question changed" in overview
    assert escape("Question: How often? → How often do you see the police?") in overview
    assert "Answers: “Often” now “Often (weekly or more)”; “Sometimes” added" in overview


# --- Preview ----------------------------------------------------------------------------------


def form_markup(page: str) -> str:
    """The consultation's form, without the tokens drawn afresh for each request."""
    markup = page.split('<form method="post" action="/consultations/')[1].split("</form>")[0]
    return re.sub(r'name="(csrfmiddlewaretoken|form_token)" value="[^"]*"', "", markup)


def test_the_preview_shows_the_public_form_and_takes_no_answers(client, officer, draft):
    choice_question(draft, ["Often", "Never"], text="How often do you see speeding?")
    response = client.get(url("preview", draft.pk))
    assert response.status_code == 200
    page = page_of(response)
    assert "Preview: not published" in page
    assert "How often do you see speeding?" in page
    public = page_of(client.get(reverse("consultations:detail", args=[draft.slug])))
    assert form_markup(page) == form_markup(public)

    question = draft.questions.get()
    answer = {f"q{question.pk}": str(question.options.first().pk)}
    refused = client.post(url("preview", draft.pk), answer)
    assert refused.status_code == 405
    assert "Preview: not published" in page_of(refused)
    refused = client.post(reverse("consultations:detail", args=[draft.slug]), answer)
    assert refused.status_code == 405
    assert not Response.objects.exists()


def test_an_open_consultation_is_its_public_page(client, officer):
    live = ConsultationFactory(status=Consultation.Status.PUBLISHED)
    response = client.get(url("preview", live.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:detail", args=[live.slug])


# --- Publishing and withdrawing ---------------------------------------------------------------


def test_publishing_with_problems_is_refused_with_the_reasons(client, officer, draft):
    page = page_of(client.get(url("overview", draft.pk)))
    assert services.NO_QUESTIONS in page and 'value="published"' in page
    response = client.post(url("overview", draft.pk), {"to": "published"})
    assert response.status_code == 400
    assert services.NO_QUESTIONS in errors_of(response)
    draft.refresh_from_db()
    assert draft.status == Consultation.Status.DRAFT

    empty = QuestionFactory(consultation=draft, kind=Kind.SINGLE_CHOICE, text="Which?")
    response = client.post(url("overview", draft.pk), {"to": "published"})
    assert services.NO_OPTIONS.format(question=empty.text) in errors_of(response)
    response = client.post(url("overview", draft.pk), {"to": "anything"})
    assert response.status_code == 400


def test_publishing_and_withdrawing(client, officer, draft):
    QuestionFactory(consultation=draft)
    response = client.post(url("overview", draft.pk), {"to": "published"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Consultation.Status.PUBLISHED
    page = page_of(client.get(response["Location"]))
    assert "Speed limits in villages: published." in page
    assert 'value="withdrawn"' in page and 'value="published"' not in page
    assert re.search(
        r"moj-timeline__title\">Published</h3>\s*<p class=\"moj-timeline__byline\">"
        r"by Alex Builder",
        page,
    )

    # Published already: the move is not one the workflow has.
    response = client.post(url("overview", draft.pk), {"to": "published"})
    assert response.status_code == 400
    assert "A consultation that is published cannot be moved to published" in errors_of(response)

    response = client.post(url("overview", draft.pk), {"to": "withdrawn"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Consultation.Status.WITHDRAWN
    page = page_of(client.get(url("overview", draft.pk)))
    assert ">Withdrawn</h3>" in page and 'value="draft"' in page


# --- Who may open them ------------------------------------------------------------------------


def pages(consultation, question) -> list[str]:
    return [
        url("create"),
        url("overview", consultation.pk),
        url("edit", consultation.pk),
        url("questions", consultation.pk),
        url("question_add", consultation.pk),
        url("question_edit", consultation.pk, question.pk),
        url("question_delete", consultation.pk, question.pk),
        url("precept_add", consultation.pk),
        url("preview", consultation.pk),
    ]


@pytest.mark.parametrize("role", ["Ambassador", "Grant assessor", "Applicant", "Grants officer"])
def test_others_may_not_open_them(client, make_user, sign_in, role):
    question = QuestionFactory()
    sign_in(make_user(role))
    for page in pages(question.consultation, question):
        assert client.get(page).status_code == 403, page
    response = client.post(url("overview", question.consultation.pk), {"to": "published"})
    assert response.status_code == 403
    question.consultation.refresh_from_db()
    assert question.consultation.status == Consultation.Status.DRAFT


def test_the_public_are_sent_to_sign_in(client):
    question = QuestionFactory()
    for page in pages(question.consultation, question):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("two_factor:login"))


def test_an_engagement_officer_opens_them_all(client, officer):
    question = QuestionFactory()
    for page in pages(question.consultation, question):
        assert client.get(page).status_code == 200, page
    listing = page_of(client.get(url("list")))
    assert f'href="{url("create")}"' in listing
    assert f'href="{url("overview", question.consultation.pk)}"' in listing


def test_those_who_only_see_may_look_but_not_change(client, signed_in_as):
    question = QuestionFactory()
    consultation = question.consultation
    signed_in_as("Performance officer")
    for page in (url("overview", consultation.pk), url("questions", consultation.pk)):
        response = client.get(page)
        assert response.status_code == 200
        assert "Change<span" not in page_of(response) and "Move up" not in page_of(response)
    assert client.get(url("preview", consultation.pk)).status_code == 200
    assert client.get(url("question_add", consultation.pk)).status_code == 403
    assert client.post(url("overview", consultation.pk), {"to": "published"}).status_code == 403
    assert 'href="/staff/consultations/new/"' not in page_of(client.get(url("list")))


# --- Query counts -----------------------------------------------------------------------------


def add_questions(consultation, officer):
    """make_rows for assert_flat_queries: n questions of every sort (a choice, one shown only
    after an answer to it, a tracked measure reworded since), each with its history."""

    def make(n):
        for _ in range(n):
            position = consultation.questions.count() + 1
            if position % 3 == 1:
                choice_question(consultation, ["Yes", "No", "Maybe"], position=position)
            elif position % 3 == 2:
                parent = consultation.questions.get(position=position - 1)
                child = QuestionFactory(
                    consultation=consultation,
                    position=position,
                    show_if_question=parent,
                    kind=Kind.LONG_TEXT,
                )
                child.show_if_options.set(parent.options.all()[:2])
            else:
                confidence = confidence_question(consultation, position=position)
                confidence.text = "Changed wording"
                confidence._history_user = officer
                confidence.save()

    return make


@pytest.mark.parametrize("page", ["overview", "questions"])
def test_the_pages_take_the_same_queries_at_5_and_50_questions(
    client, officer, draft, assert_flat_queries, page
):
    response = assert_flat_queries(
        add_questions(draft, officer), lambda: client.get(url(page, draft.pk)), at_most=30
    )
    assert draft.questions.count() == 50
    if page == "questions":
        assert "Question 50" in page_of(response)
    else:
        assert "Question changed" in page_of(response)


def test_the_history_shows_the_latest_changes_and_counts_the_rest(officer, draft):
    for n in range(building.HISTORY_LIMIT + 5):
        QuestionFactory(consultation=draft, position=n + 1)
    changes, earlier = building.consultation_history(draft)
    assert len(changes) == building.HISTORY_LIMIT
    assert earlier == 6  # the five questions left over and the consultation's creation
    assert changes[0].at >= changes[-1].at
    assert all(isinstance(change.at, datetime) for change in changes)
