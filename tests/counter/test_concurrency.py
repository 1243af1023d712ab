"""50 threads x 20 clicks, each thread on its own database connection.

Runs on whatever engine the counter app is on: a file SQLite under `make test`,
PostgreSQL under `make test-postgres`.
"""

import pytest
from django.db import connections, router

from counter.models import Counter
from tests.support.threads import run_in_threads

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(databases="__all__", transaction=True)]

THREADS, CLICKS = 50, 20


def _skip_on_fakesnow():
    if connections[router.db_for_write(Counter)].vendor == "snowflake":
        pytest.skip("fakesnow serves one in-process DuckDB, not a concurrent warehouse")


def test_concurrent_clicks_are_never_lost():
    _skip_on_fakesnow()

    def click_many(_):
        return [Counter.objects.click("race") for _ in range(CLICKS)]

    results = run_in_threads(click_many, THREADS)

    assert Counter.objects.get(name="race").value == THREADS * CLICKS
    # Every click saw a distinct value: no two increments read the same row state.
    seen = sorted(v for values in results for v in values)
    assert seen == list(range(1, THREADS * CLICKS + 1))


def test_concurrent_first_clicks_create_the_counter_once():
    _skip_on_fakesnow()

    run_in_threads(lambda _: Counter.objects.click("brand-new"), 20)

    assert Counter.objects.filter(name="brand-new").count() == 1
    assert Counter.objects.get(name="brand-new").value == 20
