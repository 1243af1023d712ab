from decimal import Decimal

import pytest
from django.db import IntegrityError, connections, transaction

from bank.models import Account, Customer, Product, Transfer
from bank.retry import bank_alias

pytestmark = pytest.mark.django_db(databases="__all__")


def refused(update):
    with pytest.raises(IntegrityError), transaction.atomic(using=bank_alias()):
        update()


def test_the_database_itself_refuses_a_negative_balance(accounts):
    refused(lambda: Account.objects.filter(pk=accounts[0].pk).update(balance=Decimal("-0.01")))

    accounts[0].refresh_from_db()
    assert accounts[0].balance == Decimal("100.00")


def test_the_database_refuses_a_free_product_and_a_transfer_to_itself(accounts):
    refused(lambda: Product.objects.create(name="Free", price=0))
    refused(lambda: Transfer.objects.create(source=accounts[0], destination=accounts[0], amount=1))
    refused(lambda: Transfer.objects.create(source=accounts[0], destination=accounts[1], amount=0))


def test_primary_keys_are_uuids(accounts):
    assert len(str(accounts[0].pk)) == 36


@pytest.mark.parametrize(("model", "columns"), [
    (Customer, ["name", "id"]), (Product, ["name", "id"]), (Account, ["created_at", "id"]),
])
def test_each_paginated_list_order_has_an_index_in_the_database(model, columns):
    connection = connections[bank_alias()]
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)

    assert any(c["index"] and c["columns"] == columns for c in constraints.values())
