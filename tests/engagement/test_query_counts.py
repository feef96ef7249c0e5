"""Decision 25: each engagement list takes as many queries for 50 rows as for 5.

The coverage page and the calendar's pages are pinned beside their other tests; here are the
contact lists, the issue queue, the ambassador's organisation list and the engagement API's lists.
"""

import pytest

from engagement.models import EngagementLevel
from engagement.services import move_issue
from engagement.workflow import IssueStatus
from tests.engagement.factories import (
    ActivityAreaFactory,
    CharterPrincipleFactory,
    ContactFactory,
    EngagementLevelFactory,
    NetworkFactory,
    OrganisationFactory,
    RaisedIssueFactory,
    ReachedGroupFactory,
)
from tests.pcc_portal.factories import PolicingAreaFactory

pytestmark = pytest.mark.django_db


def contacts_of(ambassador):
    """Contacts of the ambassador, with an organisation, groups, two activity areas and a raised
    issue on some of them: everything a list shows of a contact."""
    area = ambassador.policing_area
    organisation = OrganisationFactory(policing_areas=[area])
    activity_areas = [ActivityAreaFactory(number=1), ActivityAreaFactory(number=2)]
    groups = ReachedGroupFactory.create_batch(2)

    def make_rows(count):
        for n in range(count):
            contact = ContactFactory(
                ambassador=ambassador,
                organisation=organisation if n % 2 else None,
                activity_areas=activity_areas[: n % 2 + 1],
                groups_reached=groups[: n % 3],
            )
            if n % 3 == 0:
                RaisedIssueFactory(contact=contact)

    return make_rows


@pytest.mark.parametrize("path", ["/ambassador/contacts/", "/staff/engagement/contacts/"])
def test_the_contact_lists(client, sign_in, signed_in_as, ambassador, assert_flat_queries, path):
    if path.startswith("/ambassador"):
        sign_in(ambassador.user)
    else:
        signed_in_as("Engagement officer")
    response = assert_flat_queries(contacts_of(ambassador), lambda: client.get(path))
    assert response.context["page"].paginator.count == 50


def test_the_issue_queue(client, signed_in_as, assert_flat_queries):
    officer = signed_in_as("Staff officer")
    areas = PolicingAreaFactory.create_batch(3)
    organisation = OrganisationFactory(policing_areas=areas)

    def make_rows(count):
        for n in range(count):
            contact = ContactFactory(
                policing_area=areas[n % 3],
                organisation=organisation if n % 2 else None,
            )
            issue = RaisedIssueFactory(contact=contact)
            if n % 2:
                move_issue(issue=issue, to=IssueStatus.RAISED, by=officer, note="Sent")

    response = assert_flat_queries(make_rows, lambda: client.get("/staff/engagement/issues/"))
    assert response.context["page"].paginator.count == 50


def test_the_ambassadors_organisation_list(client, sign_in, ambassador, assert_flat_queries):
    elsewhere = PolicingAreaFactory()
    networks = NetworkFactory.create_batch(2)

    def make_rows(count):
        for organisation in OrganisationFactory.create_batch(
            count, policing_areas=[ambassador.policing_area, elsewhere]
        ):
            organisation.networks.set(networks)
        OrganisationFactory(policing_areas=[elsewhere])  # not listed: outside the area

    sign_in(ambassador.user)
    response = assert_flat_queries(make_rows, lambda: client.get("/ambassador/organisations/"))
    assert response.context["page"].paginator.count == 50


# --- The API's lists ----------------------------------------------------------------------


def organisations_in(ambassador):
    elsewhere = PolicingAreaFactory()

    def make_rows(count):
        OrganisationFactory.create_batch(
            count, policing_areas=[ambassador.policing_area, elsewhere]
        )

    return make_rows


def activity_areas(count):
    ActivityAreaFactory.create_batch(count)


def charter_principles(count):
    CharterPrincipleFactory.create_batch(count)


def engagement_levels(count):
    start = EngagementLevel.objects.count()
    for n in range(start, start + count):
        EngagementLevelFactory(name=f"Level {n}", position=n)


# path, who asks (an ambassador, or a role), the rows, the ceiling of queries. Every request
# spends three on the device token and the permissions, then one to count and one for the page.
API_LISTS = [
    ("/api/v1/contacts/", "Ambassador", contacts_of, 7),
    ("/api/v1/contacts/", "Engagement officer", contacts_of, 7),
    ("/api/v1/organisations/", "Ambassador", organisations_in, 7),
    ("/api/v1/organisations/", "Engagement officer", organisations_in, 6),
    ("/api/v1/activity-areas/", "Ambassador", activity_areas, 5),
    ("/api/v1/charter-principles/", "Ambassador", charter_principles, 5),
    ("/api/v1/engagement-levels/", "Ambassador", engagement_levels, 5),
]


@pytest.mark.parametrize(
    "path, who, rows, most",
    API_LISTS,
    ids=[f"{path.split('/')[3]} as {who}" for path, who, _, _ in API_LISTS],
)
def test_an_api_list(client, token_for, ambassador, assert_flat_queries, path, who, rows, most):
    headers = token_for(ambassador.user if who == "Ambassador" else who)
    make_rows = rows(ambassador) if rows in (contacts_of, organisations_in) else rows
    response = assert_flat_queries(make_rows, lambda: client.get(path, **headers), at_most=most)
    assert response.json()["count"] == 50
