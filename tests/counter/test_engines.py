import pytest
from django.db import connections, router

from counter.models import Counter

pytestmark = [pytest.mark.snowflake, pytest.mark.django_db(databases="__all__")]


def test_under_fakesnow_clicks_land_in_the_snowflake_table():
    """Runs under `--fakesnow counter`: the real connector and django-snowflake, fakesnow behind."""
    alias = router.db_for_write(Counter)
    if connections[alias].vendor != "snowflake":
        pytest.skip("the counter app is not on Snowflake in this run (use --fakesnow counter)")

    Counter.objects.click("on-snowflake")
    Counter.objects.click("on-snowflake")

    with connections[alias].cursor() as cursor:
        cursor.execute('SELECT "VALUE" FROM "COUNTER_COUNTER" WHERE "NAME" = %s', ["on-snowflake"])
        assert cursor.fetchone() == (2,)
