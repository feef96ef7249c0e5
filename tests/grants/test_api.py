"""The grants API: open rounds with their rules for anyone; applications an applicant starts,
fills in and sends (and staff read); awards as published, and in full for those who run the
scheme. Bad input is a 400 with field messages, never a 500, and lists take as many queries for
50 rows as for 5."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from grants.models import Application, Award, Instalment, MonitoringReport
from grants.workflow import ApplicationStatus as S
from grants.workflow import RoundStatus
from pcc_portal.models import PolicingArea
from tests.engagement.factories import ActivityAreaFactory
from tests.grants import factories as f
from tests.pcc_portal.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db

ROUNDS = "/api/v1/grant-rounds/"
APPLICATIONS = "/api/v1/applications/"
AWARDS = "/api/v1/awards/"


def post(client, path, body, **headers):
    return client.post(
        path,
        data=body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        **headers,
    )


def patch(client, path, body):
    return client.patch(path, data=json.dumps(body), content_type="application/json")


def award_row(application, *, amount="4000.00", scheme=None, withdrawn=False) -> Award:
    """An award as the services leave one, written directly: a list's rows, quickly."""
    if scheme is not None:
        Application.objects.filter(pk=application.pk).update(scheme=scheme)
    organisation = f.linked_organisation()
    Application.objects.filter(pk=application.pk).update(
        organisation=organisation, status=S.WITHDRAWN if withdrawn else S.ACTIVE
    )
    award = Award.objects.create(
        application=application,
        amount=Decimal(amount),
        conditions="Report at the end",
        reasons="Reduces youth crime",
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 12, 31),
        decided_by="Alex Holder, Commissioner",
        decided_on=date(2026, 3, 20),
        recorded_by=application.applicant,
    )
    award.beneficiary_areas.set(application.policing_areas.all())
    Instalment.objects.create(award=award, number=1, due_on=award.starts_on, amount=award.amount)
    MonitoringReport.objects.create(award=award, title="Final report", due_on=date(2027, 2, 25))
    return award


# --- Grant rounds -------------------------------------------------------------------------------


def test_anyone_reads_the_open_rounds_of_public_schemes_with_their_rules(client):
    now = timezone.now()
    grant_round = f.GrantRoundFactory(name="2026/27 tier 1", slug="tier-1")
    f.CriterionFactory(round=grant_round, name="Reduces crime", weight=3, position=1)
    f.RoundQuestionFactory(round=grant_round, text="Who runs it?")
    grant_round.activity_areas.set([ActivityAreaFactory(number=4, name="Children")])
    grant_round.objectives.set([ObjectiveFactory()])
    f.GrantRoundFactory(name="Upcoming", opens_at=now + timedelta(days=2))
    f.GrantRoundFactory(name="Closed", closes_at=now - timedelta(hours=1))
    f.GrantRoundFactory(name="Draft", status=RoundStatus.DRAFT)
    f.GrantRoundFactory(name="Withdrawn", status=RoundStatus.WITHDRAWN)
    f.GrantRoundFactory(name="Hidden", scheme=f.GrantSchemeFactory(is_public=False))

    response = client.get(ROUNDS)

    assert response.status_code == 200
    (listed,) = response.json()["results"]
    assert listed["name"] == "2026/27 tier 1" and listed["slug"] == "tier-1"
    assert listed["scheme"]["name"] == grant_round.scheme.name
    assert listed["maximum_award"] == "20000.00" and listed["longest_project_months"] == 12
    assert listed["criteria"] == [
        {"name": "Reduces crime", "guidance": "", "weight": 3, "max_score": 5}
    ]
    assert [q["text"] for q in listed["questions"]] == ["Who runs it?"]
    assert listed["activity_areas"] == [{"number": 4, "name": "Children"}]
    assert len(listed["objectives"]) == 1
    assert client.get(f"{ROUNDS}tier-1/").json()["name"] == "2026/27 tier 1"


def test_a_round_not_open_is_not_found(client):
    f.GrantRoundFactory(slug="over", closes_at=timezone.now() - timedelta(minutes=1))
    assert client.get(f"{ROUNDS}over/").status_code == 404
    assert client.post(ROUNDS, {}).status_code == 405


