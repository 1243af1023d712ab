import datetime
import uuid

import pytest

from parties.store import get_store


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
