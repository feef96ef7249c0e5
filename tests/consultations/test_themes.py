"""Themes of free-text answers: naming them, tagging answers in bulk from the text answers page,
filtering by them, their counts on the results and their column in the exports, and who may."""

import csv
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from consultations.exports import response_rows
from consultations.models import Answer, Response, Theme
from consultations.results import Selection, consultation_results
from consultations.rules import TAG_ANSWERS
from consultations.themes import (
    add_theme,
    remove_theme,
    rename_theme,
    tag_answers,
    untag_answers,
)
from tests.consultations.factories import ConsultationFactory, QuestionFactory
from tests.consultations.results_data import known_results, respond

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.consultations.staff_test_urls")]


@pytest.fixture
def known(db):
    return known_results()


@pytest.fixture
def officer(make_user):
    return make_user("Engagement officer")


def comment_of(known, response) -> Answer:
    return Answer.objects.get(response=response, question=known.comments)


def answers_url(known, query=""):
    return (
        f"/staff/consultations/{known.consultation.pk}/results/questions/"
        f"{known.comments.pk}/answers/{query}"
    )


def themes_url(consultation, rest=""):
    return f"/staff/consultations/{consultation.pk}/themes/{rest}"


def names(answer) -> list[str]:
    return sorted(answer.themes.values_list("name", flat=True))


# --- Naming themes ----------------------------------------------------------------------------


def test_a_theme_is_added_renamed_and_removed(known, officer):
    theme = add_theme(consultation=known.consultation, name="  Police\n visibility ", by=officer)
    assert theme.name == "Police visibility"
    assert theme.consultation == known.consultation

    rename_theme(theme=theme, name="Patrols", by=officer)
    theme.refresh_from_db()
    assert theme.name == "Patrols"

    first = comment_of(known, known.responses[0])
    tag_answers(answers=[first], themes=[theme], by=officer)
    assert remove_theme(theme=theme, by=officer) == 1
    assert not Theme.objects.exists()
    # The answer stays; only its theme went.
    first.refresh_from_db()
    assert first.text == "More patrols near the school" and names(first) == []


def test_a_name_is_used_once_per_consultation_whatever_its_capitals(known, officer):
    add_theme(consultation=known.consultation, name="Speeding", by=officer)
    with pytest.raises(ValidationError) as error:
        add_theme(consultation=known.consultation, name="speeding", by=officer)
    assert error.value.message_dict == {
        "name": ["There is already a theme called “speeding” in this consultation"]
    }
    other = add_theme(consultation=known.consultation, name="Parking", by=officer)
    with pytest.raises(ValidationError, match="already a theme called"):
        rename_theme(theme=other, name="SPEEDING", by=officer)
    # Another consultation may have its own theme of that name, and a theme may be recapitalised.
    add_theme(consultation=ConsultationFactory(), name="Speeding", by=officer)
    assert rename_theme(theme=other, name="PARKING", by=officer).name == "PARKING"
    assert Theme.objects.filter(consultation=known.consultation).count() == 2


@pytest.mark.parametrize(
    "name, message",
    [("   ", "Enter the name of the theme"), ("x" * 101, "at most 100 characters")],
)
def test_an_empty_or_overlong_name_is_refused(known, officer, name, message):
    with pytest.raises(ValidationError, match=message):
        add_theme(consultation=known.consultation, name=name, by=officer)
    assert not Theme.objects.exists()


# --- Tagging ----------------------------------------------------------------------------------


def test_answers_are_tagged_and_untagged_in_bulk(known, officer):
    speeding = add_theme(consultation=known.consultation, name="Speeding", by=officer)
    schools = add_theme(consultation=known.consultation, name="Schools", by=officer)
    first, second = (comment_of(known, r) for r in known.responses[:2])

    assert tag_answers(answers=[first, second], themes=[speeding, schools], by=officer) == 4
    assert names(first) == names(second) == ["Schools", "Speeding"]
    # Tagging again adds nothing and duplicates nothing.
    assert tag_answers(answers=[first, second], themes=[speeding], by=officer) == 0
    assert Answer.themes.through.objects.count() == 4

    assert untag_answers(answers=[first, second], themes=[speeding], by=officer) == 2
    assert names(first) == names(second) == ["Schools"]
    assert untag_answers(answers=[first], themes=[speeding], by=officer) == 0


