"""The CockroachDB tutorial's endpoints, mounted at /api/bank/ (see config.api).

Writes go through bank.services, each in one retried transaction; reads are plain queries.
"""

from uuid import UUID

from django.conf import settings
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from bank import services
from bank.models import Account, Customer, Order, Product, Transfer
from bank.retry import bank_alias
from bank.schemas import (
    AccountIn,
    AccountOut,
    CustomerIn,
    CustomerOut,
    LedgerEntry,
    OrderIn,
    OrderOut,
    Ping,
    ProductIn,
    ProductOut,
    TransferIn,
    TransferOut,
)
from common.databases import describe
from common.errors import NotFound
from common.schemas import Detail

router = Router(tags=["bank"])

ERRORS = {400: Detail, 404: Detail, 409: Detail, 503: Detail}
MAX_LIMIT = 100


class Pages(LimitOffsetPagination):
    """ninja's limit/offset with an offset the database can take: SQL OFFSET is a
    64-bit integer, and a larger one is the client's mistake (422), not an outage (503)."""

    class Input(Schema):
        limit: int = Field(MAX_LIMIT, ge=1, description=f"At most {MAX_LIMIT} are returned")
        offset: int = Field(0, ge=0, le=2**63 - 1)


PAGE = {"max_limit": MAX_LIMIT}


def _get_or_404(queryset, pk, what):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"No {what} with id {pk}.")
    return obj


@router.get("/ping/", response=Ping, summary="Which engine the bank runs on")
def ping(request):
    return {"status": "ok", "engine": describe(settings.DATABASES[bank_alias()])["vendor"]}


# --- customers ----------------------------------------------------------------------


@router.get("/customer/", response=list[CustomerOut], summary="Customers by name")
@paginate(Pages, **PAGE)
def list_customers(request):
    return Customer.objects.all()


@router.post("/customer/", response={201: CustomerOut, **ERRORS}, summary="Add a customer")
def create_customer(request, payload: CustomerIn):
    return Status(201, services.create_customer(name=payload.name))


@router.get("/customer/{id}/", response={200: CustomerOut, 404: Detail}, summary="One customer")
def get_customer(request, id: UUID):
    return _get_or_404(Customer.objects.all(), id, "customer")


@router.delete("/customer/{id}/", response={204: None, **ERRORS},
               summary="Delete a customer without orders or accounts")
def delete_customer(request, id: UUID):
    services.delete(model=Customer, pk=id, what="customer")
    return Status(204, None)


# --- products -----------------------------------------------------------------------


@router.get("/product/", response=list[ProductOut], summary="Products by name")
@paginate(Pages, **PAGE)
def list_products(request):
    return Product.objects.all()


@router.post("/product/", response={201: ProductOut, **ERRORS}, summary="Add a product")
def create_product(request, payload: ProductIn):
    return Status(201, services.create_product(name=payload.name, price=payload.price))


@router.get("/product/{id}/", response={200: ProductOut, 404: Detail}, summary="One product")
def get_product(request, id: UUID):
    return _get_or_404(Product.objects.all(), id, "product")


@router.delete("/product/{id}/", response={204: None, **ERRORS}, summary="Delete a product never ordered")
def delete_product(request, id: UUID):
    services.delete(model=Product, pk=id, what="product")
    return Status(204, None)


# --- orders -------------------------------------------------------------------------

ORDERS = Order.objects.select_related("customer").prefetch_related("products")


@router.get("/order/", response=list[OrderOut], summary="Orders, newest first")
@paginate(Pages, **PAGE)
def list_orders(request):
    return ORDERS.all()


@router.post("/order/", response={201: OrderOut, **ERRORS},
             summary="Place an order; the server computes the subtotal")
def create_order(request, payload: OrderIn):
    products = [p.id for p in payload.products]
    order = services.create_order(customer_id=payload.customer.id, product_ids=products,
                                  subtotal=payload.subtotal)
    return Status(201, ORDERS.get(pk=order.pk))


@router.get("/order/{id}/", response={200: OrderOut, 404: Detail}, summary="One order with its products")
def get_order(request, id: UUID):
    return _get_or_404(ORDERS.all(), id, "order")


# --- accounts and transfers ---------------------------------------------------------


@router.get("/account/", response=list[AccountOut], summary="Accounts, oldest first")
@paginate(Pages, **PAGE)
def list_accounts(request):
    return Account.objects.all()


@router.post("/account/", response={201: AccountOut, **ERRORS}, summary="Open an account")
def open_account(request, payload: AccountIn):
    return Status(201, services.open_account(customer_id=payload.customer, balance=payload.balance))


@router.get("/account/{id}/", response={200: AccountOut, 404: Detail}, summary="One account")
def get_account(request, id: UUID):
    return _get_or_404(Account.objects.all(), id, "account")


@router.get("/transfer/", response=list[LedgerEntry], by_alias=True, summary="The ledger, newest first")
@paginate(Pages, **PAGE)
def list_transfers(request):
    return Transfer.objects.all()


@router.post("/transfer/", response={201: TransferOut, **ERRORS}, by_alias=True,
             summary="Move money between two accounts")
def transfer(request, payload: TransferIn):
    result = services.transfer(source_id=payload.source, destination_id=payload.destination,
                               amount=payload.amount)
    record = result.transfer
    return Status(201, {
        "id": record.id, "amount": record.amount, "created_at": record.created_at,
        "source": {"id": record.source_id, "balance": result.source_balance},
        "destination": {"id": record.destination_id, "balance": result.destination_balance},
    })
