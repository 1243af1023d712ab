"""The bank invariant, in the shape of Jepsen's bank test.

Five accounts of 100, sixteen threads making 200 random transfers of 1 to 20 each through
the service layer, and readers summing every balance while they run. Every read must sum
to 500, no balance may ever be negative, and the ledger must explain every balance.
Runs on the engine the bank is configured with: a file SQLite (IMMEDIATE transactions) or
PostgreSQL at SERIALIZABLE.
"""

import random
import threading
from decimal import Decimal

import pytest
from django.db.models import Q, Sum

from bank import services
from bank.models import Account, Customer, Transfer
from bank.retry import RetriesExhausted
from tests.support.threads import run_in_threads

WRITERS, TRANSFERS, READERS = 16, 200, 2
OPENING, TOTAL = Decimal("100.00"), Decimal("500.00")


def writer(ids, seed):
    rng, outcome = random.Random(seed), {"ok": 0, "refused": 0, "exhausted": 0}
    for _ in range(TRANSFERS):
        source, destination = rng.sample(ids, 2)
        try:
            amount = Decimal(rng.randint(1, 20))
            services.transfer(source_id=source, destination_id=destination, amount=amount)
            outcome["ok"] += 1
        except services.Conflict:
            outcome["refused"] += 1
        except RetriesExhausted:
            outcome["exhausted"] += 1
    return outcome


def reader(ids, writers_done):
    reads = []
    while not writers_done.is_set():
        # One statement, so one consistent snapshot on either engine.
        reads.append(list(Account.objects.filter(pk__in=ids).values_list("balance", flat=True)))
        writers_done.wait(0.002)
    return reads


@pytest.mark.concurrency
@pytest.mark.django_db(databases="__all__", transaction=True)
def test_concurrent_transfers_never_create_or_lose_money_and_the_ledger_explains_every_balance():
    customer = Customer.objects.create(name="Jepsen")
    ids = [Account.objects.create(customer=customer, balance=OPENING).pk for _ in range(5)]
    writers_left = [WRITERS]
    lock, writers_done = threading.Lock(), threading.Event()

    def work(i):
        if i >= WRITERS:
            return reader(ids, writers_done)
        try:
            return writer(ids, seed=i)
        finally:
            with lock:
                writers_left[0] -= 1
                if not writers_left[0]:
                    writers_done.set()

    results = run_in_threads(work, WRITERS + READERS)

    outcomes, reads = results[:WRITERS], [r for rs in results[WRITERS:] for r in rs]
    assert reads, "the readers never ran"
    assert all(len(r) == 5 and sum(r) == TOTAL for r in reads), "a reader saw money created or lost"
    assert all(min(r) >= 0 for r in reads), "a reader saw a negative balance"
    assert sum(o["exhausted"] for o in outcomes) == 0
    committed = sum(o["ok"] for o in outcomes)
    assert committed + sum(o["refused"] for o in outcomes) == WRITERS * TRANSFERS
    assert Transfer.objects.count() == committed
    for account in Account.objects.filter(pk__in=ids):
        moved = Transfer.objects.aggregate(out=Sum("amount", filter=Q(source=account)),
                                           into=Sum("amount", filter=Q(destination=account)))
        assert account.balance == OPENING - (moved["out"] or 0) + (moved["into"] or 0)
        assert account.balance >= 0
    assert Account.objects.aggregate(total=Sum("balance"))["total"] == TOTAL
