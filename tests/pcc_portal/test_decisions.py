"""The public decisions register (decision 41): what the office decided, listed newest first and
searchable, each decision with its report; decisions not yet public are seen in the admin only."""

import io
import uuid
import zipfile
from datetime import date

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pcc_portal.models import Decision

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"\0" * 64
LIST = "/decisions/"
ADD = "/admin/pcc_portal/decision/add/"


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


def decision(number: int = 1, **fields) -> Decision:
    values = {
        "reference": f"DN 2015/{number:03d}",
        "title": f"Decision number {number}",
        "decided_on": date(2015, 1, 1),
        "decided_by": "Alex Holder, Commissioner for Anyshire",
        "summary": "The office agreed to fund a youth diversion scheme.",
        "is_public": True,
        **fields,
    }
    return Decision.objects.create(**values)


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- The register -----------------------------------------------------------------------------


def test_the_register_lists_public_decisions_newest_first(client, office):
    decision(1, title="Older decision", decided_on=date(2015, 1, 5))
    decision(2, title="Newest decision", decided_on=date(2015, 3, 1))
    decision(3, title="Middle decision", decided_on=date(2015, 2, 1))
    decision(4, title="Draft decision", decided_on=date(2015, 4, 1), is_public=False)

    html = page(client, LIST)

    assert "Draft decision" not in html
    positions = [html.index(t) for t in ("Newest decision", "Middle decision", "Older decision")]
    assert positions == sorted(positions)


def test_a_public_decision_has_its_own_page_with_its_report(client, office):
    shown = decision(
        42,
        reference="DN 2015/042",
        title="Precept for 2015 to 2016",
        document=SimpleUploadedFile("precept.pdf", PDF),
    )

    assert shown.get_absolute_url() == "/decisions/dn-2015-042/"
    html = page(client, shown.get_absolute_url())

    assert "Precept for 2015 to 2016" in html
    assert "DN 2015/042" in html
    assert "Alex Holder, Commissioner for Anyshire" in html
    assert shown.document.url in html
    report = client.get(shown.document.url)
    assert report.status_code == 200
    assert report["Content-Type"] == "application/pdf"
    assert report["Content-Disposition"].startswith("attachment")


def test_a_decision_that_is_not_public_is_not_found_by_anyone(client, office, signed_in_as):
    hidden = decision(7, title="Not yet published", is_public=False)
    path = hidden.get_absolute_url()

    assert client.get(path).status_code == 404
    signed_in_as("Staff officer")
    assert client.get(path).status_code == 404
    assert "Not yet published" not in page(client, LIST)


@pytest.mark.parametrize(
    "words, found",
    [
        ("diversion", {"Youth diversion"}),
        ("YOUTH scheme", {"Youth diversion"}),
        ("2015/002", {"Estates strategy"}),
        ("custody", {"Estates strategy"}),
        ("youth custody", set()),
    ],
)
def test_the_register_is_searched_by_words_in_title_summary_and_reference(
    client, office, words, found
):
    decision(1, title="Youth diversion", summary="A scheme for young people.")
    decision(2, title="Estates strategy", summary="Closing an old custody suite.")

    response = client.get(LIST, {"q": words})

    assert response.status_code == 200
    titles = {d.title for d in response.context["page"].object_list}
    assert titles == found
    assert f'value="{words}"' in response.content.decode()


def test_the_register_takes_as_many_queries_for_fifty_decisions_as_for_five(
    client, office, assert_flat_queries
):
    made = []

    def make_rows(count):
        for _ in range(count):
            made.append(decision(len(made) + 1))

    response = assert_flat_queries(make_rows, lambda: client.get(LIST), at_most=6)
    assert response.context["page"].paginator.count == 50


def test_the_register_is_in_the_public_menu(client, office):
    assert f'href="{LIST}"' in page(client, "/")


# --- Cached for visitors ----------------------------------------------------------------------


@pytest.fixture
def cache_on(settings):
    settings.PUBLIC_CACHE = True
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


def test_a_changed_decision_shows_on_the_next_anonymous_get(client, office, cache_on):
    shown = decision(1, title="First wording")
    path = shown.get_absolute_url()
    assert "First wording" in page(client, LIST)
    assert "First wording" in page(client, path)

    shown.title = "Second wording"
    shown.save()
    assert "Second wording" in page(client, LIST)
    assert "Second wording" in page(client, path)

    shown.is_public = False
    shown.save()
    assert "Second wording" not in page(client, LIST)
    assert client.get(path).status_code == 404


