import json
from decimal import Decimal

import pytest

from bank.models import Account, Customer, Product


@pytest.fixture
def customer():
    return Customer.objects.create(name="Carl")


@pytest.fixture
def products():
    return [Product.objects.create(name="Ice Cream", price=Decimal("123.40")),
            Product.objects.create(name="Cheese", price=Decimal("9.95"))]


@pytest.fixture
def accounts(customer):
    """Two accounts of 100.00 each."""
    return [Account.objects.create(customer=customer, balance=Decimal("100.00")) for _ in range(2)]


@pytest.fixture
def post_json(client):
    def post(url, body):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return client.post(url, data, content_type="application/json")

    return post


@pytest.fixture
def client(api_client):
    """This app's API writes need a user: its tests call as a superuser with a token.
    The access policy's own tests (tests/access) use anonymous clients explicitly."""
    return api_client
