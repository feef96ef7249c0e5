"""Checks every upload passes: size, extension and what the content really is (decision 28),
and the content type a stored file is served with (decision 40).

No SVG or HTML is accepted from anyone, whatever the file is called: markup can carry script,
and filtering script out of it is a losing game (`<svg/onload=...>`, a namespaced `<x:script>`,
an entity-encoded `javascript:` all got past a filter here once). What a file is comes from its
first bytes, never from its name.

Virus scanning runs the command named in UPLOAD_VIRUS_SCAN_COMMAND (off when empty).
"""

import re
import shlex
import subprocess  # noqa: S404
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

# Word, Excel and OpenDocument files are ZIP archives, and Word 97-2003 files OLE compound files:
# what the archive holds (ARCHIVE_CHECKS) decides whether it really is the document it is called.
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Each kind of file the portal accepts: the first bytes it starts with and its content type.
SIGNATURES = {
    ".png": [b"\x89PNG\r\n\x1a\n"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".pdf": [b"%PDF-"],
    ".doc": [OLE],
    ".docx": [ZIP],
    ".xlsx": [ZIP],
    ".odt": [ZIP],
}
CONTENT_TYPES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
]
# Served to be shown in the page; everything else is served to be saved.
IMAGE_TYPES = {"image/png", "image/jpeg"}
UNKNOWN_TYPE = "application/octet-stream"
# Refused even where a caller allows them.
MARKUP_EXTENSIONS = {".svg", ".svgz", ".html", ".htm", ".xhtml", ".xht", ".xml", ".shtml"}
# Markup a browser would render: an XML declaration, a doctype, a comment or a tag such as <svg,
# <html or <script, after any byte-order mark and white space.
MARKUP_START = re.compile(
    rb"^(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?\s*<(?:[?!]|[a-z][a-z0-9:_-]*[\s/>])", re.I
)
MARKUP_ANYWHERE = re.compile(rb"<\s*(?:svg|html|script|body|iframe|object|embed)[\s/>]", re.I)
LOGO_MAX_BYTES = 1024 * 1024
# A report, a draft plan or a precept proposal, as the office publishes it.
DOCUMENT_EXTENSIONS = {".pdf", ".doc", ".docx", ".odt"}
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
HEAD_BYTES = 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# What someone attaches to an application or a report: a policy, a budget, accounts, a photo.
ATTACHMENT_EXTENSIONS = {".pdf", ".docx", ".xlsx", ".odt", ".jpg", ".jpeg", ".png"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# An office file that unpacks to more than this, holds more entries, or packs its contents
# tighter than this ratio is a zip bomb, not a document: nobody's budget unpacks to 200 MB.
ARCHIVE_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
ARCHIVE_MAX_ENTRIES = 10_000
ARCHIVE_MAX_RATIO = 200
ARCHIVE_RATIO_FROM_BYTES = 20 * 1024 * 1024
# Macros run code on the office's machines: a macro-enabled file renamed .docx or .xlsx still
# declares itself in [Content_Types].xml or carries its macros as vbaProject.bin.
MACRO_CONTENT_TYPE = b"macroenabled"
MACRO_PART = "vbaproject.bin"
# An OpenDocument file keeps its Basic macros and scripts in folders of these names.
OPENDOCUMENT_SCRIPT_FOLDERS = ("Basic/", "Scripts/")
CONTENT_TYPES_PART = "[Content_Types].xml"
CONTENT_TYPES_MAX_BYTES = 1024 * 1024


def _size_in_words(size: int) -> str:
    """20971520 -> "20 MB", 512000 -> "500 KB", as GOV.UK's file upload messages give sizes."""
    megabytes, kilobytes = size / (1024 * 1024), size / 1024
    if megabytes >= 1:
        return f"{megabytes:g} MB" if megabytes == int(megabytes) else f"{megabytes:.1f} MB"
    return f"{kilobytes:.0f} KB"


def _head(upload, size=HEAD_BYTES) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def looks_like_markup(head: bytes) -> bool:
    """Whether these first bytes are SVG, HTML or other XML a browser might render."""
    return bool(MARKUP_START.match(head) or MARKUP_ANYWHERE.search(head))


def content_type_of(head: bytes) -> str:
    """The content type a file is served with, from its first bytes alone."""
    for signature, content_type in CONTENT_TYPES:
        if head.startswith(signature):
            return content_type
    return UNKNOWN_TYPE


def check_upload(upload, *, allowed: set[str], max_bytes: int) -> None:
    """Raise ValidationError unless the file is small enough, named right and is what it says."""
    extension = Path(upload.name).suffix.lower()
    kinds = ", ".join(sorted(e.lstrip(".").upper() for e in allowed - MARKUP_EXTENSIONS))
    if extension not in allowed or extension in MARKUP_EXTENSIONS:
        raise ValidationError(f"The selected file must be a {kinds}")
    if upload.size > max_bytes:
        raise ValidationError(f"The selected file must be smaller than {_size_in_words(max_bytes)}")
    head = _head(upload)
    if looks_like_markup(head):
        raise ValidationError(f"The selected file is a web page or drawing, not a {kinds}")
    if not any(head.startswith(sig) for sig in SIGNATURES.get(extension, [])):
        raise ValidationError(f"The selected file is not a real {extension.lstrip('.').upper()}")
    if extension in ARCHIVE_CHECKS:
        _check_archive(upload, extension)
    scan_for_viruses(upload)


def _is_docx(archive: zipfile.ZipFile) -> bool:
    names = set(archive.namelist())
    return {CONTENT_TYPES_PART, "word/document.xml"} <= names


def _is_xlsx(archive: zipfile.ZipFile) -> bool:
    names = set(archive.namelist())
    return {CONTENT_TYPES_PART, "xl/workbook.xml"} <= names


def _is_odt(archive: zipfile.ZipFile) -> bool:
    # The OpenDocument format puts an uncompressed "mimetype" entry first, naming the kind.
    entries = archive.infolist()
    if not entries or entries[0].filename != "mimetype" or entries[0].file_size > 100:
        return False
    return archive.read(entries[0]).strip() == ODT_MIMETYPE


ARCHIVE_CHECKS = {".docx": _is_docx, ".xlsx": _is_xlsx, ".odt": _is_odt}


def _is_bomb(archive: zipfile.ZipFile) -> bool:
    """Judged on what the archive declares, before anything is unpacked; the checks here then
    read no more than a few small entries, each with a cap."""
    entries = archive.infolist()
    if len(entries) > ARCHIVE_MAX_ENTRIES:
        return True
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    if unpacked > ARCHIVE_MAX_UNPACKED_BYTES:
        return True
    # A sparse spreadsheet packs tight too: the ratio only counts once there is much to unpack.
    return unpacked > ARCHIVE_RATIO_FROM_BYTES and unpacked > max(packed, 1) * ARCHIVE_MAX_RATIO


def _has_macros(archive: zipfile.ZipFile) -> bool:
    names = archive.namelist()
    if any(name.lower().rsplit("/", 1)[-1] == MACRO_PART for name in names):
        return True
    if any(name.startswith(OPENDOCUMENT_SCRIPT_FOLDERS) for name in names):
        return True
    if CONTENT_TYPES_PART not in archive.namelist():
        return False
    with archive.open(CONTENT_TYPES_PART) as part:
        declared = part.read(CONTENT_TYPES_MAX_BYTES).lower()
    return MACRO_CONTENT_TYPE in declared


def _check_archive(upload, extension: str) -> None:
    """An office file is a ZIP archive: what it holds decides whether it is the document it is
    called, and whether it is safe to open."""
    kind = extension.lstrip(".").upper()
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            if _is_bomb(archive):
                raise ValidationError(f"The selected file is too large once opened: not a {kind}")
            if not ARCHIVE_CHECKS[extension](archive):
                raise ValidationError(f"The selected file is not a real {kind}")
            if _has_macros(archive):
                raise ValidationError(
                    f"The selected file contains macros: save it as a {kind} without macros"
                )
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, EOFError):
        raise ValidationError(f"The selected file is not a real {kind}") from None
    finally:
        upload.seek(0)


