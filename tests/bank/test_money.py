"""Amounts are exact to the cent on every engine, and bounded by one maximum.

Runs on the engine the bank is configured with: SQLite by default, PostgreSQL under
`make test-postgres`.
"""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connections, transaction

from bank import money, services
from bank.models import Account, Order, Product, Transfer
from bank.retry import bank_alias
from common.errors import Invalid

pytestmark = pytest.mark.django_db(databases="__all__")

API = "/api/bank"
MAX = "999999999999.99"
# Each needs more than the 15 significant digits a 64-bit float keeps.
EXACT = ["12345678901.23", "999999999999.99", "999999999999.98", "0.01", "100000000000.01"]
TOO_BIG = ["1000000000000.00", "9999999999999999.99", "12345678901234.56", "1" + "0" * 40]


def detail(response):
    return response.json()["detail"]


def stored_cents(model, pk, field):
    connection = connections[bank_alias()]
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s",
                       [model._meta.pk.get_db_prep_value(pk, connection)])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("price", EXACT)
def test_a_price_round_trips_exactly_to_the_cent(post_json, client, price):
    created = post_json(f"{API}/product/", {"name": "Yacht", "price": price}).json()

    assert created["price"] == price
    assert client.get(f"{API}/product/{created['id']}/").json()["price"] == price
    assert client.get(f"{API}/product/").json()["items"][0]["price"] == price
    assert stored_cents(Product, created["id"], "price") == int(price.replace(".", ""))


@pytest.mark.parametrize("balance", EXACT)
def test_an_opening_balance_round_trips_exactly(post_json, client, customer, balance):
    created = post_json(f"{API}/account/", {"customer": str(customer.id), "balance": balance}).json()

    assert created["balance"] == balance
    assert client.get(f"{API}/account/").json()["items"][0]["balance"] == balance


def test_a_transfer_of_large_amounts_moves_every_cent(post_json, client, customer):
    rich = Account.objects.create(customer=customer, balance=Decimal("999999999999.99"))
    poor = Account.objects.create(customer=customer, balance=Decimal("0.02"))

    response = post_json(f"{API}/transfer/", {"from": str(rich.id), "to": str(poor.id),
                                               "amount": "999999999999.97"})

    assert response.status_code == 201
    assert response.json()["from"]["balance"] == "0.02" and response.json()["to"]["balance"] == MAX
    assert client.get(f"{API}/transfer/").json()["items"][0]["amount"] == "999999999999.97"
    rich.refresh_from_db()
    poor.refresh_from_db()
    assert (rich.balance, poor.balance) == (Decimal("0.02"), Decimal(MAX))
    assert stored_cents(Account, poor.pk, "balance") == money.MAX_CENTS


@pytest.mark.parametrize("value", TOO_BIG)
def test_a_price_above_the_maximum_is_a_422_naming_the_limit(post_json, value):
    response = post_json(f"{API}/product/", {"name": "Yacht", "price": value})

    assert response.status_code == 422
    assert money.LIMIT in detail(response) and "price" in detail(response)
    assert not Product.objects.exists()


@pytest.mark.parametrize("value", TOO_BIG)
def test_an_opening_balance_or_a_transfer_above_the_maximum_is_a_422(post_json, accounts, value):
    opened = post_json(f"{API}/account/", {"customer": str(accounts[0].customer_id), "balance": value})
    moved = post_json(f"{API}/transfer/", {"from": str(accounts[0].id), "to": str(accounts[1].id),
                                            "amount": value})

    assert (opened.status_code, moved.status_code) == (422, 422)
    assert money.LIMIT in detail(opened) and money.LIMIT in detail(moved)
    assert Account.objects.count() == 2 and not Transfer.objects.exists()


@pytest.mark.parametrize("value", [12.5, 1, "1e3", "1,000.00", " 1.00", "NaN", "Infinity", "-0.01", "1.001",
                                   ""])
def test_an_amount_that_is_not_a_plain_two_decimal_string_is_a_422(post_json, value):
    response = post_json(f"{API}/product/", {"name": "Yacht", "price": value})

    assert response.status_code == 422
    assert '"12.50"' in detail(response)


def test_a_transfer_that_would_take_a_balance_above_the_maximum_is_a_409_and_moves_nothing(
        post_json, customer):
    full = Account.objects.create(customer=customer, balance=Decimal(MAX))
    other = Account.objects.create(customer=customer, balance=Decimal("5.00"))

    response = post_json(f"{API}/transfer/", {"from": str(other.id), "to": str(full.id), "amount": "0.01"})

    assert response.status_code == 409
    assert money.LIMIT in detail(response) and str(full.id) in detail(response)
    assert {a.balance for a in Account.objects.all()} == {Decimal(MAX), Decimal("5.00")}
    assert not Transfer.objects.exists()


