"""Uploads (decision 40): no SVG or HTML from anyone, whatever the file is called; what is stored
is served with its checked type, as an attachment unless it is an image, sandboxed."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from pcc_portal.models import OfficeProfile
from pcc_portal.uploads import check_upload, validate_logo

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64
PDF = b"%PDF-1.7\n" + b"\0" * 64

HOSTILE_SVGS = [
    b'<svg xmlns="http://www.w3.org/2000/svg"/>',
    b"<svg/onload=alert(1)>",
    b'<svg xmlns:x="http://www.w3.org/2000/svg"><x:script>alert(1)</x:script></svg>',
    b'<svg><a href="&#106;avascript:alert(1)"><text>x</text></a></svg>',
    b'\xef\xbb\xbf  <?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
]


@pytest.mark.parametrize("content", HOSTILE_SVGS)
def test_the_logo_accepts_no_svg(content):
    with pytest.raises(ValidationError):
        validate_logo(SimpleUploadedFile("logo.svg", content))


@pytest.mark.parametrize(
    "name, content",
    [
        ("logo.png", b"<svg/onload=alert(1)>"),
        ("logo.jpg", b"<!DOCTYPE html><html><script>alert(1)</script>"),
        ("logo.png", b"\n\n<html><body onload=alert(1)>"),
        ("report.pdf", b"<html>%PDF-1.7</html>"),
    ],
)
def test_markup_is_refused_whatever_the_file_is_called(name, content):
    with pytest.raises(ValidationError):
        check_upload(
            SimpleUploadedFile(name, content),
            allowed={".png", ".jpg", ".pdf"},
            max_bytes=1024 * 1024,
        )


@pytest.mark.parametrize("extension", [".svg", ".svgz", ".html", ".htm", ".xhtml", ".xml"])
def test_markup_extensions_are_never_allowed_even_if_asked_for(extension):
    with pytest.raises(ValidationError):
        check_upload(
            SimpleUploadedFile(f"file{extension}", PNG), allowed={extension}, max_bytes=1024
        )


def test_real_images_and_documents_pass():
    validate_logo(SimpleUploadedFile("logo.png", PNG))
    validate_logo(SimpleUploadedFile("logo.jpeg", JPEG))
    check_upload(SimpleUploadedFile("report.pdf", PDF), allowed={".pdf"}, max_bytes=1024)


def test_the_logo_help_text_names_no_svg():
    assert "SVG" not in str(OfficeProfile._meta.get_field("logo").help_text)


# --- Serving ------------------------------------------------------------------------------------


@pytest.fixture
def stored():
    names = []

    def store(name, content):
        saved = default_storage.save(name, ContentFile(content))
        names.append(saved)
        return saved

    yield store
    for name in names:
        default_storage.delete(name)


def test_an_image_is_served_inline_with_its_checked_type(client, stored):
    name = stored("office/logo.png", PNG)
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert "attachment" not in response.get("Content-Disposition", "")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_document_is_served_as_an_attachment(client, stored):
    name = stored("decisions/report.pdf", PDF)
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox"


def test_markup_stored_before_the_checks_is_not_served_as_markup(client, stored):
    # A file stored before these checks (an SVG logo, say) is named by its extension as an
    # image, but its content decides: it goes out as bytes to save, never to render.
    name = stored("office/old-logo.svg", b"<svg/onload=alert(1)>")
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox"


def test_missing_and_escaping_paths_are_not_found(client):
    assert client.get("/media/office/nothing-here.png").status_code == 404
    assert client.get("/media/../pcc_portal/settings/base.py").status_code == 404
    assert client.get("/media/%2e%2e/%2e%2e/etc/passwd").status_code == 404


def test_media_is_routed_without_debug(settings):
    from django.urls import resolve

    assert settings.DEBUG is False
    assert resolve("/media/office/logo.png").url_name == "media"
