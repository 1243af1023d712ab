"""The JSON API at /api/bank/: the tutorial's flow, and every bad input as a JSON 4xx."""

import uuid
from decimal import Decimal

import pytest

from bank.models import Account, Customer, Order, Product, Transfer

pytestmark = pytest.mark.django_db(databases="__all__")

API = "/api/bank"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def detail(response):
    assert response["Content-Type"].startswith("application/json"), response.content
    return response.json()["detail"]


def test_ping_says_ok_and_names_the_engine(client):
    body = client.get(f"{API}/ping/").json()

    assert body["status"] == "ok"
    assert body["engine"] in {"SQLite", "PostgreSQL", "CockroachDB"}


# --- customers and products ---------------------------------------------------------


def test_posting_a_customer_returns_201_with_its_uuid(post_json):
    response = post_json(f"{API}/customer/", {"name": "Carl"})

    assert response.status_code == 201
    created = Customer.objects.get()
    assert response.json() == {"id": str(created.id), "name": "Carl"}


def test_a_customer_url_returns_only_that_customer_not_everyone(client, customer):
    Customer.objects.create(name="Lola")

    response = client.get(f"{API}/customer/{customer.id}/")

    assert response.json() == {"id": str(customer.id), "name": "Carl"}


def test_a_customer_id_that_is_not_a_uuid_is_a_422_naming_the_field(client, customer):
    response = client.get(f"{API}/customer/1/")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "id"


def test_an_unknown_customer_is_a_json_404_naming_the_id(client):
    response = client.get(f"{API}/customer/{UNKNOWN}/")

    assert response.status_code == 404
    assert UNKNOWN in detail(response)


def test_lists_are_ordered_and_paginated_with_limit_and_offset(client):
    for name in ["Cy", "Al", "Bo"]:
        Customer.objects.create(name=name)

    page = client.get(f"{API}/customer/?limit=2&offset=1").json()

    assert page["count"] == 3
    assert [c["name"] for c in page["items"]] == ["Bo", "Cy"]


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "offset=-1", f"offset={2**63}", f"offset={2**64}"])
@pytest.mark.parametrize("what", ["customer", "product", "order", "account", "transfer"])
def test_a_bad_limit_or_offset_is_a_422(client, what, query):
    response = client.get(f"{API}/{what}/?{query}")

    assert response.status_code == 422
    assert "offset" in detail(response) or "limit" in detail(response)


def test_the_largest_offset_sql_takes_is_an_empty_page(client, customer):
    page = client.get(f"{API}/customer/?offset={2**63 - 1}").json()

    assert page == {"items": [], "count": 1}


@pytest.mark.parametrize("what", ["customer", "product"])
def test_a_name_with_a_nul_character_is_a_422_and_stores_nothing(post_json, what):
    body = {"name": "Ca\u0000rl", **({"price": "1.00"} if what == "product" else {})}

    response = post_json(f"{API}/{what}/", body)

    assert response.status_code == 422
    assert "NUL" in detail(response) and response.json()["errors"][0]["field"] == "name"
    assert not Customer.objects.exists() and not Product.objects.exists()


def test_deleting_a_customer_returns_204_then_404(client, customer):
    assert client.delete(f"{API}/customer/{customer.id}/").status_code == 204
    assert not Customer.objects.exists()
    assert client.delete(f"{API}/customer/{customer.id}/").status_code == 404


def test_a_customer_with_an_account_cannot_be_deleted(client, accounts):
    response = client.delete(f"{API}/customer/{accounts[0].customer_id}/")

    assert response.status_code == 409
    assert "accounts" in detail(response)
    assert Customer.objects.count() == 1


def test_posting_a_product_stores_its_price_to_the_cent(post_json):
    response = post_json(f"{API}/product/", {"name": "Ice Cream", "price": "123.4"})

    assert response.status_code == 201
    assert response.json()["price"] == "123.40"
    assert Product.objects.get().price == Decimal("123.40")


@pytest.mark.parametrize("price, status", [
    ("0", 422), ("0.00", 422), ("007", 422), ("-5", 422), ("1.234", 422), ("lots", 422), (None, 422),
    (12.5, 422)])
def test_a_product_price_must_be_positive_with_two_decimals(post_json, price, status):
    response = post_json(f"{API}/product/", {"name": "Ice Cream", "price": price})

    assert response.status_code == status
    assert "price" in detail(response)
    assert not Product.objects.exists()


