"""The documents a consultation asks about: added, ordered and removed by those who build
consultations, each file checked as every upload is (decisions 28 and 40); listed on the public
page, the paper copy and the API, and served to be saved, sandboxed."""

import io
import re
import uuid
import zipfile
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations import documents
from consultations.models import ConsultationDocument
from pcc_portal import uploads
from tests.consultations.factories import ConsultationFactory, QuestionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"\0" * 64
OFFICER = "Engagement officer"


def word_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def odt_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The OpenDocument format requires this entry first and stored uncompressed.
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "Not a Word document")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads land on disk, as on a laptop, in a folder of this test's own, gone with it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }
    return settings.MEDIA_ROOT


def stored_files(media) -> list[str]:
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def consultation():
    return ConsultationFactory(status="published", title="Policing budget", slug="budget")


@pytest.fixture
def officer(signed_in_as):
    return signed_in_as(OFFICER)


def page_url(consultation) -> str:
    return reverse("consultations_staff:documents", kwargs={"pk": consultation.pk})


def remove_url(document) -> str:
    return reverse(
        "consultations_staff:document_remove",
        kwargs={"pk": document.consultation_id, "document_pk": document.pk},
    )


def upload(client, consultation, name="plan.pdf", content=PDF, title="Draft plan"):
    return client.post(
        page_url(consultation), {"title": title, "file": SimpleUploadedFile(name, content)}
    )


def add(consultation, by, title="Draft plan", name="plan.pdf", content=PDF):
    return documents.add_document(
        consultation=consultation,
        title=title,
        file=SimpleUploadedFile(name, content),
        by=by,
    )


def titles(consultation) -> list[str]:
    return list(consultation.documents.values_list("title", flat=True))


# --- Adding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("plan.pdf", PDF, "PDF"),
        ("plan.docx", word_document(), "MS Word Document"),
        ("plan.odt", odt_document(), "OpenDocument Text"),
    ],
)
def test_a_pdf_word_or_opendocument_file_is_added(
    client, officer, consultation, media, name, content, kind
):
    response = upload(client, consultation, name, content, title="Draft police and crime plan")

    assert response.status_code == 302
    assert response["Location"] == page_url(consultation)
    document = consultation.documents.get()
    assert document.title == "Draft police and crime plan"
    # Stored under a folder nobody can guess from the consultation or the file's name.
    folder, stored_name = re.fullmatch(r"consultations/([^/]+)/(.+)", document.file.name).groups()
    assert len(folder) >= 20 and stored_name == name
    assert (media / document.file.name).read_bytes() == content
    html = client.get(page_url(consultation)).content.decode()
    assert "“Draft police and crime plan” added." in html
    row = html[html.index(f'id="document-{document.pk}"') :]
    assert kind in row[: row.index("</tr>")]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("plan.docx", plain_zip(), "The selected file is not a real DOCX"),
        ("plan.odt", word_document(), "The selected file is not a real ODT"),
        ("plan.docx", PDF, "The selected file is not a real DOCX"),
        ("plan.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "must be a"),
        ("plan.html", b"<html><script>alert(1)</script></html>", "must be a"),
        ("plan.pdf", b"<svg/onload=alert(1)>", "web page or drawing"),
        ("plan.pdf", b"<!DOCTYPE html><html>%PDF-1.7</html>", "web page or drawing"),
        ("plan.exe", b"MZ" + b"\0" * 64, "must be a"),
    ],
)
def test_a_file_that_is_not_a_document_is_refused_beside_the_field(
    client, officer, consultation, media, name, content, message
):
    response = upload(client, consultation, name, content, title="Kept as typed")

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["file"]
    assert message in errors["file"][0]
    html = response.content.decode()
    assert "govuk-error-summary" in html and 'href="#id_file"' in html
    assert "govuk-file-upload--error" in html
    assert 'value="Kept as typed"' in html  # the title is kept
    assert not ConsultationDocument.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_limit_is_refused(client, officer, consultation, media, monkeypatch):
    monkeypatch.setattr(uploads, "DOCUMENT_MAX_BYTES", len(PDF) - 1)

    response = upload(client, consultation)

    assert response.status_code == 400
    assert "must be smaller than" in response.context["form"].errors["file"][0]
    assert not ConsultationDocument.objects.exists()
    assert stored_files(media) == []
    monkeypatch.setattr(uploads, "DOCUMENT_MAX_BYTES", len(PDF))
    assert upload(client, consultation).status_code == 302


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"title": "Draft plan"}, "file", "Select the document to add"),
        ({"title": "", "file": ("plan.pdf", PDF)}, "title", "Enter the document's title"),
        (
            {"title": "x" * 201, "file": ("plan.pdf", PDF)},
            "title",
            "Title must be 200 characters or fewer",
        ),
        ({"title": "Draft plan", "file": ("plan.pdf", b"")}, "file", "The selected file is empty"),
    ],
)
def test_a_missing_title_or_file_is_asked_for(client, officer, consultation, data, field, message):
    if "file" in data:
        data = {**data, "file": SimpleUploadedFile(*data["file"])}

    response = client.post(page_url(consultation), data)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not ConsultationDocument.objects.exists()


