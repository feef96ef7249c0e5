"""Every page of the admin answers an administrator: each registered model's list (with and
without a search), its add page where adding is allowed (403 where it is not) and the change page
of one record. A model registered later is picked up by these tests without a new line here."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from django_otp.plugins.otp_static.models import StaticDevice

from consultations.models import EqualityAccess, EqualityAnswers, Outcome, Response
from engagement.models import WorkPlanReview
from engagement.services import move_issue
from engagement.workflow import IssueStatus
from pcc_portal.calendar_feeds import issue_calendar_feed
from pcc_portal.mail.services import BulkRecipient, send_bulk, send_email
from pcc_portal.models import Decision
from pcc_portal.services import issue_device_token
from tests.consultations.factories import ConsultationFactory, OptionFactory, confidence_question
from tests.delivery_plan.factories import every_delivery_plan_record
from tests.engagement.factories import (
    ContactFactory,
    ContactVolunteerFactory,
    EventFactory,
    NetworkFactory,
    OrganisationFactory,
    RaisedIssueFactory,
    StaffMemberFactory,
    WorkPlanFocusFactory,
)
from tests.grants.factories import every_grants_record

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODELS = [model for model, _ in REGISTERED]
SEARCHABLE = [model for model, model_admin in REGISTERED if model_admin.search_fields]


def label(model) -> str:
    return model._meta.label


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def administrator(signed_in_as):
    return signed_in_as("Administrator")


@pytest.fixture
def one_of_each(reference_data, administrator):
    """At least one record of every registered model: the reference data, plus the rest."""
    now = timezone.now()
    # Engagement records, through the factories.
    contact = ContactFactory(organisation=OrganisationFactory())
    contact.organisation.networks.set([NetworkFactory()])
    focus = WorkPlanFocusFactory(work_plan__ambassador=contact.ambassador)
    WorkPlanReview.objects.create(
        work_plan=focus.work_plan, reviewed_on=timezone.localdate(), reviewed_by=administrator
    )
    ContactVolunteerFactory(ambassador=contact.ambassador)
    EventFactory(ambassadors=[contact.ambassador], officers=[StaffMemberFactory()])
    issue = RaisedIssueFactory(contact=contact)
    move_issue(issue=issue, to=IssueStatus.RAISED, by=administrator, note="Sent to the force")
    # A subscriber waiting to confirm, and an address on the suppression list.
    from engagement.models import DistributionList
    from engagement.subscriptions import request_subscription, suppress

    request_subscription(
        email="reader@example.org",
        lists=DistributionList.objects.public()[:1],
        method="web_form",
        wording="Send me the weekly newsletter.",
    )
    suppress(email="bounced@example.org", reason="bounced", source="Mail provider")
    # A consultation with a question on a shipped scale and a choice question.
    consultation = ConsultationFactory(owner=administrator)
    confidence_question(consultation)
    OptionFactory(question__consultation=consultation)
    # Raw equality answers open to no role: the administrator here is named for them.
    equality = EqualityAnswers.objects.create(
        response=Response.objects.create(consultation=consultation), sex="female"
    )
    administrator.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="consultations", codename="view_equality_answers"
        )
    )
    EqualityAccess.objects.create(
        user=administrator, consultation=equality.response.consultation, action="viewed"
    )
    Outcome.objects.create(
        consultation=consultation, said="Lower speeds.", decision="Agreed.", shaped_by="First."
    )
    every_grants_record()
    every_delivery_plan_record(by=administrator)
    # The portal's own records that the reference data does not hold.
    issue_device_token(user=administrator, name="Phone", verified=True)
    issue_calendar_feed(user=administrator, verified=True)
    Decision.objects.create(
        reference="DN 2015/042",
        title="Precept for 2015 to 2016",
        decided_on=now.date(),
        decided_by="The office holder",
        summary="The precept rises by 1.99%.",
    )
    send_email(
        to="someone@example.org",
        subject="Your issue was answered",
        template="engagement/email/issue_answered",
        context={"issue": issue.pk},
        related=issue,
    )
    send_bulk(
        subject="Community newsletter",
        template="engagement/email/issue_answered",
        context={"issue": issue.pk},
        recipients=[BulkRecipient("someone@example.org"), BulkRecipient("not an address")],
    )
    # Other apps' records: second factors, sign-in attempts and scheduled tasks.
    StaticDevice.objects.create(user=administrator, name="Backup codes")
    attempt = {"ip_address": "203.0.113.5", "user_agent": "Firefox", "path_info": "/account/"}
    AccessAttempt.objects.create(
        username="someone@example.org",
        http_accept="text/html",
        get_data="",
        post_data="",
        failures_since_start=1,
        **attempt,
    )
    AccessFailureLog.objects.create(username="someone@example.org", **attempt)
    AccessLog.objects.create(username=administrator.email, http_accept="text/html", **attempt)
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    CrontabSchedule.objects.create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunrise", latitude=52.19, longitude=-2.22)
    ClockedSchedule.objects.create(clocked_time=now + timedelta(days=1))
    PeriodicTask.objects.get_or_create(
        name="Test task",
        defaults={"task": "pcc_portal.tasks.sweep_outbound_messages", "interval": every_hour},
    )


def test_every_model_of_ours_is_in_the_admin():
    ours = {
        label(model) for model in MODELS if model._meta.app_label in ("pcc_portal", "engagement")
    }
    assert {"pcc_portal.User", "engagement.Contact", "engagement.RaisedIssue"} <= ours


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_the_list_shows_its_rows(client, one_of_each, model):
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.result_count >= 1
    assert len(changelist.result_list) >= 1


@pytest.mark.parametrize("model", SEARCHABLE, ids=label)
def test_the_list_can_be_searched(client, one_of_each, model):
    response = client.get(url(model, "changelist"), {"q": "x"})
    assert response.status_code == 200
    assert response.context["cl"].query == "x"


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_the_add_page_where_adding_is_allowed(client, administrator, one_of_each, model):
    request = RequestFactory().get("/admin/")
    request.user = administrator
    allowed = admin.site._registry[model].has_add_permission(request)
    response = client.get(url(model, "add"))
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_the_change_page(client, one_of_each, model):
    record = model._default_manager.order_by("pk").first()
    assert record is not None, f"one_of_each makes no {label(model)}: add one"
    response = client.get(url(model, "change", record.pk))
    assert response.status_code == 200
    assert response.context["original"] == record