def test_the_round_list_takes_as_many_queries_for_50_rows_as_for_5(client, assert_flat_queries):
    scheme = f.GrantSchemeFactory()

    def make_rows(count):
        for _ in range(count):
            grant_round = f.GrantRoundFactory(scheme=scheme)
            f.CriterionFactory(round=grant_round)
            f.RoundQuestionFactory(round=grant_round)
            grant_round.activity_areas.set([ActivityAreaFactory(number=2)])

    response = assert_flat_queries(make_rows, lambda: client.get(ROUNDS), at_most=8)
    assert response.json()["count"] == 50


# --- Awards -------------------------------------------------------------------------------------


@pytest.fixture
def awards():
    """A published award, a withdrawn one, one from a hidden private fund and one from a hidden
    scheme whose grants are crime and disorder reduction grants (published all the same)."""
    published = award_row(f.ApplicationFactory(project_title="Street pastors"), amount="4000")
    withdrawn = award_row(f.ApplicationFactory(), withdrawn=True)
    private = f.GrantSchemeFactory(is_public=False, crime_and_disorder_reduction=False)
    hidden = award_row(f.ApplicationFactory(), scheme=private)
    direct = f.GrantSchemeFactory(is_public=False, crime_and_disorder_reduction=True)
    commissioned = award_row(f.ApplicationFactory(), scheme=direct)
    return {
        "published": published,
        "withdrawn": withdrawn,
        "hidden": hidden,
        "commissioned": commissioned,
    }


def test_the_public_reads_published_awards_and_only_their_published_fields(client, awards):
    response = client.get(AWARDS)

    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {awards["published"].pk, awards["commissioned"].pk}
    row = rows[awards["published"].pk]
    application = awards["published"].application
    application.refresh_from_db()
    assert row == {
        "id": awards["published"].pk,
        "recipient": application.organisation.name,
        "recipient_org_id": application.organisation.org_id,
        "amount": "4000.00",
        "purpose": "Street pastors",
        "summary": application.project_summary,
        "date": "2026-03-20",
        "scheme": application.scheme.name,
        "round": application.round.name,
        "areas": [area.name for area in application.policing_areas.all()],
        "activity_area": application.activity_area.name,
        "conditions": "Report at the end",
        "reasons": "Reduces youth crime",
    }
    assert client.get(f"{AWARDS}{awards['hidden'].pk}/").status_code == 404


@pytest.mark.parametrize("role", ["Grants officer", "Commissioner and Deputy"])
def test_those_who_run_the_scheme_read_every_award_in_full(client, token_for, awards, role):
    response = client.get(AWARDS, **token_for(role))

    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {award.pk for award in awards.values()}
    row = rows[awards["published"].pk]
    assert row["status"] == S.ACTIVE and row["decided_by"] == "Alex Holder, Commissioner"
    assert row["instalments"] == [
        {
            "number": 1,
            "due_on": "2026-04-01",
            "amount": "4000.00",
            "financial_year": 2026,
            "held_for_report": None,
            "released_at": None,
            "paid_at": None,
        }
    ]
    assert [r["title"] for r in row["reports"]] == ["Final report"]
    assert row["reports"][0]["status_name"] == "Due"


def test_an_assessor_sees_no_money_beyond_what_is_published(client, token_for, awards):
    rows = client.get(AWARDS, **token_for("Grant assessor")).json()["results"]
    assert {row["id"] for row in rows} == {awards["published"].pk, awards["commissioned"].pk}
    assert all("instalments" not in row for row in rows)


def test_awards_filter_by_scheme_and_area(client, awards):
    application = awards["published"].application
    area = application.policing_areas.get()
    by_scheme = client.get(AWARDS, {"scheme": application.scheme.slug}).json()["results"]
    assert [row["id"] for row in by_scheme] == [awards["published"].pk]
    by_area = client.get(AWARDS, {"area": area.slug}).json()["results"]
    assert [row["id"] for row in by_area] == [awards["published"].pk]
    assert client.get(AWARDS, {"decided_from": "2026-03-21"}).json()["results"] == []
    unknown = client.get(AWARDS, {"scheme": "no-such-scheme"})
    assert unknown.status_code == 400 and "scheme" in unknown.json()
    assert client.get(AWARDS, {"decided_to": "not a date"}).status_code == 400


