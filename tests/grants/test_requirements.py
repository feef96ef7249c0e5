"""The grants requirements end to end: an applicant from registration to an application sent,
by requests; an application from the eligibility check to the award on the public page, by the
staff pages; every move of the workflow made by those it allows and refused to those it does
not, and every other move refused; an applicant sees only their own through every door; what an
applicant types is escaped on the staff pages; and hostile input (a NUL byte, a megabyte of text)
is a clear 400 from the application form and the API, never a 500."""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from grants import accounts, rules, services, staff_forms, transitions, workflow
from grants.models import Application, Attachment, Award
from grants.workflow import ApplicationStatus as S
from pcc_portal.models import Decision, OutboundMessage
from pcc_portal.roles import ROLES
from tests.engagement.factories import ActivityAreaFactory
from tests.grants import factories as f
from tests.pcc_portal.factories import TEST_PASSWORD, PolicingAreaFactory, UserFactory

pytestmark = pytest.mark.django_db

NUL = "\x00"
MEGABYTE = "x" * 1_000_000
APPLICATIONS = "/api/v1/applications/"
HOSTILE = '<script>alert("grant")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;grant&quot;)&lt;/script&gt;"


def html_of(response) -> str:
    return response.content.decode()


def section(application, key) -> str:
    return reverse("grants:section", args=[application.pk, key])


def staff(name, *args) -> str:
    return reverse(f"grants_staff:{name}", args=args)


def budget_rows(*rows, prefix="lines") -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, (description, amount) in enumerate(rows):
        data[f"{prefix}-{index}-description"] = description
        data[f"{prefix}-{index}-amount"] = amount
    return data


def post_json(client, path, body, **headers):
    return client.post(path, data=json.dumps(body), content_type="application/json", **headers)


