"""Which store parties is on in this run, and marks for tests that need one or the other."""

import pytest
from django.conf import settings
from django.db import router

from common.databases import is_cassandra
from parties.models import Party


def parties_on_cassandra() -> bool:
    return is_cassandra(settings.DATABASES[router.db_for_write(Party)])


ON_CASSANDRA = parties_on_cassandra()

needs_cassandra = pytest.mark.skipif(
    not ON_CASSANDRA,
    reason="parties is not on Cassandra: run with --emulated-cassandra, or set "
    "PARTIES_DATABASE_URL=cassandra://... or astra://... to use a real cluster",
)
needs_sql = pytest.mark.skipif(ON_CASSANDRA, reason="parties is on Cassandra here; this is the SQL store")