def test_a_new_and_a_deleted_decision_show_on_the_next_anonymous_get(client, office, cache_on):
    assert "Just decided" not in page(client, LIST)
    made = decision(1, title="Just decided")
    assert "Just decided" in page(client, LIST)
    made.delete()
    assert "Just decided" not in page(client, LIST)


@pytest.mark.parametrize("query", ["", "?q=youth", "?page=2"])
def test_an_anonymous_visit_sets_no_cookie(client, office, cache_on, query):
    shown = decision(1, title="Youth diversion")
    for path in (LIST + query, shown.get_absolute_url()):
        for _ in range(2):  # rendered, then from the cache
            response = client.get(path)
            assert response.status_code in (200, 404)
            assert not response.cookies
    assert not client.cookies
    assert not Session.objects.exists()


# --- Staff keep it in the admin ---------------------------------------------------------------


def admin_form(**fields):
    return {
        "reference": "DN 2016/001",
        "title": "Victims' services commissioning",
        "decided_on": "2016-02-03",
        "decided_by": "Alex Holder, Commissioner for Anyshire",
        "summary": "Services for victims will be commissioned jointly.",
        **fields,
    }


def test_the_staff_officer_adds_and_changes_decisions(client, office, signed_in_as):
    signed_in_as("Staff officer")

    response = client.post(
        ADD, admin_form(document=SimpleUploadedFile("report.docx", word_document()))
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Decision.objects.get(reference="DN 2016/001")
    assert added.is_public is False  # published only when someone says so
    assert added.document.name.endswith(".docx")
    change = reverse("admin:pcc_portal_decision_change", args=[added.pk])
    response = client.post(change, admin_form(title="Changed", is_public="on"))
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.title, added.is_public) == ("Changed", True)
    assert added.history.count() == 2


def test_the_add_form_starts_with_the_office_holder(client, office, signed_in_as):
    signed_in_as("Staff officer")
    form = client.get(ADD).context["adminform"].form
    assert form.initial["decided_by"] == "Alex Holder, Commissioner for Anyshire"


def test_the_commissioner_reads_decisions_and_changes_none(client, office, signed_in_as):
    shown = decision(1, title="As decided")
    signed_in_as("Commissioner and Deputy")
    change = reverse("admin:pcc_portal_decision_change", args=[shown.pk])

    assert client.get(reverse("admin:pcc_portal_decision_changelist")).status_code == 200
    assert client.get(change).status_code == 200
    assert client.get(ADD).status_code == 403
    assert client.post(change, admin_form(title="Rewritten")).status_code == 403
    shown.refresh_from_db()
    assert shown.title == "As decided"


def test_a_grants_officer_cannot_add_decisions(client, office, signed_in_as):
    signed_in_as("Grants officer")
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, admin_form()).status_code == 403
    assert not Decision.objects.exists()


# --- The report -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("report.html", b"<html><script>alert(1)</script></html>"),
        ("report.pdf", b"<html>%PDF-1.7</html>"),
        ("report.docx", b"<svg/onload=alert(1)>"),
        ("report.docx", PDF),
        ("report.odt", word_document()),
        ("report.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
        ("report.exe", b"MZ" + b"\0" * 64),
    ],
)
def test_a_report_that_is_not_a_document_is_refused(client, office, signed_in_as, name, content):
    signed_in_as("Staff officer")

    response = client.post(ADD, admin_form(document=SimpleUploadedFile(name, content)))

    assert response.status_code == 200
    assert "document" in response.context["adminform"].form.errors
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.pdf", PDF),
        ("report.docx", word_document()),
        ("report.odt", odt_document()),
        ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64),
    ],
)
def test_a_pdf_word_or_opendocument_report_is_accepted(name, content):
    made = Decision(
        reference="DN 2016/002",
        title="A decision",
        decided_on=date(2016, 1, 1),
        decided_by="Alex Holder",
        summary="Agreed.",
        document=SimpleUploadedFile(name, content),
    )
    made.full_clean()


def test_two_references_that_read_the_same_in_an_address_are_refused(office):
    decision(1, reference="DN 2015/001")
    twin = Decision(
        reference="DN 2015-001",
        title="A decision",
        decided_on=date(2016, 1, 1),
        decided_by="Alex Holder",
        summary="Agreed.",
    )
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "reference" in refused.value.message_dict
