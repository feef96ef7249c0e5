"""What drf-spectacular cannot see for itself: the errors every list answers.

A paginated list answers 404 `{"detail": "Invalid page."}` for a page past the end, and a list
with filters answers 400 with field messages for a value that names nothing (an unknown id or
choice). Both come from DRF and django-filter rather than from the views, so the schema is told
here, once, for every list the router holds.
"""

ERROR_DETAIL = "ErrorDetail"
FIELD_ERRORS = "FieldErrors"
# Query parameters that are not filters.
NOT_FILTERS = {"page", "page_size", "format"}

COMPONENTS = {
    ERROR_DETAIL: {
        "type": "object",
        "description": "What went wrong, in words.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    FIELD_ERRORS: {
        "type": "object",
        "description": "Messages for each parameter or field in error.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
}


def _json(component: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def document_list_errors(result, generator, request, public):
    """A drf-spectacular postprocessing hook: add the 404 and 400 of every list."""
    documented = False
    for operations in result.get("paths", {}).values():
        operation = operations.get("get")
        if not operation:
            continue
        names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
        responses = operation.setdefault("responses", {})
        if "page" in names:
            responses.setdefault("404", _json(ERROR_DETAIL, "Invalid page: past the last page"))
            documented = True
        if names - NOT_FILTERS:
            responses.setdefault(
                "400", _json(FIELD_ERRORS, "A filter's value names no record or choice")
            )
            documented = True
    if documented:
        result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    return result
