"""Request and response bodies of the bank's JSON API."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import Field, PlainSerializer, PlainValidator, WithJsonSchema

from bank import money
from common.schemas import StrictIn
from common.text import NOT_BLANK


def _amount_type(*, positive: bool):
    """The same on the way in and out: a string with two decimals, up to the maximum.
    A JSON number is refused rather than read: a float has already lost digits beyond ~15."""

    def read(value) -> Decimal:
        # A Decimal comes from the models (responses); a request's JSON gives str, float or int.
        return value if isinstance(value, Decimal) else money.parse(value, positive=positive)

    lowest = "0.01" if positive else "0.00"
    return Annotated[
        Decimal,
        PlainValidator(read),
        PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
        WithJsonSchema({
            "type": "string", "pattern": money.POSITIVE if positive else money.PATTERN, "examples": ["12.50"],
            "description": f"An amount from {lowest} to {money.LIMIT}: a string of digits with at most "
                           "two decimals and no leading zero; answers always carry two decimals.",
        }),
    ]


Amount = _amount_type(positive=False)
PositiveAmount = _amount_type(positive=True)


class CustomerIn(StrictIn):
    name: str = Field(min_length=1, max_length=250, pattern=NOT_BLANK)


class CustomerOut(Schema):
    id: UUID
    name: str


class ProductIn(StrictIn):
    name: str = Field(min_length=1, max_length=250, pattern=NOT_BLANK)
    price: PositiveAmount


class ProductOut(Schema):
    id: UUID
    name: str
    price: Amount


class Ref(StrictIn):
    id: UUID


class OrderIn(StrictIn):
    customer: Ref
    products: list[Ref] = Field(min_length=1, max_length=1000, json_schema_extra={"uniqueItems": True},
                                description="Each product once")
    subtotal: Amount | None = Field(None, description="Optional; must equal the sum of the product prices")


class OrderOut(Schema):
    id: UUID
    customer: CustomerOut
    products: list[ProductOut]
    subtotal: Amount
    created_at: datetime

    @staticmethod
    def resolve_products(obj):
        return list(obj.products.all())


class AccountIn(StrictIn):
    customer: UUID
    balance: Amount = Decimal("0.00")


class AccountOut(Schema):
    id: UUID
    customer: UUID = Field(validation_alias="customer_id")
    balance: Amount
    created_at: datetime


class TransferIn(StrictIn):
    source: UUID = Field(alias="from")
    destination: UUID = Field(alias="to")
    amount: PositiveAmount


class Side(Schema):
    id: UUID
    balance: Amount


class TransferOut(Schema):
    id: UUID
    source: Side = Field(serialization_alias="from")
    destination: Side = Field(serialization_alias="to")
    amount: Amount
    created_at: datetime


class LedgerEntry(Schema):
    id: UUID
    source: UUID = Field(validation_alias="source_id", serialization_alias="from")
    destination: UUID = Field(validation_alias="destination_id", serialization_alias="to")
    amount: Amount
    created_at: datetime


class Ping(Schema):
    status: str
    engine: str
