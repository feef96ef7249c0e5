"""The staff pages follow the MOJ Design System's case-working patterns: full width, a filter
panel whose empty choices read "Any", sortable tables, one status tag, a timeline for history."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from engagement.filters import ContactFilter
from engagement.services import move_issue, raise_issue
from engagement.workflow import IssueStatus
from tests.engagement.factories import ActivityAreaFactory, ContactFactory

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"


@pytest.fixture
def officer(client, make_user, sign_in):
    sign_in(make_user("Staff officer"))
    return client


@pytest.fixture
def issue():
    contact = ContactFactory(issues_raised="Speeding past the school")
    return raise_issue(
        contact=contact, summary="Speeding past the school", by=contact.ambassador.user
    )


def test_the_filter_panel_says_any_rather_than_dashes_or_unknown(officer):
    ActivityAreaFactory(number=4, name="Road safety")
    response = officer.get("/staff/engagement/contacts/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="moj-filter-layout"' in page and 'data-module="moj-filter"' in page
    assert page.count('<option value="" selected>Any</option>') == 5
    assert "---------" not in page and "Unknown" not in page
    assert 'class="govuk-select"' in page and 'class="govuk-input"' in page


def test_the_filter_panel_lists_the_filters_in_use_with_a_way_to_remove_each(officer):
    area = ActivityAreaFactory(number=4, name="Road safety")
    ContactFactory(activity_areas=[area])
    page = officer.get(
        "/staff/engagement/contacts/", {"activity_area": area.pk, "raised": "false"}
    ).content.decode()
    assert "Selected filters" in page
    assert 'href="/staff/engagement/contacts/?raised=false"' in page  # removes the area
    assert f'href="/staff/engagement/contacts/?activity_area={area.pk}"' in page
    assert '<option value="false" selected>No</option>' in page


def test_the_yes_no_filter_still_reads_the_values_it_always_did():
    for value, shown in (("true", True), ("2", True), ("false", False), ("", None)):
        filters = ContactFilter({"raised": value})
        assert filters.is_valid()
        assert filters.form.cleaned_data["raised"] is shown


def test_the_staff_contact_list_names_activity_areas_in_a_sortable_table(officer):
    ContactFactory(
        activity_areas=[
            ActivityAreaFactory(number=7, name="Rural crime"),
            ActivityAreaFactory(number=3, name="Hate crime"),
        ]
    )
    page = officer.get("/staff/engagement/contacts/").content.decode()
    assert "<li>Rural crime</li>" in page and "<li>Hate crime</li>" in page
    assert 'data-module="moj-sortable-table"' in page
    assert 'aria-sort="descending">Date</th>' in page
    assert "portal-content--full-width" in page


def test_the_issue_queue_has_sub_navigation_and_one_status_tag(officer, issue):
    page = officer.get("/staff/engagement/issues/").content.decode()
    assert 'class="moj-sub-navigation"' in page
    assert 'aria-current="page">Outstanding (1)</a>' in page
    assert 'data-module="moj-sortable-table"' in page
    state = issue.state
    assert (
        f'<strong class="govuk-tag govuk-tag--{state.colour}">{state.staff_name}</strong>' in page
    )


def test_the_issue_page_shows_its_history_as_a_timeline(officer, issue, make_user):
    move_issue(
        issue=issue, to=IssueStatus.RAISED, by=make_user("Staff officer"), note="Sent to the force"
    )
    issue.refresh_from_db()
    page = officer.get(f"/staff/engagement/issues/{issue.pk}/").content.decode()
    assert 'class="moj-timeline"' in page
    assert page.count('class="moj-timeline__item"') == 2  # raised, then moved on
    assert "Sent to the force" in page
    # Newest first: the move, then the raising.
    moved = page.index(f'<h3 class="moj-timeline__title">{issue.state.staff_name}</h3>')
    assert moved < page.index('<h3 class="moj-timeline__title">Raised</h3>')


def test_a_status_is_drawn_by_one_include_with_the_public_name_for_ambassadors(issue):
    state = issue.state
    staff = render_to_string("includes/status_tag.html", {"state": state})
    public = render_to_string("includes/status_tag.html", {"state": state, "public": True})
    assert staff.strip() == (
        f'<strong class="govuk-tag govuk-tag--{state.colour}">{state.staff_name}</strong>'
    )
    assert public.strip().endswith(f">{state.public_name}</strong>")
    assert render_to_string("includes/status_tag.html", {}).strip() == ""


def test_no_template_draws_a_raised_issues_status_itself():
    templates = Path(settings.BASE_DIR) / "templates"
    for template in templates.rglob("*.html"):
        text = template.read_text()
        assert "get_status_display" not in text, template
        assert "issue.status ==" not in text, template


def test_the_staff_menu_shows_only_the_entries_given():
    entries = [
        {"label": "Contacts", "url": "/staff/engagement/contacts/", "current": True},
        {"label": "Coverage", "url": "/staff/engagement/coverage/", "current": False},
    ]
    menu = render_to_string("includes/staff_sub_navigation.html", {"staff_nav": entries})
    assert (
        'class="moj-primary-navigation__link" href="/staff/engagement/contacts/" aria-current'
        in menu
    )
    assert 'href="/staff/engagement/coverage/">Coverage</a>' in menu
    assert render_to_string("includes/staff_sub_navigation.html", {"staff_nav": []}).strip() == ""


@pytest.mark.parametrize(
    "url",
    [
        "/staff/engagement/contacts/",
        "/staff/engagement/issues/",
        "/staff/engagement/coverage/",
        "/staff/engagement/calendar/",
    ],
)
def test_every_staff_page_is_full_width(officer, url):
    response = officer.get(url)
    assert response.status_code == 200
    assert 'class="portal-content--full-width"' in response.content.decode()


def test_moj_frontend_is_built_into_static_and_started():
    moj = STATIC / "moj-frontend"
    assert (moj / "VERSION").read_text().strip() == "8.0.1"
    script = (moj / "moj-frontend.min.js").read_text()
    assert "SortableTable" in script and "moment" not in script
    assert not [p.name for p in moj.rglob("*") if "crest" in p.name or "logo" in p.name]
    init = (STATIC / "portal" / "init.js").read_text()
    assert 'from "../moj-frontend/moj-frontend.min.js"' in init
    css = (STATIC / "portal" / "portal.css").read_text()
    for component in ("moj-filter-layout", "moj-sub-navigation", "moj-primary-navigation"):
        assert f".{component}" in css
    assert "[aria-sort] button" in css  # the sortable tables' headings
    assert ".moj-timeline" in css and ".moj-badge" in css and "GDS Transport" not in css
    assert ".portal-content--full-width" in css
