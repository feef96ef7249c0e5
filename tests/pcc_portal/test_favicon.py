"""The portal's own icon: no 404 on every page, and nothing that borrows a crown or GOV.UK's."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_every_page_names_its_icon(client):
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/portal/favicon.ico" sizes="32x32">' in page
    assert '<link rel="icon" href="/static/portal/favicon.svg" type="image/svg+xml">' in page
    assert '<link rel="apple-touch-icon" href="/static/portal/apple-touch-icon.png">' in page


@pytest.mark.parametrize(
    "name, starts_with",
    [
        ("portal/favicon.svg", b"<svg "),
        ("portal/favicon.ico", b"\x00\x00\x01\x00"),  # an icon resource
        ("portal/apple-touch-icon.png", b"\x89PNG"),
    ],
)
def test_the_icons_are_static_files(name, starts_with):
    found = finders.find(name)
    assert found, f"{name} is not among the static files"
    body = Path(found).read_bytes()
    assert body.startswith(starts_with)
    if name.endswith(".svg"):
        assert b"<script" not in body and b"crown" not in body.lower()


def test_the_browsers_own_request_for_favicon_ico_finds_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/portal/favicon.ico"
