"""The engagement rules (engagement/rules.py), role by role, and the doors that ask them."""

from datetime import timedelta

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.urls import resolve
from django.utils import timezone

from engagement import workflow
from engagement.models import Contact
from engagement.rules import moves_for
from pcc_portal.roles import ROLES
from tests.engagement.factories import (
    AmbassadorFactory,
    ContactFactory,
    OrganisationFactory,
    RaisedIssueFactory,
)
from tests.pcc_portal.factories import PolicingAreaFactory

pytestmark = pytest.mark.django_db

A, EO, GO, GA, PO, SO, CD, AM, AP = (role.name for role in ROLES)
ROLE_NAMES = [role.name for role in ROLES]
ENGAGEMENT_STAFF = {A, EO, PO, SO, CD}

# rule -> the roles it lets through (an ambassador with an active ambassador record).
PERSON_RULES = {
    "engagement.open_staff_contacts": ENGAGEMENT_STAFF,
    "engagement.open_issue_queue": ENGAGEMENT_STAFF,
    "engagement.open_coverage": ENGAGEMENT_STAFF,
    "engagement.open_staff_calendar": ENGAGEMENT_STAFF,
    "engagement.open_ambassador_pages": {AM},
    "engagement.see_all_contacts": ENGAGEMENT_STAFF,
    "engagement.see_all_organisations": ENGAGEMENT_STAFF | {GO, GA},
    "engagement.see_internal_events": ENGAGEMENT_STAFF,
    "engagement.log_contacts": {AM},
    "engagement.move_issues": {A, EO, SO},
    "engagement.log_issue": {A, EO, SO},
    "engagement.add_organisations": {A, EO, GO, AM},
}
# The pages, and the rule each door asks.
PAGES = {
    "/staff/engagement/contacts/": "engagement.open_staff_contacts",
    "/staff/engagement/issues/": "engagement.open_issue_queue",
    "/staff/engagement/issues/1/": "engagement.open_issue_queue",
    "/staff/engagement/issues/new/": "engagement.log_issue",
    "/staff/engagement/coverage/": "engagement.open_coverage",
    "/staff/engagement/coverage.csv": "engagement.open_coverage",
    "/staff/engagement/calendar/": "engagement.open_staff_calendar",
    "/ambassador/": "engagement.open_ambassador_pages",
    "/ambassador/contacts/": "engagement.open_ambassador_pages",
    "/ambassador/contacts/new/": "engagement.open_ambassador_pages",
    "/ambassador/organisations/": "engagement.open_ambassador_pages",
    "/ambassador/organisations/new/": "engagement.open_ambassador_pages",
}


@pytest.fixture
def person(make_user):
    """person(role) -> a user holding the role; an ambassador gets an active record too."""

    def make(role):
        user = make_user(role)
        if role == AM:
            AmbassadorFactory(user=user)
        return user

    return make


@pytest.mark.parametrize("rule", list(PERSON_RULES))
def test_every_rule_is_registered(rule):
    assert rules.perm_exists(rule)


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("rule", list(PERSON_RULES))
def test_rules_by_role(person, role, rule):
    user = person(role)
    assert user.has_perm(rule) is (role in PERSON_RULES[rule]), f"{role}: {rule}"


@pytest.mark.parametrize("rule", list(PERSON_RULES))
def test_the_public_passes_no_rule(rule):
    assert AnonymousUser().has_perm(rule) is False


def test_the_ambassador_pages_need_an_active_ambassador_record(make_user):
    user = make_user(AM)
    assert not user.has_perm("engagement.open_ambassador_pages")
    ambassador = AmbassadorFactory(user=user, active=False)
    user = type(user).objects.get(pk=user.pk)  # a fresh user: the record is cached on it
    assert not user.has_perm("engagement.open_ambassador_pages")
    ambassador.active = True
    ambassador.save()
    user = type(user).objects.get(pk=user.pk)
    assert user.has_perm("engagement.open_ambassador_pages")


@pytest.mark.parametrize("path, rule", list(PAGES.items()))
def test_each_page_asks_its_rule(path, rule):
    assert resolve(path).func.rule == rule


@pytest.mark.parametrize("path, rule", [(p, r) for p, r in PAGES.items() if "1/" not in p])
def test_a_page_answers_as_its_rule_says(client, sign_in, person, monkeypatch, path, rule):
    """Take the rule away from someone who had it: the page refuses them with 403."""
    sign_in(person(AM if rule == "engagement.open_ambassador_pages" else A))
    assert client.get(path).status_code != 403
    monkeypatch.setitem(rules.permissions.permissions, rule, rules.always_deny)
    assert client.get(path).status_code == 403


# --- Contacts --------------------------------------------------------------------------------


@pytest.fixture
def contact():
    return ContactFactory()


CONTACT_RULES = {
    "engagement.view_contact_record": ENGAGEMENT_STAFF,
    "engagement.change_contact_record": {A, EO},
    "engagement.delete_contact_record": {A, EO},
    "engagement.raise_issue": {A, EO},
}


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("rule", list(CONTACT_RULES))
def test_contact_rules_by_role(person, contact, role, rule):
    """Someone else's contact: what each role may do with it."""
    assert person(role).has_perm(rule, contact) is (role in CONTACT_RULES[rule]), f"{role}: {rule}"