def patch_json(client, path, body):
    return client.patch(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def as_person(client, sign_in):
    """as_person(user) -> the test client, signed in as that person alone."""

    def sign(user):
        client.logout()
        return sign_in(user)

    return sign


# --- An applicant, from registration to an application sent -----------------------------------


def test_an_applicant_registers_confirms_signs_in_without_a_code_applies_and_sends(client, office):
    cache.clear()  # registrations are counted per client in the cache
    grant_round = f.GrantRoundFactory(name="2015/16 tier 1")
    area = PolicingAreaFactory(name="Telford and Wrekin")
    activity = ActivityAreaFactory(number=4, name="Children and young people")

    response = client.post(
        reverse("grants:register"),
        {
            "full_name": "Sam Applicant",
            "email": "sam@example.org",
            "password": TEST_PASSWORD,
            "password_again": TEST_PASSWORD,
        },
    )
    assert response.status_code == 302
    link = OutboundMessage.objects.get(
        to_email="sam@example.org", template=accounts.VERIFY_TEMPLATE
    ).context["verify_url"]
    assert client.get(link[link.index("/grants/") :]).status_code in (200, 302)
    client.logout()

    # The Applicant role signs in with a password alone: no second factor is asked for.
    response = client.post(
        reverse("two_factor:login"),
        {
            "login_view-current_step": "auth",
            "auth-username": "sam@example.org",
            "auth-password": TEST_PASSWORD,
        },
    )
    assert response.status_code == 302, html_of(response)
    assert client.get(reverse("grants:application_list")).status_code == 200

    response = client.post(
        reverse("grants:start", args=[grant_round.slug]), {"start_key": uuid.uuid4()}
    )
    application = Application.objects.get(applicant__email="sam@example.org")
    assert response["Location"] == reverse("grants:application", args=[application.pk])
    assert application.contact_email == "sam@example.org"

    start = timezone.localdate() + timedelta(days=30)
    end = start + timedelta(days=180)
    for key, data in {
        "organisation": {
            "organisation_name": "Safer Streets Trust",
            "organisation_kind": "voluntary",
            "charity_number": "1123456",
            "organisation_address": "1 High Street\nTelford",
            "organisation_postcode": "TF1 1AA",
            "is_consortium": "no",
        },
        "safeguarding": {"has_safeguarding_policy": "no", "governing_document": "constitution"},
        "project": {
            "project_title": "Youth diversion in Telford",
            "project_summary": "Evening sessions for young people.",
            "project_activities": "Two sessions a week with a youth worker.",
            "project_beneficiaries": "Young people aged 11 to 16.",
            "activity_area": activity.pk,
        },
        "areas-and-dates": {
            "policing_areas": [area.pk],
            **{f"starts_on_{n}": v for n, v in enumerate((start.day, start.month, start.year))},
            **{f"ends_on_{n}": v for n, v in enumerate((end.day, end.month, end.year))},
        },
        "budget": {"amount_requested": "1500", **budget_rows(("Youth worker", "1500"))},
        "funding-and-outcomes": {"expected_outcomes": "Fewer young people drawn into crime."},
        "attachments": {"kind": "governing_document", "file": f.upload("rules.pdf", f.PDF)},
    }.items():
        response = client.post(section(application, key), data)
        assert response.status_code == 302, (key, html_of(response))

    check = reverse("grants:check", args=[application.pk])
    response = client.post(check, {"declaration": "on"})
    assert response["Location"] == reverse("grants:sent", args=[application.pk])
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.reference
    assert application.applicant.groups.filter(name="Applicant").exists()
    # Sent twice (the back button), it is still one submission.
    assert client.post(check, {"declaration": "on"}).status_code == 302
    assert application.transitions.count() == 1


# --- An application, from the eligibility check to the award on the public page -------------


def test_an_application_is_checked_scored_decided_and_published_through_the_staff_pages(
    client, people, as_person, make_user
):
    grant_round = f.GrantRoundFactory(name="2015/16 tier 1", minimum_award=Decimal("500"))
    crime = f.CriterionFactory(round=grant_round, name="Reduces crime", weight=2)
    value = f.CriterionFactory(round=grant_round, name="Value for money", weight=1)
    application = f.submitted(
        people,
        round=grant_round,
        organisation_name="Telford Youth Trust",
        project_title="Friday night football",
        amount_requested=Decimal("5000.00"),
    )
    conflicted = make_user("Grant assessor")

    # The grants officer finds it in the queue and checks its eligibility.
    officer = as_person(people.officer)
    assert "Friday night football" in html_of(officer.get(staff("applications")))
    response = officer.post(staff("eligibility", application.pk), {"outcome": "eligible"})
    assert response.status_code == 302

    # An assessor scores each criterion; another declares a conflict and cannot score.
    assessor = as_person(people.assessor)
    assert "Friday night football" in html_of(assessor.get(staff("assessor_queue")))
    response = assessor.post(
        staff("score_application", application.pk),
        {
            f"score_{crime.pk}": "4",
            f"comment_{crime.pk}": "Strong partners",
            f"score_{value.pk}": "3",
            f"comment_{value.pk}": "",
        },
    )
    assert response.status_code == 302
    services.declare_conflict(application=application, by=conflicted, note="A trustee")
    other = as_person(conflicted)
    refused = other.post(
        staff("score_application", application.pk),
        {f"score_{crime.pk}": "0", f"score_{value.pk}": "0"},
    )
    assert refused.status_code in (400, 403)
    assert not application.scores.filter(assessor=conflicted).exists()

    # The officer closes the assessment, links the organisation and recommends it.
    officer = as_person(people.officer)
    ranking = officer.get(staff("round_assessment", grant_round.pk))
    assert ranking.status_code == 200 and "Friday night football" in html_of(ranking)
    response = officer.post(
        staff("round_assessment", grant_round.pk),
        {"application": application.pk, "to": S.ASSESSED},
    )
    assert response.status_code == 302
    response = officer.post(
        staff("link_organisation", application.pk),
        {"organisation": staff_forms.NEW_ORGANISATION},
    )
    assert response.status_code == 302
    response = officer.post(
        staff("recommend", application.pk),
        {"recommended_amount": "4500", "recommendation": "Strong local support"},
    )
    assert response.status_code == 302

    # The Commissioner records the decision.
    commissioner = as_person(people.commissioner)
    response = commissioner.post(
        staff("decide", application.pk),
        {
            "outcome": staff_forms.APPROVE,
            "amount": "£4,500",
            "conditions": "Report attendance every six months",
            "reasons": "Reduces anti-social behaviour on Friday evenings",
        },
    )
    assert response.status_code == 302, html_of(response)
    application.refresh_from_db()
    award = Award.objects.get(application=application)
    assert application.status == S.APPROVED and award.amount == Decimal("4500.00")
    assert award.decision_record == Decision.objects.get(reference=f"Grant {application.reference}")
    assert [(t.to_status, t.by) for t in application.transitions.order_by("at", "pk")] == [
        (S.SUBMITTED, application.applicant),
        (S.ELIGIBLE, people.officer),
        (S.ASSESSED, people.officer),
        (S.RECOMMENDED, people.officer),
        (S.APPROVED, people.commissioner),
    ]
    # The award letter is written through the one send service.
    assert OutboundMessage.objects.filter(template=services.AWARD_LETTER).count() == 1

    # The public sees the award, its conditions and reasons, and the decision behind it.
    client.logout()
    page = html_of(client.get(reverse("grants:awarded")))
    assert "£4,500 to Telford Youth Trust" in page
    assert "Friday night football" in page
    assert "Report attendance every six months" in page
    assert "Reduces anti-social behaviour on Friday evenings" in page
    assert award.decision_record.get_absolute_url() in page
    data = client.get(reverse("grants:threesixty_json")).json()
    assert [grant["amountAwarded"] for grant in data["grants"]] == [4500]
    published = client.get("/api/v1/awards/").json()["results"]
    assert [(row["recipient"], row["amount"]) for row in published] == [
        ("Telford Youth Trust", "4500.00")
    ]


# --- Every move of the workflow, and every refusal ---------------------------------------------


def _scored(people, application):
    criteria = list(application.round.criteria.all()) or [
        f.CriterionFactory(round=application.round)
    ]
    services.score_application(
        application=application,
        by=people.assessor,
        scores={criterion.pk: (4, "Clear") for criterion in criteria},
    )
    return application


def _at(state: str, people):
    """An application to an open round in `state`, taken there through the services."""
    made = {
        S.DRAFT: lambda: f.ApplicationFactory(),
        S.SUBMITTED: lambda: f.submitted(people),
        S.ELIGIBLE: lambda: _scored(people, f.eligible(people)),
        # Linked to the organisation on record, as an officer does before recommending it.
        S.ASSESSED: lambda: services.link_organisation(
            application=f.assessed(people), by=people.officer
        ),
        S.RECOMMENDED: lambda: f.recommended(people),
        S.APPROVED: lambda: f.approved(people)[0],
        S.OFFER_ACCEPTED: lambda: f.accepted(people)[0],
        S.ACTIVE: lambda: f.active(people)[0],
    }
    return made[state]()


def _direct(people, by):
    return services.create_direct_award(
        scheme=f.GrantSchemeFactory(is_public=False),
        organisation=f.linked_organisation(),
        by=by,
        project_title="Refuge places",
        project_summary="Places for families fleeing abuse.",
        amount="8000",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=300),
    )


