"""The grantee's pages: their award with its offer to accept, and their monitoring reports sent
online; only the applicant whose award it is may open them."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import dateformat

from grants import awarding, monitoring, services
from grants.grantee_forms import AGREE_REQUIRED, FILE_AGAIN
from grants.models import ApplicationTransition, Attachment, BeneficiaryFigure
from grants.workflow import ApplicationStatus as S
from grants.workflow import ReportStatus as R
from tests.grants import factories as f

pytestmark = pytest.mark.django_db


def in_words(day: date) -> str:
    return dateformat.format(day, "l j F Y")


def award_url(award) -> str:
    return reverse("grants:grantee_award", args=[award.pk])


def accept_url(award) -> str:
    return reverse("grants:grantee_accept", args=[award.pk])


def report_url(report) -> str:
    return reverse("grants:grantee_report", kwargs={"pk": report.award_id, "report_pk": report.pk})


def answers(**extra) -> dict:
    data = {
        "narrative": "Forty young people came to the evening sessions.",
        "people_reached": "40",
        "spend_to_date": "£2,450.50",
    }
    data.update(extra)
    return data


@pytest.fixture
def offered(people):
    """An approved award whose offer waits for the grantee."""
    return f.approved(people)


@pytest.fixture
def running(people):
    """An award whose offer was accepted and which the office has started."""
    return f.active(people)


# --- The award and its offer --------------------------------------------------------------------


def test_the_grantee_sees_their_award_with_its_dates_in_words(people, offered, client):
    application, award = offered
    client.force_login(application.applicant)
    response = client.get(award_url(award))
    assert response.status_code == 200
    page = response.content.decode()
    assert "£5,000.00" in page
    assert award.conditions in page
    assert in_words(award.starts_on) in page and in_words(award.ends_on) in page
    instalment = award.instalments.get()
    assert in_words(instalment.due_on) in page and "Not yet paid" in page
    final = award.reports.get(is_final=True)
    assert final.title in page and in_words(final.due_on) in page
    # The public name of the state, not the staff one.
    assert "Grant offered" in page and "Approved: offer made" not in page
    assert "Accept the offer" in page


def test_accepting_the_offer_needs_the_conditions_agreed(offered, client):
    application, award = offered
    client.force_login(application.applicant)
    response = client.post(accept_url(award), {})
    assert response.status_code == 400
    assert AGREE_REQUIRED in response.content.decode()
    assert response.content.decode().count("Error:") >= 1
    application.refresh_from_db()
    assert application.status == S.APPROVED


def test_accepting_the_offer_twice_accepts_it_once(offered, client):
    application, award = offered
    client.force_login(application.applicant)
    first = client.post(accept_url(award), {"agree": "on"})
    assert first.status_code == 302 and first["Location"] == award_url(award)
    application.refresh_from_db()
    award.refresh_from_db()
    assert application.status == S.OFFER_ACCEPTED
    accepted_at = award.offer_accepted_at
    assert accepted_at is not None
    second = client.post(accept_url(award), {"agree": "on"})
    assert second.status_code == 302 and second["Location"] == award_url(award)
    award.refresh_from_db()
    assert award.offer_accepted_at == accepted_at
    moves = ApplicationTransition.objects.filter(application=application)
    assert moves.filter(to_status=S.OFFER_ACCEPTED).count() == 1
    page = client.get(award_url(award)).content.decode()
    assert 'name="agree"' not in page
    assert f"You accepted the offer on {in_words(accepted_at.date())}" in page


def test_the_grant_becomes_active_when_the_office_starts_it(people, offered, client):
    application, award = offered
    client.force_login(application.applicant)
    client.post(accept_url(award), {"agree": "on"})
    # Only the office starts the grant (the workflow's "Start the grant" move).
    services.activate_award(application=application, by=people.officer)
    page = client.get(award_url(award)).content.decode()
    assert "Your grant is running" in page and "Funded" in page


def test_a_consortiums_members_are_shown_on_its_award(people, client):
    application = f.ApplicationFactory(is_consortium=True)
    services.set_consortium_members(
        application=application,
        by=application.applicant,
        members=[
            {"organisation_name": "Telford Youth Club", "role": "Runs the Telford sessions"},
            {"organisation_name": "Wellington Boxing"},
        ],
    )
    application, award = f.approved(people, application=application)
    client.force_login(application.applicant)
    page = client.get(award_url(award)).content.decode()
    assert "Consortium" in page
    assert "Telford Youth Club: Runs the Telford sessions" in page
    assert "Wellington Boxing" in page


def test_an_award_without_members_shows_no_consortium(offered, client):
    application, award = offered
    client.force_login(application.applicant)
    assert "Consortium" not in client.get(award_url(award)).content.decode()


# --- Who may open the pages ---------------------------------------------------------------------


def test_other_people_are_refused_and_anonymous_visitors_sent_to_sign_in(
    people, running, client, sign_in
):
    application, award = running
    report = award.reports.get()
    doors = [
        ("get", award_url(award), None),
        ("post", accept_url(award), {"agree": "on"}),
        ("get", report_url(report), None),
        ("post", report_url(report), answers()),
    ]
    for method, url, data in doors:
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor:login")), url
    # Another applicant, and staff (whose pages are their own), are told they may not.
    for person in (f.ApplicantFactory(), people.officer):
        sign_in(person)
        for method, url, data in doors:
            response = getattr(client, method)(url, data or {})
            assert response.status_code == 403, (person, url)
    report.refresh_from_db()
    assert report.status == R.DUE and report.narrative == ""
    missing = reverse("grants:grantee_award", args=[award.pk + 1000])
    client.force_login(application.applicant)
    assert client.get(missing).status_code == 404


def test_a_report_of_another_award_is_not_found_under_this_one(people, running, client):
    application, award = running
    _other_application, other_award = f.active(people)
    stray = other_award.reports.get()
    client.force_login(application.applicant)
    url = reverse("grants:grantee_report", kwargs={"pk": award.pk, "report_pk": stray.pk})
    assert client.get(url).status_code == 404


# --- Monitoring reports -------------------------------------------------------------------------


def test_a_report_cannot_be_sent_before_the_offer_is_accepted(offered, client):
    application, award = offered
    report = award.reports.get()
    client.force_login(application.applicant)
    page = client.get(report_url(report)).content.decode()
    assert 'name="narrative"' not in page
    assert "once you have" in page
    response = client.post(report_url(report), answers())
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == R.DUE


def test_a_report_with_errors_keeps_every_answer(running, client):
    application, award = running
    report = award.reports.get()
    client.force_login(application.applicant)
    response = client.post(
        report_url(report),
        answers(people_reached="", figure_age_2="12", figure_gender_0="7"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error:" in page
    assert monitoring.PEOPLE_REQUIRED in page
    assert "Forty young people came to the evening sessions." in page
    assert 'value="£2,450.50"' in page
    assert 'name="figure_age_2" type="text" inputmode="numeric" spellcheck="false" value="12"' in (
        page
    )
    assert 'value="7"' in page
    report.refresh_from_db()
    assert report.status == R.DUE and not report.figures.exists()


def test_figures_that_add_up_to_more_than_the_people_reached_are_refused(running, client):
    application, award = running
    report = award.reports.get()
    client.force_login(application.applicant)
    response = client.post(
        report_url(report),
        answers(people_reached="10", figure_age_1="8", figure_age_2="7", figure_gender_1="lots"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    # The box that is not a number first (the form's own check) ...
    assert "Enter the number of people in “Male” as a whole number, 0 or more" in page
    response = client.post(
        report_url(report), answers(people_reached="10", figure_age_1="8", figure_age_2="7")
    )
    assert response.status_code == 400
    page = response.content.decode()
    # ... then the service's rule, beside the group of boxes it is about.
    message = monitoring.FIGURES_TOO_MANY.format(category="age", total=15, people=10)
    assert message in page
    assert 'id="figures-age-error"' in page
    report.refresh_from_db()
    assert report.status == R.DUE and not BeneficiaryFigure.objects.exists()


def test_figures_are_stored_as_counts_per_group_and_sending_twice_sends_once(running, client):
    application, award = running
    report = award.reports.get()
    client.force_login(application.applicant)
    data = answers(
        figure_age_1="25",  # 10 to 15
        figure_age_2="15",  # 16 to 19
        figure_gender_0="18",  # Female
        figure_gender_1="",  # left blank: not stored
        figure_disability_0="0",  # Disabled: none
        evidence=f.upload("attendance.pdf", f.PDF),
    )
    response = client.post(report_url(report), data)
    assert response.status_code == 302 and response["Location"] == report_url(report)
    report.refresh_from_db()
    assert report.status == R.SUBMITTED and report.submitted_by == application.applicant
    assert report.people_reached == 40 and report.spend_to_date == Decimal("2450.50")
    assert sorted(report.figures.values_list("category", "band", "count")) == [
        ("age", "10 to 15", 25),
        ("age", "16 to 19", 15),
        ("disability", "Disabled", 0),
        ("gender", "Female", 18),
    ]
    evidence = report.attachments.get()
    assert evidence.kind == Attachment.Kind.MONITORING_EVIDENCE
    assert evidence.application == application and evidence.original_name == "attendance.pdf"
    sent_at = report.submitted_at
    # The same form sent again (a second click) changes nothing.
    again = dict(data, evidence=f.upload("attendance.pdf", f.PDF), narrative="Changed")
    response = client.post(report_url(report), again)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.submitted_at == sent_at and report.narrative == data["narrative"]
    assert report.figures.count() == 4 and report.attachments.count() == 1
    page = client.get(report_url(report)).content.decode()
    assert "What you sent" in page and "attendance.pdf" in page and "16 to 19" in page
    assert 'name="narrative"' not in page


def test_evidence_is_checked_by_the_attachment_rules_and_answers_kept(running, client):
    application, award = running
    report = award.reports.get()
    client.force_login(application.applicant)
    renamed = f.upload("evidence.pdf", b"MZ\x90\x00" + b"\0" * 64)
    response = client.post(report_url(report), answers(evidence=renamed))
    assert response.status_code == 400
    page = response.content.decode()
    assert "The selected file is not a real PDF" in page
    assert "Forty young people came to the evening sessions." in page
    report.refresh_from_db()
    assert report.status == R.DUE and not report.attachments.exists()


def test_a_good_file_sent_with_a_problem_elsewhere_must_be_chosen_again(running, client):
    application, award = running
    report = award.reports.get()
    client.force_login(application.applicant)
    response = client.post(
        report_url(report), answers(narrative="", evidence=f.upload("a.pdf", f.PDF))
    )
    assert response.status_code == 400
    assert FILE_AGAIN in response.content.decode()
    assert not Attachment.objects.filter(monitoring_report=report).exists()


def test_the_grantee_sends_again_after_more_information_is_asked_for(people, running, client):
    application, award = running
    report = award.reports.get()
    client.force_login(application.applicant)
    client.post(report_url(report), answers(figure_age_1="30"))
    services.request_more_information(
        report=report, by=people.officer, note="Add how many sessions each person came to"
    )
    page = client.get(report_url(report)).content.decode()
    assert "Add how many sessions each person came to" in page
    assert "More information needed" in page
    # What was sent before is filled in, to be changed rather than typed again.
    assert "Forty young people came to the evening sessions." in page
    assert 'name="figure_age_1" type="text" inputmode="numeric" spellcheck="false" value="30"' in (
        page
    )
    award_page = client.get(award_url(award)).content.decode()
    assert f"Send “{report.title}”" in award_page
    response = client.post(
        report_url(report),
        answers(narrative="Forty people, most of them at six sessions or more", figure_age_1="35"),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == R.SUBMITTED
    assert report.narrative == "Forty people, most of them at six sessions or more"
    assert list(report.figures.values_list("band", "count")) == [("10 to 15", 35)]


# --- A multi-year award -------------------------------------------------------------------------


def test_a_later_instalment_waits_until_the_report_sent_online_is_accepted(people, client):
    grant_round = f.GrantRoundFactory(longest_project_months=24, maximum_award=Decimal("20000"))
    application, award = f.accepted(
        people,
        round=grant_round,
        starts_on=date(2015, 10, 1),
        ends_on=date(2017, 3, 31),
        amount_requested=Decimal("16000.00"),
        instalments=[(date(2015, 10, 1), "8000"), (date(2016, 10, 1), "8000")],
    )
    first, second = award.instalments.all()
    report = second.held_for_report
    services.release_instalment(instalment=first, by=people.officer)
    client.force_login(application.applicant)
    page = client.get(award_url(award)).content.decode()
    assert f"Waiting for your report “{report.title}” to be accepted" in page
    assert "Released on" in page
    # Long past its due date and not sent: flagged.
    assert "Overdue" in page

    response = client.post(report_url(report), answers(people_reached="60"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == R.SUBMITTED
    # Sent, not yet accepted: still held.
    with pytest.raises(awarding.ValidationError):
        services.release_instalment(instalment=second, by=people.officer)
    assert "Waiting for your report" in client.get(award_url(award)).content.decode()

    services.accept_monitoring_report(report=report, by=people.officer, note="Thank you")
    released = services.release_instalment(instalment=second, by=people.officer)
    assert released.released_at is not None
    page = client.get(award_url(award)).content.decode()
    assert "Waiting for your report" not in page
    assert page.count("Released on") == 2
    report_page = client.get(report_url(report)).content.decode()
    assert "Accepted" in report_page and "Thank you" in report_page
