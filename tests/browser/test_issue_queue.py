"""The staff officer's queue of raised issues on a 320px phone: each issue's status shows
beside it without scrolling sideways, and an issue the office heard of is logged from there."""

import pytest

from engagement.models import RaisedIssue
from engagement.services import move_issue
from engagement.workflow import IssueStatus
from tests.engagement.factories import ContactFactory, RaisedIssueFactory
from tests.pcc_portal.factories import UserFactory

from .conftest import accessibility_problems, assert_fits, sign_in_at

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def roles():
    """The roles and their permissions, whatever an earlier test that committed left behind
    (without migrations nothing restores them after its flush)."""
    from django.apps import apps

    from pcc_portal.roles import sync_roles_after_migrate

    sync_roles_after_migrate(sender=apps.get_app_config("pcc_portal"))


def test_the_queue_shows_each_status_on_a_phone_and_an_issue_is_logged_from_it(live_server, phone):
    from pcc_portal.services import set_roles

    officer = set_roles(user=UserFactory(full_name="Sam Officer"), roles=["Staff officer"])
    issue = RaisedIssueFactory(
        contact=ContactFactory(who="Shoppers on the high street"),
        summary="Cars parked on the pavement outside the primary school every morning",
    )
    move_issue(issue=issue, to=IssueStatus.RAISED, by=officer)
    sign_in_at(phone, live_server.url + "/staff/engagement/issues/", officer)

    assert phone.get_by_role("heading", name="Issues raised for the").is_visible()
    assert_fits(phone)
    status = phone.locator("tbody .govuk-tag").first
    assert status.inner_text().lower() == "raised with the chief constable"
    box = status.bounding_box()
    # On the screen as it opens: not off to the right, behind the table's sideways scroll.
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    assert status.is_visible()
    assert phone.get_by_role("link", name="Outstanding (1)").is_visible()

    phone.get_by_role("button", name="Log an issue").click()
    assert phone.get_by_role("heading", name="Log an issue").is_visible()
    assert_fits(phone)
    phone.fill("#id_summary", "Speeding on the\nA49 near Leintwardine")
    phone.get_by_label("Correspondence").check()
    phone.fill("#id_raised_by_name", "Parish clerk")
    phone.get_by_role("button", name="Log the issue").click()

    assert phone.get_by_text("Issue logged.").is_visible()
    assert_fits(phone)
    logged = RaisedIssue.objects.get(contact=None)
    assert (logged.source, logged.raised_by_name, logged.logged_by) == (
        RaisedIssue.Source.CORRESPONDENCE,
        "Parish clerk",
        officer,
    )
    phone.get_by_role("link", name="Issues raised").first.click()
    assert phone.get_by_role("link", name="Outstanding (2)").is_visible()


def test_the_queue_and_the_log_form_pass_the_automated_wcag_checks(
    live_server, audited_phone, axe_source
):
    from pcc_portal.services import set_roles

    phone = audited_phone
    officer = set_roles(user=UserFactory(), roles=["Staff officer"])
    RaisedIssueFactory()
    sign_in_at(phone, live_server.url + "/staff/engagement/issues/", officer)
    problems = {"queue": accessibility_problems(phone, axe_source)}
    phone.goto(live_server.url + "/staff/engagement/issues/new/")
    problems["log form"] = accessibility_problems(phone, axe_source)
    phone.get_by_role("button", name="Log the issue").click()  # empty: every error shows
    assert phone.get_by_text("There is a problem").is_visible()
    problems["log form with errors"] = accessibility_problems(phone, axe_source)
    assert not any(problems.values()), problems
