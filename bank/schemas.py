"""Request and response bodies of the bank's JSON API."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field, PlainSerializer, PlainValidator, WithJsonSchema

from bank import money


def _amount(value) -> Decimal:
    # A Decimal comes from the models (responses); a request's JSON gives str, float or int.
    if isinstance(value, Decimal):
        return value
    return money.parse(value)


# The same on the way in and out: a string with two decimals, from "0.00" to the maximum.
# A JSON number is refused rather than read: a float has already lost digits beyond ~15.
Amount = Annotated[
    Decimal,
    PlainValidator(_amount),
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
    WithJsonSchema({
        "type": "string", "pattern": money.PATTERN, "examples": ["12.50"],
        "description": f"An amount: a string of digits with at most two decimals, at most {money.LIMIT}; "
                       "answers always carry two decimals.",
    }),
]


class Strict(Schema):
    # A misspelt key is a mistake to report, not something to drop silently.
    model_config = ConfigDict(extra="forbid")


class CustomerIn(Strict):
    name: str = Field(min_length=1, max_length=250)


class CustomerOut(Schema):
    id: UUID
    name: str


class ProductIn(Strict):
    name: str = Field(min_length=1, max_length=250)
    price: Amount


class ProductOut(Schema):
    id: UUID
    name: str
    price: Amount


class Ref(Schema):
    id: UUID


class OrderIn(Strict):
    customer: Ref
    products: list[Ref] = Field(min_length=1, max_length=1000)
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


class AccountIn(Strict):
    customer: UUID
    balance: Amount = Decimal("0.00")


class AccountOut(Schema):
    id: UUID
    customer: UUID = Field(validation_alias="customer_id")
    balance: Amount
    created_at: datetime


class TransferIn(Strict):
    source: UUID = Field(alias="from")
    destination: UUID = Field(alias="to")
    amount: Amount


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


class Detail(Schema):
    detail: str


class Ping(Schema):
    status: str
    engine: str
