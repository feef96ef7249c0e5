"""The role matrix: who may reach what, in the admin, the staff pages and the API alike.

Later issues add rows for their own pages and endpoints.
"""

import pytest
from django.contrib.auth.models import Group

from pcc_portal.roles import ROLES
from pcc_portal.services import issue_device_token

pytestmark = pytest.mark.django_db

A, EO, GO, GA, PO, SO, CD, AM, AP = (role.name for role in ROLES)
STAFF = {A, EO, GO, GA, PO, SO, CD}
EVERYONE_WHO_WORKS_HERE = STAFF | {AM}

# page -> (roles allowed, status a signed-in staff role is refused with). Anyone signed in who is
# not staff is refused the admin with the portal's 403 page, not sent back to sign in.
ADMIN_PAGES = {
    "/admin/": (STAFF, None),
    "/admin/pcc_portal/objective/": (STAFF, 403),
    "/admin/pcc_portal/objective/add/": ({A, PO}, 403),
    "/admin/engagement/charterprinciple/add/": ({A, EO}, 403),
    "/admin/pcc_portal/localauthority/add/": ({A, SO}, 403),
    "/admin/pcc_portal/sitepage/": (STAFF, 403),
    "/admin/pcc_portal/user/": ({A, CD}, 403),
    "/account/": (STAFF | {AM, AP}, None),
}
# Staff and ambassador pages outside the admin refuse anyone signed in with 403.
STAFF_PAGES = {
    "/staff/engagement/contacts/": STAFF - {GO, GA},
    "/staff/engagement/issues/": {A, EO, PO, SO, CD},
    "/staff/engagement/coverage/": {A, EO, PO, SO, CD},
    "/staff/engagement/calendar/": {A, EO, PO, SO, CD},
    "/ambassador/": {AM},
    # The form's own address: each visit to "Log a contact" is given one (with its key).
    "/ambassador/contacts/new/?key=5b0e7a52-3d0f-4b7e-9f5c-2a4c6d8e0f11": {AM},
}
API_ENDPOINTS = {
    "/api/v1/policing-areas/": EVERYONE_WHO_WORKS_HERE,
    "/api/v1/local-authorities/": EVERYONE_WHO_WORKS_HERE,
    "/api/v1/aims/": EVERYONE_WHO_WORKS_HERE,
    "/api/v1/charter-principles/": EVERYONE_WHO_WORKS_HERE,
    "/api/v1/engagement-levels/": EVERYONE_WHO_WORKS_HERE,
    "/api/v1/contacts/": EVERYONE_WHO_WORKS_HERE - {GO, GA},
    "/api/v1/organisations/": EVERYONE_WHO_WORKS_HERE,
}
ROLE_NAMES = [role.name for role in ROLES]


def test_every_role_is_a_group_made_by_the_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_NAMES)
    assert Group.objects.get(name=AP).permissions.count() == 0
    commissioner = Group.objects.get(name=CD).permissions.values_list("codename", flat=True)
    assert commissioner and all(code.startswith("view_") for code in commissioner)


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("path", list(ADMIN_PAGES))
def test_pages_by_role(client, make_user, sign_in, role, path):
    allowed, refused_with = ADMIN_PAGES[path]
    sign_in(make_user(role))
    response = client.get(path)
    if role in allowed:
        assert response.status_code == 200, f"{role} should reach {path}"
    else:
        expected = refused_with if role in STAFF else 403
        assert response.status_code == expected, f"{role} should not reach {path}"


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("path", list(STAFF_PAGES))
def test_staff_pages_by_role(client, make_user, sign_in, role, path):
    from tests.engagement.factories import AmbassadorFactory

    user = make_user(role)
    if role == AM:
        AmbassadorFactory(user=user)
    sign_in(user)
    expected = 200 if role in STAFF_PAGES[path] else 403
    assert client.get(path).status_code == expected, f"{role} on {path}"


@pytest.mark.parametrize("path", list(ADMIN_PAGES) + list(STAFF_PAGES))
def test_pages_refuse_the_public(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("path", list(API_ENDPOINTS))
def test_api_by_role(client, make_user, reference_data, role, path):
    user = make_user(role)
    _, key = issue_device_token(user=user, name="Phone", verified=True)
    response = client.get(path, HTTP_AUTHORIZATION=f"Token {key}")
    expected = 200 if role in API_ENDPOINTS[path] else 403
    assert response.status_code == expected, f"{role} on {path}"


@pytest.mark.parametrize("path", list(API_ENDPOINTS))
def test_api_refuses_the_public(client, path):
    assert client.get(path).status_code == 401


def test_roles_decide_staff_status(make_user):
    from pcc_portal.services import set_roles

    user = make_user(AM)
    assert user.is_staff is False
    set_roles(user=user, roles=[AM, EO])
    assert user.is_staff is True
    set_roles(user=user, roles=[AP])
    user.refresh_from_db()
    assert user.is_staff is False


@pytest.mark.parametrize(
    "permission",
    [
        "pcc_portal.view_outboundmessage",
        "pcc_portal.view_bulkdelivery",
        "pcc_portal.view_remindersent",
        "pcc_portal.view_devicetoken",
    ],
)
def test_the_commissioner_sees_everything_but_other_peoples_mail_and_tokens(make_user, permission):
    commissioner = make_user(CD)

    assert not commissioner.has_perm(permission)
    assert commissioner.has_perm("pcc_portal.view_bulkmailing")
    assert make_user(A).has_perm(permission)
