"""The grants officers' case-working pages: the queue of applications and its filters, an
application with everything the applicant sent and its history, and the moves on it, each made by
the right role and refused (403) to the wrong one, an illegal one told in the service's words;
the decision makes the award, its entry in the decisions register and one letter; attachments
reach only those who may see the application."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template.loader import get_template
from django.urls import reverse
from django.utils import dateformat, timezone

from engagement.models import Organisation
from grants import awarding, services, staff_forms, transitions
from grants.models import Application, ApplicationTransition, Attachment, Award
from grants.workflow import ApplicationStatus as S
from pcc_portal.mail.services import absolute_url
from pcc_portal.models import Decision, OutboundMessage
from tests.engagement.factories import ActivityAreaFactory
from tests.grants import factories as f
from tests.pcc_portal.factories import PolicingAreaFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("grants_staff:applications")


def page(name, application) -> str:
    return reverse(f"grants_staff:{name}", args=[application.pk])


def in_words(day: date) -> str:
    return dateformat.format(day, "l j F Y")


@pytest.fixture
def as_person(client, sign_in):
    """as_person(user) -> the test client, signed in as that person."""

    def sign(user):
        client.logout()
        return sign_in(user)

    return sign


def decision(**extra) -> dict:
    data = {
        "outcome": staff_forms.APPROVE,
        "amount": "£4,500",
        "conditions": "Report attendance every six months",
        "reasons": "Reduces youth crime in the town centre",
    }
    data.update(extra)
    return data


# --- The queue ---------------------------------------------------------------------------------


def test_the_queue_lists_what_was_sent_with_statuses_and_counts(people, as_person):
    draft = f.ApplicationFactory(project_title="Still a draft")
    sent = f.submitted(people, project_title="Safer nights")
    checked = f.eligible(people, project_title="Street pastors")
    response = as_person(people.officer).get(QUEUE)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Safer nights" in text and "Street pastors" in text
    assert draft.project_title not in text
    assert sent.reference in text and checked.reference in text
    # The status as a tag in the workflow's colour, and the counts by status.
    assert 'govuk-tag govuk-tag--blue">Eligibility check<' in text
    assert "Eligibility check (1)" in text and "Assessment (1)" in text and "All (2)" in text
    assert 'data-module="moj-sortable-table"' in text
    # The filter panel reads "Any", never Django's dashes.
    assert ">Any<" in text and "---------" not in text


def test_the_queue_filters_by_round_scheme_status_and_area(people, as_person):
    north, south = PolicingAreaFactory(), PolicingAreaFactory()
    youth, rural = ActivityAreaFactory(number=7), ActivityAreaFactory(number=8)
    first = f.submitted(people, areas=[north], activity_area=youth, project_title="Alpha")
    second = f.eligible(people, areas=[south], activity_area=rural, project_title="Bravo")
    client = as_person(people.officer)

    def titles(**query) -> set[str]:
        response = client.get(QUEUE, query)
        assert response.status_code == 200
        text = response.content.decode()
        return {title for title in ("Alpha", "Bravo") if title in text}

    assert titles() == {"Alpha", "Bravo"}
    assert titles(round=first.round_id) == {"Alpha"}
    assert titles(scheme=second.scheme.slug) == {"Bravo"}
    assert titles(status=S.ELIGIBLE) == {"Bravo"}
    assert titles(status=S.SUBMITTED) == {"Alpha"}
    assert titles(policing_area=north.slug) == {"Alpha"}
    assert titles(activity_area=rural.pk) == {"Bravo"}
    assert titles(search=second.reference) == {"Bravo"}
    # The counts follow the other filters; the status sub navigation keeps them.
    text = client.get(QUEUE, {"policing_area": north.slug}).content.decode()
    assert "All (1)" in text and "Assessment (" not in text
    # A choice not on offer is a 400 with the panel's message, not a 500.
    response = client.get(QUEUE, {"status": "nonsense"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_the_queue_takes_as_many_queries_for_50_rows_as_for_5(
    people, as_person, assert_flat_queries
):
    client = as_person(people.officer)
    grant_round = f.GrantRoundFactory(budget=Decimal("1000000"))

    def make(count):
        for _ in range(count):
            application = f.submitted(people, round=grant_round, areas=[PolicingAreaFactory()])
            if application.pk % 2:
                services.link_organisation(application=application, by=people.officer)

    response = assert_flat_queries(make, lambda: client.get(QUEUE))
    assert "50 applications" in response.content.decode()


@pytest.mark.parametrize("role", ["Applicant", "Engagement officer", "Ambassador"])
def test_the_queue_is_refused_to_those_who_do_not_work_on_grants(make_user, as_person, role):
    response = as_person(make_user(role)).get(QUEUE)
    assert response.status_code == 403


def test_the_public_is_sent_to_sign_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))


def test_the_grants_menu_entry_shows_to_those_it_opens_for(people, make_user, as_person):
    shown = f'href="{QUEUE}"'
    assert shown in as_person(people.officer).get("/").content.decode()
    assert shown in as_person(people.commissioner).get("/").content.decode()
    assert shown not in as_person(make_user("Engagement officer")).get("/").content.decode()


# --- An application ----------------------------------------------------------------------------


def test_the_application_page_shows_everything_the_applicant_sent(people, as_person):
    application = f.submitted(
        people,
        organisation_name="Safer Streets (as typed)",
        charity_number="1123456",
        budget=[("Youth worker", "3000"), ("Venue hire", "2000")],
    )
    text = as_person(people.officer).get(page("application", application)).content.decode()
    assert "Safer Streets (as typed)" in text and "1123456" in text
    assert "Youth worker" in text and "£3,000.00" in text and "£5,000.00" in text
    attachment = application.attachments.get()
    assert reverse("grants_staff:attachment", args=[attachment.pk]) in text
    assert "constitution.pdf" in text
    # The history as an MOJ timeline, with who moved it.
    assert 'class="moj-timeline"' in text and "Eligibility check</h3>" in text
    assert application.applicant.get_full_name() in text
    # The officer may check eligibility, link the organisation and withdraw; not decide.
    assert page("eligibility", application) in text
    assert page("link_organisation", application) in text
    assert page("withdraw", application) in text
    assert page("decide", application) not in text


def test_a_draft_is_not_found_by_staff(people, as_person):
    draft = f.ApplicationFactory()
    assert as_person(people.officer).get(page("application", draft)).status_code == 404


def test_the_commissioner_sees_the_application_and_only_the_moves_theirs_to_make(people, as_person):
    application = f.recommended(people)
    text = as_person(people.commissioner).get(page("application", application)).content.decode()
    assert page("decide", application) in text
    for other in ("eligibility", "recommend", "withdraw", "link_organisation"):
        assert page(other, application) not in text


# --- Eligibility -------------------------------------------------------------------------------


def test_an_officer_marks_an_application_eligible(people, as_person):
    application = f.submitted(people)
    client = as_person(people.officer)
    assert client.get(page("eligibility", application)).status_code == 200
    response = client.post(page("eligibility", application), {"outcome": "eligible"})
    assert response.status_code == 302
    assert response["Location"] == page("application", application)
    application.refresh_from_db()
    assert application.status == S.ELIGIBLE
    assert application.transitions.last().by == people.officer


def test_ineligible_needs_the_reason_the_applicant_is_told(people, as_person):
    application = f.submitted(people)
    client = as_person(people.officer)
    response = client.post(page("eligibility", application), {"outcome": "ineligible"})
    assert response.status_code == 400
    assert transitions.REASON_REQUIRED in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    response = client.post(
        page("eligibility", application),
        {"outcome": "ineligible", "reason": "Works outside the force area"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.outcome_reason) == (
        S.INELIGIBLE,
        "Works outside the force area",
    )


@pytest.mark.parametrize("who", ["assessor", "commissioner"])
def test_eligibility_is_refused_to_other_roles(people, as_person, who):
    application = f.submitted(people)
    client = as_person(getattr(people, who))
    assert client.get(page("eligibility", application)).status_code == 403
    response = client.post(page("eligibility", application), {"outcome": "eligible"})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_the_applicant_is_refused_the_staff_pages_of_their_own_application(people, as_person):
    application = f.submitted(people)
    client = as_person(application.applicant)
    assert client.get(page("application", application)).status_code == 403
    assert client.post(page("withdraw", application), {}).status_code == 403
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_an_illegal_move_is_told_in_the_services_words(people, as_person):
    application = f.eligible(people)
    client = as_person(people.officer)
    message = transitions.ILLEGAL_MOVE.format(current="Assessment", target="Assessment")
    # Said before the form is sent, and again when it is.
    response = client.get(page("eligibility", application))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    response = client.post(page("eligibility", application), {"outcome": "eligible"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "govuk-error-summary" in text and message in text
    assert application.transitions.count() == 2


# --- The organisation on record ------------------------------------------------------------------


def test_the_officer_confirms_the_organisation_found_by_its_number(people, as_person):
    on_record = f.linked_organisation(
        name="Safer Shrewsbury", charity_number="1123456", website="https://safer.example.org"
    )
    application = f.submitted(
        people, organisation_name="Safer Shrewsbury (new name)", charity_number=" 1123456"
    )
    client = as_person(people.officer)
    text = client.get(page("link_organisation", application)).content.decode()
    assert "Safer Shrewsbury" in text and on_record.org_id in text
    assert staff_forms.NEW_ORGANISATION_LABEL not in text
    response = client.post(
        page("link_organisation", application), {"organisation": str(on_record.pk)}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.organisation == on_record
    on_record.refresh_from_db()
    # The record is not changed by what the applicant typed.
    assert (on_record.name, on_record.website) == ("Safer Shrewsbury", "https://safer.example.org")
    assert Organisation.objects.count() == 1


def test_an_organisation_is_added_from_the_typed_details_when_none_matches(people, as_person):
    application = f.submitted(people, charity_number="SC012345")
    client = as_person(people.officer)
    text = client.get(page("link_organisation", application)).content.decode()
    assert "No organisation on record matches" in text
    response = client.post(
        page("link_organisation", application), {"organisation": staff_forms.NEW_ORGANISATION}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.organisation.charity_number == "SC012345"


def test_linking_is_refused_to_the_commissioner(people, as_person):
    application = f.submitted(people)
    client = as_person(people.commissioner)
    response = client.post(
        page("link_organisation", application), {"organisation": staff_forms.NEW_ORGANISATION}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.organisation is None


# --- Recommending --------------------------------------------------------------------------------


def test_an_officer_recommends_an_assessed_application(people, as_person):
    application = f.assessed(people)
    client = as_person(people.officer)
    response = client.post(
        page("recommend", application),
        {"recommended_amount": "4,000.50", "recommendation": "Strong local support"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    assert application.recommended_amount == Decimal("4000.50")


def test_a_recommendation_outside_the_rounds_limits_is_refused_beside_the_amount(people, as_person):
    application = f.assessed(people)
    response = as_person(people.officer).post(
        page("recommend", application), {"recommended_amount": "50000"}
    )
    assert response.status_code == 400
    assert "The amount recommended must be between £500.00 and £20,000.00" in (
        response.content.decode()
    )
    application.refresh_from_db()
    assert application.status == S.ASSESSED


def test_recommending_is_refused_to_the_assessor(people, as_person):
    application = f.assessed(people)
    response = as_person(people.assessor).post(
        page("recommend", application), {"recommended_amount": "4000"}
    )
    assert response.status_code == 403


# --- The decision --------------------------------------------------------------------------------


def test_the_commissioner_approves_and_the_award_register_entry_and_letter_are_made(
    people, as_person, django_capture_on_commit_callbacks
):
    application = f.recommended(people)
    client = as_person(people.commissioner)
    assert client.get(page("decide", application)).status_code == 200
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(page("decide", application), decision())
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.APPROVED
    award = Award.objects.get(application=application)
    assert award.amount == Decimal("4500.00")
    assert award.conditions == "Report attendance every six months"
    assert award.decided_by == "Alex Holder, Commissioner for Anyshire"
    # Entered in the decisions register and linked from the award.
    assert award.decision_record == Decision.objects.get()
    assert award.decision_record.summary == "Reduces youth crime in the town centre"
    # One letter, queued once the decision committed.
    (letter,) = OutboundMessage.objects.all()
    assert callbacks
    assert (letter.to_email, letter.template) == (
        application.contact_email,
        services.AWARD_LETTER,
    )
    assert letter.related == award
    # Sent twice (a double click, the back button): one award, one entry, one letter.
    response = client.post(page("decide", application), decision())
    assert response.status_code == 400
    assert "it cannot be moved to" in response.content.decode()
    assert (Award.objects.count(), Decision.objects.count(), OutboundMessage.objects.count()) == (
        1,
        1,
        1,
    )


def test_the_award_letter_gives_the_conditions_dates_in_words_and_links(people, as_person):
    application = f.recommended(people)
    as_person(people.commissioner).post(page("decide", application), decision())
    letter = OutboundMessage.objects.get()
    award = Award.objects.get(application=application)
    text = get_template(f"{letter.template}.txt").render(letter.context)
    assert "Report attendance every six months" in text
    assert "£4,500.00" in text
    assert in_words(award.starts_on) in text and in_words(timezone.localdate()) in text
    assert absolute_url(reverse("grants:grantee_award", args=[award.pk])) in text
    assert "Reduces youth crime in the town centre" in text
    assert award.decision_record.get_absolute_url() in text
    assert application.project_title in letter.subject


def test_the_letter_leaves_once_through_the_send_service(
    people, as_person, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    application = f.recommended(people)
    client = as_person(people.commissioner)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(page("decide", application), decision())
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [application.contact_email]
    assert "\n" not in mailoutbox[0].subject
    assert "Report attendance every six months" in mailoutbox[0].body


def test_an_officer_records_the_decision_saying_who_made_it_and_when(people, as_person):
    application = f.recommended(people)
    client = as_person(people.officer)
    response = client.post(page("decide", application), decision())
    assert response.status_code == 400
    text = response.content.decode()
    assert awarding.DECIDER_REQUIRED in text and awarding.DECISION_DATE_REQUIRED in text
    assert not Award.objects.exists() and not OutboundMessage.objects.exists()
    response = client.post(
        page("decide", application),
        decision(
            decided_by="Sam Deputy, Deputy Commissioner",
            **{"decided_on_0": "20", "decided_on_1": "11", "decided_on_2": "2015"},
        ),
    )
    assert response.status_code == 302
    award = Award.objects.get(application=application)
    assert (award.decided_by, award.decided_on, award.recorded_by) == (
        "Sam Deputy, Deputy Commissioner",
        date(2015, 11, 20),
        people.officer,
    )


def test_a_multi_year_award_is_made_in_yearly_instalments_held_for_their_reports(people, as_person):
    application = f.recommended(people)
    response = as_person(people.commissioner).post(
        page("decide", application), decision(amount="£4,000", yearly_instalments="3")
    )
    assert response.status_code == 302
    award = Award.objects.get(application=application)
    instalments = list(award.instalments.order_by("number"))
    start = award.starts_on
    assert [i.due_on for i in instalments] == [
        start,
        awarding._years_after(start, 1),
        awarding._years_after(start, 2),
    ]
    assert [i.amount for i in instalments] == [
        Decimal("1333.34"),
        Decimal("1333.33"),
        Decimal("1333.33"),
    ]
    assert award.is_multi_year
    assert instalments[0].held_for_report is None
    assert all(i.held_for_report is not None for i in instalments[1:])


def test_the_decision_keeps_what_was_typed_when_refused(people, as_person):
    application = f.recommended(people)
    response = as_person(people.commissioner).post(
        page("decide", application), decision(reasons="", conditions="Keep a register")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert awarding.REASONS_REQUIRED in text and "Keep a register" in text
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED


def test_the_commissioner_declines_with_the_reason_and_a_decline_letter(people, as_person):
    application = f.recommended(people)
    client = as_person(people.commissioner)
    response = client.post(page("decide", application), {"outcome": staff_forms.DECLINE})
    assert response.status_code == 400
    assert transitions.REASON_REQUIRED in response.content.decode()
    response = client.post(
        page("decide", application),
        {"outcome": staff_forms.DECLINE, "reason": "The round is oversubscribed"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.outcome_reason) == (
        S.DECLINED,
        "The round is oversubscribed",
    )
    assert not Award.objects.exists()
    (letter,) = OutboundMessage.objects.all()
    assert letter.template == services.DECLINE_LETTER
    text = get_template(f"{letter.template}.txt").render(letter.context)
    assert "The round is oversubscribed" in text and in_words(timezone.localdate()) in text
    assert absolute_url(reverse("grants:application", args=[application.pk])) in text


def test_an_assessed_application_can_only_be_declined(people, as_person):
    application = f.assessed(people)
    text = as_person(people.commissioner).get(page("decide", application)).content.decode()
    assert staff_forms.DECLINE_LABEL in text and staff_forms.APPROVE_LABEL not in text


@pytest.mark.parametrize("who", ["assessor"])
def test_deciding_is_refused_to_an_assessor(people, as_person, who):
    application = f.recommended(people)
    client = as_person(getattr(people, who))
    assert client.get(page("decide", application)).status_code == 403
    assert client.post(page("decide", application), decision()).status_code == 403
    assert not Award.objects.exists() and not OutboundMessage.objects.exists()


def test_deciding_an_application_not_yet_recommended_is_told_why(people, as_person):
    application = f.submitted(people)
    response = as_person(people.commissioner).post(page("decide", application), decision())
    assert response.status_code == 400
    assert (
        transitions.ILLEGAL_MOVE.format(current="Eligibility check", target="Approved: offer made")
        in response.content.decode()
    )


# --- Withdrawing ---------------------------------------------------------------------------------


def test_an_officer_withdraws_an_application(people, as_person):
    application = f.eligible(people)
    response = as_person(people.officer).post(
        page("withdraw", application), {"reason": "The applicant asked by phone"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    step = ApplicationTransition.objects.filter(application=application).last()
    assert (step.by, step.note) == (people.officer, "The applicant asked by phone")


def test_withdrawing_is_refused_to_the_commissioner(people, as_person):
    application = f.eligible(people)
    assert as_person(people.commissioner).post(page("withdraw", application)).status_code == 403
    application.refresh_from_db()
    assert application.status == S.ELIGIBLE


# --- Attachments ---------------------------------------------------------------------------------


def download(client, attachment):
    return client.get(reverse("grants_staff:attachment", args=[attachment.pk]))


def test_an_attachment_is_served_safely_to_those_who_may_see_the_application(people, as_person):
    application = f.submitted(people)
    attachment = application.attachments.get()
    for person in (people.officer, people.commissioner, application.applicant):
        response = download(as_person(person), attachment)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert 'filename="constitution.pdf"' in response["Content-Disposition"]
        assert response["Content-Security-Policy"] == "sandbox"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_image_is_shown_not_saved(people, as_person):
    application = f.submitted(people)
    image = Attachment.objects.create(
        application=application,
        kind=Attachment.Kind.OTHER,
        file=f.upload("poster.png", f.PNG),
        original_name="poster.png",
        size=len(f.PNG),
    )
    response = download(as_person(people.officer), image)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "sandbox"


def test_an_attachment_is_not_reachable_by_another_applicant_or_the_public(
    people, as_person, client
):
    application = f.submitted(people)
    attachment = application.attachments.get()
    other = f.submitted(people).applicant
    assert download(as_person(other), attachment).status_code == 403
    client.logout()
    response = download(client, attachment)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
    # Nor is the file in the public media folder, by its stored name or any other.
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_a_drafts_attachment_is_the_applicants_alone(people, as_person):
    draft = f.ApplicationFactory()
    attachment = draft.attachments.get()
    assert download(as_person(people.officer), attachment).status_code == 403
    assert download(as_person(draft.applicant), attachment).status_code == 200


def test_an_application_moved_on_keeps_its_history_in_order(people, as_person):
    application = f.recommended(people)
    text = as_person(people.officer).get(page("application", application)).content.decode()
    titles = ["Recommended</h3>", "Assessed</h3>", "Assessment</h3>", "Eligibility check</h3>"]
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)


def test_a_direct_award_is_decided_from_the_queue(people, as_person, make_user):
    scheme = f.GrantSchemeFactory(is_public=False)
    organisation = f.linked_organisation(name="Victim support hub", charity_number="1176543")
    start = timezone.localdate() + timedelta(days=30)
    application = services.create_direct_award(
        scheme=scheme,
        organisation=organisation,
        by=people.officer,
        project_title="Independent sexual violence advisers",
        project_summary="Two advisers for the force area",
        amount="15000",
        starts_on=start,
        ends_on=start + timedelta(days=364),
        contact_email="hub@example.org",
    )
    client = as_person(people.commissioner)
    assert "Independent sexual violence advisers" in client.get(QUEUE).content.decode()
    response = client.post(page("decide", application), decision(amount="15000"))
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).status == S.APPROVED
    # A hidden scheme's decision is entered, but not made public.
    assert Decision.objects.get().is_public is False
    assert OutboundMessage.objects.get().to_email == "hub@example.org"
