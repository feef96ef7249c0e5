"""Checks every upload passes: size, extension and what the content really is.

Virus scanning runs the command named in UPLOAD_VIRUS_SCAN_COMMAND (off when empty).
"""

import re
import shlex
import subprocess  # noqa: S404
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

# The first bytes each allowed kind of file starts with.
SIGNATURES = {
    ".png": [b"\x89PNG\r\n\x1a\n"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".pdf": [b"%PDF-"],
}
LOGO_MAX_BYTES = 1024 * 1024
SVG_EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=")


def _head(upload, size=512) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def check_upload(upload, *, allowed: set[str], max_bytes: int) -> None:
    """Raise ValidationError unless the file is small enough, named right and is what it says."""
    extension = Path(upload.name).suffix.lower()
    if extension not in allowed:
        kinds = ", ".join(sorted(e.lstrip(".").upper() for e in allowed))
        raise ValidationError(f"The selected file must be a {kinds}")
    if upload.size > max_bytes:
        raise ValidationError(f"The selected file must be smaller than {max_bytes // 1024} KB")
    head = _head(upload)
    if extension == ".svg":
        text = head.decode("utf-8", errors="replace").lower()
        if "<svg" not in text:
            raise ValidationError("The selected file is not an SVG image")
        body = upload.read().decode("utf-8", errors="replace").lower()
        upload.seek(0)
        # An SVG can carry script; the portal serves none.
        if "<script" in body or "javascript:" in body or SVG_EVENT_HANDLER.search(body):
            raise ValidationError("The selected SVG contains script and cannot be used")
    elif not any(head.startswith(sig) for sig in SIGNATURES.get(extension, [])):
        raise ValidationError(f"The selected file is not a real {extension.lstrip('.').upper()}")
    scan_for_viruses(upload)


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
    check_upload(upload, allowed={".png", ".jpg", ".jpeg", ".svg"}, max_bytes=LOGO_MAX_BYTES)