def _withdraw(application, by):
    return services.withdraw_application(application=application, by=by, reason="Funded elsewhere")


# (source, target) -> (the verb making the move, who may make it, who may not)
VERBS = {
    (S.DRAFT, S.SUBMITTED): (
        lambda a, by: services.submit_application(application=a, by=by, declaration=True),
        "applicant",
        ("officer", "stranger"),
    ),
    (S.SUBMITTED, S.ELIGIBLE): (
        lambda a, by: services.check_eligibility(application=a, by=by, eligible=True),
        "officer",
        ("assessor", "commissioner", "applicant"),
    ),
    (S.SUBMITTED, S.INELIGIBLE): (
        lambda a, by: services.check_eligibility(
            application=a, by=by, eligible=False, reason="Outside the force area"
        ),
        "officer",
        ("assessor", "commissioner", "applicant"),
    ),
    (S.ELIGIBLE, S.ASSESSED): (
        lambda a, by: services.complete_assessment(application=a, by=by),
        "officer",
        ("assessor", "commissioner", "applicant"),
    ),
    (S.ASSESSED, S.RECOMMENDED): (
        lambda a, by: services.recommend(application=a, by=by, amount=a.amount_requested),
        "officer",
        ("assessor", "commissioner", "applicant"),
    ),
    (S.ASSESSED, S.DECLINED): (
        lambda a, by: services.decline_application(application=a, by=by, reason="Weak plan"),
        "commissioner",
        ("assessor", "applicant"),
    ),
    (S.RECOMMENDED, S.APPROVED): (
        lambda a, by: (
            services.award_grant(
                application=a, by=by, amount=a.amount_requested, reasons="Reduces youth crime"
            ).application
        ),
        "commissioner",
        ("assessor", "applicant"),
    ),
    (S.RECOMMENDED, S.DECLINED): (
        lambda a, by: services.decline_application(application=a, by=by, reason="No budget"),
        "commissioner",
        ("assessor", "applicant"),
    ),
    (S.APPROVED, S.OFFER_ACCEPTED): (
        lambda a, by: services.accept_offer(application=a, by=by),
        "applicant",
        ("assessor", "stranger"),
    ),
    (S.OFFER_ACCEPTED, S.ACTIVE): (
        lambda a, by: services.activate_award(application=a, by=by),
        "officer",
        ("assessor", "commissioner", "applicant"),
    ),
    (S.ACTIVE, S.CLOSED): (
        lambda a, by: services.close_award(application=a, by=by, underspend_returned="0"),
        "officer",
        ("assessor", "commissioner", "applicant"),
    ),
    **{
        (source, S.WITHDRAWN): (_withdraw, "applicant", ("assessor", "commissioner", "stranger"))
        for source in (
            S.DRAFT,
            S.SUBMITTED,
            S.ELIGIBLE,
            S.ASSESSED,
            S.RECOMMENDED,
            S.APPROVED,
            S.OFFER_ACCEPTED,
        )
    },
}
ALL_MOVES = [move for key in workflow.STATES for move in workflow.moves_from(key)]
OPEN_ROUND_MOVES = [move for move in ALL_MOVES if not move.direct_only]


def _person(people, who, application):
    if who == "applicant":
        return application.applicant
    if who == "stranger":
        return f.ApplicantFactory()
    return getattr(people, who)


def test_every_move_of_the_workflow_has_its_test_below():
    assert set(VERBS) == {(m.source, m.target) for m in OPEN_ROUND_MOVES}
    assert [(m.source, m.target) for m in ALL_MOVES if m.direct_only] == [(S.DRAFT, S.RECOMMENDED)]