def test_the_service_refuses_what_the_page_refuses(consultation, make_user, media):
    officer = make_user(OFFICER)
    with pytest.raises(ValidationError) as refused:
        add(consultation, officer, name="plan.docx", content=plain_zip())
    assert list(refused.value.message_dict) == ["file"]
    assert stored_files(media) == []


# --- Order ------------------------------------------------------------------------------------


def test_documents_are_added_at_the_end_and_moved_up_and_down(consultation, make_user):
    officer = make_user(OFFICER)
    for title in ("Plan", "Budget", "Map"):
        add(consultation, officer, title=title)
    assert titles(consultation) == ["Plan", "Budget", "Map"]

    map_ = consultation.documents.get(title="Map")
    moved = documents.move_document(document=map_, direction=documents.UP, by=officer)
    assert moved.position == 1
    assert titles(consultation) == ["Plan", "Map", "Budget"]

    plan = consultation.documents.get(title="Plan")
    documents.move_document(document=plan, direction=documents.UP, by=officer)  # already first
    documents.move_document(document=plan, direction=documents.DOWN, by=officer)
    assert titles(consultation) == ["Map", "Plan", "Budget"]
    assert list(consultation.documents.values_list("position", flat=True)) == [0, 1, 2]

    with pytest.raises(ValidationError):
        documents.move_document(document=plan, direction="sideways", by=officer)


def test_documents_at_the_same_position_are_settled_by_the_next_move(consultation, make_user):
    officer = make_user(OFFICER)
    for title in ("First", "Second", "Third"):
        ConsultationDocument.objects.create(
            consultation=consultation, title=title, position=0, file="consultations/x/a.pdf"
        )
    third = consultation.documents.get(title="Third")
    documents.move_document(document=third, direction=documents.UP, by=officer)
    assert titles(consultation) == ["First", "Third", "Second"]
    assert list(consultation.documents.values_list("position", flat=True)) == [0, 1, 2]


def test_the_page_moves_a_document(client, officer, consultation):
    for title in ("Plan", "Budget"):
        add(consultation, officer, title=title)
    budget = consultation.documents.get(title="Budget")

    response = client.post(page_url(consultation), {"document": budget.pk, "move": "up"})

    assert response.status_code == 302
    assert titles(consultation) == ["Budget", "Plan"]
    html = client.get(page_url(consultation)).content.decode()
    assert "“Budget” moved up." in html
    assert html.index(">Budget<") < html.index(">Plan<")


def test_the_page_moves_no_document_of_another_consultation(client, officer, consultation):
    other = ConsultationFactory()
    for title in ("Plan", "Budget"):
        add(other, officer, title=title)
    budget = other.documents.get(title="Budget")

    response = client.post(page_url(consultation), {"document": budget.pk, "move": "up"})

    assert response.status_code == 302
    assert titles(other) == ["Plan", "Budget"]


# --- Removing ---------------------------------------------------------------------------------


def test_removing_asks_first_then_deletes_the_file_once_committed(
    client, officer, consultation, media, django_capture_on_commit_callbacks
):
    document = add(consultation, officer)
    stored = media / document.file.name
    assert stored.exists()

    confirm = client.get(remove_url(document))
    assert confirm.status_code == 200
    assert "Are you sure you want to remove “Draft plan”?" in confirm.content.decode()
    assert consultation.documents.exists()

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(remove_url(document))
        # Until the removal commits, the file is still there for a rollback to keep.
        assert stored.exists()
    assert callbacks
    for callback in callbacks:
        callback()

    assert response.status_code == 302
    assert not consultation.documents.exists()
    assert not stored.exists()
    assert "“Draft plan” removed." in client.get(page_url(consultation)).content.decode()


