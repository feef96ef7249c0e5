"""Decision 38 at the API's door: bodies that would crash a parser answer 400 or 413 in JSON."""

import json
from io import BytesIO

import pytest
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from pcc_portal.api_parsers import MAX_JSON_DEPTH, JSONParser

pytestmark = pytest.mark.django_db


def parse(text: str):
    return JSONParser().parse(BytesIO(text.encode()), "application/json", {})


@pytest.mark.parametrize(
    "body",
    ['{"n": 1e309}', '{"n": -1e309}', '{"n": NaN}', '{"n": Infinity}', "[-Infinity]"],
)
def test_the_parser_refuses_numbers_that_are_not_finite(body):
    with pytest.raises(ParseError):
        parse(body)


def test_the_parser_refuses_deep_nesting_before_it_recurses():
    with pytest.raises(ParseError):
        parse("[" * 5000 + "]" * 5000)
    with pytest.raises(ParseError):
        parse('{"a": ' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1))


def test_brackets_inside_strings_are_not_nesting():
    assert parse('{"who": "' + "[{" * 5000 + '"}') == {"who": "[{" * 5000}
    assert parse('{"a": "\\"[[[["}') == {"a": '"[[[['}


def test_ordinary_bodies_parse():
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert parse(nested)
    assert parse('{"people_reached": 12, "ratio": 0.5, "areas": [1, 2]}') == {
        "people_reached": 12,
        "ratio": 0.5,
        "areas": [1, 2],
    }


class Echo(APIView):
    """Any endpoint that reads the body."""

    authentication_classes = []
    permission_classes = []

    def post(self, request):
        return Response({"keys": sorted(request.data)})


def post(body: str):
    request = APIRequestFactory().post("/echo/", body, content_type="application/json")
    response = Echo.as_view()(request)
    response.render()
    return response


@pytest.mark.parametrize(
    "body",
    ['{"name": 1e309}', "[" * 5000 + "]" * 5000, '{"name": NaN}', "{nonsense"],
    ids=["overflow", "deep", "nan", "malformed"],
)
def test_a_hostile_body_is_a_400_in_json(body):
    response = post(body)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in json.loads(response.content)


def test_an_oversized_body_is_a_413_in_json(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post('{"who": "' + "x" * 2000 + '"}')
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in json.loads(response.content)


def test_a_body_within_the_limit_is_read(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post('{"who": "' + "x" * 200 + '"}')
    assert (response.status_code, json.loads(response.content)) == (200, {"keys": ["who"]})


def test_the_api_uses_the_strict_parser(settings):
    assert (
        settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"][0] == "pcc_portal.api_parsers.JSONParser"
    )