def test_a_product_that_was_ordered_cannot_be_deleted(client, customer, products, post_json):
    post_json(f"{API}/order/", order_body(customer, products[:1]))

    response = client.delete(f"{API}/product/{products[0].id}/")

    assert response.status_code == 409
    assert client.delete(f"{API}/product/{products[1].id}/").status_code == 204


# --- orders -------------------------------------------------------------------------


def order_body(customer, products, subtotal=None):
    body = {"customer": {"id": str(customer.id)}, "products": [{"id": str(p.id)} for p in products]}
    return body if subtotal is None else body | {"subtotal": subtotal}


def test_an_order_gets_the_subtotal_the_server_computes(post_json, client, customer, products):
    response = post_json(f"{API}/order/", order_body(customer, products, "133.35"))

    assert response.status_code == 201
    order = response.json()
    assert order["subtotal"] == "133.35"
    assert order["customer"] == {"id": str(customer.id), "name": "Carl"}
    assert {p["name"] for p in order["products"]} == {"Ice Cream", "Cheese"}
    assert client.get(f"{API}/order/{order['id']}/").json() == order
    assert client.get(f"{API}/order/").json()["items"] == [order]


def test_an_order_without_a_subtotal_is_computed_too(post_json, customer, products):
    response = post_json(f"{API}/order/", order_body(customer, products[:1]))

    assert response.json()["subtotal"] == "123.40"


def test_a_subtotal_that_disagrees_with_the_stored_prices_is_a_409_naming_both_values(
        post_json, customer, products):
    response = post_json(f"{API}/order/", order_body(customer, products, "1"))

    assert response.status_code == 409
    assert "1.00" in detail(response) and "133.35" in detail(response)
    assert not Order.objects.exists()


def test_an_unknown_customer_in_an_order_is_named(post_json, customer, products):
    body = order_body(customer, products) | {"customer": {"id": UNKNOWN}}

    response = post_json(f"{API}/order/", body)

    assert response.status_code == 404
    assert f"customer with id {UNKNOWN}" in detail(response)


def test_unknown_products_in_an_order_are_all_named(post_json, customer, products):
    other = str(uuid.uuid4())
    ids = [UNKNOWN, str(products[0].id), other]
    body = order_body(customer, products) | {"products": [{"id": pk} for pk in ids]}

    response = post_json(f"{API}/order/", body)

    assert response.status_code == 404
    assert UNKNOWN in detail(response) and other in detail(response)
    assert not Order.objects.exists()


def test_a_product_listed_twice_is_a_422_naming_it(post_json, customer, products):
    response = post_json(f"{API}/order/", order_body(customer, [products[0], products[0]]))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "products"
    assert str(products[0].id) in detail(response)