@pytest.mark.parametrize("move", sorted(VERBS), ids=lambda m: f"{m[0]}->{m[1]}")
def test_each_move_is_made_by_those_it_allows_and_written_to_the_history(people, move):
    source, target = move
    verb, allowed, _ = VERBS[move]
    application = _at(source, people)
    by = _person(people, allowed, application)
    before = application.transitions.count()

    moved = verb(application, by)

    assert moved.status == target
    assert Application.objects.get(pk=application.pk).status == target
    assert application.transitions.count() == before + 1
    last = application.transitions.order_by("at", "pk").last()
    assert (last.from_status, last.to_status, last.by) == (source, target, by)
    assert last.at is not None


@pytest.mark.parametrize("move", sorted(VERBS), ids=lambda m: f"{m[0]}->{m[1]}")
def test_each_move_is_refused_to_those_it_does_not_allow_and_writes_nothing(people, move):
    source, target = move
    verb, _, refused = VERBS[move]
    application = _at(source, people)
    before = (application.transitions.count(), Award.objects.count(), Decision.objects.count())
    for who in refused:
        with pytest.raises(PermissionDenied):
            verb(application, _person(people, who, application))
        assert Application.objects.get(pk=application.pk).status == source, who
        after = (application.transitions.count(), Award.objects.count(), Decision.objects.count())
        assert after == before, who


def test_a_direct_award_is_recommended_by_an_officer_and_refused_to_others(people):
    application = _direct(people, people.officer)
    assert application.status == S.RECOMMENDED
    (move,) = application.transitions.all()
    assert (move.from_status, move.to_status, move.by) == (S.DRAFT, S.RECOMMENDED, people.officer)
    for who in (people.assessor, people.commissioner, f.ApplicantFactory()):
        with pytest.raises(PermissionDenied):
            _direct(people, who)
    assert Application.objects.filter(kind=Application.Kind.DIRECT_AWARD).count() == 1


def test_every_move_the_workflow_does_not_have_is_refused_in_words_even_to_a_superuser(people):
    everyone = UserFactory(is_superuser=True, is_staff=True)
    for source in workflow.STATES:
        application = f.ApplicationFactory(status=source, documents=False)
        legal = {m.target for m in OPEN_ROUND_MOVES if m.source == source}
        for target in workflow.STATES:
            if target in legal:
                continue
            with (
                pytest.raises(ValidationError) as caught,
                transitions.transition(application, to=target, by=everyone),
            ):
                pass
            assert caught.value.message_dict["status"] == [
                transitions.ILLEGAL_MOVE.format(
                    current=transitions.state_name(source), target=transitions.state_name(target)
                )
            ], (source, target)
            assert Application.objects.get(pk=application.pk).status == source
        assert not application.transitions.exists()


# --- An applicant sees only their own, through every door ---------------------------------------


