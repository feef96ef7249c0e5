"""Serving uploaded files (decision 40), in production as on a laptop.

Files are read through Django's storage API, so the same view serves local files and an
S3-compatible store; where a web server or the store itself serves MEDIA_URL, this view is not
reached. Each file goes out with the content type its first bytes show (never the one its name
suggests), as an attachment unless it is an image, with `Content-Security-Policy: sandbox` and
`X-Content-Type-Options: nosniff`: even a file that slipped past the upload checks cannot run
script in the portal's origin.

Everything in the default storage is public to whoever has its address, as the office's logo
must be. A file that only some people may see is kept in a storage of its own and served by a
view that asks its access rule.
"""

from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from .uploads import HEAD_BYTES, IMAGE_TYPES, UNKNOWN_TYPE, content_type_of, looks_like_markup

# Browsers and proxies may keep a copy for an hour; a new logo has a new name.
MEDIA_CACHE_CONTROL = "private, max-age=3600"


def _safe_name(path: str) -> str:
    """The storage name for `path`, or Http404 for anything that could leave the media folder."""
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or "\\" in path or "\0" in path:
        raise Http404("No such file")
    if any(part in ("..", ".") for part in parts):
        raise Http404("No such file")
    return "/".join(parts)


@require_safe
def serve_upload(request, path):
    name = _safe_name(path)
    try:
        if not default_storage.exists(name):
            raise Http404("No such file")
        handle = default_storage.open(name, "rb")
    except (SuspiciousFileOperation, OSError, ValueError):
        raise Http404("No such file") from None
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    content_type = UNKNOWN_TYPE if looks_like_markup(head) else content_type_of(head)
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=content_type not in IMAGE_TYPES,
        filename=PurePosixPath(name).name,
    )
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = MEDIA_CACHE_CONTROL
    return response
