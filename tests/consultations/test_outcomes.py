"""Outcomes ("You said, we did"): writing and publishing one, who may, who is told, the overdue
flag and the reminders (decisions 14, 18, 22, 37 and 41)."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consultations.models import Consultation, Outcome, Response
from consultations.outcomes import publish_outcome, write_outcome
from consultations.reminders import consultation_reminders
from pcc_portal.models import Decision, OutboundMessage
from tests.consultations.factories import ConsultationFactory
from tests.engagement.factories import LONDON

pytestmark = pytest.mark.django_db

TEXT = {
    "said": "Most of you want lower speeds near schools.",
    "decision": "We will fund 20mph limits outside every primary school.",
    "shaped_by": "Schools came first because parents asked for them.",
}


def closed(**kwargs):
    now = timezone.now()
    kwargs.setdefault("closes_at", now - timedelta(days=10))
    kwargs.setdefault("opens_at", kwargs["closes_at"] - timedelta(days=30))
    return ConsultationFactory(status="published", **kwargs)


def respond(consultation, email="", wants_feedback=False):
    return Response.objects.create(
        consultation=consultation, email=email, wants_feedback=wants_feedback
    )


@pytest.fixture
def officer(make_user):
    return make_user("Engagement officer", email="officer@example.org")


@pytest.fixture
def commissioner(make_user):
    return make_user("Commissioner and Deputy")


def written(consultation, by, **text):
    return write_outcome(consultation=consultation, by=by, **{**TEXT, **text})


# --- Who may write and publish ---------------------------------------------------------------


def test_an_engagement_officer_writes_and_publishes(officer):
    outcome = written(closed(), officer)
    assert outcome.said == TEXT["said"] and outcome.published_at is None
    publish_outcome(outcome=outcome, by=officer)
    outcome.refresh_from_db()
    assert outcome.is_published


def test_the_commissioner_records_the_decision_only(officer, commissioner):
    consultation = closed()
    register = Decision.objects.create(
        reference="DN 2026/007",
        title="20mph limits",
        decided_on=date(2026, 11, 2),
        decided_by="Alex Holder",
        summary="Agreed.",
    )
    # The decision may come first; the rest is written by an engagement officer.
    outcome = write_outcome(
        consultation=consultation,
        said="",
        decision="Agreed: 20mph outside schools.",
        shaped_by="",
        decision_record=register,
        by=commissioner,
    )
    assert outcome.decision_record == register
    written(consultation, officer, decision=outcome.decision)
    with pytest.raises(PermissionDenied):
        written(consultation, commissioner, said="Something else")
    write_outcome(
        consultation=consultation,
        said=TEXT["said"],
        decision="Agreed, with a review in a year.",
        shaped_by=TEXT["shaped_by"],
        decision_record=register,
        by=commissioner,
    )
    outcome.refresh_from_db()
    assert outcome.decision == "Agreed, with a review in a year."
    with pytest.raises(PermissionDenied):
        publish_outcome(outcome=outcome, by=commissioner)


@pytest.mark.parametrize("role", ["Performance officer", "Staff officer", "Ambassador", None])
def test_others_may_neither_write_nor_publish(make_user, officer, role):
    consultation = closed()
    person = make_user(role)
    with pytest.raises(PermissionDenied):
        written(consultation, person)
    outcome = written(consultation, officer)
    with pytest.raises(PermissionDenied):
        publish_outcome(outcome=outcome, by=person)


@pytest.mark.parametrize(
    "role, publish, record_decision",
    [
        ("Engagement officer", True, False),
        ("Commissioner and Deputy", False, True),
        ("Performance officer", False, False),
        ("Administrator", True, False),
    ],
)
def test_the_rules(make_user, role, publish, record_decision):
    user = make_user(role)
    assert user.has_perm("consultations.publish_outcome") is publish
    assert user.has_perm("consultations.record_outcome_decision") is record_decision


# --- When -------------------------------------------------------------------------------------


def test_nothing_is_written_before_the_close(officer):
    now = timezone.now()
    still_open = ConsultationFactory(
        status="published", opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=3)
    )
    with pytest.raises(ValidationError, match="only after the consultation has closed"):
        written(still_open, officer)
    assert not Outcome.objects.exists()


def test_publishing_is_refused_before_the_close(officer):
    consultation = closed()
    outcome = written(consultation, officer)
    # The close moved later after the outcome was drafted.
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() + timedelta(days=5)
    )
    with pytest.raises(ValidationError, match="only after the consultation has closed"):
        publish_outcome(outcome=outcome, by=officer)
    outcome.refresh_from_db()
    assert outcome.published_at is None


def test_an_incomplete_outcome_is_not_published(officer):
    outcome = written(closed(), officer, shaped_by="  ")
    with pytest.raises(ValidationError) as error:
        publish_outcome(outcome=outcome, by=officer)
    assert error.value.message_dict == {"shaped_by": ["Enter how the views shaped the decision"]}


def test_an_outcome_is_published_once(officer, django_capture_on_commit_callbacks):
    consultation = closed()
    respond(consultation, "ann@example.org", wants_feedback=True)
    outcome = written(consultation, officer)
    with django_capture_on_commit_callbacks():
        publish_outcome(outcome=outcome, by=officer)
    with pytest.raises(ValidationError, match="cannot be published again"):
        publish_outcome(outcome=outcome, by=officer)
    assert OutboundMessage.objects.count() == 1


# --- Who is told ------------------------------------------------------------------------------


def test_publishing_emails_each_address_that_asked_once(
    officer, settings, django_capture_on_commit_callbacks, mailoutbox, celery_eager
):
    settings.SITE_URL = "https://portal.example.org"
    consultation = closed(
        title="Speed limits\nnear schools",
        slug="speed-limits",
        closes_at=datetime(2026, 1, 18, 23, 59, tzinfo=LONDON),
        opens_at=datetime(2025, 12, 1, 9, tzinfo=LONDON),
    )
    respond(consultation, "ann@example.org", wants_feedback=True)
    respond(consultation, "ANN@example.org", wants_feedback=True)  # the same person again
    respond(consultation, "bob@example.org", wants_feedback=True)
    respond(consultation, "carol@example.org", wants_feedback=False)
    respond(consultation, "", wants_feedback=True)
    respond(closed(), "dave@example.org", wants_feedback=True)  # another consultation's
    outcome = written(consultation, officer)

    with django_capture_on_commit_callbacks(execute=True):
        publish_outcome(outcome=outcome, by=officer)
        # Nothing leaves before the publication commits.
        assert mailoutbox == []

    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.org", "bob@example.org"]
    email = mailoutbox[0]
    assert "\n" not in email.subject and "Speed limits near schools" in email.subject
    assert "https://portal.example.org/consultations/speed-limits/" in email.body
    assert "Sunday 18 January 2026" in email.body
    assert TEXT["decision"] in email.body


def test_a_sensitive_consultation_emails_nobody(
    officer, django_capture_on_commit_callbacks, mailoutbox, celery_eager
):
    consultation = closed(sensitive=True)
    respond(consultation, "ann@example.org", wants_feedback=True)
    outcome = written(consultation, officer)
    with django_capture_on_commit_callbacks(execute=True):
        publish_outcome(outcome=outcome, by=officer)
    assert mailoutbox == [] and not OutboundMessage.objects.exists()
    outcome.refresh_from_db()
    assert outcome.is_published


# --- The public pages -------------------------------------------------------------------------


def test_the_consultations_page_shows_the_published_outcome(client, office, officer):
    consultation = closed(slug="speed-limits", title="Speed limits near schools")
    public = Decision.objects.create(
        reference="DN 2026/007",
        title="20mph limits",
        decided_on=date(2026, 11, 2),
        decided_by="Alex Holder",
        summary="Agreed.",
        is_public=True,
    )
    outcome = written(consultation, officer, decision_record=public)
    page = client.get("/consultations/speed-limits/").content.decode()
    assert "You said, we did" not in page and TEXT["said"] not in page
    assert "Outcome published" not in client.get("/consultations/").content.decode()

    publish_outcome(outcome=outcome, by=officer)
    page = client.get("/consultations/speed-limits/").content.decode()
    assert "You said, we did" in page
    for text in TEXT.values():
        assert text in page
    assert f'href="{public.get_absolute_url()}"' in page
    plan = client.get("/consultations/").content.decode()
    entry = plan.split("Speed limits near schools")[1].split("</li>")[0]
    assert "Outcome published on" in entry


def test_a_decision_not_yet_public_is_not_linked(client, office, officer):
    consultation = closed(slug="precept")
    private = Decision.objects.create(
        reference="DN 2026/008",
        title="Precept",
        decided_on=date(2026, 11, 2),
        decided_by="Alex Holder",
        summary="Agreed.",
    )
    publish_outcome(outcome=written(consultation, officer, decision_record=private), by=officer)
    page = client.get("/consultations/precept/").content.decode()
    assert "You said, we did" in page
    assert private.get_absolute_url() not in page


# --- Overdue ----------------------------------------------------------------------------------

MONDAY = date(2026, 11, 23)


def closed_on(day: date, **kwargs):
    kwargs.setdefault("status", "published")
    return ConsultationFactory(
        opens_at=datetime(2026, 1, 5, 9, tzinfo=LONDON),
        closes_at=datetime(day.year, day.month, day.day, 12, tzinfo=LONDON),
        **kwargs,
    )


def test_feedback_is_overdue_twelve_weeks_after_the_close(officer):
    twelve_weeks = closed_on(MONDAY - timedelta(weeks=12))
    nearly = closed_on(MONDAY - timedelta(weeks=12) + timedelta(days=1))
    published = closed_on(MONDAY - timedelta(weeks=20))
    drafted = closed_on(MONDAY - timedelta(weeks=20))
    closed_on(MONDAY - timedelta(weeks=20), status="withdrawn")
    publish_outcome(outcome=written(published, officer), by=officer)
    written(drafted, officer)

    noon = datetime(2026, 11, 23, 12, tzinfo=LONDON)
    assert set(Consultation.objects.feedback_overdue(noon)) == {twelve_weeks, drafted}
    assert nearly not in Consultation.objects.feedback_overdue(noon + timedelta(hours=23))
    assert nearly in Consultation.objects.feedback_overdue(noon + timedelta(days=1))


def test_staff_pages_flag_overdue_feedback(client, sign_in, officer):
    now = timezone.now()
    closed(title="Late survey", closes_at=now - timedelta(weeks=13))
    closed(title="Recent survey", closes_at=now - timedelta(weeks=2))
    sign_in(officer)
    page = client.get("/staff/consultations/").content.decode()
    late = page.split(">Late survey</a>")[1].split("</tr>")[0]
    recent = page.split(">Recent survey</a>")[1].split("</tr>")[0]
    assert "Feedback overdue" in late and "Feedback overdue" not in recent

    admin_list = client.get("/admin/consultations/consultation/")
    assert admin_list.status_code == 200
    assert admin_list.context["cl"].result_list.get(title="Late survey").is_feedback_overdue
    assert not admin_list.context["cl"].result_list.get(title="Recent survey").is_feedback_overdue


# --- Reminders --------------------------------------------------------------------------------


def feedback_reminders(day=MONDAY):
    return [
        r
        for r in consultation_reminders(start=day, end=day)
        if r.key.startswith("consultations.feedback_due:")
    ]


def test_overdue_feedback_goes_to_the_owner_and_the_engagement_officers(officer, make_user):
    make_user("Performance officer")
    due = closed_on(MONDAY - timedelta(weeks=12), title="Town and parish councils")
    (reminder,) = feedback_reminders()
    assert reminder.key == f"consultations.feedback_due:{due.pk}:2026-11-23"
    assert reminder.due_on == MONDAY
    assert reminder.recipients == (due.owner, officer)
    assert reminder.title == "Feedback due 23 November: Town and parish councils"
    assert reminder.url == f"/admin/consultations/outcome/add/?consultation={due.pk}"
    # It stays due, under the same key, until the outcome is published.
    (later,) = feedback_reminders(MONDAY + timedelta(days=5))
    assert later.key == reminder.key


def test_feedback_not_yet_due_or_published_is_not_chased(officer):
    closed_on(MONDAY - timedelta(weeks=12) + timedelta(days=1))
    published = closed_on(MONDAY - timedelta(weeks=14))
    publish_outcome(outcome=written(published, officer), by=officer)
    closed_on(MONDAY - timedelta(weeks=14), status="draft")
    assert feedback_reminders() == []


def test_a_drafted_outcome_is_still_chased_and_linked(officer):
    consultation = closed_on(MONDAY - timedelta(weeks=13))
    outcome = written(consultation, officer)
    (reminder,) = feedback_reminders()
    assert reminder.due_on == MONDAY - timedelta(weeks=1)
    assert reminder.url == f"/admin/consultations/outcome/{outcome.pk}/change/"


def test_an_owner_who_is_an_engagement_officer_is_listed_once(officer):
    closed_on(MONDAY - timedelta(weeks=12), owner=officer)
    (reminder,) = feedback_reminders()
    assert reminder.recipients == (officer,)


def test_a_cached_page_shows_the_outcome_once_published(client, office, officer, settings):
    settings.PUBLIC_CACHE = True
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": "test-outcomes-cache"}
    }
    consultation = closed(slug="cached-outcome")
    outcome = written(consultation, officer)
    assert "You said, we did" not in client.get("/consultations/cached-outcome/").content.decode()
    publish_outcome(outcome=outcome, by=officer)
    assert "You said, we did" in client.get("/consultations/cached-outcome/").content.decode()


# --- The admin --------------------------------------------------------------------------------


def test_staff_write_and_publish_in_the_admin(
    client, sign_in, officer, commissioner, django_capture_on_commit_callbacks
):
    consultation = closed()
    respond(consultation, "ann@example.org", wants_feedback=True)
    sign_in(officer)
    response = client.post(
        "/admin/consultations/outcome/add/", {"consultation": consultation.pk, **TEXT}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    outcome = Outcome.objects.get(consultation=consultation)

    with django_capture_on_commit_callbacks():
        client.post(
            "/admin/consultations/outcome/",
            {"action": "publish", "_selected_action": [outcome.pk]},
        )
    outcome.refresh_from_db()
    assert outcome.is_published
    assert OutboundMessage.objects.get().to_email == "ann@example.org"

    # The Commissioner may change the decision but not what people said.
    sign_in(commissioner)
    form = client.get(f"/admin/consultations/outcome/{outcome.pk}/change/").context["adminform"]
    assert "decision" in form.form.fields and "said" not in form.form.fields


def test_the_admin_refuses_an_outcome_before_the_close(client, sign_in, officer):
    now = timezone.now()
    still_open = ConsultationFactory(
        status="published", opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=3)
    )
    sign_in(officer)
    response = client.post(
        "/admin/consultations/outcome/add/", {"consultation": still_open.pk, **TEXT}
    )
    assert response.status_code == 200
    assert "only after the consultation has closed" in response.content.decode()
    assert not Outcome.objects.exists()
