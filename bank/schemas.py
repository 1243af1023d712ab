"""Request and response bodies of the bank's JSON API."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field

from config.schemas import NO_NUL

Money = Field(max_digits=18, decimal_places=2, description="A decimal with at most two places")


class Strict(Schema):
    # A misspelt key is a mistake to report, not something to drop silently.
    model_config = ConfigDict(extra="forbid")


class CustomerIn(Strict):
    name: str = Field(min_length=1, max_length=250, pattern=NO_NUL)


class CustomerOut(Schema):
    id: UUID
    name: str


class ProductIn(Strict):
    name: str = Field(min_length=1, max_length=250, pattern=NO_NUL)
    price: Decimal = Money


class ProductOut(Schema):
    id: UUID
    name: str
    price: Decimal


class Ref(Strict):
    id: UUID


class OrderIn(Strict):
    customer: Ref
    products: list[Ref] = Field(min_length=1, max_length=1000)
    subtotal: Decimal | None = Field(None, max_digits=18, decimal_places=2,
                                     description="Optional; must equal the sum of the product prices")


class OrderOut(Schema):
    id: UUID
    customer: CustomerOut
    products: list[ProductOut]
    subtotal: Decimal
    created_at: datetime

    @staticmethod
    def resolve_products(obj):
        return list(obj.products.all())


class AccountIn(Strict):
    customer: UUID
    balance: Decimal = Field(Decimal("0.00"), max_digits=18, decimal_places=2)


class AccountOut(Schema):
    id: UUID
    customer: UUID = Field(validation_alias="customer_id")
    balance: Decimal
    created_at: datetime


class TransferIn(Strict):
    source: UUID = Field(alias="from")
    destination: UUID = Field(alias="to")
    amount: Decimal = Money


class Side(Schema):
    id: UUID
    balance: Decimal


class TransferOut(Schema):
    id: UUID
    source: Side = Field(serialization_alias="from")
    destination: Side = Field(serialization_alias="to")
    amount: Decimal
    created_at: datetime


class LedgerEntry(Schema):
    id: UUID
    source: UUID = Field(validation_alias="source_id", serialization_alias="from")
    destination: UUID = Field(validation_alias="destination_id", serialization_alias="to")
    amount: Decimal
    created_at: datetime


class Detail(Schema):
    detail: str


class Ping(Schema):
    status: str
    engine: str
