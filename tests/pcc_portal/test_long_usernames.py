"""Nothing a person types in the sign-in form can cause a 500 (decision 38): django-axes keeps
the username tried in a 255-character column."""

import pytest
from axes.models import AccessAttempt

from pcc_portal.axes_keys import username_for_axes

LOGIN = "/account/login/"
LONG = "a" * 290 + "@example.org"  # 302 characters


def attempt(client, username):
    return client.post(
        LOGIN,
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": "guess"},
        REMOTE_ADDR="203.0.113.9",
    )


def refused_with_a_field_error(client):
    response = attempt(client, LONG)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Email address must be 254 characters or fewer" in html
    assert "There is a problem" in html or "govuk-error-message" in html
    return response


@pytest.mark.django_db
def test_a_long_username_is_a_field_error_not_a_500(client):
    refused_with_a_field_error(client)
    assert all(len(a.username) <= 255 for a in AccessAttempt.objects.all())


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_long_username_is_a_field_error_on_postgresql(client):
    refused_with_a_field_error(client)
    # A long name that reaches axes some other way is stored in a form that fits.
    attempt(client, "b" * 300)
    assert all(len(a.username) <= 255 for a in AccessAttempt.objects.all())


def test_axes_keeps_long_usernames_as_a_hash_that_fits():
    class Request:
        POST = {"auth-username": "  " + "C" * 300 + "  "}

    key = username_for_axes(Request())
    assert len(key) <= 255
    assert key == username_for_axes(Request())  # the same name gives the same key
    assert key != username_for_axes(type("R", (), {"POST": {"auth-username": "c" * 301}})())
    assert username_for_axes(Request(), {"username": " Someone@Example.org "}) == (
        "someone@example.org"
    )
