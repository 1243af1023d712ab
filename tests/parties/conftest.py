import datetime
import uuid

import pytest
from django.conf import settings
from django.db import router

from common.databases import CASSANDRA_ENGINE
from parties.models import Party
from parties.store import get_store


def parties_on_cassandra() -> bool:
    return settings.DATABASES[router.db_for_write(Party)]["ENGINE"] == CASSANDRA_ENGINE


ON_CASSANDRA = parties_on_cassandra()

needs_cassandra = pytest.mark.skipif(
    not ON_CASSANDRA,
    reason="parties is not on Cassandra: run with --emulated-cassandra, or set "
    "PARTIES_DATABASE_URL=cassandra://... or astra://... to use a real cluster",
)
needs_sql = pytest.mark.skipif(ON_CASSANDRA, reason="parties is on Cassandra here; this is the SQL store")


@pytest.fixture
def store():
    return get_store()


@pytest.fixture
def city():
    """A city no other test (or earlier run on a real cluster) has parties in."""
    return f"Testville {uuid.uuid4().hex[:8]}"


@pytest.fixture
def make_party(store, city):
    def make(name="Garden party", date=datetime.date(2025, 6, 1), people=0, **overrides):
        return store.create(**{"city": city, "name": name, "date": date, "people": people, **overrides})

    return make


@pytest.fixture
def client(api_client):
    """This app's API writes need a user: its tests call as a superuser with a token.
    The access policy's own tests (tests/access) use anonymous clients explicitly."""
    return api_client