def test_an_order_whose_prices_sum_above_the_maximum_is_a_409(post_json, customer):
    ids = [Product.objects.create(name=f"Yacht {n}", price=Decimal(MAX)).pk for n in range(2)]
    body = {"customer": {"id": str(customer.id)}, "products": [{"id": str(pk)} for pk in ids]}

    response = post_json(f"{API}/order/", body)

    assert response.status_code == 409
    assert money.LIMIT in detail(response)
    assert not Order.objects.exists()


@pytest.mark.parametrize("what", ["product", "account", "transfer", "order"])
def test_every_list_and_detail_stays_200_with_amounts_at_the_maximum(client, post_json, customer, what):
    product = Product.objects.create(name="Yacht", price=Decimal(MAX))
    source = Account.objects.create(customer=customer, balance=Decimal(MAX))
    target = Account.objects.create(customer=customer, balance=Decimal("0.00"))
    services.transfer(source_id=source.pk, destination_id=target.pk, amount=Decimal(MAX))
    post_json(f"{API}/order/", {"customer": {"id": str(customer.id)}, "products": [{"id": str(product.pk)}]})

    listed = client.get(f"{API}/{what}/")
    first = listed.json()["items"][0]

    assert listed.status_code == 200
    assert MAX in str(listed.json())
    if what != "transfer":  # the ledger has no detail endpoint
        assert client.get(f"{API}/{what}/{first['id']}/").status_code == 200


@pytest.mark.parametrize("model", ["product", "account", "transfer", "order"])
def test_every_admin_changelist_stays_200_with_amounts_at_the_maximum(admin_client, customer, model):
    Product.objects.create(name="Yacht", price=Decimal(MAX))
    source = Account.objects.create(customer=customer, balance=Decimal(MAX))
    target = Account.objects.create(customer=customer, balance=Decimal("0.00"))
    services.transfer(source_id=source.pk, destination_id=target.pk, amount=Decimal(MAX))
    services.create_order(customer_id=customer.pk,
                          product_ids=list(Product.objects.values_list("pk", flat=True)))

    response = admin_client.get(f"/admin/bank/{model}/")

    assert response.status_code == 200
    assert "999,999,999,999.99" in response.content.decode() or MAX in response.content.decode()


def test_the_bank_page_shows_the_total_with_accounts_at_the_maximum(admin_client, customer):
    for _ in range(3):
        Account.objects.create(customer=customer, balance=Decimal(MAX))

    # The figures are for a signed-in user with the bank's view permission (the access policy).
    response = admin_client.get("/bank/")

    assert response.status_code == 200
    assert "2999999999999.97" in response.content.decode().replace(",", "")


@pytest.mark.parametrize("call, error", [
    (lambda c: services.create_product(name="Yacht", price=Decimal("1000000000000")), Invalid),
    (lambda c: services.open_account(customer_id=c.pk, balance=Decimal("1E+30")), Invalid),
    (lambda c: services.create_product(name="Yacht", price=Decimal("1.005")), Invalid),
    (lambda c: services.open_account(customer_id=c.pk, balance=Decimal("NaN")), Invalid),
    (lambda c: services.create_product(name="Yacht", price="lots"), Invalid),
])
def test_the_services_refuse_what_the_api_refuses_whoever_calls_them(customer, call, error):
    with pytest.raises(error):
        call(customer)

    assert not Product.objects.exists() and not Account.objects.exists()


def test_the_database_itself_refuses_a_balance_above_the_maximum(accounts):
    connection = connections[bank_alias()]
    with pytest.raises(IntegrityError), transaction.atomic(using=bank_alias()), connection.cursor() as cursor:
        cursor.execute("UPDATE bank_account SET balance_cents = balance_cents + %s", [money.MAX_CENTS])

    accounts[0].refresh_from_db()
    assert accounts[0].balance == Decimal("100.00")


def test_the_openapi_schema_documents_amounts_as_the_strings_the_server_accepts(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]

    for name, field in [("ProductIn", "price"), ("ProductOut", "price"), ("TransferIn", "amount"),
                        ("LedgerEntry", "amount"), ("AccountIn", "balance"), ("AccountOut", "balance")]:
        schema = schemas[name]["properties"][field]
        pattern = money.POSITIVE if (name, field) in {("ProductIn", "price"), ("TransferIn", "amount")} \
            else money.PATTERN
        assert schema["type"] == "string" and schema["pattern"] == pattern, (name, schema)
    assert money.LIMIT in schemas["ProductIn"]["properties"]["price"]["description"]
