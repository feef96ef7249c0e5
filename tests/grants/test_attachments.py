"""Attachments (decisions 28 and 40): PDF, DOCX, XLSX, ODT, JPG and PNG up to 10 MB, each really
what its name says. Office files are checked inside, not just by their first bytes; macro-enabled
files and zip bombs are refused."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grants import services
from grants.models import Attachment
from pcc_portal.uploads import ATTACHMENT_MAX_BYTES, validate_attachment
from tests.grants.factories import JPEG, PDF, PNG, docx, odt, office_file, upload, xlsx

pytestmark = pytest.mark.django_db

MACRO_TYPES = (
    '<?xml version="1.0"?><Types><Override ContentType='
    '"application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
)


def attach(application, name, content, kind=Attachment.Kind.OTHER):
    return services.add_attachment(
        application=application, by=application.applicant, kind=kind, upload=upload(name, content)
    )


@pytest.mark.parametrize(
    "name, content",
    [
        ("policy.pdf", PDF),
        ("constitution.docx", docx()),
        ("budget.xlsx", xlsx()),
        ("accounts.odt", odt()),
        ("photo.png", PNG),
        ("photo.jpg", JPEG),
        ("photo.jpeg", JPEG),
    ],
)
def test_good_files_are_accepted_and_kept_with_their_name(application, name, content):
    attachment = attach(application, name, content)
    assert attachment.original_name == name and attachment.size == len(content)
    assert attachment.file.read() == content
    # Stored under an address of its own that nobody can guess.
    assert attachment.file.name.startswith("grants/") and len(attachment.file.name) > 40


def refused(application, name, content) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        attach(application, name, content)
    assert not application.attachments.filter(kind=Attachment.Kind.OTHER).exists()
    return caught.value.message_dict["file"]


def test_a_renamed_executable_is_refused(application):
    executable = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 64
    for name in ("report.pdf", "report.docx", "photo.png"):
        assert refused(application, name, executable)[0].startswith("The selected file is not")


def test_a_plain_zip_renamed_docx_is_refused(application):
    plain = office_file({"notes.txt": "hello", "more.txt": "world"})
    assert refused(application, "plan.docx", plain) == ["The selected file is not a real DOCX"]
    assert refused(application, "plan.xlsx", plain) == ["The selected file is not a real XLSX"]
    assert refused(application, "plan.odt", plain) == ["The selected file is not a real ODT"]


def test_a_word_file_renamed_xlsx_is_refused(application):
    assert refused(application, "budget.xlsx", docx()) == ["The selected file is not a real XLSX"]


@pytest.mark.parametrize(
    "name, content",
    [
        ("letter.docx", docx(**{"word/vbaProject.bin": b"\0" * 32})),
        ("letter.docx", docx(**{"[Content_Types].xml": MACRO_TYPES})),
        ("budget.xlsx", xlsx(**{"xl/vbaProject.bin": b"\0" * 32})),
        ("report.odt", odt(**{"Basic/Standard/Module1.xml": "<script/>"})),
    ],
)
def test_macro_enabled_files_are_refused(application, name, content):
    assert refused(application, name, content)[0].startswith("The selected file contains macros")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(application):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        # 210 MB of zeros packs into a few hundred KB.
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(210):
                entry.write(chunk)
    content = buffer.getvalue()
    assert len(content) < ATTACHMENT_MAX_BYTES
    assert refused(application, "plan.docx", content) == [
        "The selected file is too large once opened: not a DOCX"
    ]


def test_files_too_large_or_of_other_kinds_are_refused(application):
    big = PDF + b"\0" * ATTACHMENT_MAX_BYTES
    assert refused(application, "big.pdf", big)[0].startswith("The selected file must be smaller")
    for name in ("old.doc", "drawing.svg", "page.html", "macro.docm", "sheet.xlsm"):
        assert refused(application, name, PDF)[0].startswith("The selected file must be a")


def test_the_model_field_asks_the_same_checks():
    field = Attachment._meta.get_field("file")
    assert validate_attachment in field.validators


def test_only_the_applicant_attaches_to_their_draft(make_user, application):
    with pytest.raises(PermissionDenied):
        services.add_attachment(
            application=application,
            by=make_user("Grants officer"),
            kind=Attachment.Kind.OTHER,
            upload=upload("policy.pdf", PDF),
        )
    assert not application.attachments.filter(kind=Attachment.Kind.OTHER).exists()