@pytest.mark.parametrize("role", [None, "Grants officer"])
def test_the_award_list_takes_as_many_queries_for_50_rows_as_for_5(
    client, token_for, assert_flat_queries, role
):
    grant_round = f.GrantRoundFactory(budget=Decimal("1000000"))
    headers = token_for(role) if role else {}

    def make_rows(count):
        for _ in range(count):
            award_row(f.ApplicationFactory(round=grant_round))

    response = assert_flat_queries(make_rows, lambda: client.get(AWARDS, **headers), at_most=12)
    assert response.json()["count"] == 50


# --- Applications: reading ----------------------------------------------------------------------


def test_an_applicant_sees_only_their_own_applications_drafts_included(client, people):
    mine = f.ApplicationFactory()
    f.submitted(people, round=mine.round)
    f.ApplicationFactory(round=mine.round)
    client.force_login(mine.applicant)

    rows = client.get(APPLICATIONS).json()["results"]

    assert [row["id"] for row in rows] == [mine.pk]
    others = Application.objects.exclude(pk=mine.pk)
    for other in others:
        assert client.get(f"{APPLICATIONS}{other.pk}/").status_code == 404


def test_staff_see_what_was_sent_never_an_applicants_draft(client, token_for, people):
    sent = f.submitted(people)
    draft = f.ApplicationFactory(round=sent.round)
    for role in ("Grants officer", "Grant assessor", "Commissioner and Deputy"):
        rows = client.get(APPLICATIONS, **token_for(role)).json()["results"]
        assert [row["id"] for row in rows] == [sent.pk], role
    officer = token_for("Grants officer")
    assert client.get(f"{APPLICATIONS}{draft.pk}/", **officer).status_code == 404
    assert client.get(APPLICATIONS, **token_for("Engagement officer")).json()["results"] == []
    assert client.get(APPLICATIONS).status_code in (401, 403)


def test_each_reader_reads_the_names_they_know_and_the_office_keeps_its_workings(
    client, token_for, people
):
    application = f.recommended(people)
    client.force_login(application.applicant)
    own = client.get(f"{APPLICATIONS}{application.pk}/").json()
    staff = client.get(f"{APPLICATIONS}{application.pk}/", **token_for("Grants officer")).json()

    assert own["status"] == staff["status"] == S.RECOMMENDED
    assert own["status_name"] == "Awaiting a decision"
    assert staff["status_name"] == "Recommended"
    assert [step["status_name"] for step in own["history"]][:2] == ["Received", "Being assessed"]
    assert [step["status_name"] for step in staff["history"]][:2] == [
        "Eligibility check",
        "Assessment",
    ]
    assert all(step["by"] is None and step["note"] == "" for step in own["history"])
    assert staff["history"][-1]["by"] == people.officer.get_full_name()
    assert staff["history"][-1]["note"] == "Strong local support"
    assert own["recommended_amount"] is None and own["recommendation"] is None
    assert staff["recommended_amount"] == "5000.00"
    assert staff["recommendation"] == "Strong local support"
    assert own["organisation"] is None and staff["organisation"] == application.organisation_id
    assert own["budget_lines"] == [{"description": "Youth worker", "amount": "5000.00"}]
    assert own["reference"] == application.reference


def test_the_grantee_and_the_office_read_the_award_an_assessor_does_not(client, token_for, people):
    application, award = f.accepted(people)
    client.force_login(application.applicant)
    own = client.get(f"{APPLICATIONS}{application.pk}/").json()
    assert own["award"]["amount"] == "5000.00"
    assert own["award"]["reports"][0]["title"] == "Final report"
    assert own["award"]["reports"][0]["status_name"] == "Due"
    officer = client.get(f"{APPLICATIONS}{application.pk}/", **token_for("Grants officer"))
    assert officer.json()["award"]["instalments"][0]["amount"] == "5000.00"
    assessor = client.get(f"{APPLICATIONS}{application.pk}/", **token_for("Grant assessor"))
    assert assessor.status_code == 200 and assessor.json()["award"] is None


def test_the_application_list_takes_as_many_queries_for_50_rows_as_for_5(
    client, token_for, assert_flat_queries, people
):
    grant_round = f.GrantRoundFactory(budget=Decimal("1000000"))
    f.RoundQuestionFactory(round=grant_round, required=False)

    def make_rows(count):
        for n in range(count):
            application = f.ApplicationFactory(round=grant_round, status=S.SUBMITTED)
            application.objectives.set([ObjectiveFactory()])
            if n % 2:
                award_row(application)

    headers = token_for("Grants officer")
    response = assert_flat_queries(
        make_rows, lambda: client.get(APPLICATIONS, **headers), at_most=16
    )
    assert response.json()["count"] == 50


