"""SQLite writers of one process queue on a Python lock, not in SQLite's sleeping busy handler.

The threads below turn SQLite's own busy timeout off, so any writer that met a locked file
inside SQLite would fail at once with "database is locked": every click landing shows the
writers waited for each other on the lock instead.
"""

import threading

import pytest
from django.db import connections, router, transaction

from config.backends.sqlite3.base import lock_for
from counter.models import Counter
from tests.support.threads import run_in_threads

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(databases="__all__", transaction=True)]

THREADS, CLICKS = 16, 25


def counter_connection():
    connection = connections[router.db_for_write(Counter)]
    if connection.vendor != "sqlite":
        pytest.skip("the counter app is not on SQLite in this run")
    return connection


def test_concurrent_writers_with_no_busy_timeout_all_succeed_queued_on_the_lock():
    counter_connection()
    Counter.objects.create(name="queued")
    connected = threading.Barrier(THREADS)

    def click_many(_):
        connection = counter_connection()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 0")
        connected.wait(timeout=30)
        with transaction.atomic(using=connection.alias):
            Counter.objects.click("queued")  # a write transaction: BEGIN IMMEDIATE ... COMMIT
        return [Counter.objects.click("queued") for _ in range(CLICKS - 1)]  # autocommit writes

    run_in_threads(click_many, THREADS)

    assert Counter.objects.get(name="queued").value == THREADS * CLICKS


def test_a_write_transaction_holds_the_lock_until_it_commits_or_rolls_back():
    connection = counter_connection()
    lock = lock_for(str(connection.settings_dict["NAME"]))

    with transaction.atomic(using=connection.alias):
        Counter.objects.create(name="held")
        assert lock.locked()
    assert not lock.locked()

    with pytest.raises(ZeroDivisionError), transaction.atomic(using=connection.alias):
        Counter.objects.create(name="rolled-back")
        1 / 0  # noqa: B018 - fails the transaction
    assert not lock.locked()
    assert not Counter.objects.filter(name="rolled-back").exists()
