"""The "You said, we did" staff page: writing the outcome with errors shown and answers kept,
the Commissioner's decision-only part, publishing after a confirmation that says who is emailed,
once, the overdue flag and who may open the pages."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from consultations.models import Consultation, Outcome, Response
from consultations.outcomes import write_outcome
from pcc_portal.models import Decision, OutboundMessage
from tests.consultations.factories import ConsultationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.consultations.staff_test_urls")]

TEXT = {
    "said": "Most of you want lower speeds near schools.",
    "decision": "We will fund 20mph limits outside every primary school.",
    "shaped_by": "Schools came first because parents asked for them.",
}


def closed(**kwargs) -> Consultation:
    now = timezone.now()
    kwargs.setdefault("closes_at", now - timedelta(days=10))
    kwargs.setdefault("opens_at", kwargs["closes_at"] - timedelta(days=30))
    kwargs.setdefault("status", "published")
    return ConsultationFactory(**kwargs)


def respond(consultation, email="", wants_feedback=False):
    return Response.objects.create(
        consultation=consultation, email=email, wants_feedback=wants_feedback
    )


def page_url(consultation, rest=""):
    return f"/staff/consultations/{consultation.pk}/outcome/{rest}"


def register_decision(**kwargs) -> Decision:
    fields = {
        "reference": "DN 2026/007",
        "title": "20mph limits",
        "decided_on": date(2026, 11, 2),
        "decided_by": "Alex Holder",
        "summary": "Agreed.",
        **kwargs,
    }
    return Decision.objects.create(**fields)


@pytest.fixture
def officer(make_user):
    return make_user("Engagement officer", email="officer@example.org")


# --- Writing ----------------------------------------------------------------------------------


def test_an_engagement_officer_writes_the_outcome(client, sign_in, officer):
    consultation = closed()
    register = register_decision()
    sign_in(officer)
    page = client.get(page_url(consultation)).content.decode()
    for label in ("What people said", "What was decided", "How the views shaped it"):
        assert label in page
    assert "DN 2026/007: 20mph limits (not yet public)" in page

    response = client.post(page_url(consultation), {**TEXT, "decision_record": register.pk})
    assert response.status_code == 302 and response["Location"] == page_url(consultation)
    outcome = Outcome.objects.get(consultation=consultation)
    assert (outcome.said, outcome.decision, outcome.shaped_by) == tuple(TEXT.values())
    assert outcome.decision_record == register and not outcome.is_published
    page = client.get(page_url(consultation)).content.decode()
    assert "Outcome saved." in page and TEXT["said"] in page
    assert "Publish the outcome" in page


def test_text_over_its_limit_is_refused_and_every_answer_kept(client, sign_in, officer):
    consultation = closed()
    sign_in(officer)
    response = client.post(page_url(consultation), {**TEXT, "said": "x" * 5001})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "What people said must be 5,000 characters or fewer" in page
    assert "x" * 5001 in page
    assert TEXT["decision"] in page and TEXT["shaped_by"] in page
    assert not Outcome.objects.exists()


def test_nothing_is_written_before_the_close(client, sign_in, officer):
    now = timezone.now()
    still_open = closed(opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=3))
    sign_in(officer)
    page = client.get(page_url(still_open)).content.decode()
    assert "Its outcome is written once it has closed." in page
    assert 'name="said"' not in page
    response = client.post(page_url(still_open), TEXT)
    assert response.status_code == 400
    page = response.content.decode()
    assert "only after the consultation has closed" in page
    assert TEXT["said"] in page
    assert not Outcome.objects.exists()


def test_the_commissioner_writes_only_what_was_decided(client, sign_in, officer, make_user):
    consultation = closed()
    write_outcome(consultation=consultation, by=officer, **TEXT)
    register = register_decision(is_public=True)
    commissioner = make_user("Commissioner and Deputy")
    sign_in(commissioner)
    page = client.get(page_url(consultation)).content.decode()
    assert 'name="decision"' in page and 'name="decision_record"' in page
    assert 'name="said"' not in page and 'name="shaped_by"' not in page
    assert TEXT["said"] in page  # shown, to be read
    assert "Publish the outcome" not in page

    response = client.post(
        page_url(consultation),
        {
            "decision": "Agreed, with a review in a year.",
            "decision_record": register.pk,
            # Not on the Commissioner's form: left as the engagement officer wrote it.
            "said": "Something else",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.decision == "Agreed, with a review in a year."
    assert outcome.decision_record == register
    assert outcome.said == TEXT["said"] and outcome.shaped_by == TEXT["shaped_by"]
    assert client.get(page_url(consultation, "publish/")).status_code == 403
    assert client.post(page_url(consultation, "publish/")).status_code == 403
    outcome.refresh_from_db()
    assert not outcome.is_published


def test_the_commissioner_may_record_the_decision_first(client, sign_in, make_user):
    consultation = closed()
    sign_in(make_user("Commissioner and Deputy"))
    response = client.post(page_url(consultation), {"decision": "Agreed."})
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert (outcome.said, outcome.decision, outcome.shaped_by) == ("", "Agreed.", "")


# --- Publishing -------------------------------------------------------------------------------


def test_publishing_asks_first_and_emails_those_who_asked(
    client, sign_in, officer, django_capture_on_commit_callbacks, mailoutbox, celery_eager
):
    consultation = closed(title="Speed limits", slug="speed-limits")
    respond(consultation, "ann@example.org", wants_feedback=True)
    respond(consultation, "ANN@example.org", wants_feedback=True)  # the same person again
    respond(consultation, "bob@example.org", wants_feedback=True)
    respond(consultation, "carol@example.org", wants_feedback=False)
    write_outcome(consultation=consultation, by=officer, **TEXT)
    sign_in(officer)

    confirm = client.get(page_url(consultation, "publish/"))
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "2 people who asked to hear the outcome will be emailed." in page
    assert "Publish and email 2 people" in page
    assert not OutboundMessage.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(consultation, "publish/"))
    assert response.status_code == 302 and response["Location"] == page_url(consultation)
    assert Outcome.objects.get().is_published
    assert sorted(OutboundMessage.objects.values_list("to_email", flat=True)) == [
        "ann@example.org",
        "bob@example.org",
    ]
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.org", "bob@example.org"]
    page = client.get(response["Location"]).content.decode()
    assert "Outcome published. 2 people are being emailed." in page
    assert "Outcome published</strong>" in page


def test_an_outcome_is_published_and_emailed_once(
    client, sign_in, officer, django_capture_on_commit_callbacks
):
    consultation = closed()
    respond(consultation, "ann@example.org", wants_feedback=True)
    write_outcome(consultation=consultation, by=officer, **TEXT)
    sign_in(officer)
    with django_capture_on_commit_callbacks():
        assert client.post(page_url(consultation, "publish/")).status_code == 302
    with django_capture_on_commit_callbacks():
        again = client.post(page_url(consultation, "publish/"))
    assert again.status_code == 400
    assert "It cannot be published again" in again.content.decode()
    assert OutboundMessage.objects.count() == 1
    assert "It cannot be published again" in (
        client.get(page_url(consultation, "publish/")).content.decode()
    )


def test_a_sensitive_consultation_emails_nobody(
    client, sign_in, officer, django_capture_on_commit_callbacks
):
    consultation = closed(sensitive=True)
    respond(consultation, "ann@example.org", wants_feedback=True)
    write_outcome(consultation=consultation, by=officer, **TEXT)
    sign_in(officer)
    page = client.get(page_url(consultation, "publish/")).content.decode()
    assert "Nobody will be emailed: this is a sensitive consultation." in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(page_url(consultation, "publish/")).status_code == 302
    assert Outcome.objects.get().is_published
    assert not OutboundMessage.objects.exists()


def test_an_incomplete_outcome_is_not_published(client, sign_in, officer):
    consultation = closed()
    write_outcome(consultation=consultation, by=officer, **{**TEXT, "shaped_by": ""})
    sign_in(officer)
    confirm = client.get(page_url(consultation, "publish/")).content.decode()
    assert "Enter how the views shaped the decision" in confirm
    assert "Publish and email" not in confirm and ">Publish<" not in confirm
    response = client.post(page_url(consultation, "publish/"))
    assert response.status_code == 400
    assert "Enter how the views shaped the decision" in response.content.decode()
    assert not Outcome.objects.get().is_published


def test_only_a_closed_consultations_outcome_is_published(client, sign_in, officer):
    consultation = closed()
    write_outcome(consultation=consultation, by=officer, **TEXT)
    # The close moved later after the outcome was written.
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() + timedelta(days=5)
    )
    sign_in(officer)
    confirm = client.get(page_url(consultation, "publish/")).content.decode()
    assert "only after the consultation has closed" in confirm
    response = client.post(page_url(consultation, "publish/"))
    assert response.status_code == 400
    assert not Outcome.objects.get().is_published
    # With nothing written there is nothing to publish.
    empty = closed()
    assert "Write the outcome before publishing it" in (
        client.get(page_url(empty, "publish/")).content.decode()
    )
    assert client.post(page_url(empty, "publish/")).status_code == 400
    assert not Outcome.objects.filter(consultation=empty).exists()


# --- Overdue and the results page -------------------------------------------------------------


def test_feedback_overdue_is_flagged_twelve_weeks_after_the_close(client, sign_in, officer):
    now = timezone.now()
    late = closed(closes_at=now - timedelta(weeks=13))
    recent = closed(closes_at=now - timedelta(weeks=2))
    sign_in(officer)
    assert "Feedback overdue" in client.get(page_url(late)).content.decode()
    assert "Feedback overdue" not in client.get(page_url(recent)).content.decode()

    write_outcome(consultation=late, by=officer, **TEXT)
    # A drafted outcome is still overdue until it is published.
    assert "Feedback overdue" in client.get(page_url(late)).content.decode()
    client.post(page_url(late, "publish/"))
    assert "Feedback overdue" not in client.get(page_url(late)).content.decode()


def test_the_results_page_links_to_the_outcome(client, sign_in, make_user):
    consultation = closed()
    sign_in(make_user("Performance officer"))
    page = client.get(f"/staff/consultations/{consultation.pk}/results/").content.decode()
    assert f'href="{page_url(consultation)}"' in page


# --- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Performance officer", "Staff officer"])
def test_others_who_see_results_read_the_outcome_but_cannot_write(
    client, sign_in, officer, make_user, role
):
    consultation = closed()
    write_outcome(consultation=consultation, by=officer, **TEXT)
    sign_in(make_user(role))
    response = client.get(page_url(consultation))
    assert response.status_code == 200
    page = response.content.decode()
    assert TEXT["decision"] in page and 'name="decision"' not in page
    assert client.post(page_url(consultation), {**TEXT, "said": "Changed"}).status_code == 403
    assert client.get(page_url(consultation, "publish/")).status_code == 403
    assert client.post(page_url(consultation, "publish/")).status_code == 403
    outcome = Outcome.objects.get()
    assert outcome.said == TEXT["said"] and not outcome.is_published


@pytest.mark.parametrize("role", ["Ambassador", "Grant assessor", "Grants officer", "Applicant"])
def test_those_outside_the_work_are_refused(client, sign_in, officer, make_user, role):
    consultation = closed()
    write_outcome(consultation=consultation, by=officer, **TEXT)
    sign_in(make_user(role))
    assert client.get(page_url(consultation)).status_code == 403
    assert client.post(page_url(consultation), TEXT).status_code == 403
    assert client.get(page_url(consultation, "publish/")).status_code == 403
    assert client.post(page_url(consultation, "publish/")).status_code == 403
    assert not Outcome.objects.get().is_published


def test_the_public_are_sent_to_sign_in(client, officer):
    consultation = closed()
    write_outcome(consultation=consultation, by=officer, **TEXT)
    for url in (page_url(consultation), page_url(consultation, "publish/")):
        response = client.post(url, TEXT)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")
    assert not Outcome.objects.get().is_published