def test_an_ambassador_may_change_their_own_contact_within_the_window_only(contact):
    user = contact.ambassador.user
    assert user.has_perm("engagement.view_contact_record", contact)
    assert user.has_perm("engagement.change_contact_record", contact)
    assert user.has_perm("engagement.raise_issue", contact)
    assert not user.has_perm("engagement.delete_contact_record", contact)
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(days=8))
    contact.refresh_from_db()
    assert user.has_perm("engagement.view_contact_record", contact)
    assert not user.has_perm("engagement.change_contact_record", contact)
    assert not user.has_perm("engagement.raise_issue", contact)


def test_engagement_staff_may_change_a_contact_at_any_time(make_user, contact):
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(days=400))
    contact.refresh_from_db()
    assert make_user(EO).has_perm("engagement.change_contact_record", contact)


def test_another_ambassador_may_not_touch_a_contact(contact):
    other = AmbassadorFactory().user
    for rule in CONTACT_RULES:
        assert not other.has_perm(rule, contact), rule


# --- Organisations -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_adding_an_organisation_in_any_area_by_role(make_user, role):
    area = PolicingAreaFactory()
    allowed = {A, EO, GO}
    assert make_user(role).has_perm("engagement.add_organisation_in_area", area) is (
        role in allowed
    )


def test_an_ambassador_adds_organisations_of_their_own_area_only():
    ambassador = AmbassadorFactory()
    own, other = ambassador.policing_area, PolicingAreaFactory()
    user = ambassador.user
    assert user.has_perm("engagement.add_organisation_in_area", own)
    assert not user.has_perm("engagement.add_organisation_in_area", other)
    assert not user.has_perm("engagement.add_organisation_in_area", None)


def test_the_communications_ambassador_covers_every_area():
    user = AmbassadorFactory(policing_area=None, communications=True).user
    assert user.has_perm("engagement.add_organisation_in_area", PolicingAreaFactory())
    assert user.has_perm("engagement.add_organisation_in_area", None)


def test_organisations_visible_to_follow_the_rule(make_user):
    ambassador = AmbassadorFactory()
    own = OrganisationFactory(policing_areas=[ambassador.policing_area])
    other = OrganisationFactory(policing_areas=[PolicingAreaFactory()])
    from engagement.models import Organisation

    assert set(Organisation.objects.visible_to(ambassador.user)) == {own}
    assert set(Organisation.objects.visible_to(make_user(GA))) == {own, other}
    assert not Organisation.objects.visible_to(make_user(AP)).exists()
    assert not Organisation.objects.visible_to(AnonymousUser()).exists()


def test_contacts_visible_to_follow_the_rule(make_user, contact):
    mine = ContactFactory()
    assert list(Contact.objects.visible_to(mine.ambassador.user)) == [mine]
    assert set(Contact.objects.visible_to(make_user(PO))) == {contact, mine}
    assert not Contact.objects.visible_to(make_user(GO)).exists()
    assert not Contact.objects.visible_to(AnonymousUser()).exists()


# --- Raised issues -----------------------------------------------------------------------------

MOVES = [
    (move.source, move.target)
    for targets in workflow.TRANSITIONS.values()
    for move in targets.values()
]


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("source, target", MOVES)
def test_who_may_make_each_move(person, role, source, target):
    issue = RaisedIssueFactory()
    issue.status = source
    move = workflow.find_move(source, target)
    assert person(role).has_perm(move.rule, issue) is (role in {A, EO, SO}), f"{role}: {move}"


def test_the_ambassador_who_raised_an_issue_may_not_move_it():
    issue = RaisedIssueFactory()
    assert moves_for(issue.contact.ambassador.user, issue) == []


def test_moves_for_lists_only_the_moves_the_rules_allow(make_user, monkeypatch):
    issue = RaisedIssueFactory()
    officer = make_user(SO)
    assert {m.target for m in moves_for(officer, issue)} == set(workflow.allowed_moves("open"))
    monkeypatch.setitem(rules.permissions.permissions, workflow.ANSWER, rules.always_deny)
    assert workflow.IssueStatus.ANSWERED not in {m.target for m in moves_for(officer, issue)}


# --- The API asks the same rules -------------------------------------------------------------


def test_the_api_asks_the_change_rule_of_the_record(client, token_for):
    contact = ContactFactory()
    headers = token_for(contact.ambassador.user)
    url = f"/api/v1/contacts/{contact.pk}/"
    patch = {"path": url, "data": {"people_reached": 3}, "content_type": "application/json"}
    assert client.patch(**patch, **headers).status_code == 200
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert client.get(url, **headers).status_code == 200
    assert client.patch(**patch, **headers).status_code == 403
    contact.refresh_from_db()
    assert contact.people_reached == 3


def test_the_api_asks_the_view_rule_of_the_record(client, token_for, monkeypatch):
    contact = ContactFactory()
    headers = token_for(contact.ambassador.user)
    assert client.get(f"/api/v1/contacts/{contact.pk}/", **headers).status_code == 200
    monkeypatch.setitem(
        rules.permissions.permissions, "engagement.view_contact_record", rules.always_deny
    )
    assert client.get(f"/api/v1/contacts/{contact.pk}/", **headers).status_code == 403


def test_only_an_ambassador_logs_contacts_through_the_api(client, token_for):
    response = client.post(
        "/api/v1/contacts/", {}, content_type="application/json", **token_for(EO)
    )
    assert response.status_code == 403
    assert not Contact.objects.exists()