def test_the_list_filters_by_status_and_round(client, token_for, people):
    sent = f.submitted(people)
    eligible = f.eligible(people, round=sent.round)
    headers = token_for("Grants officer")
    rows = client.get(APPLICATIONS, {"status": "eligible"}, **headers).json()["results"]
    assert [row["id"] for row in rows] == [eligible.pk]
    assert client.get(APPLICATIONS, {"status": "nonsense"}, **headers).status_code == 400
    other = client.get(APPLICATIONS, {"round": "no-such-round"}, **headers)
    assert other.status_code == 400


# --- Applications: applying ---------------------------------------------------------------------


@pytest.fixture
def open_round():
    grant_round = f.GrantRoundFactory(slug="open-round")
    question = f.RoundQuestionFactory(round=grant_round, text="Who runs it?")
    return grant_round, question


def draft_body(grant_round, question, **changes) -> dict:
    area, _ = PolicingArea.objects.get_or_create(slug="north", defaults={"name": "North"})
    body = {
        "round": grant_round.slug,
        "organisation_name": "Safer Streets Trust",
        "organisation_kind": "voluntary",
        "charity_number": "1123456",
        "organisation_address": "1 High Street\nShrewsbury",
        "organisation_postcode": "sy38hf",
        "has_safeguarding_policy": False,
        "governing_document": "constitution",
        "contact_name": "Jo Bloggs",
        "contact_email": "jo@example.org",
        "project_title": "Friday night football",
        "project_summary": "Football in the park on Friday evenings.",
        "project_activities": "Two coaches, Friday evenings.",
        "project_beneficiaries": "Young people aged 13 to 19",
        "activity_area": ActivityAreaFactory(number=4).number,
        "policing_areas": [area.slug],
        "starts_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "ends_on": (timezone.localdate() + timedelta(days=240)).isoformat(),
        "amount_requested": "6000.00",
        "expected_outcomes": "Less anti-social behaviour on Friday evenings",
        "budget_lines": [
            {"description": "Coaches", "amount": "4000.00"},
            {"description": "Pitch hire", "amount": "2000.00"},
        ],
        "answers": {str(question.pk): "Local parents"},
    }
    body.update(changes)
    return body


def test_an_applicant_starts_attaches_and_sends_an_application(client, open_round):
    grant_round, question = open_round
    applicant = f.ApplicantFactory()
    client.force_login(applicant)

    created = post(client, APPLICATIONS, draft_body(grant_round, question))

    assert created.status_code == 201, created.json()
    draft = created.json()
    assert draft["status"] == S.DRAFT and draft["status_name"] == "Not sent yet"
    assert draft["organisation_postcode"] == "SY3 8HF"
    assert draft["answers"] == [{"question": question.pk, "answer": "Local parents"}]
    url = f"{APPLICATIONS}{draft['id']}/"
    document = f.upload("constitution.pdf", f.PDF)
    attached = client.post(f"{url}attachments/", {"kind": "governing_document", "file": document})
    assert attached.status_code == 201, attached.json()
    assert attached.json()["name"] == "constitution.pdf"

    sent = post(client, f"{url}submit/", {"declaration": True})

    assert sent.status_code == 200, sent.json()
    assert sent.json()["status"] == S.SUBMITTED and sent.json()["status_name"] == "Received"
    assert sent.json()["reference"]
    again = post(client, f"{url}submit/", {"declaration": True})
    assert again.status_code == 200 and again.json()["reference"] == sent.json()["reference"]
    application = Application.objects.get(pk=draft["id"])
    assert application.applicant == applicant
    assert application.transitions.count() == 1
    assert application.budget_total == Decimal("6000.00")


def test_a_draft_is_changed_a_part_at_a_time_and_only_by_its_applicant(client, open_round):
    grant_round, question = open_round
    applicant = f.ApplicantFactory()
    client.force_login(applicant)
    draft = post(client, APPLICATIONS, draft_body(grant_round, question)).json()
    url = f"{APPLICATIONS}{draft['id']}/"

    changed = patch(client, url, {"project_title": "Saturday football"})

    assert changed.status_code == 200
    assert changed.json()["project_title"] == "Saturday football"
    assert changed.json()["contact_name"] == "Jo Bloggs"
    assert len(changed.json()["budget_lines"]) == 2
    client.force_login(f.ApplicantFactory())
    assert patch(client, url, {"project_title": "Mine now"}).status_code == 404
    assert client.put(url, "{}", content_type="application/json").status_code == 405


