"""A click is one statement, one round trip: `UPDATE ... RETURNING` where the engine has it."""

import pytest
from django.db import connections, router
from django.test.utils import CaptureQueriesContext

from counter.models import RETURNING_VENDORS, Counter

pytestmark = pytest.mark.django_db(databases="__all__")


def test_a_click_on_an_existing_counter_is_one_update_returning_the_new_value():
    connection = connections[router.db_for_write(Counter)]
    if connection.vendor not in RETURNING_VENDORS:
        pytest.skip(f"{connection.vendor} has no UPDATE ... RETURNING; the click reads back instead")
    Counter.objects.create(name="once", value=41)

    with CaptureQueriesContext(connection) as queries:
        value = Counter.objects.click("once")

    assert value == 42
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert sql.startswith("UPDATE") and "RETURNING" in sql


def test_the_first_click_creates_the_counter_at_one():
    assert Counter.objects.click("fresh") == 1
    assert Counter.objects.click("fresh") == 2
    assert Counter.objects.get(name="fresh").value == 2
