"""bank.0003_money_in_cents on existing rows: exact conversions, and loud refusals.

Rows are written through the models as they were before the migration, so each engine
stores them its own way (SQLite a REAL for a DECIMAL with a fraction, PostgreSQL numeric).
"""

from decimal import Decimal

import pytest
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from bank.retry import bank_alias

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

BEFORE = ("bank", "0002_list_order_indexes")
AFTER = ("bank", "0003_money_in_cents")
TABLES = ["bank_transfer", "bank_orderitem", "bank_order", "bank_account", "bank_product", "bank_customer"]


def migrate(connection, target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def old_models():
    """The bank's models as they were before the migration; the latest schema afterwards."""
    connection = connections[bank_alias()]
    yield migrate(connection, BEFORE)
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")
    MigrationExecutor(connection).migrate(
        [key for key in MigrationExecutor(connection).loader.graph.leaf_nodes() if key[0] == "bank"])


def add_rows(apps, prices, balance=Decimal("250.10")):
    customer = apps.get_model("bank", "Customer").objects.create(name="Carl")
    Product = apps.get_model("bank", "Product")
    products = [Product.objects.create(name=f"p{n}", price=price) for n, price in enumerate(prices)]
    Account = apps.get_model("bank", "Account")
    source = Account.objects.create(customer=customer, balance=balance)
    destination = Account.objects.create(customer=customer, balance=Decimal("0.29"))
    apps.get_model("bank", "Transfer").objects.create(source=source, destination=destination,
                                                      amount=Decimal("12345678901.23"))
    apps.get_model("bank", "Order").objects.create(customer=customer, subtotal=Decimal("999999999999.99"))
    return products


def cents(table, column):
    with connections[bank_alias()].cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY {column}")
        return [row[0] for row in cursor.fetchall()]


def test_existing_amounts_become_exact_cents_and_convert_back(old_models):
    add_rows(old_models, [Decimal("0.01"), Decimal("123.40"), Decimal("999999999999.99")])

    migrate(connections[bank_alias()], AFTER)

    assert cents("bank_product", "price_cents") == [1, 12340, 99999999999999]
    assert cents("bank_account", "balance_cents") == [29, 25010]
    assert cents("bank_transfer", "amount_cents") == [1234567890123]
    assert cents("bank_order", "subtotal_cents") == [99999999999999]

    back = migrate(connections[bank_alias()], BEFORE)

    prices = sorted(back.get_model("bank", "Product").objects.values_list("price", flat=True))
    assert prices == [Decimal("0.01"), Decimal("123.40"), Decimal("999999999999.99")]


def test_amounts_that_cannot_be_exact_stop_the_migration_which_names_them_and_changes_nothing(old_models):
    prices = [Decimal("1.00"), Decimal("1000000000000.00"), Decimal("9999999999999999.99")]
    products = add_rows(old_models, prices)

    with pytest.raises(CommandError) as refused:
        migrate(connections[bank_alias()], AFTER)

    message = str(refused.value)
    assert "2 amount(s) cannot be stored exactly" in message and "nothing was changed" in message
    assert products[1].pk.hex in message.replace("-", "") and products[2].pk.hex in message.replace("-", "")
    assert products[0].pk.hex not in message.replace("-", "")
    assert "999,999,999,999.99" in message
    Product = old_models.get_model("bank", "Product")
    assert Product.objects.get(pk=products[0].pk).price == Decimal("1.00")
    assert Product.objects.filter(price__gt=Decimal("999999999999.99")).count() == 2
    executor = MigrationExecutor(connections[bank_alias()])
    assert AFTER not in executor.loader.applied_migrations


def test_a_sqlite_real_with_more_than_two_decimals_is_named_not_rounded(old_models):
    if connections[bank_alias()].vendor != "sqlite":
        pytest.skip("only SQLite stores a DECIMAL column's value as a REAL")
    add_rows(old_models, [Decimal("1.00")])
    with connections[bank_alias()].cursor() as cursor:
        cursor.execute("UPDATE bank_account SET balance = 0.1 + 0.2 WHERE balance > 1")

    with pytest.raises(CommandError, match=r"balance 0\.30000000000000004 \(.*more than two decimals"):
        migrate(connections[bank_alias()], AFTER)