def scan_for_viruses(upload) -> None:
    command = settings.UPLOAD_VIRUS_SCAN_COMMAND
    if not command:
        return
    with tempfile.NamedTemporaryFile() as copy:
        upload.seek(0)
        for chunk in iter(lambda: upload.read(65536), b""):
            copy.write(chunk)
        copy.flush()
        upload.seek(0)
        result = subprocess.run(  # noqa: S603
            [*shlex.split(command), copy.name], capture_output=True, timeout=120, check=False
        )
    if result.returncode != 0:
        raise ValidationError("The selected file contains a virus")


def validate_logo(upload) -> None:
    check_upload(upload, allowed={".png", ".jpg", ".jpeg"}, max_bytes=LOGO_MAX_BYTES)


def validate_document(upload) -> None:
    """A PDF, Word or OpenDocument text file: never markup, never anything else."""
    check_upload(upload, allowed=DOCUMENT_EXTENSIONS, max_bytes=DOCUMENT_MAX_BYTES)


def validate_attachment(upload) -> None:
    """A PDF, Word, Excel or OpenDocument text file, or a JPEG or PNG image, of at most 10 MB:
    what an applicant or grantee attaches to what they send the office."""
    check_upload(upload, allowed=ATTACHMENT_EXTENSIONS, max_bytes=ATTACHMENT_MAX_BYTES)
