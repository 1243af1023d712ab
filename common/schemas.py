"""Shapes and types every API app shares: the JSON of each error status, and strict
types for request bodies (JSON has no dates and one kind of number, so say exactly
which strings and numbers are accepted)."""

import datetime
import re
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, WithJsonSchema

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Detail(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str


class ValidationDetail(Schema):
    detail: str
    errors: list[FieldError]


class StrictIn(Schema):
    """A request body: a misspelt or unknown key is a 422, not something to drop."""

    model_config = ConfigDict(extra="forbid")


def _date_only(value):
    # pydantic would take 1700000000 or "2024-01-01T00:00:00" as a date; a date is YYYY-MM-DD.
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        return value
    raise ValueError("must be a date as YYYY-MM-DD")


IsoDate = Annotated[
    datetime.date,
    BeforeValidator(_date_only),
    WithJsonSchema({"type": "string", "format": "date", "pattern": ISO_DATE.pattern}),
]


def _number_not_text(value):
    # JSON Schema counts 3.0 as an integer, so it is one here too; "3" and true are not.
    if isinstance(value, str | bool):
        raise ValueError("must be a JSON number, not a string or boolean")
    return value


def strict_int(**constraints):
    """An integer that must be a JSON number: "3" and true are 422."""
    # Field first: after a validator, pydantic would emit `ge`/`le` rather than minimum/maximum.
    return Annotated[int, Field(**constraints), BeforeValidator(_number_not_text)]


def strict_choice(*choices: int, description: str = ""):
    """An integer that must be one of `choices` (a Literal would take true for 1)."""

    def one_of(value):
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(map(str, choices))}")
        return value

    schema = {"type": "integer", "enum": list(choices), "description": description}
    return Annotated[int, BeforeValidator(_number_not_text), AfterValidator(one_of), WithJsonSchema(schema)]
