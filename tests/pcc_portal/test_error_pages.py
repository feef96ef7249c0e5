"""Errors are pages of the portal: the office's layout, what happened, what to do next."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import RequestFactory, override_settings
from django.urls import path

from pcc_portal import errors
from pcc_portal.models import OfficeProfile
from pcc_portal.urls import urlpatterns as portal_urlpatterns

pytestmark = pytest.mark.django_db

SECRET = "the-secret-detail-of-the-failure"


def bad(request):
    raise SuspiciousOperation(SECRET)


def refused(request):
    raise PermissionDenied(SECRET)


def broken(request):
    raise RuntimeError(SECRET)


def too_often(request):
    return errors.too_many_requests(request, retry_after=90)


urlpatterns = [
    path("test-errors/400/", bad),
    path("test-errors/403/", refused),
    path("test-errors/500/", broken),
    path("test-errors/429/", too_often),
    *portal_urlpatterns,
]
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error


@pytest.fixture
def erroring_client(client, settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


def assert_portal_page(response, status, heading):
    assert response.status_code == status
    page = response.content.decode()
    assert OfficeProfile.objects.get().office_name in page  # the office's header and title
    assert 'class="govuk-header portal-header"' in page and 'class="govuk-footer"' in page
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    assert f"Error {status}" in page
    assert SECRET not in page and "Traceback" not in page
    return page


@pytest.mark.parametrize(
    "url, status, heading",
    [
        ("/test-errors/400/", 400, "Sorry, there is a problem with your request"),
        ("/test-errors/403/", 403, "You do not have access to this page"),
        ("/no-such-page/", 404, "Page not found"),
        ("/test-errors/429/", 429, "Too many requests"),
        ("/test-errors/500/", 500, "Sorry, there is a problem with the service"),
    ],
)
def test_each_error_is_a_page_of_the_portal(erroring_client, office, url, status, heading):
    page = assert_portal_page(erroring_client.get(url), status, heading)
    assert 'href="/"' in page  # somewhere to go next


def test_the_429_page_says_how_long_to_wait(erroring_client, office):
    response = erroring_client.get("/test-errors/429/")
    assert response["Retry-After"] == "90"
    assert "Wait 2 minutes and try again" in response.content.decode()


def test_a_403_tells_a_signed_in_person_and_links_to_their_own_pages(
    erroring_client, office, make_user, sign_in
):
    sign_in(make_user("Grants officer", full_name="Gita Grant"))
    page = assert_portal_page(
        erroring_client.get("/test-errors/403/"), 403, "You do not have access to this page"
    )
    assert "You are signed in as Gita Grant" in page
    assert 'href="/account/start/"' in page  # their own start page


@override_settings(DEBUG=False)
def test_the_500_page_renders_without_a_request_or_a_database(office, monkeypatch):
    def no_database():
        raise RuntimeError("database gone")

    monkeypatch.setattr(OfficeProfile.objects, "get_current", no_database)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert 'class="govuk-header portal-header"' in page


def test_the_500_page_shows_the_office_without_a_request(office):
    response = errors.server_error(None)
    assert response.status_code == 500
    assert office.office_name in response.content.decode()


@pytest.mark.parametrize("role", ["Ambassador", "Applicant"])
def test_someone_signed_in_who_is_not_staff_is_told_they_have_no_access_to_the_admin(
    client, office, make_user, sign_in, role
):
    sign_in(make_user(role))
    for url in ("/admin/", "/admin/pcc_portal/sitepage/"):
        response = client.get(url)
        page = assert_portal_page(response, 403, "You do not have access to this page")
        assert "does not give you access" in page
        assert "Sign in</button>" not in page and "/login/" not in response.get("Location", "")
    # The page is the portal's, with its security headers.
    assert "Content-Security-Policy" in response


def test_the_public_is_still_sent_to_sign_in_from_the_admin(client, office):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_still_reach_the_admin(client, office, make_user, sign_in):
    sign_in(make_user("Administrator"))
    assert client.get("/admin/").status_code == 200


def test_the_lockout_page_matches_the_429_page(office):
    from django.template.loader import render_to_string

    page = render_to_string("registration/locked_out.html", {"office": office})
    assert "Too many attempts to sign in" in page and "Error 429" in page
