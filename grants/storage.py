"""Where the files sent with applications and monitoring reports are kept.

They are not for the public (a safeguarding policy, accounts, a governing document): each is
stored under an address of its own that nobody can guess, in the storage named "private" when
the settings define one (served only by a page that asks the access rule), otherwise in the
default storage.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import storages
from django.utils.text import get_valid_filename

PRIVATE_STORAGE = "private"


def attachment_storage():
    return storages[PRIVATE_STORAGE if PRIVATE_STORAGE in settings.STORAGES else "default"]


def attachment_path(attachment, filename: str) -> str:
    """grants/<random>/<the file's own name>: the name is kept for the person who downloads it,
    the random folder keeps the address unguessable."""
    name = get_valid_filename(PurePosixPath(filename).name) or "attachment"
    return f"grants/{uuid.uuid4().hex}/{name[-100:]}"