def test_only_free_text_answers_to_the_themes_consultation_are_tagged(known, officer):
    speeding = add_theme(consultation=known.consultation, name="Speeding", by=officer)
    comment = comment_of(known, known.responses[0])
    choice = Answer.objects.filter(question=known.patrols).first()
    with pytest.raises(ValidationError, match="free-text questions"):
        tag_answers(answers=[comment, choice], themes=[speeding], by=officer)

    elsewhere = QuestionFactory(consultation=ConsultationFactory())
    stranger = Answer.objects.create(
        response=Response.objects.create(consultation=elsewhere.consultation),
        question=elsewhere,
        text="Speeding everywhere",
    )
    with pytest.raises(ValidationError, match="free-text questions"):
        tag_answers(answers=[stranger], themes=[speeding], by=officer)
    foreign = add_theme(consultation=elsewhere.consultation, name="Foreign", by=officer)
    with pytest.raises(ValidationError, match="themes of this consultation"):
        tag_answers(answers=[comment], themes=[speeding, foreign], by=officer)
    assert not Answer.themes.through.objects.exists()


@pytest.mark.parametrize(
    "role", ["Ambassador", "Grant assessor", "Performance officer", "Commissioner and Deputy"]
)
def test_the_services_refuse_those_who_may_not_tag(known, officer, make_user, role):
    person = make_user(role)
    theme = add_theme(consultation=known.consultation, name="Speeding", by=officer)
    comment = comment_of(known, known.responses[0])
    for someone in (person, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            add_theme(consultation=known.consultation, name="Parking", by=someone)
        with pytest.raises(PermissionDenied):
            rename_theme(theme=theme, name="Parking", by=someone)
        with pytest.raises(PermissionDenied):
            tag_answers(answers=[comment], themes=[theme], by=someone)
        with pytest.raises(PermissionDenied):
            untag_answers(answers=[comment], themes=[theme], by=someone)
        with pytest.raises(PermissionDenied):
            remove_theme(theme=theme, by=someone)
    assert list(Theme.objects.values_list("name", flat=True)) == ["Speeding"]


@pytest.mark.parametrize(
    "role, may",
    [
        ("Engagement officer", True),
        ("Administrator", True),
        ("Commissioner and Deputy", False),
        ("Performance officer", False),
        ("Staff officer", False),
        ("Grant assessor", False),
        ("Ambassador", False),
        (None, False),
    ],
)
def test_the_rule(make_user, role, may):
    assert make_user(role).has_perm(TAG_ANSWERS) is may


# --- The text answers page --------------------------------------------------------------------


def test_ticked_answers_are_tagged_and_untagged_in_one_post(known, signed_in_as, client):
    officer = signed_in_as("Engagement officer")
    speeding = add_theme(consultation=known.consultation, name="Speeding", by=officer)
    first, second = (comment_of(known, r) for r in known.responses[:2])
    url = answers_url(known, "?channel=online&page=1")

    page = client.get(url).content.decode()
    assert f'name="answers" type="checkbox" value="{first.pk}"' in page
    assert "Add theme to ticked answers" in page

    response = client.post(
        url, {"answers": [first.pk, second.pk], "theme": speeding.pk, "action": "apply"}
    )
    assert response.status_code == 302
    assert response["Location"] == url  # back to the page as it was filtered
    assert names(first) == names(second) == ["Speeding"]
    page = client.get(response["Location"]).content.decode()
    assert "“Speeding” added to 2 answers." in page
    assert '<strong class="moj-badge moj-badge--blue">Speeding</strong>' in page

    response = client.post(url, {"answers": [second.pk], "theme": speeding.pk, "action": "remove"})
    assert response.status_code == 302
    assert names(first) == ["Speeding"] and names(second) == []


def test_a_post_without_answers_ticked_says_so_and_keeps_the_choices(known, signed_in_as, client):
    officer = signed_in_as("Engagement officer")
    add_theme(consultation=known.consultation, name="Parking", by=officer)
    speeding = add_theme(consultation=known.consultation, name="Speeding", by=officer)
    response = client.post(answers_url(known), {"theme": speeding.pk, "action": "apply"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#answers">Select at least one answer</a>' in page
    assert f'<option value="{speeding.pk}" selected>Speeding</option>' in page

    first = comment_of(known, known.responses[0])
    response = client.post(answers_url(known), {"answers": [first.pk], "action": "apply"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a theme" in page
    assert f'value="{first.pk}" aria-describedby="answer-{first.pk}-text" checked' in page
    assert not Answer.themes.through.objects.exists()


def test_an_answer_to_another_question_cannot_be_posted(known, signed_in_as, client):
    officer = signed_in_as("Engagement officer")
    theme = add_theme(consultation=known.consultation, name="Speeding", by=officer)
    choice = Answer.objects.filter(question=known.patrols).first()
    response = client.post(
        answers_url(known), {"answers": [choice.pk], "theme": theme.pk, "action": "apply"}
    )
    assert response.status_code == 400
    assert not Answer.themes.through.objects.exists()


def test_the_list_is_filtered_by_theme(known, signed_in_as, client):
    officer = signed_in_as("Engagement officer")
    speeding = add_theme(consultation=known.consultation, name="Speeding", by=officer)
    add_theme(consultation=known.consultation, name="Schools", by=officer)
    tag_answers(answers=[comment_of(known, known.responses[1])], themes=[speeding], by=officer)

    page = client.get(answers_url(known, f"?theme={speeding.pk}")).content.decode()
    assert "1 answer tagged “Speeding”" in page
    assert "Speeding on the high street" in page
    assert "More patrols near the school" not in page
    # The themes listed with their counts, each a link to its filter.
    assert f"theme={speeding.pk}" in page and "Schools</a>: 0 answers" in page

    foreign = add_theme(consultation=ConsultationFactory(), name="Elsewhere", by=officer)
    response = client.get(answers_url(known, f"?theme={foreign.pk}"))
    assert response.status_code == 400
    assert "not a choice on offer" in response.content.decode()


def test_those_who_see_results_read_the_themes_but_cannot_tag(known, officer, make_user, sign_in):
    theme = add_theme(consultation=known.consultation, name="Speeding", by=officer)
    first = comment_of(known, known.responses[0])
    tag_answers(answers=[first], themes=[theme], by=officer)
    client = sign_in(make_user("Staff officer"))
    page = client.get(answers_url(known)).content.decode()
    assert '<strong class="moj-badge moj-badge--blue">Speeding</strong>' in page
    assert 'type="checkbox"' not in page and "Add a theme" not in page
    response = client.post(
        answers_url(known), {"answers": [first.pk], "theme": theme.pk, "action": "remove"}
    )
    assert response.status_code == 403
    assert names(first) == ["Speeding"]
    assert client.get(themes_url(known.consultation)).status_code == 403


@pytest.mark.parametrize("role", ["Ambassador", "Grant assessor"])
def test_ambassadors_and_grant_assessors_are_refused(known, officer, make_user, sign_in, role):
    theme = add_theme(consultation=known.consultation, name="Speeding", by=officer)
    first = comment_of(known, known.responses[0])
    client = sign_in(make_user(role))
    assert client.get(answers_url(known)).status_code == 403
    post = {"answers": [first.pk], "theme": theme.pk, "action": "apply"}
    assert client.post(answers_url(known), post).status_code == 403
    assert client.get(themes_url(known.consultation)).status_code == 403
    assert client.post(themes_url(known.consultation), {"name": "Parking"}).status_code == 403
    assert client.post(themes_url(known.consultation, f"{theme.pk}/remove/")).status_code == 403
    assert names(first) == [] and Theme.objects.count() == 1


def test_the_public_are_sent_to_sign_in(known, officer, client):
    theme = add_theme(consultation=known.consultation, name="Speeding", by=officer)
    for url in (
        answers_url(known),
        themes_url(known.consultation),
        themes_url(known.consultation, f"{theme.pk}/"),
        themes_url(known.consultation, f"{theme.pk}/remove/"),
    ):
        response = client.post(url, {"name": "Parking"})
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")
    assert list(Theme.objects.values_list("name", flat=True)) == ["Speeding"]


# --- The themes pages -------------------------------------------------------------------------


def test_a_theme_added_from_the_answers_page_goes_back_there(known, signed_in_as, client):
    signed_in_as("Engagement officer")
    back = answers_url(known, "?channel=online")
    response = client.post(themes_url(known.consultation), {"name": "Speeding", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Theme.objects.get().name == "Speeding"
    # Somewhere else is not followed.
    response = client.post(
        themes_url(known.consultation), {"name": "Parking", "next": "https://example.com/"}
    )
    assert response["Location"] == themes_url(known.consultation)


def test_a_duplicate_name_is_shown_with_what_was_typed(known, signed_in_as, client):
    officer = signed_in_as("Engagement officer")
    add_theme(consultation=known.consultation, name="Speeding", by=officer)
    response = client.post(themes_url(known.consultation), {"name": "SPEEDING"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "There is already a theme called “SPEEDING” in this consultation" in page
    assert 'value="SPEEDING"' in page
    response = client.post(themes_url(known.consultation), {"name": ""})
    assert "Enter the name of the theme" in response.content.decode()
    assert Theme.objects.count() == 1


def test_a_theme_is_renamed_and_removed_on_its_pages(known, signed_in_as, client):
    officer = signed_in_as("Engagement officer")
    theme = add_theme(consultation=known.consultation, name="Speeding", by=officer)
    tag_answers(answers=[comment_of(known, known.responses[1])], themes=[theme], by=officer)
    listing = client.get(themes_url(known.consultation)).content.decode()
    assert "Speeding" in listing and themes_url(known.consultation, f"{theme.pk}/") in listing

    change = themes_url(known.consultation, f"{theme.pk}/")
    assert 'value="Speeding"' in client.get(change).content.decode()
    response = client.post(change, {"name": "Speed"})
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Speed"

    remove = themes_url(known.consultation, f"{theme.pk}/remove/")
    confirm = client.get(remove).content.decode()
    assert "It tags 1 answer." in confirm
    response = client.post(remove)
    assert response.status_code == 302
    assert not Theme.objects.exists()
    # Another consultation's theme is not found under this one.
    other = add_theme(consultation=ConsultationFactory(), name="Other", by=officer)
    assert client.get(themes_url(known.consultation, f"{other.pk}/")).status_code == 404


# --- Results and exports ----------------------------------------------------------------------


@pytest.fixture
def tagged(known, officer):
    """Patrols on the first two comments, Speeding on the second and the suspect one's."""
    patrols = add_theme(consultation=known.consultation, name="Patrols", by=officer)
    speeding = add_theme(consultation=known.consultation, name="Speeding", by=officer)
    first, second = (comment_of(known, r) for r in known.responses[:2])
    suspect = comment_of(known, known.suspect)
    tag_answers(answers=[first, second], themes=[patrols], by=officer)
    tag_answers(answers=[second, suspect], themes=[speeding], by=officer)
    return known


def theme_figures(results, question):
    result = next(r for r in results.questions if r.question == question)
    return [(row.label, row.count, row.percent) for row in result.themes]


def test_the_results_count_each_theme_of_a_free_text_question(tagged):
    results = consultation_results(consultation=tagged.consultation)
    # Two people answered (the suspect one is left out): both patrols, one speeding.
    assert theme_figures(results, tagged.comments) == [("Patrols", 2, 100), ("Speeding", 1, 50)]
    assert theme_figures(results, tagged.patrols) == []

    counted = consultation_results(
        consultation=tagged.consultation, selection=Selection(with_suspect=True)
    )
    assert theme_figures(counted, tagged.comments) == [("Patrols", 2, 67), ("Speeding", 2, 67)]
    south = consultation_results(
        consultation=tagged.consultation, selection=Selection(policing_area=tagged.south)
    )
    assert theme_figures(south, tagged.comments) == []


def test_the_results_page_shows_the_themes_table(tagged, signed_in_as, client):
    signed_in_as("Performance officer")
    page = client.get(f"/staff/consultations/{tagged.consultation.pk}/results/").content.decode()
    table = page.split(f'id="themes-{tagged.comments.pk}"')[1].split("</table>")[0]
    assert "Patrols" in table and "Speeding" in table
    assert 'data-sort-value="50">50%' in table


def test_the_results_page_takes_the_same_queries_with_many_themed_answers(
    known, officer, signed_in_as, client, assert_flat_queries
):
    signed_in_as("Engagement officer")
    themes = [
        add_theme(consultation=known.consultation, name=f"Theme {n}", by=officer) for n in range(3)
    ]

    def make_rows(n):
        for i in range(n):
            response = respond(known.consultation, {known.comments: f"Comment {i}"})
            tag_answers(
                answers=[comment_of(known, response)], themes=themes[: i % 3 + 1], by=officer
            )

    url = f"/staff/consultations/{known.consultation.pk}/results/"
    assert_flat_queries(make_rows, lambda: client.get(url))


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_exports_have_a_themes_column_after_the_question(tagged, signed_in_as, client):
    signed_in_as("Engagement officer")
    base = f"/staff/consultations/{tagged.consultation.pk}/responses"
    rows = read_csv(client.get(f"{base}.csv"))
    assert [row["Q6. Themes"] for row in rows] == [
        "Patrols",
        "Patrols; Speeding",
        "",
        "",
        "Speeding",
    ]
    header = list(rows[0])
    assert header.index("Q6. Themes") == header.index("Q6. Anything else?") + 1
    assert not any(column.startswith(("Q1. Themes", "Q5. Themes")) for column in header)

    response = client.get(f"{base}.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    column = values[0].index("Q6. Themes")
    assert [row[column] for row in values[1:]] == [
        "Patrols",
        "Patrols; Speeding",
        None,
        None,
        "Speeding",
    ]


def test_the_themes_are_read_in_chunks_beside_their_responses(tagged, monkeypatch):
    monkeypatch.setattr("consultations.exports.CHUNK", 1)
    rows = list(
        response_rows(
            consultation=tagged.consultation,
            selection=Selection(with_suspect=True),
            include_emails=False,
        )
    )
    column = rows[0].index("Q6. Themes")
    by_id = {row[0]: row[column] for row in rows[1:]}
    assert by_id == {
        tagged.responses[0].pk: "Patrols",
        tagged.responses[1].pk: "Patrols; Speeding",
        tagged.responses[2].pk: "",
        tagged.responses[3].pk: "",
        tagged.suspect.pk: "Speeding",
    }


def test_the_export_takes_the_same_queries_with_many_themed_answers(tagged, officer):
    def export():
        with CaptureQueriesContext(connection) as queries:
            rows = list(
                response_rows(
                    consultation=tagged.consultation,
                    selection=Selection(with_suspect=True),
                    include_emails=True,
                )
            )
        return rows, len(queries)

    _, few = export()
    themes = list(tagged.consultation.themes.all())
    for n in range(20):
        response = respond(tagged.consultation, {tagged.comments: f"More {n}"})
        tag_answers(answers=[comment_of(tagged, response)], themes=themes, by=officer)
    rows, many = export()
    assert len(rows) == 26 and rows[-1][rows[0].index("Q6. Themes")] == "Patrols; Speeding"
    assert many == few


# --- Query counts -----------------------------------------------------------------------------


def test_the_answers_page_takes_the_same_queries_with_themes(
    known, officer, signed_in_as, client, assert_flat_queries
):
    signed_in_as("Engagement officer")
    themes = [
        add_theme(consultation=known.consultation, name=f"Theme {n}", by=officer) for n in range(4)
    ]

    def make_rows(n):
        for i in range(n):
            response = respond(known.consultation, {known.comments: f"Comment {i}"})
            tag_answers(
                answers=[comment_of(known, response)], themes=themes[: i % 4 + 1], by=officer
            )

    response = assert_flat_queries(make_rows, lambda: client.get(answers_url(known)))
    page = response.content.decode()
    assert "52 answers, page 1 of 3" in page
    assert page.count('<strong class="moj-badge moj-badge--blue">Theme 0</strong>') == 25
