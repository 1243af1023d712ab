"""Money as whole cents: exact on every engine, bounded by one maximum every engine holds.

SQLite stores a DECIMAL column with NUMERIC affinity, as a 64-bit float when it has a
fraction, so 12345678901234.56 came back as 12345678901234.60; PostgreSQL's numeric(18,2)
overflowed into errors; Snowflake and CockroachDB each have their own rules. A count of
cents in a BIGINT column is an exact 64-bit integer everywhere (SQLite INTEGER, PostgreSQL
and CockroachDB INT8, Snowflake NUMBER(38,0)), and sums of it stay exact too.

The maximum, 999,999,999,999.99 (99,999,999,999,999 cents), is below 2**53, so every
amount is also exact as an IEEE double (JavaScript, a SQLite REAL, a JSON number), and
92,000 accounts at the maximum still sum inside a 64-bit integer.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import DataError, models

CENT = Decimal("0.01")
MAX = Decimal("999999999999.99")
MAX_CENTS = 99_999_999_999_999
LIMIT = "999,999,999,999.99"  # how errors and docs name MAX
BIGINT_MAX = Decimal(2**63 - 1).scaleb(-2)
# What the API accepts, written once for the server and for the OpenAPI schema: at most 12
# digits before the point (no leading zero) and 2 after, so at most MAX. POSITIVE is the same
# set without zero ("0", "0.0", "0.00"), for a price or a transfer, which must move something.
PATTERN = r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$"
POSITIVE = r"^([1-9][0-9]{0,11}(\.[0-9]{1,2})?|0\.([1-9][0-9]?|0[1-9]))$"
_PATTERNS = {False: re.compile(PATTERN), True: re.compile(POSITIVE)}


def _number(value) -> Decimal | None:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def to_cents(value, limit: Decimal = MAX) -> int:
    """Whole cents of an amount within ±limit with at most two decimals; ValueError otherwise."""
    number = _number(value)
    if number is None or isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount")
    if abs(number) > limit:
        raise ValueError(f"{value} is beyond the maximum amount, {LIMIT if limit == MAX else limit}")
    cents = number.scaleb(2)
    if cents != cents.to_integral_value():
        raise ValueError(f"{value} has more than two decimals")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def parse(text: str, *, positive: bool = False) -> Decimal:
    """An amount as the API takes it: a string like "12.50", from 0 (0.01 if `positive`) up to MAX."""
    if not isinstance(text, str) or not _PATTERNS[positive].fullmatch(text):
        raise ValueError(f'an amount is a string of digits with at most two decimals, like "12.50", '
                         f"from {'0.01' if positive else '0'} up to the maximum {LIMIT}")
    return Decimal(text).quantize(CENT)


class MoneyField(models.BigIntegerField):
    """A Decimal amount in Python, a BIGINT of cents in the database (column `<name>_cents`)."""

    description = "An amount of money with two decimals, stored as whole cents"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validators.MaxValueValidator(MAX),
                                         validators.MinValueValidator(-MAX)])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs

    @property
    def validators(self):
        # BigIntegerField adds the engine's integer range, which is about cents, not amounts.
        return list(self._validators)

    def from_db_value(self, value, expression, connection):
        return None if value is None else from_cents(value)

    def to_python(self, value):
        if value is None:
            return value
        try:
            return from_cents(to_cents(value))
        except ValueError as exc:
            raise ValidationError(f"{exc}.", code="invalid") from None

    def get_prep_value(self, value):
        if value is None or hasattr(value, "resolve_expression"):
            return value
        try:
            # Up to what a BIGINT holds: above MAX, the table's check constraint answers.
            return to_cents(value, limit=BIGINT_MAX)
        except ValueError as exc:
            # Never rounded, never a bare ValueError: a value the column cannot store.
            raise DataError(f"{self.name}: {exc}") from None

    def formfield(self, **kwargs):
        return super(models.IntegerField, self).formfield(**{
            "form_class": forms.DecimalField, "max_digits": 14, "decimal_places": 2,
            "max_value": MAX, **kwargs,
        })
