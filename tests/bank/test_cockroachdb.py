"""The bank on CockroachDB itself.

No CockroachDB server can run on the development machine, so the tests that need one run
only when BANK_DATABASE_URL points at a cluster (cockroachdb://...), and are skipped with
that reason otherwise. What can be checked without a server is checked always.
"""

import contextlib
import os
from decimal import Decimal

import pytest
from django.db import connections

from bank import services
from bank.locks import strategy
from bank.models import Account, Customer, Transfer
from bank.retry import bank_alias
from config.databases import build_databases
from tests.support.threads import run_in_threads

ON_COCKROACH = os.environ.get("BANK_DATABASE_URL", "").startswith(("cockroachdb://", "cockroach://"))
SKIP_REASON = ("needs a CockroachDB cluster: set BANK_DATABASE_URL=cockroachdb://... "
               "(no CockroachDB server can run on this machine)")


def test_a_cockroachdb_url_runs_the_bank_on_django_cockroachdb_with_row_locks_only():
    from django_cockroachdb.base import DatabaseWrapper

    settings_dict = build_databases({"BANK_DATABASE_URL": "cockroachdb://root@localhost/bank"})["bank"]
    connection = DatabaseWrapper({**settings_dict, "TIME_ZONE": None}, alias="bank")

    assert settings_dict["ENGINE"] == "django_cockroachdb" and settings_dict["PORT"] == 26257
    # CockroachDB has no LOCK TABLE; its SELECT FOR UPDATE waits and then refreshes the
    # transaction's read timestamp instead of failing as PostgreSQL does.
    assert strategy(connection) == "rows"


@pytest.mark.cockroachdb
@pytest.mark.skipif(not ON_COCKROACH, reason=SKIP_REASON)
@pytest.mark.django_db(databases="__all__", transaction=True)
class TestOnACockroachDBCluster:
    def test_ping_names_cockroachdb(self, client):
        assert connections[bank_alias()].settings_dict["ENGINE"] == "django_cockroachdb"
        assert client.get("/api/bank/ping/").json() == {"status": "ok", "engine": "CockroachDB"}

    def test_the_tutorial_flow_works_with_uuid_keys(self, client):
        def post(path, body):
            return client.post(f"/api/bank/{path}", body, content_type="application/json")

        customer = post("customer/", {"name": "Carl"}).json()
        product = post("product/", {"name": "Ice Cream", "price": "123.40"}).json()
        body = {"customer": {"id": customer["id"]}, "products": [{"id": product["id"]}], "subtotal": "123.40"}

        order = post("order/", body)

        assert order.status_code == 201
        assert client.get(f"/api/bank/order/{order.json()['id']}/").json()["subtotal"] == "123.40"

    def test_the_balance_check_constraint_refuses_an_overdraft_in_the_database(self):
        from django.db import IntegrityError, transaction

        account = Account.objects.create(customer=Customer.objects.create(name="C"), balance=Decimal(1))
        with pytest.raises(IntegrityError), transaction.atomic(using=bank_alias()):
            Account.objects.filter(pk=account.pk).update(balance=Decimal(-1))

    def test_concurrent_transfers_keep_the_total(self):
        customer = Customer.objects.create(name="Jepsen")
        ids = [Account.objects.create(customer=customer, balance=Decimal(100)).pk for _ in range(5)]

        def transfers(i):
            for n in range(25):
                with contextlib.suppress(services.Conflict):
                    services.transfer(source_id=ids[(i + n) % 5], destination_id=ids[(i + n + 1) % 5],
                                      amount=Decimal(1 + n % 20))

        run_in_threads(transfers, 8)

        balances = list(Account.objects.filter(pk__in=ids).values_list("balance", flat=True))
        assert sum(balances) == Decimal(500) and min(balances) >= 0
        assert Transfer.objects.count() > 0
