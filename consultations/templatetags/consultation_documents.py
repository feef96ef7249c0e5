"""A consultation document's format and size, as a download link gives them ("PDF, 1.2 MB")."""

from django import template

from ..documents import kind_of, size_of

register = template.Library()


@register.filter
def document_kind(document) -> str:
    return kind_of(document)


@register.filter
def document_size(document) -> int | None:
    return size_of(document)
