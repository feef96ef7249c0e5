"""The admin meets the rules of the phone form, and asks the same rules as the staff pages."""

from datetime import timedelta

import pytest
import rules
from django.utils import timezone

from engagement.models import Contact, RaisedIssue
from tests.engagement.factories import (
    ActivityAreaFactory,
    ContactFactory,
    EngagementLevelFactory,
    OrganisationFactory,
    RaisedIssueFactory,
)
from tests.pcc_portal.factories import PolicingAreaFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/engagement/contact/add/"


def change_url(contact):
    return f"/admin/engagement/contact/{contact.pk}/change/"


@pytest.fixture
def officer(client, sign_in, make_user):
    """The engagement officer, signed in to the admin."""
    user = make_user("Engagement officer")
    sign_in(user)
    return user


def admin_form(ambassador, **changes):
    data = {
        "ambassador": ambassador.pk,
        "occurred_on": timezone.localdate().isoformat(),
        "policing_area": ambassador.policing_area.pk,
        "place": "",
        "organisation": "",
        "who": "Residents at a street surgery",
        "people_reached": 10,
        "method": Contact.Method.STREET,
        "engagement_level": EngagementLevelFactory().pk,
        "activity_areas": [ActivityAreaFactory(number=1).pk],
        "topics": "",
        "issues_raised": "",
    }
    data.update(changes)
    return data


def test_an_engagement_officer_adds_a_contact_in_the_admin(client, officer, ambassador):
    response = client.post(ADD, admin_form(ambassador))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Contact.objects.get().ambassador == ambassador


def test_a_contact_dated_in_the_future_is_refused_when_added(client, officer, ambassador):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(ADD, admin_form(ambassador, occurred_on=tomorrow.isoformat()))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["occurred_on"] == ["Date of the contact must be today or in the past"]
    assert Contact.objects.count() == 0


def test_a_contact_cannot_be_moved_into_the_future_when_changed(client, officer, ambassador):
    contact = ContactFactory(ambassador=ambassador)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        change_url(contact), admin_form(ambassador, occurred_on=tomorrow.isoformat())
    )
    assert response.status_code == 200
    assert "occurred_on" in response.context["adminform"].form.errors
    contact.refresh_from_db()
    assert contact.occurred_on == timezone.localdate()


def test_a_contact_needs_an_activity_area_in_the_admin(client, officer, ambassador):
    response = client.post(ADD, admin_form(ambassador, activity_areas=[]))
    assert response.status_code == 200
    assert "activity_areas" in response.context["adminform"].form.errors
    assert Contact.objects.count() == 0


def test_a_contact_names_an_organisation_of_its_ambassadors_area(client, officer, ambassador):
    elsewhere = OrganisationFactory(policing_areas=[PolicingAreaFactory()])
    response = client.post(ADD, admin_form(ambassador, organisation=elsewhere.pk))
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert Contact.objects.count() == 0
    own = OrganisationFactory(policing_areas=[ambassador.policing_area])
    response = client.post(ADD, admin_form(ambassador, organisation=own.pk))
    assert response.status_code == 302
    assert Contact.objects.get().organisation == own


def test_the_contact_admin_asks_the_change_rule(client, officer, ambassador, monkeypatch):
    contact = ContactFactory(ambassador=ambassador)
    monkeypatch.setitem(
        rules.permissions.permissions, "engagement.change_contact_record", rules.always_deny
    )
    response = client.post(change_url(contact), admin_form(ambassador, people_reached=99))
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.people_reached == 10


def test_the_contact_admin_asks_the_view_and_delete_rules(client, officer, monkeypatch):
    contact = ContactFactory()
    delete = f"/admin/engagement/contact/{contact.pk}/delete/"
    assert client.get(delete).status_code == 200
    monkeypatch.setitem(
        rules.permissions.permissions, "engagement.delete_contact_record", rules.always_deny
    )
    assert client.get(delete).status_code == 403
    for name in ("engagement.view_contact_record", "engagement.change_contact_record"):
        monkeypatch.setitem(rules.permissions.permissions, name, rules.always_deny)
    assert client.get(change_url(contact)).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_view_only_role_reads_a_contact_but_cannot_save_it(client, sign_in, make_user):
    contact = ContactFactory()
    sign_in(make_user("Performance officer"))
    assert client.get(change_url(contact)).status_code == 200
    response = client.post(change_url(contact), admin_form(contact.ambassador, people_reached=1))
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.people_reached == 10


def test_issues_are_not_added_or_moved_in_the_admin(client, sign_in, make_user):
    issue = RaisedIssueFactory()
    sign_in(make_user("Staff officer"))
    assert client.get("/admin/engagement/raisedissue/").status_code == 200
    assert client.get("/admin/engagement/raisedissue/add/").status_code == 403
    page = client.get(f"/admin/engagement/raisedissue/{issue.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(
        f"/admin/engagement/raisedissue/{issue.pk}/change/", {"status": "closed", "answer": "x"}
    )
    assert response.status_code == 403
    assert RaisedIssue.objects.get().status == "open"