@pytest.mark.parametrize("body", [
    {"customer": {"id": "1"}, "products": []},
    {"customer": "someone", "products": [{"id": UNKNOWN}]},
    {"products": [{"id": UNKNOWN}]},
    {"customer": {"id": UNKNOWN}, "products": "everything"},
    {"customer": {"id": UNKNOWN}, "products": [{"id": UNKNOWN}], "subtotal": "a lot"},
    {"customer": {"id": UNKNOWN}, "products": [{"id": UNKNOWN}], "total": 1},
    [1, 2],
    '"a JSON string"',
])
def test_an_order_body_of_the_wrong_shape_is_a_422_naming_the_field(post_json, body):
    response = post_json(f"{API}/order/", body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"]


@pytest.mark.parametrize("endpoint", ["customer", "product", "order", "account", "transfer"])
@pytest.mark.parametrize("raw", ['{"name": ', "not json at all", b"\xff\xfe", "{'single': 'quotes'}"])
def test_malformed_json_is_a_json_400_on_every_write_endpoint(client, endpoint, raw):
    response = client.post(f"{API}/{endpoint}/", raw, content_type="application/json")

    assert response.status_code == 400
    assert "not valid JSON" in detail(response)


@pytest.mark.parametrize("endpoint", ["customer", "product", "order", "account", "transfer"])
def test_an_empty_body_is_a_422_not_a_500(client, endpoint):
    response = client.post(f"{API}/{endpoint}/", "", content_type="application/json")

    assert response.status_code == 422


# --- accounts and transfers ---------------------------------------------------------


def test_opening_an_account_returns_it_with_its_balance(post_json, client, customer):
    response = post_json(f"{API}/account/", {"customer": str(customer.id), "balance": "250"})

    assert response.status_code == 201
    account = response.json()
    assert account["balance"] == "250.00" and account["customer"] == str(customer.id)
    assert client.get(f"{API}/account/{account['id']}/").json() == account


@pytest.mark.parametrize("body, status, words", [
    ({"customer": UNKNOWN, "balance": "1"}, 404, UNKNOWN),
    ({"customer": "CUSTOMER", "balance": "-1"}, 422, "balance"),
    ({"customer": "CUSTOMER", "balance": True}, 422, "balance"),
    ({"balance": "1"}, 422, "customer"),
])
def test_bad_account_bodies_are_json_errors(post_json, customer, body, status, words):
    body = {k: str(customer.id) if v == "CUSTOMER" else v for k, v in body.items()}

    response = post_json(f"{API}/account/", body)

    assert response.status_code == status
    assert words in detail(response)
    assert not Account.objects.exists()


def test_a_transfer_returns_201_with_both_new_balances(post_json, client, accounts):
    source, destination = accounts

    body = {"from": str(source.id), "to": str(destination.id), "amount": "12.5"}

    response = post_json(f"{API}/transfer/", body)

    assert response.status_code == 201
    body = response.json()
    assert body["from"] == {"id": str(source.id), "balance": "87.50"}
    assert body["to"] == {"id": str(destination.id), "balance": "112.50"}
    assert body["amount"] == "12.50"
    assert client.get(f"{API}/transfer/").json()["items"][0]["id"] == body["id"]
    source.refresh_from_db()
    destination.refresh_from_db()
    assert (source.balance, destination.balance) == (Decimal("87.50"), Decimal("112.50"))


def test_a_transfer_can_empty_an_account_to_exactly_zero(post_json, accounts):
    body = {"from": str(accounts[0].id), "to": str(accounts[1].id), "amount": "100"}

    response = post_json(f"{API}/transfer/", body)

    assert response.json()["from"]["balance"] == "0.00"


def test_an_overdraft_is_a_409_and_moves_nothing(post_json, accounts):
    response = post_json(f"{API}/transfer/", {"from": str(accounts[0].id), "to": str(accounts[1].id),
                                               "amount": "100.01"})

    assert response.status_code == 409
    assert "Insufficient funds" in detail(response)
    assert {a.balance for a in Account.objects.all()} == {Decimal("100.00")}
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("change, status, words", [
    ({"amount": "0"}, 422, "amount"),
    ({"amount": "0.00"}, 422, "0.01"),
    ({"amount": "-3"}, 422, "amount"),
    ({"amount": 3}, 422, "amount"),
    ({"to": "FROM"}, 409, "different accounts"),
    ({"to": UNKNOWN}, 404, UNKNOWN),
    ({"from": UNKNOWN}, 404, UNKNOWN),
    ({"amount": "0.001"}, 422, "amount"),
    ({"amount": [1]}, 422, "amount"),
    ({"from": 7}, 422, "from"),
    ({"source": "FROM"}, 422, "source"),
])
def test_bad_transfers_are_json_errors_that_move_nothing(post_json, accounts, change, status, words):
    body = {"from": str(accounts[0].id), "to": str(accounts[1].id), "amount": "1"} | change
    body = {k: str(accounts[0].id) if v == "FROM" else v for k, v in body.items()}

    response = post_json(f"{API}/transfer/", body)

    assert response.status_code == status
    assert words in detail(response)
    assert not Transfer.objects.exists()


def test_a_missing_transfer_field_is_named(post_json, accounts):
    response = post_json(f"{API}/transfer/", {"from": str(accounts[0].id), "amount": "1"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "to"


def test_an_unknown_account_or_order_is_a_json_404(client):
    for what in ("account", "order", "product"):
        response = client.get(f"{API}/{what}/{UNKNOWN}/")
        assert response.status_code == 404
        assert UNKNOWN in detail(response)


def test_the_openapi_schema_lists_the_bank_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    for path in ("ping/", "customer/", "customer/{id}/", "product/", "order/", "order/{id}/",
                 "account/", "account/{id}/", "transfer/"):
        assert f"{API}/{path}" in paths
