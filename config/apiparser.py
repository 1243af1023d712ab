"""How the API reads a JSON body: only `application/json`, and no text PostgreSQL refuses.

A cross-site HTML form can send `text/plain` with no CORS preflight; parsing that as JSON
would let any page write through a visitor's session, so anything but JSON is a 415.
"""

import json

from ninja.parser import Parser

from common.text import unstorable

JSON_TYPES = ("application/json",)


class BodyRefused(Exception):
    """Raised while parsing; ninja wraps it in a 400, config.api answers `status` (a 422
    naming `field` when one field is at fault)."""

    def __init__(self, status: int, message: str, *, field: str = ""):
        self.status = status
        self.field = field
        super().__init__(message)


def _check(value, where: str) -> None:
    if isinstance(value, str):
        if unstorable(value):
            message = "NUL characters and lone surrogates are not accepted"
            raise BodyRefused(422, message, field=where or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, where)
            _check(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{where}[{index}]")


class StrictJsonParser(Parser):
    def parse_body(self, request):
        content_type = request.content_type.lower()
        if content_type not in JSON_TYPES:
            shown = content_type or "none"
            raise BodyRefused(415, f"Send the body as Content-Type: application/json (not {shown}).")
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BodyRefused(400, f"The body is not valid JSON: {exc}.") from None
        _check(data, "")
        return data
