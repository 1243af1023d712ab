import pytest


@pytest.fixture
def client(api_client):
    """Catalog's API writes need a user: its tests call as a superuser with a token.
    The access policy's own tests (tests/access) use anonymous clients explicitly."""
    return api_client
