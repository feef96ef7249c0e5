"""Menus show a person only what they may open (decision 32), and signing in lands a person on
their work. The staff URLs are read from the URLconf itself, so a page added later is checked
without this file changing, unless it takes arguments this file cannot make."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.text import slugify

from consultations.models import ConsultationDocument
from pcc_portal.navigation import landing_url_for, menu_for
from pcc_portal.registry import navigation
from pcc_portal.roles import ROLES
from tests.consultations.factories import QuestionFactory
from tests.delivery_plan.factories import TaskFactory
from tests.engagement.factories import AmbassadorFactory, ContactFactory, EventFactory
from tests.engagement.news_factories import NewsItemFactory, NewsletterFactory
from tests.grants.factories import ApplicationFactory, every_grants_record, submitted

pytestmark = pytest.mark.django_db

ROLE_NAMES = [role.name for role in ROLES]
WORK_PREFIXES = ("staff/", "ambassador/")


def work_urls(resolver=None, prefix="", namespace=""):
    """(name, route, converters) of every page under /staff/ and /ambassador/."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from work_urls(entry, route, ns)
        elif isinstance(entry, URLPattern) and route.startswith(WORK_PREFIXES) and entry.name:
            yield f"{namespace}{entry.name}", route, tuple(entry.pattern.converters)


@pytest.fixture
def records(reference_data):
    """One record of each kind a work page with an argument shows."""
    from engagement.services import raise_issue

    contact = ContactFactory()
    issue = raise_issue(
        contact=contact, summary="Speeding outside the school", by=contact.ambassador.user
    )
    event = EventFactory()
    question = QuestionFactory()
    consultation = question.consultation.pk
    theme = question.consultation.themes.create(name="Speeding").pk
    # Its row only: the documents page still opens when the stored file is not there.
    document = ConsultationDocument.objects.create(
        consultation=question.consultation, title="Draft plan", file="consultations/x/plan.pdf"
    ).pk
    measure = QuestionFactory(
        consultation__status="published", measure_name="Confidence in the police"
    )
    # An application sent to the office, for its case-working pages and its attachment.
    application = submitted(None, application=ApplicationFactory())
    grant_pages = ("application", "eligibility", "link_organisation", "recommend", "decide")
    # A grant awarded and being monitored, for the assessment and award pages.
    award = every_grants_record().award
    report = award.reports.first()
    # A task of a current plan, for the plan's report, the task's page and its area's grid.
    delivery_task = TaskFactory()
    delivery_plan = delivery_task.action.plan_id
    # A report issued from it, for the pages that read a report as it was issued.
    delivery_report = delivery_task.action.plan.snapshots.create(title="Quarterly report").pk
    # A story and a draft newsletter issue, for the news and newsletter pages.
    news_item = NewsItemFactory().pk
    newsletter = NewsletterFactory().pk
    return {
        "pk": {
            **{f"engagement:news_item_{name}": news_item for name in ("review", "edit")},
            **{
                f"engagement:newsletter_{name}": newsletter
                for name in ("detail", "edit", "progress", "preview", "preview_text", "send")
            },
            "engagement:issue_detail": issue.pk,
            "engagement:event_change": event.pk,
            **{f"grants_staff:{name}": application.pk for name in grant_pages},
            "grants_staff:withdraw": application.pk,
            "grants_staff:attachment": application.attachments.get().pk,
            "grants_staff:score_application": application.pk,
            "grants_staff:declare_conflict": application.pk,
            "grants_staff:round_assessment": award.application.round_id,
            "grants_staff:award_detail": award.pk,
            "grants_staff:award_close": award.pk,
            "delivery_plan_staff:report": delivery_plan,
            "delivery_plan_staff:task": delivery_task.pk,
            **{
                f"delivery_plan_staff:{name}": delivery_plan
                for name in ("report_xlsx", "report_print", "dashboard", "snapshots")
            },
            "delivery_plan_staff:issue_report": delivery_plan,
        },
        "default_pk": contact.pk,
        # A consultation's staff pages take the consultation (and a question of it).
        "kwargs": {
            "grants_staff:application_assessment": {
                "pk": award.application.round_id,
                "application_pk": award.application_id,
            },
            "grants_staff:report_review": {"pk": award.pk, "report_pk": report.pk},
            "consultations_staff:results": {"pk": consultation},
            "consultations_staff:key_in": {"pk": consultation},
            "consultations_staff:export_csv": {"pk": consultation},
            "consultations_staff:export_xlsx": {"pk": consultation},
            "consultations_staff:equality": {"pk": consultation},
            "consultations_staff:export_equality_csv": {"pk": consultation},
            "consultations_staff:text_answers": {"pk": consultation, "question_pk": question.pk},
            "consultations_staff:themes": {"pk": consultation},
            "consultations_staff:theme_change": {"pk": consultation, "theme_pk": theme},
            "consultations_staff:theme_remove": {"pk": consultation, "theme_pk": theme},
            "consultations_staff:outcome": {"pk": consultation},
            "consultations_staff:outcome_publish": {"pk": consultation},
            "consultations_staff:documents": {"pk": consultation},
            "consultations_staff:document_remove": {"pk": consultation, "document_pk": document},
            "consultations_staff:overview": {"pk": consultation},
            "consultations_staff:edit": {"pk": consultation},
            "consultations_staff:questions": {"pk": consultation},
            "consultations_staff:question_add": {"pk": consultation},
            "consultations_staff:precept_add": {"pk": consultation},
            "consultations_staff:question_edit": {"pk": consultation, "question_pk": question.pk},
            "consultations_staff:question_delete": {
                "pk": consultation,
                "question_pk": question.pk,
            },
            "consultations_staff:preview": {"pk": consultation},
            "consultations_staff:measure_trend": {"slug": slugify(measure.measure_name)},
            # A standard list of the reference data.
            "engagement:list_import": {"slug": "town-and-parish-councils"},
            "delivery_plan_staff:grid": {
                "pk": delivery_plan,
                "number": delivery_task.action.activity_area.number,
            },
            **{
                f"delivery_plan_staff:{name}": {"pk": delivery_plan, "snapshot_pk": delivery_report}
                for name in ("snapshot", "snapshot_xlsx")
            },
        },
    }


