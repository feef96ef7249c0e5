"""The API's JSON parser: strict about what Python's json module lets through (decision 38).

`json.loads` turns `1e309` into infinity (which later overflows an integer field), accepts
`NaN` and `Infinity`, and recurses once per bracket, so a body of a few thousand brackets ends in
a RecursionError. All three answer 400 here, before any field sees them.
"""

import json
import math
import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32

NOT_FINITE = "JSON parse error - numbers must be finite"
TOO_DEEP = "JSON parse error - nested more than {limit} levels deep"

# A JSON string, unrolled so that it runs in linear time even when unterminated.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def nesting_depth(text: str, *, limit: int) -> int:
    """How deep the brackets of `text` go, outside strings; stops counting past `limit`."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        else:
            depth -= 1
    return deepest


def _refuse_constant(name: str):
    raise ValueError(NOT_FINITE)


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(NOT_FINITE)
    return number


def loads(text: str):
    """Parse JSON text, refusing non-finite numbers and deep nesting with a ValueError."""
    if nesting_depth(text, limit=MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise ValueError(TOO_DEEP.format(limit=MAX_JSON_DEPTH))
    return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        try:
            return loads(text)
        except (ValueError, RecursionError) as exc:
            message = str(exc)
            if not message.startswith("JSON parse error"):
                message = f"JSON parse error - {message}"
            raise ParseError(message) from exc
