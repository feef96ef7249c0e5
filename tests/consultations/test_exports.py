"""The raw answers as CSV and XLSX: one row per response, streamed, guarded against formulas,
with email addresses only for those who may see them."""

import csv
import io

import pytest
from openpyxl import load_workbook

from consultations.exports import csv_lines, response_rows, write_xlsx
from consultations.results import Selection
from tests.consultations.factories import ConsultationFactory
from tests.consultations.results_data import known_results, respond

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.consultations.staff_test_urls")]


@pytest.fixture
def known(db):
    return known_results()


def url(known, extension, query=""):
    return f"/staff/consultations/{known.consultation.pk}/responses.{extension}{query}"


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_streams_one_row_per_response_with_every_answer(known, signed_in_as, client):
    signed_in_as("Engagement officer")
    response = client.get(url(known, "csv"))
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="priorities-responses-')
    rows = read_csv(response)
    assert len(rows) == 5  # suspect ones included, and marked
    first = rows[0]
    assert first["Response"] == str(known.responses[0].pk)
    assert first["How it reached us"] == "Online"
    assert first["Policing area"] == "North"
    assert first["Who is responding"] == "A resident"
    assert first["Suspect"] == "No"
    # Multiple choice in the options' order, whatever order they were stored in.
    assert first["Q2. Which should be priorities?"] == "Burglary; Drugs"
    assert first["Q1. How often do you see the police on patrol?"] == "Often"
    assert first["Q3. Would you pay £5 more a year for policing?"] == "Yes"
    assert first["Q4. How good a job do you think the police do in your local area?"] == (
        "Excellent"
    )
    assert first["Q5. How many years have you lived here?"] == "2.00"
    assert first["Q6. Anything else?"] == "More patrols near the school"
    assert first["Q7. Are you responding as…"] == "A resident"
    # Engagement officers write to respondents about the outcome: they see the addresses.
    assert first["Email address"] == "resident@example.com"
    assert first["Q8. Your email, if you want to hear the outcome"] == "resident@example.com"
    fourth = rows[3]
    assert fourth["Organisation"] == "Parish council"
    assert fourth["Q2. Which should be priorities?"] == ""
    suspect = rows[4]
    assert suspect["Suspect"] == "Yes"
    assert suspect["Why it is suspect"] == "honeypot; too fast"


def test_the_export_keeps_the_filters_split(known, signed_in_as, client):
    signed_in_as("Administrator")
    rows = read_csv(client.get(url(known, "csv", "?policing_area=south&channel=online")))
    assert [row["Response"] for row in rows] == [str(known.responses[2].pk)]


def test_a_formula_typed_by_the_public_is_written_as_text_in_the_csv(known, signed_in_as, client):
    signed_in_as("Engagement officer")
    rows = read_csv(client.get(url(known, "csv")))
    assert rows[4]["Q6. Anything else?"] == '\'=HYPERLINK("http://example.com","Click")'


def test_the_xlsx_has_the_same_rows_and_no_formulas(known, signed_in_as, client):
    signed_in_as("Engagement officer")
    response = client.get(url(known, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="priorities-responses-' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) == 6
    first = dict(zip(header, rows[1], strict=True))
    assert first["Q2. Which should be priorities?"] == "Burglary; Drugs"
    assert first["Q5. How many years have you lived here?"] == 2  # a number, to add up
    assert first["Email address"] == "resident@example.com"
    column = header.index("Q6. Anything else?") + 1
    formula_like = sheet.cell(row=6, column=column)
    assert formula_like.value == '=HYPERLINK("http://example.com","Click")'
    assert formula_like.data_type == "s"
    assert formula_like.quotePrefix


def test_emails_are_left_out_for_those_who_may_not_see_them(known):
    rows = list(
        response_rows(
            consultation=known.consultation,
            selection=Selection(with_suspect=True),
            include_emails=False,
        )
    )
    header = rows[0]
    assert "Email address" not in header
    assert not any("email" in column.lower() for column in header)
    assert not any("@example.com" in str(value) for row in rows for value in row)
    with_emails = list(
        response_rows(
            consultation=known.consultation,
            selection=Selection(with_suspect=True),
            include_emails=True,
        )
    )
    assert any("resident@example.com" in row for row in with_emails)


@pytest.mark.parametrize(
    "role", ["Commissioner and Deputy", "Performance officer", "Staff officer", "Grants officer"]
)
def test_only_those_who_build_consultations_may_export(known, make_user, sign_in, role):
    client = sign_in(make_user(role))
    assert client.get(url(known, "csv")).status_code == 403
    assert client.get(url(known, "xlsx")).status_code == 403
    page = client.get(f"/staff/consultations/{known.consultation.pk}/results/")
    assert "responses.csv" not in page.content.decode()


def test_the_public_are_sent_to_sign_in(known, client):
    response = client.get(url(known, "csv"))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_a_consultation_without_responses_exports_its_header(signed_in_as, client):
    signed_in_as("Engagement officer")
    consultation = ConsultationFactory(slug="empty")
    response = client.get(f"/staff/consultations/{consultation.pk}/responses.csv")
    assert read_csv(response) == []


def test_the_rows_are_read_in_chunks_and_match_answers_to_their_response(known, monkeypatch):
    """Responses without answers and answers beyond a chunk's edge land in the right row."""
    monkeypatch.setattr("consultations.exports.CHUNK", 1)
    silent = respond(known.consultation, {}, channel="phone")
    late = respond(known.consultation, {known.patrols: "Sometimes"}, channel="meeting")
    rows = list(
        response_rows(
            consultation=known.consultation,
            selection=Selection(with_suspect=True),
            include_emails=False,
        )
    )
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[silent.pk][7] == "No"
    assert "Sometimes" not in by_id[silent.pk]
    assert "Sometimes" in by_id[late.pk]
    assert by_id[known.responses[0].pk].count("Often") == 1


def test_csv_lines_and_xlsx_guard_each_formula_start():
    rows = [["h"], ["=1+1"], ["+1"], ["-1"], ["@SUM(A1)"], ["\tx"], ["ok"], [-5]]
    text = "".join(csv_lines(rows)).lstrip("\ufeff")
    values = [row[0] for row in csv.reader(io.StringIO(text))]
    assert values == ["h", "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "ok", "-5"]
    sheet = load_workbook(write_xlsx(rows)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in cells[:5]] == ["s"] * 5
    assert cells[-1].value == -5
