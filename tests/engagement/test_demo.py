"""The demo data a laptop run starts with: believable, dated around today (decision 23), and the
loader's summary counting what it says it counts."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from engagement import demo
from engagement.models import Ambassador, Contact, Organisation, RaisedIssue
from pcc_portal.demo import create_demo_users
from pcc_portal.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(reference_data):
    create_demo_users()
    out = io.StringIO()
    demo.fill(today=timezone.localdate(), stdout=out)
    return out.getvalue()


def test_each_raised_issue_fits_the_people_who_raised_it(filled):
    issues = list(RaisedIssue.objects.select_related("contact__organisation"))
    assert len(issues) >= 20
    for issue in issues:
        assert issue.summary in demo.issues_for(issue.contact), issue.summary
        assert issue.contact.issues_raised == issue.summary
    shoppers = RaisedIssue.objects.filter(contact__who="Shoppers on the high street")
    assert not shoppers.filter(summary__icontains="quad bike").exists()


def test_the_demo_has_its_own_issue_for_each_kind_of_contact():
    every = [summary for audience in demo.AUDIENCES for summary in audience.issues]
    assert len(every) == len(set(every)), "an issue is repeated between kinds of contact"
    assert {audience.who for audience in demo.AUDIENCES if audience.who} == set(demo.WHO)
    patterns = {audience.organisation for audience in demo.AUDIENCES if audience.organisation}
    assert patterns == {pattern for pattern, _ in demo.ORGANISATION_KINDS}
    assert all(len(audience.issues) >= 3 for audience in demo.AUDIENCES)


def test_raised_issues_are_spread_over_past_weeks_in_varied_states(filled):
    now = timezone.now()
    issues = list(RaisedIssue.objects.select_related("contact"))
    assert len({issue.summary for issue in issues}) >= 15
    raised_on = {timezone.localdate(issue.raised_at) for issue in issues}
    assert len(raised_on) >= 10
    assert any(issue.raised_at < now - timedelta(weeks=4) for issue in issues)
    assert any(issue.raised_at > now - timedelta(weeks=2) for issue in issues)
    for issue in issues:
        assert issue.raised_at <= now
        assert timezone.localdate(issue.raised_at) >= issue.contact.occurred_on
        history = list(issue.transitions.order_by("at"))
        times = [issue.raised_at, *(step.at for step in history), now]
        assert times == sorted(times), f"history out of order for {issue}"
        if history:
            assert history[-1].to_status == issue.status
    statuses = {issue.status for issue in issues}
    assert {"open", "raised_with_chief_constable", "answered", "closed"} <= statuses
    answered = RaisedIssue.objects.filter(status="answered")
    assert all(issue.answer for issue in answered)


def test_the_summary_counts_each_kind_of_row(filled):
    lines = [line.strip() for line in filled.splitlines()]
    assert f"{Ambassador.objects.count()} ambassadors" in lines
    assert f"{Organisation.objects.count()} organisations" in lines
    assert f"{Contact.objects.count()} contacts logged" in lines
    assert f"{RaisedIssue.objects.count()} issues raised" in lines


def test_a_second_fill_adds_nothing(filled):
    before = (Contact.objects.count(), RaisedIssue.objects.count())
    out = io.StringIO()
    demo.fill(today=timezone.localdate(), stdout=out)
    assert (Contact.objects.count(), RaisedIssue.objects.count()) == before
    assert "0 contacts logged" in out.getvalue()


def test_the_demo_ambassador_sign_in_has_contacts_to_show(filled):
    user = User.objects.get(email="ambassador@demo.invalid")
    assert Contact.objects.filter(ambassador__user=user).exists()


def test_load_demo_data_counts_what_it_says(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    text = out.getvalue()
    assert "aims: 4 created" in text
    assert f"{Ambassador.objects.count()} ambassadors" in text
