"""The documents a consultation asks people about: a draft plan, a precept proposal, a map.

Adding checks the file as every upload is checked (pcc_portal/uploads.py: size, extension and
what its first bytes say it is), so a renamed archive, a web page or a drawing never reaches the
store. Removing deletes the stored file once the removal commits, so a removal rolled back
leaves the document whole. The order people see is the documents' positions, kept 0, 1, 2 ...
by these verbs; the admin may leave two at the same position, and the next move settles them.
"""

from pathlib import PurePosixPath

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from .models import Consultation, ConsultationDocument
from .rules import BUILD_CONSULTATIONS

CANNOT_CHANGE = "You do not have permission to change this consultation's documents"
UP, DOWN = "up", "down"
UNKNOWN_DIRECTION = "Choose whether to move the document up or down"

# What each accepted kind of document is called in a download link (GOV.UK's words for them)
# and its content type. The upload checks made sure the content is what the extension says.
KINDS = {
    ".pdf": ("PDF", "application/pdf"),
    ".doc": ("MS Word Document", "application/msword"),
    ".docx": (
        "MS Word Document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".odt": ("OpenDocument Text", "application/vnd.oasis.opendocument.text"),
}
UNKNOWN_KIND = ("File", "application/octet-stream")


def _kind(document: ConsultationDocument) -> tuple[str, str]:
    return KINDS.get(PurePosixPath(document.file.name).suffix.lower(), UNKNOWN_KIND)


def kind_of(document: ConsultationDocument) -> str:
    """The document's format in the words of a download link: "PDF", "MS Word Document"."""
    return _kind(document)[0]


def content_type_of(document: ConsultationDocument) -> str:
    return _kind(document)[1]


def size_of(document: ConsultationDocument) -> int | None:
    """The stored file's size in bytes; None when the store cannot say (the file went missing
    from it), so a page listing the document still opens."""
    try:
        return document.file.size
    except (OSError, ValueError):
        return None


def _check(by: AbstractBaseUser, consultation: Consultation) -> None:
    if not by.has_perm(BUILD_CONSULTATIONS, consultation):
        raise PermissionDenied(CANNOT_CHANGE)


def add_document(
    *, consultation: Consultation, title: str, file, by: AbstractBaseUser
) -> ConsultationDocument:
    """Store `file` as the consultation's last document, titled `title`.

    Raises PermissionDenied unless `by` may build the consultation, and ValidationError (keyed
    "title" or "file") for a missing or over-long title or a file the upload checks refuse;
    nothing is stored then.
    """
    _check(by, consultation)
    document = ConsultationDocument(consultation=consultation, title=title, file=file)
    document.full_clean(exclude=["position"])
    with transaction.atomic():
        # Lock the consultation first: two uploads at once still take a position each.
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        last = consultation.documents.aggregate(last=Max("position"))["last"]
        document.position = 0 if last is None else last + 1
        try:
            document.save()
        except Exception:
            # The file reaches the store before the row is written: take it away again.
            if document.file.name:
                document.file.storage.delete(document.file.name)
            raise
    return document


def remove_document(*, document: ConsultationDocument, by: AbstractBaseUser) -> None:
    """Delete the document and, once that commits, its stored file. Everything in the default
    storage is public to whoever has its address, so a removed document must not stay there.

    Raises PermissionDenied unless `by` may build the consultation.
    """
    _check(by, document.consultation)
    storage, name = document.file.storage, document.file.name
    with transaction.atomic():
        document.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def move_document(
    *, document: ConsultationDocument, direction: str, by: AbstractBaseUser
) -> ConsultationDocument:
    """Swap the document with the one above (UP) or below (DOWN) it; the first cannot go up nor
    the last down, and asking changes nothing. Returns the document with its new position.

    Raises PermissionDenied unless `by` may build the consultation, and ValidationError for a
    direction that is neither.
    """
    if direction not in (UP, DOWN):
        raise ValidationError(UNKNOWN_DIRECTION, code="direction")
    consultation = document.consultation
    _check(by, consultation)
    with transaction.atomic():
        # Lock first, then read the order: two moves at once each see the other's result.
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        ordered = list(consultation.documents.order_by("position", "pk"))
        index = next((i for i, d in enumerate(ordered) if d.pk == document.pk), None)
        if index is None:
            raise ConsultationDocument.DoesNotExist
        other = index - 1 if direction == UP else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, each in enumerate(ordered):
            if each.position != position:
                each.position = position
                # Saved one by one, not in bulk: each save tells the public pages' cache.
                each.save(update_fields=["position"])
    return next(d for d in ordered if d.pk == document.pk)