def test_an_applicant_sees_nothing_of_another_applicants_application_through_any_door(
    client, people, token_for
):
    draft = f.ApplicationFactory(project_title="Their draft")
    application, award = f.accepted(people, project_title="Their grant")
    report = award.reports.order_by("due_on").first()
    attachment = application.attachments.get()
    stranger = f.ApplicantFactory()
    client.force_login(stranger)

    # The applicant's own pages: not found.
    for path in (
        reverse("grants:application", args=[draft.pk]),
        section(draft, "project"),
        reverse("grants:check", args=[draft.pk]),
        reverse("grants:sent", args=[application.pk]),
        reverse("grants:application", args=[application.pk]),
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(section(draft, "project"), {"project_title": "Mine"}).status_code == 404
    assert (
        client.post(reverse("grants:check", args=[draft.pk]), {"declaration": "on"}).status_code
        == 404
    )
    draft_file = draft.attachments.get()
    remove = reverse("grants:remove_attachment", args=[draft.pk, draft_file.pk])
    assert client.post(remove).status_code == 404
    listed = html_of(client.get(reverse("grants:application_list")))
    assert "Their draft" not in listed and "Their grant" not in listed
    start = html_of(client.get(reverse("grants:start", args=[draft.round.slug])))
    assert "Their draft" not in start

    # The grantee's pages and the files: refused.
    for path in (
        reverse("grants:grantee_award", args=[award.pk]),
        reverse("grants:grantee_report", args=[award.pk, report.pk]),
        staff("attachment", attachment.pk),
        staff("attachment", draft_file.pk),
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(reverse("grants:grantee_accept", args=[award.pk])).status_code == 403
    refused = client.post(
        reverse("grants:grantee_report", args=[award.pk, report.pk]),
        {"narrative": "Not mine", "people_reached": "3"},
    )
    assert refused.status_code == 403
    # The staff pages: refused.
    for path in (staff("applications"), staff("application", application.pk)):
        assert client.get(path).status_code == 403, path

    # The API: not listed, not found, not changed.
    assert client.get(APPLICATIONS).json()["results"] == []
    for pk in (draft.pk, application.pk):
        assert client.get(f"{APPLICATIONS}{pk}/").status_code == 404
    assert (
        patch_json(client, f"{APPLICATIONS}{draft.pk}/", {"project_title": "Mine"}).status_code
        == 404
    )
    assert (
        post_json(client, f"{APPLICATIONS}{draft.pk}/submit/", {"declaration": True}).status_code
        == 404
    )
    upload = f.upload("mine.pdf", f.PDF)
    attached = client.post(
        f"{APPLICATIONS}{draft.pk}/attachments/", {"kind": "other", "file": upload}
    )
    assert attached.status_code == 404
    # A phone's token reads the same.
    client.logout()
    headers = token_for(stranger)
    assert client.get(APPLICATIONS, **headers).json()["results"] == []
    assert client.get(f"{APPLICATIONS}{draft.pk}/", **headers).status_code == 404

    # The querysets and the rules say the same.
    assert not Application.objects.visible_to(stranger).exists()
    assert not stranger.has_perm("grants.view_application_record", application)
    assert not stranger.has_perm("grants.view_award_record", award)
    assert not stranger.has_perm("grants.open_own_award", award)
    assert not stranger.has_perm("grants.send_own_report", report)
    # Nothing was changed by any of it.
    draft.refresh_from_db()
    award.refresh_from_db()
    assert (draft.project_title, draft.status) == ("Their draft", S.DRAFT)
    assert draft.attachments.count() == 1 and not Attachment.objects.filter(
        original_name="mine.pdf"
    )
    assert (
        award.application.status == S.OFFER_ACCEPTED and report.status == workflow.ReportStatus.DUE
    )


# --- What an applicant types is escaped on the staff pages --------------------------------------


def test_text_an_applicant_typed_is_escaped_on_every_staff_page(client, people, as_person):
    grant_round = f.GrantRoundFactory(name="2015/16 tier 1")
    f.CriterionFactory(round=grant_round)
    question = f.RoundQuestionFactory(round=grant_round, required=False)
    typed = {
        "organisation_name": f"Trust {HOSTILE}",
        "organisation_address": f"1 High Street {HOSTILE}",
        "contact_name": f"Jo {HOSTILE}",
        "project_title": f"Youth {HOSTILE}",
        "project_summary": f"Summary {HOSTILE}",
        "project_activities": f"Activities {HOSTILE}",
        "project_beneficiaries": f"Beneficiaries {HOSTILE}",
        "other_funding": f"Funding {HOSTILE}",
        "expected_outcomes": f"Outcomes {HOSTILE}",
        "is_consortium": True,
        "budget": [(f"Line {HOSTILE}", "5000")],
    }

    def hostile_draft():
        draft = f.ApplicationFactory(round=grant_round, **typed)
        services.set_consortium_members(
            application=draft,
            by=draft.applicant,
            members=[{"organisation_name": f"Member {HOSTILE}", "role": f"Role {HOSTILE}"}],
        )
        services.answer_questions(
            application=draft, by=draft.applicant, answers={question.pk: f"Answer {HOSTILE}"}
        )
        return draft

    sent = f.submitted(people, application=hostile_draft())
    being_assessed = f.eligible(people, application=hostile_draft())
    granted, award = f.active(people, application=hostile_draft())
    report = award.reports.order_by("due_on").first()
    services.submit_monitoring_report(
        report=report, by=granted.applicant, narrative=f"Narrative {HOSTILE}", people_reached=12
    )
    pages = {
        people.officer: [
            staff("applications"),
            staff("application", sent.pk),
            staff("application", granted.pk),
            staff("eligibility", sent.pk),
            staff("link_organisation", sent.pk),
            staff("recommend", being_assessed.pk),
            staff("decide", granted.pk),
            staff("withdraw", sent.pk),
            staff("round_assessment", grant_round.pk),
            staff("application_assessment", grant_round.pk, being_assessed.pk),
            staff("rounds_overview"),
            staff("award_list"),
            staff("award_detail", award.pk),
            staff("award_close", award.pk),
            staff("report_review", award.pk, report.pk),
            staff("reports"),
        ],
        people.assessor: [
            staff("assessor_queue"),
            staff("score_application", being_assessed.pk),
            staff("declare_conflict", being_assessed.pk),
        ],
        people.commissioner: [staff("application", granted.pk), staff("decide", granted.pk)],
    }
    shown = set()
    for person, paths in pages.items():
        signed_in = as_person(person)
        for path in paths:
            response = signed_in.get(path)
            assert response.status_code in (200, 400), (path, response.status_code)
            html = html_of(response)
            assert "<script>alert(" not in html, path
            assert "<img src=x" not in html, path
            if ESCAPED in html:
                shown.add(path)
    # The text is there, escaped, where the whole application is read.
    for path in (
        staff("application", sent.pk),
        staff("score_application", being_assessed.pk),
        staff("report_review", award.pk, report.pk),
        staff("award_detail", award.pk),
    ):
        assert path in shown, path
    # And on the public list of awards, under the organisation's name as typed.
    client.logout()
    public = html_of(client.get(reverse("grants:awarded")))
    assert "<script>alert(" not in public and ESCAPED in public


# --- Hostile input: a NUL byte, a megabyte of text ----------------------------------------------


@pytest.fixture
def signed_in_draft(client, office):
    """A draft of a consortium bid to a round with a question of its own, its applicant signed
    in."""
    grant_round = f.GrantRoundFactory()
    question = f.RoundQuestionFactory(round=grant_round, max_length=500)
    draft = f.ApplicationFactory(round=grant_round, is_consortium=True)
    client.force_login(draft.applicant)
    return draft, question


def _form_posts(draft, question, poison: str) -> dict[str, tuple[str, dict]]:
    """One POST per section, each with `poison` in a box that takes text or a choice."""
    return {
        "organisation name": ("organisation", {"organisation_name": f"Trust{poison}"}),
        "organisation kind": ("organisation", {"organisation_kind": f"voluntary{poison}"}),
        "website": ("organisation", {"organisation_website": f"https://a.example{poison}"}),
        "contact": ("contact", {"contact_name": f"Jo{poison}", "contact_email": "jo@example.org"}),
        "email": ("contact", {"contact_email": f"jo{poison}@example.org"}),
        "safeguarding": ("safeguarding", {"has_safeguarding_policy": f"yes{poison}"}),
        "summary": ("project", {"project_summary": f"Sessions{poison}"}),
        "activity area": ("project", {"activity_area": f"1{poison}"}),
        "date": (
            "areas-and-dates",
            {"starts_on_0": f"1{poison}", "starts_on_1": "5", "starts_on_2": "2030"},
        ),
        "areas": ("areas-and-dates", {"policing_areas": [f"1{poison}"]}),
        "amount": ("budget", {"amount_requested": f"100{poison}", **budget_rows(("Hall", "100"))}),
        "budget line": (
            "budget",
            {"amount_requested": "100", **budget_rows((f"Hall{poison}", "100"))},
        ),
        "outcomes": ("funding-and-outcomes", {"expected_outcomes": f"Less crime{poison}"}),
        "member": (
            "consortium",
            {
                "members-TOTAL_FORMS": "1",
                "members-INITIAL_FORMS": "0",
                "members-0-organisation_name": f"Club{poison}",
            },
        ),
        "question": ("questions", {f"question_{question.pk}": f"Parents{poison}"}),
        "attachment kind": (
            "attachments",
            {"kind": f"accounts{poison}", "file": f.upload("accounts.pdf", f.PDF)},
        ),
    }


def _unchanged(draft) -> None:
    fresh = Application.objects.get(pk=draft.pk)
    for name in ("organisation_name", "contact_name", "project_summary", "expected_outcomes"):
        assert getattr(fresh, name) == getattr(draft, name), name
    assert [line.description for line in fresh.budget_lines.all()] == ["Youth worker"]
    assert not fresh.consortium_members.exists() and not fresh.answers.exists()
    assert fresh.attachments.count() == 1


POISONED_BOXES = [
    "organisation name",
    "organisation kind",
    "website",
    "contact",
    "email",
    "safeguarding",
    "summary",
    "activity area",
    "date",
    "areas",
    "amount",
    "budget line",
    "outcomes",
    "member",
    "question",
    "attachment kind",
]


@pytest.mark.postgres
@pytest.mark.parametrize("box", POISONED_BOXES)
def test_a_nul_byte_in_any_box_of_the_application_form_is_a_clear_400(client, signed_in_draft, box):
    draft, question = signed_in_draft
    key, data = _form_posts(draft, question, NUL)[box]
    response = client.post(section(draft, key), data)
    assert response.status_code == 400, box
    html = html_of(response)
    assert "govuk-error-summary" in html, box
    _unchanged(draft)


@pytest.mark.parametrize(
    "key, data",
    [
        ("project", {"project_summary": MEGABYTE}),
        ("organisation", {"organisation_name": MEGABYTE}),
        ("budget", {"amount_requested": "100", **budget_rows((MEGABYTE, "100"))}),
        ("funding-and-outcomes", {"expected_outcomes": MEGABYTE}),
    ],
    ids=["summary", "organisation", "budget line", "outcomes"],
)
def test_a_megabyte_of_text_in_the_application_form_is_refused_with_its_limit(
    client, signed_in_draft, key, data
):
    draft, _ = signed_in_draft
    response = client.post(section(draft, key), data)
    assert response.status_code == 400
    html = html_of(response)
    assert "govuk-error-summary" in html and "characters or fewer" in html
    _unchanged(draft)


def test_a_megabyte_answer_to_a_rounds_question_is_refused_with_its_limit(client, signed_in_draft):
    draft, question = signed_in_draft
    response = client.post(section(draft, "questions"), {f"question_{question.pk}": MEGABYTE})
    assert response.status_code == 400
    assert "500 characters or fewer" in html_of(response)
    _unchanged(draft)


def _api_body(grant_round, **changes) -> dict:
    area = PolicingAreaFactory()
    body = {
        "round": grant_round.slug,
        "organisation_name": "Safer Streets Trust",
        "organisation_kind": "voluntary",
        "contact_email": "jo@example.org",
        "project_title": "Friday night football",
        "policing_areas": [area.slug],
        "amount_requested": "100.00",
        "budget_lines": [{"description": "Pitch hire", "amount": "100.00"}],
    }
    body.update(changes)
    return body


def _api_poison(question, poison: str) -> dict[str, tuple[dict, str]]:
    """A body's change, and the key its 400 names."""
    return {
        "title": ({"project_title": f"Football{poison}"}, "project_title"),
        "summary": ({"project_summary": f"Sessions{poison}"}, "project_summary"),
        "kind": ({"organisation_kind": f"voluntary{poison}"}, "organisation_kind"),
        "email": ({"contact_email": f"jo{poison}@example.org"}, "contact_email"),
        "date": ({"starts_on": f"2030-05-01{poison}"}, "starts_on"),
        "amount": ({"amount_requested": f"100{poison}"}, "amount_requested"),
        "round": ({"round": f"open{poison}"}, "round"),
        "area": ({"policing_areas": [f"north{poison}"]}, "policing_areas"),
        "line": (
            {"budget_lines": [{"description": f"Hire{poison}", "amount": "100"}]},
            "budget_lines.1.description",
        ),
        "answer": ({"answers": {str(question.pk): f"Parents{poison}"}}, "answers"),
        "answer key": ({"answers": {f"{question.pk}{poison}": "Parents"}}, "answers"),
        "member": (
            {"is_consortium": True, "consortium_members": [{"organisation_name": f"C{poison}"}]},
            "consortium_members.1.organisation_name",
        ),
    }


API_POISON = [
    "title",
    "summary",
    "kind",
    "email",
    "date",
    "amount",
    "round",
    "area",
    "line",
    "answer",
    "answer key",
    "member",
]


@pytest.fixture
def api_round(office):
    grant_round = f.GrantRoundFactory(slug="open")
    return grant_round, f.RoundQuestionFactory(round=grant_round, max_length=500)


@pytest.mark.postgres
@pytest.mark.parametrize("name", API_POISON)
def test_a_nul_byte_anywhere_in_an_api_body_is_a_field_error(client, api_round, name):
    grant_round, question = api_round
    client.force_login(f.ApplicantFactory())
    change, key = _api_poison(question, NUL)[name]
    response = post_json(client, APPLICATIONS, _api_body(grant_round, **change))
    assert response.status_code == 400, name
    assert any(found.startswith(key) for found in response.json()), response.json()
    assert not Application.objects.exists()


@pytest.mark.postgres
def test_a_nul_byte_in_a_change_to_a_draft_or_in_sending_it_is_a_field_error(client, api_round):
    grant_round, question = api_round
    client.force_login(f.ApplicantFactory())
    draft = post_json(client, APPLICATIONS, _api_body(grant_round)).json()
    url = f"{APPLICATIONS}{draft['id']}/"
    for name in API_POISON:
        change, key = _api_poison(question, NUL)[name]
        if name == "round":
            continue  # a draft's round is not changed
        response = patch_json(client, url, change)
        assert response.status_code == 400, name
        assert any(found.startswith(key) for found in response.json()), (name, response.json())
    response = post_json(client, f"{url}submit/", {"declaration": f"true{NUL}"})
    assert response.status_code == 400 and "declaration" in response.json()
    application = Application.objects.get(pk=draft["id"])
    assert (application.status, application.project_title) == (S.DRAFT, "Friday night football")
    assert [line.description for line in application.budget_lines.all()] == ["Pitch hire"]


@pytest.mark.postgres
def test_a_nul_byte_in_a_query_or_an_address_is_never_a_500(client, api_round, token_for, people):
    f.approved(people)
    for path, query in (
        (reverse("grants:awarded"), {"scheme": NUL, "round": f"open{NUL}", "area": NUL}),
        (reverse("grants:awarded"), {"year": f"2015{NUL}", "month": NUL, "page": NUL}),
        ("/api/v1/awards/", {"scheme": NUL, "round": f"open{NUL}", "area": NUL}),
        ("/api/v1/awards/", {"decided_from": f"2015-01-01{NUL}"}),
        ("/api/v1/grant-rounds/", {"page": NUL}),
    ):
        response = client.get(path, query)
        assert response.status_code in (200, 400, 404), (path, query, response.status_code)
    assert client.get(f"/api/v1/grant-rounds/open{NUL}/").status_code == 404
    headers = token_for("Grants officer")
    for query in ({"status": NUL}, {"round": f"open{NUL}"}):
        assert client.get(APPLICATIONS, query, **headers).status_code == 400, query
    as_officer = client.get(staff("applications"), {"round": NUL, "status": NUL}, **headers)
    assert as_officer.status_code != 500


def test_a_megabyte_of_text_in_an_api_body_is_refused_with_its_limit(client, api_round):
    grant_round, question = api_round
    client.force_login(f.ApplicantFactory())
    for change, key in (
        ({"project_summary": MEGABYTE}, "project_summary"),
        ({"answers": {str(question.pk): MEGABYTE}}, "answers"),
        ({"budget_lines": [{"description": MEGABYTE, "amount": "100"}]}, "budget_lines"),
    ):
        response = post_json(client, APPLICATIONS, _api_body(grant_round, **change))
        assert response.status_code == 400, key
        assert any(found.startswith(key) for found in response.json()), response.json()
        assert "characters" in json.dumps(response.json()), response.json()
    assert not Application.objects.exists()


# --- The app's part of the privacy notice -------------------------------------------------------


def test_the_privacy_notice_says_what_grants_keep(client, reference_data):
    html = html_of(client.get("/privacy/"))
    assert "<strong>Assessors' declarations</strong>" in html
    assert "in the 360Giving format" in html
    assert "{{" not in html


# --- The decision behind an award, linked from it -----------------------------------------------


def test_the_award_links_its_decision_in_the_register_only_where_the_link_opens(
    client, people, as_person
):
    private = f.GrantSchemeFactory(
        name="Staff welfare fund", is_public=False, crime_and_disorder_reduction=False
    )
    application = services.create_direct_award(
        scheme=private,
        organisation=f.linked_organisation(name="Welfare Trust"),
        by=people.officer,
        project_title="Welfare grant",
        project_summary="Support for families.",
        amount="900",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=90),
    )
    hidden = services.award_grant(
        application=application, by=people.commissioner, amount="900", reasons="Need shown"
    )
    _, public = f.approved(people)
    assert hidden.decision_record is not None and not hidden.decision_record.is_public
    assert public.decision_record.is_public

    signed_in = as_person(people.officer)
    for award, opens in ((public, True), (hidden, False)):
        record = award.decision_record
        html = html_of(signed_in.get(staff("award_detail", award.pk)))
        assert record.reference in html
        assert (f'href="{record.get_absolute_url()}"' in html) is opens
        assert (client.get(record.get_absolute_url()).status_code == 200) is opens


def test_a_decline_is_entered_in_the_register_and_named_on_the_application(people, as_person):
    application = f.recommended(people)
    declined = services.decline_application(
        application=application, by=people.commissioner, reason="The round is spent"
    )
    record = declined.decision_record
    assert record.reference == f"Declined {application.reference}" and not record.is_public
    html = html_of(as_person(people.officer).get(staff("application", application.pk)))
    assert "The round is spent" in html
    assert f"{record.reference} (not public)" in html


# --- A direct award, made from the staff pages --------------------------------------------------


def test_an_officer_makes_a_direct_award_from_the_staff_pages_and_it_is_decided_and_published(
    client, people, as_person
):
    scheme = f.GrantSchemeFactory(name="Commissioned services", is_public=False)
    organisation = f.linked_organisation(name="Shropshire Refuge", charity_number="1123456")
    area = PolicingAreaFactory(name="Shropshire")
    page = staff("direct_award")
    officer = as_person(people.officer)
    queue = html_of(officer.get(staff("applications")))
    assert f'href="{page}"' in queue
    assert officer.get(page).status_code == 200
    start = timezone.localdate() + timedelta(days=14)
    typed = {
        "scheme": scheme.pk,
        "organisation": organisation.pk,
        "project_title": "Refuge places",
        "project_summary": "Places for families fleeing abuse.",
        "amount_requested": "£8,000",
        **{f"starts_on_{n}": v for n, v in enumerate((start.day, start.month, start.year))},
        "ends_on_0": "1",
        "ends_on_1": "1",
        "ends_on_2": "2001",
        "policing_areas": [area.pk],
        "recommendation": "The only refuge in the county",
    }
    refused = officer.post(page, typed)
    assert refused.status_code == 400
    html = html_of(refused)
    assert "govuk-error-summary" in html and "Refuge places" in html
    assert not Application.objects.exists()

    end = start + timedelta(days=300)
    typed.update({f"ends_on_{n}": v for n, v in enumerate((end.day, end.month, end.year))})
    response = officer.post(page, typed)
    application = Application.objects.get()
    assert response["Location"] == staff("application", application.pk)
    assert (application.kind, application.status) == (Application.Kind.DIRECT_AWARD, S.RECOMMENDED)
    assert (application.organisation, application.recommended_amount) == (
        organisation,
        Decimal("8000.00"),
    )
    assert list(application.policing_areas.all()) == [area]
    assert application.transitions.get().by == people.officer

    commissioner = as_person(people.commissioner)
    assert f'href="{page}"' not in html_of(commissioner.get(staff("applications")))
    assert commissioner.get(page).status_code == 403
    response = commissioner.post(
        staff("decide", application.pk),
        {"outcome": staff_forms.APPROVE, "amount": "8000", "reasons": "Need shown"},
    )
    assert response.status_code == 302, html_of(response)
    client.logout()
    assert "£8,000 to Shropshire Refuge" in html_of(client.get(reverse("grants:awarded")))


@pytest.mark.parametrize("role", [role.name for role in ROLES])
def test_the_direct_award_page_opens_exactly_for_those_who_make_direct_awards(
    client, make_user, sign_in, office, role
):
    user = make_user(role)
    sign_in(user)
    may = user.has_perm(rules.MAKE_DIRECT_AWARDS)
    assert may == (role in ("Grants officer", "Administrator"))
    assert client.get(staff("direct_award")).status_code == (200 if may else 403)
    client.logout()
    response = client.get(staff("direct_award"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
