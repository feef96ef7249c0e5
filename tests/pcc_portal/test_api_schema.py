"""The OpenAPI schema says what the API answers: nulls where they come back, and the errors a
list gives (404 for a page past the end, 400 for a filter naming nothing). Clients generated
from it, and the fuzzer that checks it, trust it."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def properties(schema, component):
    return schema["components"]["schemas"][component]["properties"]


def test_fields_that_come_back_null_are_declared_nullable(schema):
    assert properties(schema, "Contact")["organisation"].get("nullable") is True
    assert properties(schema, "LocalAuthority")["parent"].get("nullable") is True


def list_operations(schema):
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get and not re.search(r"\{[^}]+\}/$", path):
            yield path, get


def test_every_paginated_list_documents_its_404(schema):
    lists = dict(list_operations(schema))
    assert "/api/v1/contacts/" in lists
    for path, operation in lists.items():
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if "page" in names:
            response = operation["responses"].get("404")
            assert response, path
            assert response["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorDetail"
            }


def test_every_filtered_list_documents_its_400(schema):
    filtered = {
        path: operation
        for path, operation in list_operations(schema)
        if {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"} - {"page"}
    }
    assert {"/api/v1/contacts/", "/api/v1/local-authorities/"} <= set(filtered)
    for path, operation in filtered.items():
        response = operation["responses"].get("400")
        assert response, path
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/FieldErrors"
        }
    assert "400" not in dict(list_operations(schema))["/api/v1/aims/"]["responses"]


def test_the_error_shapes_are_components(schema):
    components = schema["components"]["schemas"]
    assert components["ErrorDetail"]["properties"]["detail"]["type"] == "string"
    assert components["FieldErrors"]["additionalProperties"]["type"] == "array"


def test_what_the_schema_documents_is_what_the_api_answers(client, token_for):
    headers = token_for("Engagement officer")
    past_the_end = client.get("/api/v1/contacts/?page=999", **headers)
    assert past_the_end.status_code == 404
    assert set(past_the_end.json()) == {"detail"}
    unknown = client.get("/api/v1/contacts/?ambassador=999999", **headers)
    assert unknown.status_code == 400
    assert all(isinstance(messages, list) for messages in unknown.json().values())