def test_a_sent_application_cannot_be_changed(client, people):
    application = f.submitted(people)
    client.force_login(application.applicant)
    response = patch(client, f"{APPLICATIONS}{application.pk}/", {"project_title": "Late"})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.project_title != "Late"


def test_only_an_applicant_applies(client, token_for, open_round):
    grant_round, question = open_round
    response = post(
        client, APPLICATIONS, draft_body(grant_round, question), **token_for("Grants officer")
    )
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_budget_lines_that_do_not_add_up_are_refused_when_sent_with_both_figures(
    client, open_round
):
    grant_round, question = open_round
    client.force_login(f.ApplicantFactory())
    body = draft_body(grant_round, question, budget_lines=[{"description": "Coaches", "amount": 5}])
    draft = post(client, APPLICATIONS, body).json()

    sent = post(client, f"{APPLICATIONS}{draft['id']}/submit/", {"declaration": True})

    assert sent.status_code == 400
    errors = sent.json()
    assert "£5.00" in errors["amount_requested"][0] and "£6,000.00" in errors["amount_requested"][0]
    assert "attachments" in errors
    assert Application.objects.get(pk=draft["id"]).status == S.DRAFT


def test_bad_input_is_a_400_by_field_and_leaves_no_draft(client, open_round):
    grant_round, question = open_round
    client.force_login(f.ApplicantFactory())
    bad_line = draft_body(
        grant_round, question, budget_lines=[{"description": " ", "amount": "10"}]
    )
    response = post(client, APPLICATIONS, bad_line)
    assert response.status_code == 400
    assert "budget_lines.1.description" in response.json()
    nothing = draft_body(grant_round, question, budget_lines=[{"description": "Hire", "amount": 0}])
    response = post(client, APPLICATIONS, nothing)
    assert response.json()["budget_lines.1"] == [
        "Enter the amount of budget line 1 in pounds, more than £0"
    ]
    bad_answer = draft_body(grant_round, question, answers={"first": "No"})
    assert post(client, APPLICATIONS, bad_answer).status_code == 400
    unknown_question = draft_body(grant_round, question, answers={"999999": "No"})
    assert post(client, APPLICATIONS, unknown_question).status_code == 400
    too_long = draft_body(grant_round, question, project_title="x" * 201)
    assert "project_title" in post(client, APPLICATIONS, too_long).json()
    backwards = draft_body(grant_round, question, ends_on="2020-01-01")
    assert "ends_on" in post(client, APPLICATIONS, backwards).json()
    for body in ('{"round": "open-round", "amount_requested": NaN}', "[" * 5000 + "]" * 5000):
        assert post(client, APPLICATIONS, body).status_code == 400
    assert not Application.objects.exists()


def test_a_closed_round_accepts_nothing(client, open_round):
    grant_round, question = open_round
    client.force_login(f.ApplicantFactory())
    draft = post(client, APPLICATIONS, draft_body(grant_round, question)).json()
    type(grant_round).objects.filter(pk=grant_round.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    sent = post(client, f"{APPLICATIONS}{draft['id']}/submit/", {"declaration": True})
    assert sent.status_code == 400 and "closed" in sent.json()["non_field_errors"][0]
    late = post(client, APPLICATIONS, draft_body(grant_round, question))
    assert late.status_code == 400
    assert Application.objects.count() == 1


def test_a_renamed_program_is_refused_as_an_attachment(client, open_round):
    grant_round, question = open_round
    client.force_login(f.ApplicantFactory())
    draft = post(client, APPLICATIONS, draft_body(grant_round, question)).json()
    program = f.upload("accounts.pdf", b"MZ\x90\x00" + b"\0" * 64)
    response = client.post(
        f"{APPLICATIONS}{draft['id']}/attachments/", {"kind": "accounts", "file": program}
    )
    assert response.status_code == 400 and "file" in response.json()
    assert not Application.objects.get(pk=draft["id"]).attachments.exists()
