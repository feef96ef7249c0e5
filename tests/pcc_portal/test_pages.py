import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pcc_portal.models import DeviceToken, OfficeProfile, SitePage
from pcc_portal.uploads import validate_logo

pytestmark = pytest.mark.django_db


def test_home_shows_what_is_open_with_friendly_empty_states(client, reference_data):
    page = client.get("/").content.decode()
    profile = OfficeProfile.objects.get()
    assert profile.office_name in page
    # Each app's section, registered from its apps.py, in its order.
    assert "There are no public events coming up at the moment." in page
    assert page.index('id="section-events"') < page.index('id="section-charter"')


def test_the_base_layout_is_accessible(client, reference_data):
    page = client.get("/").content.decode()
    assert '<html lang="en-GB"' in page
    assert 'class="govuk-skip-link"' in page and 'href="#main-content"' in page
    assert 'id="main-content"' in page and "<main" in page
    assert "<header" in page and 'role="contentinfo"' in page
    assert 'name="viewport"' in page
    assert 'href="/accessibility/"' in page and 'href="/privacy/"' in page
    profile = OfficeProfile.objects.get()
    assert profile.phone in page and profile.email in page


def test_a_new_database_still_serves_the_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Engagement Portal" in response.content.decode()


def test_charter_shows_principles_levels_and_activity_areas(client, reference_data):
    page = client.get("/charter/").content.decode()
    assert "I will use clear language" in page
    for level in ("Inform", "Consult", "Involve", "Forward Together"):
        assert level in page
    assert "Children and young people" in page


@pytest.mark.parametrize(
    "path, slug", [("/accessibility/", "accessibility"), ("/privacy/", "privacy")]
)
def test_statements_are_pages_staff_edit(client, reference_data, path, slug):
    page = SitePage.objects.get(slug=slug)
    page.body = "## Reviewed\n\nWe tested this site in **November**.<script>alert(1)</script>"
    page.save()
    html = client.get(path).content.decode()
    assert "<h2>Reviewed</h2>" in html
    assert "<strong>November</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert page.history.count() == 2  # loaded, then edited: who and when is kept


def test_every_response_carries_a_strict_content_security_policy(client, reference_data):
    policy = client.get("/")["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
        "default-src 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert client.get("/healthz")["Content-Security-Policy"] == policy


def test_pages_use_no_inline_script(client, make_user, sign_in, reference_data):
    import re

    sign_in(make_user("Staff officer"))
    for path in ("/", "/charter/", "/accessibility/", "/account/", "/account/login/"):
        html = client.get(path).content.decode()
        inline = [s for s in re.findall(r"<script([^>]*)>", html) if "src=" not in s]
        assert inline == [], path


def test_the_office_colour_is_served_as_css(client, reference_data):
    profile = OfficeProfile.objects.get()
    response = client.get("/office-theme.css")
    assert response["Content-Type"].startswith("text/css")
    assert f"--office-brand:{profile.brand_colour}" in response.content.decode()


def test_the_admin_is_branded_with_the_office_name(client, make_user, sign_in, reference_data):
    sign_in(make_user("Administrator"))
    html = client.get("/admin/").content.decode()
    assert OfficeProfile.objects.get().office_name in html
    assert "Django administration" not in html


def test_issue_and_revoke_a_device_token_on_the_account_page(client, make_user, sign_in):
    user = make_user("Ambassador")
    sign_in(user)
    response = client.post("/account/", {"name": "Work phone"})
    assert response.status_code == 200
    token = DeviceToken.objects.get(user=user)
    html = response.content.decode()
    assert "Your new token" in html and token.key_prefix in html
    api = client.get("/api/v1/policing-areas/", HTTP_AUTHORIZATION="Token wrong")
    assert api.status_code == 401
    client.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_blank_device_name_is_an_error_next_to_the_field(client, make_user, sign_in):
    sign_in(make_user("Ambassador"))
    response = client.post("/account/", {"name": "   "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a name for the device, such as Work phone" in html
    assert DeviceToken.objects.count() == 0


def test_nobody_can_revoke_someone_elses_token(client, make_user, sign_in):
    from pcc_portal.services import issue_device_token

    token, _ = issue_device_token(user=make_user("Ambassador"), name="Phone", verified=True)
    sign_in(make_user("Ambassador"))
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("logo.gif", b"GIF89a", "must be a JPEG, JPG, PNG"),
        ("logo.png", b"not really a png", "not a real PNG"),
        ("logo.svg", b"<svg onload='x()'></svg>", "must be a JPEG, JPG, PNG"),
        ("logo.png", PNG + b"\0" * (1024 * 1024), "smaller than"),
    ],
)
def test_logo_uploads_are_checked(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_logo(SimpleUploadedFile(name, content))


def test_a_real_logo_is_accepted(settings, tmp_path):
    validate_logo(SimpleUploadedFile("logo.png", PNG))


def test_a_configured_virus_scanner_can_refuse_a_file(settings):
    settings.UPLOAD_VIRUS_SCAN_COMMAND = "false"
    with pytest.raises(ValidationError, match="virus"):
        validate_logo(SimpleUploadedFile("logo.png", PNG))
    settings.UPLOAD_VIRUS_SCAN_COMMAND = "true"
    validate_logo(SimpleUploadedFile("logo.png", PNG))
