"""Transfers wait only for transfers that share an account (PostgreSQL), and never fail for it."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, connections

from bank import locks, services
from bank.models import Account, Customer, Transfer
from bank.retry import bank_alias
from config.databases import build_databases
from tests.support.threads import run_in_threads

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def on_postgresql():
    connection = connections[bank_alias()]
    if locks.strategy(connection) == "rows":
        pytest.skip("needs PostgreSQL (CockroachDB and SQLite lock rows)")
    return connection


def advisory_locks_held(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def four_accounts():
    customer = Customer.objects.create(name="Carl")
    return [Account.objects.create(customer=customer, balance=Decimal("100.00")).pk for _ in range(4)]


def test_a_pooled_postgresql_url_falls_back_to_the_table_fence():
    from django.db.backends.postgresql.base import DatabaseWrapper

    url = "postgres://u:p@ep-cool-1234-pooler.eu-central-1.aws.neon.tech/bank"
    settings_dict = build_databases({"BANK_DATABASE_URL": url})["bank"]
    connection = DatabaseWrapper({**settings_dict, "TIME_ZONE": None}, alias="bank")

    # Behind a transaction-mode pooler, a session lock could stay on another client's session.
    assert locks.strategy(connection) == "table"


def test_different_accounts_get_different_lock_keys():
    assert len({locks.lock_key(pk) for pk in [Account().pk for _ in range(1000)]}) == 1000


def test_a_transfer_waits_only_for_one_sharing_an_account(four_accounts):
    on_postgresql()
    a, b, c, d = four_accounts
    held, c_to_d, release, seen = threading.Event(), threading.Event(), threading.Event(), {}

    def work(i):
        if i == 0:  # holds a and b as a transfer between them would
            with locks.holding_accounts(connections[bank_alias()], [a, b]):
                held.set()
                assert release.wait(timeout=60)
            return
        assert held.wait(timeout=60)
        if i == 1:  # shares nothing with a and b: goes through while they are held
            services.transfer(source_id=c, destination_id=d, amount=Decimal("1.00"))
            c_to_d.set()
            time.sleep(1)
            seen["waiting while held"] = "a to c" not in seen
            release.set()
        else:
            # Started once c to d is done: a to c holds c while it waits for a (the locks are
            # taken in order), so started together, c to d could wait behind it.
            assert c_to_d.wait(timeout=60)
            services.transfer(source_id=a, destination_id=c, amount=Decimal("1.00"))
            seen["a to c"] = release.is_set()

    run_in_threads(work, 3)

    assert seen == {"waiting while held": True, "a to c": True}
    assert Transfer.objects.count() == 2


def test_the_table_fence_still_moves_money_when_chosen(four_accounts, settings):
    on_postgresql()
    settings.BANK_TRANSFER_LOCKING = "table"

    def transfers(i):
        for n in range(10):
            services.transfer(source_id=four_accounts[(i + n) % 4],
                              destination_id=four_accounts[(i + n + 1) % 4], amount=Decimal("1.00"))

    run_in_threads(transfers, 4)

    assert sum(Account.objects.values_list("balance", flat=True)) == Decimal("400.00")
    assert Transfer.objects.count() == 40


def test_no_session_lock_outlives_a_transfer_even_a_refused_one(four_accounts):
    connection = on_postgresql()
    a, b = four_accounts[:2]

    with pytest.raises(services.Conflict):
        services.transfer(source_id=a, destination_id=b, amount=Decimal("100.01"))
    services.transfer(source_id=a, destination_id=b, amount=Decimal("1.00"))

    assert advisory_locks_held(connection) == 0


def test_a_transfer_the_database_refuses_rolls_back_its_hand_run_transaction(four_accounts, monkeypatch):
    connection = on_postgresql()
    a, b = four_accounts[:2]
    Account.objects.filter(pk=b).update(balance=Decimal("999999999999.99"))
    monkeypatch.setattr(services, "_within_max", lambda total, what: total)  # so the check constraint refuses

    with pytest.raises(IntegrityError):
        services.transfer(source_id=a, destination_id=b, amount=Decimal("1.00"))

    from psycopg2.extensions import TRANSACTION_STATUS_IDLE

    assert connection.connection.info.transaction_status == TRANSACTION_STATUS_IDLE
    assert not Transfer.objects.exists()
    assert Account.objects.get(pk=a).balance == Decimal("100.00")
    assert advisory_locks_held(connection) == 0
