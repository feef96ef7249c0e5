"""Public pages are cached for anonymous visitors and rendered afresh when their records change;
an anonymous GET starts no session and sets no cookie (decision 35)."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from pcc_portal import public_cache
from pcc_portal.models import OfficeProfile, SitePage

PAGES = ["/", "/accessibility/", "/privacy/"]


@pytest.fixture(autouse=True)
def cache_on(settings):
    """The cache on (the suite runs with it off), under keys no other test shares."""
    settings.PUBLIC_CACHE = True
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


def html(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_get_sets_no_cookie_and_stores_no_session(client, reference_data, path):
    for _ in range(2):  # rendered, then from the cache
        response = client.get(path)
        assert response.status_code == 200
        assert not response.cookies, response.cookies
        assert "Set-Cookie" not in response
    assert not client.cookies
    assert not Session.objects.exists()


@pytest.mark.parametrize("path", PAGES)
def test_a_warm_anonymous_get_asks_the_database_nothing(
    client, reference_data, path, django_assert_num_queries
):
    html(client, path)
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_a_changed_office_shows_on_the_next_anonymous_get(client, reference_data, path):
    assert "Testshire" not in html(client, path)
    office = OfficeProfile.objects.get()
    office.office_name = "Office of the Mayor for Testshire"
    office.save()
    assert "Office of the Mayor for Testshire" in html(client, path)


@pytest.mark.parametrize("slug", ["accessibility", "privacy"])
def test_a_changed_statement_shows_on_the_next_anonymous_get(client, reference_data, slug):
    path = f"/{slug}/"
    html(client, path)
    page = SitePage.objects.get(slug=slug)
    page.body = "We rewrote this statement on purpose."
    page.save()
    assert "We rewrote this statement on purpose." in html(client, path)


def test_the_office_profile_is_read_once_then_from_the_cache(
    reference_data, django_assert_num_queries
):
    public_cache.office_profile()
    with django_assert_num_queries(0):
        assert public_cache.office_profile().office_name


def test_a_signed_in_person_is_never_served_the_visitors_page(
    client, reference_data, make_user, sign_in
):
    assert "Sign out" not in html(client, "/")  # now cached for visitors
    sign_in(make_user("Engagement officer"))
    assert "Sign out" in html(client, "/")
    client.logout()
    assert "Sign out" not in html(client, "/")


def test_a_query_the_page_does_not_read_is_served_uncached(client, reference_data):
    html(client, "/?utm_source=newsletter")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/?utm_source=newsletter").status_code == 200
    assert len(queries) > 0  # rendered again: the home page's sections come from the database


# --- The decorator's rules, on bare views ---------------------------------------------------------


def counting_view(make_response):
    calls = []

    @public_cache.cached_for_visitors("test")
    def view(request):
        calls.append(request)
        return make_response(request)

    return view, calls


def anonymous_get(path="/somewhere/", **kwargs):
    request = RequestFactory().get(path, **kwargs)
    request.user = AnonymousUser()
    return request


def test_an_anonymous_get_is_rendered_once_until_its_kind_changes():
    view, calls = counting_view(lambda request: HttpResponse("same for everyone"))
    assert view(anonymous_get()).content == b"same for everyone"
    assert view(anonymous_get()).content == b"same for everyone"
    assert len(calls) == 1
    public_cache.bump("test")
    view(anonymous_get())
    assert len(calls) == 2


def test_a_page_with_a_csrf_token_is_never_stored():
    view, calls = counting_view(lambda request: HttpResponse(get_token(request)))
    view(anonymous_get())
    view(anonymous_get())
    assert len(calls) == 2


def test_a_response_that_sets_a_cookie_or_is_private_is_never_stored():
    def with_cookie(request):
        response = HttpResponse("hello")
        response.set_cookie("seen", "1")
        return response

    def private(request):
        response = HttpResponse("yours")
        response["Cache-Control"] = "private"
        return response

    for make_response in (with_cookie, private):
        view, calls = counting_view(make_response)
        view(anonymous_get())
        view(anonymous_get())
        assert len(calls) == 2


def test_posts_signed_in_people_and_waiting_messages_are_served_uncached(make_user):
    view, calls = counting_view(lambda request: HttpResponse("page"))
    post = RequestFactory().post("/somewhere/")
    post.user = AnonymousUser()
    signed_in = RequestFactory().get("/somewhere/")
    signed_in.user = make_user("Engagement officer")
    with_message = anonymous_get()
    with_message._messages = ["Your answer was sent"]
    for request in (post, post, signed_in, signed_in, with_message, with_message):
        view(request)
    assert len(calls) == 6


def test_a_lost_version_never_meets_an_older_page():
    view, calls = counting_view(lambda request: HttpResponse("page"))
    view(anonymous_get())
    public_cache.cache.delete("public:version:test")
    view(anonymous_get())
    assert len(calls) == 2
