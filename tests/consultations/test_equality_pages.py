"""Equality monitoring on the pages: the optional "About you" section of the public form, the
fixed tables on the staff pages, and the raw export for named people only."""

import csv
import io
import uuid

import pytest
from django.contrib.auth.models import Permission

from consultations.models import Answer, EqualityAccess, EqualityAnswers, Response
from engagement.models import ReachedGroup
from pcc_portal.models import PolicingArea
from tests.consultations.factories import ConsultationFactory
from tests.consultations.test_equality import answer
from tests.consultations.test_pages import answers, open_one, page, url  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_cache(settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


# --- The public form --------------------------------------------------------------------------


def test_the_form_ends_with_the_optional_about_you_section(client, open_one):  # noqa: F811
    ReachedGroup.objects.create(name="Rural communities (test)")
    consultation, *_ = open_one
    html = page(client, url(consultation))
    section = html[html.index("About you (optional)") :]
    assert section.index("About you (optional)") < section.index("Send your response")
    assert "groups of 10 people or more" in section
    for question in ("What is your age?", "What is your ethnic group?", "Rural communities"):
        assert question in section
    assert section.count("Prefer not to say") >= 8
    assert 'name="equality_sex"' in section and 'name="equality_groups"' in section


def test_answers_about_you_are_stored_apart_from_the_answers(client, open_one):  # noqa: F811
    rural = ReachedGroup.objects.create(name="Rural communities (test)")
    consultation, text, choice, yes = open_one
    data = answers(page(client, url(consultation)), text, choice, yes)
    data.update(
        equality_age_band="16_19",
        equality_religion="prefer_not",
        equality_groups=[str(rural.pk)],
    )
    assert client.post(url(consultation), data).status_code == 302

    response = Response.objects.get(consultation=consultation)
    equality = EqualityAnswers.objects.get(response=response)
    assert (equality.age_band, equality.religion, equality.sex) == ("16_19", "prefer_not", "")
    assert list(equality.groups.all()) == [rural]
    # Only the consultation's own two questions have answer rows.
    assert set(Answer.objects.values_list("question", flat=True)) == {text.pk, choice.pk}


def test_skipping_the_section_stores_nothing_about_you(client, open_one):  # noqa: F811
    consultation, text, choice, yes = open_one
    data = answers(page(client, url(consultation)), text, choice, yes)
    assert client.post(url(consultation), data).status_code == 302
    assert Response.objects.filter(consultation=consultation).count() == 1
    assert not EqualityAnswers.objects.exists()


@pytest.mark.parametrize(
    "wrong",
    [
        {"equality_sex": "robot"},
        {"equality_groups": ["999999"]},
        {"equality_groups": ["prefer_not", "GROUP"]},
    ],
)
def test_an_answer_about_you_not_offered_refuses_the_whole_response(
    client,
    open_one,  # noqa: F811
    wrong,
):
    rural = ReachedGroup.objects.create(name="Rural communities (test)")
    consultation, text, choice, yes = open_one
    if wrong.get("equality_groups") == ["prefer_not", "GROUP"]:
        wrong = {"equality_groups": ["prefer_not", str(rural.pk)]}
    data = {**answers(page(client, url(consultation)), text, choice, yes), **wrong}
    reply = client.post(url(consultation), data)
    assert reply.status_code == 400
    html = reply.content.decode()
    assert "There is a problem" in html and "<title>Error:" in html
    assert not Response.objects.exists()
    assert not EqualityAnswers.objects.exists()


# --- The staff tables ---------------------------------------------------------------------------


def equality_url(consultation):
    return f"/staff/consultations/{consultation.pk}/equality/"


def test_staff_see_the_fixed_tables_with_small_groups_hidden(client, reference_data, signed_in_as):
    consultation = ConsultationFactory(status="published")
    north, south = PolicingArea.objects.all()[:2]
    answer(consultation, 12, area=north, sex="female")
    answer(consultation, 3, area=north, sex="male")
    answer(consultation, 11, area=south, sex="female")
    answer(consultation, 14, area=south, sex="male")
    signed_in_as("Engagement officer")

    html = page(client, equality_url(consultation))
    table = html[html.index('id="equality-sex"') :]
    table = table[: table.index("</table>")]
    assert "Fewer than 10" in html and "[x]" in table
    assert ">12<" not in table.replace(" ", "")  # hidden too, or 3 follows from the total
    assert ">14<" in table.replace(" ", "") or "[x]" in table
    assert "cannot be worked out" in html
    for characteristic in ("Age", "Ethnic group", "Religion", "Sexual orientation"):
        assert characteristic in html


def test_the_results_page_links_to_the_equality_tables(client, office, signed_in_as):
    consultation = ConsultationFactory(status="published")
    signed_in_as("Engagement officer")
    assert equality_url(consultation) in page(
        client, f"/staff/consultations/{consultation.pk}/results/"
    )


def test_the_equality_tables_are_for_staff_who_see_results(client, office, signed_in_as):
    consultation = ConsultationFactory(status="published")
    signed_in_as("Ambassador")
    assert client.get(equality_url(consultation)).status_code == 403


# --- The raw export: named people only ----------------------------------------------------------


def export_url(consultation):
    return f"/staff/consultations/{consultation.pk}/equality-answers.csv"


@pytest.mark.parametrize("role", ["Commissioner and Deputy", "Engagement officer"])
def test_roles_alone_cannot_export_the_raw_answers(client, office, signed_in_as, role):
    consultation = ConsultationFactory(status="published")
    answer(consultation, 2, sex="female")
    signed_in_as(role)
    assert client.get(export_url(consultation)).status_code == 403
    assert not EqualityAccess.objects.exists()
    results = page(client, f"/staff/consultations/{consultation.pk}/equality/")
    assert "Export equality answers" not in results


def test_a_named_person_exports_the_raw_answers_and_it_is_logged(
    client, office, make_user, sign_in
):
    consultation = ConsultationFactory(status="published")
    answer(consultation, 2, sex="female", religion="prefer_not")
    answer(ConsultationFactory(), 1, sex="male")
    person = make_user("Engagement officer")
    person.user_permissions.add(Permission.objects.get(codename="export_equality_answers"))
    sign_in(person)

    assert "Export equality answers (named people only)" in page(
        client, f"/staff/consultations/{consultation.pk}/equality/"
    )
    reply = client.get(export_url(consultation))
    assert reply.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(reply.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Response", "Age", "Sex"]
    assert len(rows) == 3
    assert {row[2] for row in rows[1:]} == {"Female"}
    access = EqualityAccess.objects.get()
    assert (access.user, access.consultation, access.action) == (
        person,
        consultation,
        EqualityAccess.Action.EXPORTED,
    )