def test_a_document_of_another_consultation_is_not_found(client, officer, consultation):
    document = add(ConsultationFactory(), officer)
    wrong = reverse(
        "consultations_staff:document_remove",
        kwargs={"pk": consultation.pk, "document_pk": document.pk},
    )
    assert client.get(wrong).status_code == 404
    assert client.post(wrong).status_code == 404
    assert ConsultationDocument.objects.filter(pk=document.pk).exists()


# --- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Ambassador", "Applicant", "Staff officer", None])
def test_only_those_who_build_consultations_may_change_documents(
    client, make_user, sign_in, consultation, media, role
):
    document = add(consultation, make_user(OFFICER))
    user = make_user(role)
    sign_in(user)

    for response in (
        client.get(page_url(consultation)),
        upload(client, consultation, title="Sneaked in"),
        client.post(page_url(consultation), {"document": document.pk, "move": "down"}),
        client.get(remove_url(document)),
        client.post(remove_url(document)),
    ):
        assert response.status_code == 403
    assert titles(consultation) == ["Draft plan"]
    assert (media / document.file.name).exists()
    with pytest.raises(PermissionDenied):
        documents.remove_document(document=document, by=user)


def test_the_public_is_sent_to_sign_in(client, consultation):
    response = client.get(page_url(consultation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
    assert upload(client, consultation).status_code == 302
    assert not ConsultationDocument.objects.exists()


def test_the_engagement_officer_sees_the_page(client, officer, consultation):
    add(consultation, officer, title="Draft plan")
    response = client.get(page_url(consultation))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft plan" in html and "PDF" in html and "73\xa0bytes" in html
    assert 'enctype="multipart/form-data"' in html


def test_the_page_takes_as_many_queries_for_50_documents_as_for_5(
    client, officer, consultation, assert_flat_queries
):
    def make_rows(count):
        for n in range(count):
            ConsultationDocument.objects.create(
                consultation=consultation, title=f"Document {n}", file=f"consultations/x/{n}.pdf"
            )

    response = assert_flat_queries(make_rows, lambda: client.get(page_url(consultation)))
    assert response.content.decode().count("File missing") == 50


# --- The public page, the paper copy and the API ----------------------------------------------


def public_page(client, consultation) -> str:
    response = client.get(f"/consultations/{consultation.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_page_lists_the_documents_and_serves_them_to_be_saved(
    client, office, consultation, make_user
):
    officer = make_user(OFFICER)
    add(consultation, officer, title="Draft plan", name="plan.pdf")
    add(
        consultation,
        officer,
        title="Precept proposal",
        name="precept.docx",
        content=word_document(),
    )

    html = public_page(client, consultation)

    section = html[html.index('id="documents"') :]
    assert section.index("Draft plan") < section.index("Precept proposal")
    assert "PDF, 73\xa0bytes" in section
    assert "MS Word Document, " in section
    href = re.search(r'href="(/media/consultations/[^"]+/plan\.pdf)"', section).group(1)
    served = client.get(href)
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment")
    assert served["Content-Security-Policy"] == "sandbox"
    assert b"".join(served.streaming_content) == PDF


def test_the_paper_copy_lists_the_documents_titles(client, office, consultation, make_user):
    QuestionFactory(consultation=consultation)
    add(consultation, make_user(OFFICER), title="Draft plan")

    response = client.get(f"/consultations/{consultation.slug}/print/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<li>Draft plan</li>" in html
    assert "http://testserver/consultations/budget/" in html


def test_a_page_without_documents_has_no_documents_section(client, office, consultation):
    assert 'id="documents"' not in public_page(client, consultation)


def test_the_api_gives_each_document_with_its_address_and_kind(client, consultation, make_user):
    officer = make_user(OFFICER)
    document = add(consultation, officer, title="Draft plan")
    add(consultation, officer, title="Precept", name="precept.odt", content=odt_document())

    for path in ("/api/v1/consultations/budget/", "/api/v1/consultations/"):
        body = client.get(path).json()
        shown = body["documents"] if "documents" in body else body["results"][0]["documents"]
        assert shown == [
            {
                "title": "Draft plan",
                "url": f"http://testserver/media/{document.file.name}",
                "kind": "PDF",
                "content_type": "application/pdf",
            },
            {
                "title": "Precept",
                "url": shown[1]["url"],
                "kind": "OpenDocument Text",
                "content_type": "application/vnd.oasis.opendocument.text",
            },
        ]
        assert shown[1]["url"].endswith("/precept.odt")


@pytest.fixture
def cache_on(settings):
    settings.PUBLIC_CACHE = True


def test_the_cached_public_page_changes_with_its_documents_at_once(
    client, office, consultation, make_user, cache_on
):
    officer = make_user(OFFICER)
    QuestionFactory(consultation=consultation)
    print_url = f"/consultations/{consultation.slug}/print/"
    assert 'id="documents"' not in public_page(client, consultation)
    assert "Draft plan" not in client.get(print_url).content.decode()

    plan = add(consultation, officer, title="Draft plan")
    assert "Draft plan" in public_page(client, consultation)
    assert "Draft plan" in client.get(print_url).content.decode()

    add(consultation, officer, title="Precept proposal")
    documents.move_document(
        document=consultation.documents.get(title="Precept proposal"),
        direction=documents.UP,
        by=officer,
    )
    html = public_page(client, consultation)
    assert html.index("Precept proposal") < html.index("Draft plan")

    plan.title = "Draft police and crime plan"
    plan.save()
    assert "Draft police and crime plan" in public_page(client, consultation)

    documents.remove_document(document=plan, by=officer)
    html = public_page(client, consultation)
    assert "Draft police and crime plan" not in html and "Precept proposal" in html


# --- The admin ---------------------------------------------------------------------------------


def change_form(html: str) -> dict:
    """What a browser would send back from the admin's change form, untouched."""
    data: dict[str, list[str]] = {}

    class Fields(HTMLParser):
        select = textarea = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            name = attrs.get("name")
            if tag == "input" and name and attrs.get("type") not in ("submit", "file", "button"):
                if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                    return
                data.setdefault(name, []).append(attrs.get("value") or "")
            elif tag == "select" and name:
                self.select = name
            elif tag == "option" and self.select and "selected" in attrs:
                data.setdefault(self.select, []).append(attrs.get("value") or "")
            elif tag == "textarea" and name:
                self.textarea = name
                data.setdefault(name, []).append("")

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, text):
            if self.textarea:
                data[self.textarea][-1] += text.removeprefix("\n")

    Fields().feed(html)
    return data


def admin_change(consultation) -> str:
    return reverse("admin:consultations_consultation_change", args=[consultation.pk])


def documents_prefix(data: dict) -> str:
    return next(
        name.removesuffix("-TOTAL_FORMS")
        for name in data
        if name.endswith("-TOTAL_FORMS") and "document" in name
    )


def test_the_admin_shows_the_documents_with_the_consultation(client, officer, consultation):
    add(consultation, officer, title="Draft plan")
    response = client.get(admin_change(consultation))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Documents consulted on" in html
    assert 'value="Draft plan"' in html


def test_a_document_deleted_in_the_admin_takes_its_file_with_it(
    client, officer, consultation, media, django_capture_on_commit_callbacks
):
    kept = add(consultation, officer, title="Kept")
    gone = add(consultation, officer, title="Gone")
    data = change_form(client.get(admin_change(consultation)).content.decode())
    prefix = documents_prefix(data)
    row = next(
        name.removesuffix("-id")
        for name, values in data.items()
        if name.startswith(prefix) and name.endswith("-id") and values == [str(gone.pk)]
    )
    data[f"{row}-DELETE"] = ["on"]
    data[f"{row}-title"] = ["Renamed while deleted"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(admin_change(consultation), data)

    assert response.status_code == 302, response.context["errors"]
    assert titles(consultation) == ["Kept"]
    assert not (media / gone.file.name).exists()
    assert (media / kept.file.name).exists()


def test_the_admin_cannot_swap_a_stored_file(client, officer, consultation, media):
    document = add(consultation, officer, title="Draft plan")
    data = change_form(client.get(admin_change(consultation)).content.decode())
    prefix = documents_prefix(data)
    data[f"{prefix}-0-file"] = SimpleUploadedFile("other.pdf", PDF)

    response = client.post(admin_change(consultation), data)

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.file.name.endswith("/plan.pdf")
    assert stored_files(media) == ["plan.pdf"]