def url_of(name, converters, records):
    if not converters:
        return reverse(name)
    if name in records["kwargs"]:
        return reverse(name, kwargs=records["kwargs"][name])
    assert converters == ("pk",), f"teach this test how to make the arguments of {name}"
    pk = records["pk"].get(name, records["default_pk"])
    return reverse(name, kwargs={"pk": pk})


def test_the_urlconf_has_work_pages_to_check():
    names = {name for name, _, _ in work_urls()}
    assert {"engagement:staff_contact_list", "engagement:ambassador_home"} <= names


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_a_menu_entry_is_shown_exactly_when_its_page_opens(
    client, make_user, sign_in, records, role
):
    user = make_user(role)
    if role == "Ambassador":
        AmbassadorFactory(user=user)
    sign_in(user)
    statuses = {}
    for name, _, converters in work_urls():
        url = url_of(name, converters, records)
        response = client.get(url)
        if response.status_code == 302 and response["Location"].split("?")[0] == url:
            # A page that gives each visit an address of its own ("Log a contact" and its key).
            response = client.get(response["Location"])
        statuses[url] = response.status_code
    # Refused pages say so (403); none sends a signed-in person back to the sign-in form.
    assert {url: s for url, s in statuses.items() if s not in (200, 403)} == {}
    page = client.get("/").content.decode()
    entries = [e for e in navigation.values() if e.menu in ("staff", "personal")]
    assert entries
    for entry in entries:
        url = reverse(entry.url_name)
        assert url in statuses, f"{entry.label} is not a work page"
        shown = f'href="{url}"' in page
        assert shown == (statuses[url] == 200), f"{role}: {entry.label} shown={shown}"
        in_menu = any(link.url == url for link in menu_for(user, entry.menu))
        assert in_menu == shown


def test_the_public_is_sent_to_sign_in_and_sees_no_work_menu(client, records):
    for name, _, converters in work_urls():
        response = client.get(url_of(name, converters, records))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("two_factor:login")), name
    page = client.get("/").content.decode()
    for entry in navigation.values():
        if entry.menu in ("staff", "personal"):
            assert f'href="{reverse(entry.url_name)}"' not in page


def test_the_current_page_is_marked_in_the_menu(client, make_user, sign_in, reference_data):
    sign_in(make_user("Staff officer"))
    page = client.get(reverse("engagement:issue_queue")).content.decode()
    assert f'href="{reverse("engagement:issue_queue")}" aria-current="page"' in page
    assert f'href="{reverse("engagement:coverage")}" aria-current="page"' not in page


LANDS_ON = {
    "Administrator": "admin:index",
    "Engagement officer": "engagement:staff_contact_list",
    "Grants officer": "grants_staff:applications",
    "Grant assessor": "grants_staff:assessor_queue",
    "Performance officer": "delivery_plan_staff:plans",
    "Staff officer": "engagement:issue_queue",
    "Commissioner and Deputy": "engagement:issue_queue",
    "Ambassador": "engagement:ambassador_home",
    "Applicant": "grants:application_list",
}


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_signing_in_lands_a_person_on_their_work(client, make_user, sign_in, role):
    user = make_user(role)
    if role == "Ambassador":
        AmbassadorFactory(user=user)
    sign_in(user)
    response = client.get(reverse("pcc_portal:landing"))
    assert response.status_code == 302
    assert response["Location"] == reverse(LANDS_ON[role])
    assert client.get(response["Location"]).status_code == 200


def test_an_ambassador_role_without_an_ambassador_record_lands_on_their_account(make_user):
    assert landing_url_for(make_user("Ambassador")) == reverse("pcc_portal:account")


def test_the_sign_in_form_sends_a_person_to_their_landing_page(client, make_user):
    from tests.pcc_portal.factories import TEST_PASSWORD

    applicant = make_user("Applicant")
    response = client.post(
        reverse("two_factor:login"),
        {
            "login_view-current_step": "auth",
            "auth-username": applicant.email,
            "auth-password": TEST_PASSWORD,
        },
    )
    assert response["Location"] == reverse("pcc_portal:landing")
