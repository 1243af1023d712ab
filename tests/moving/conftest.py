import pytest
from django.db.backends.base.base import BaseDatabaseWrapper


@pytest.fixture(autouse=True)
def aliases_made_during_a_test_may_connect(request, monkeypatch, django_db_blocker):
    """Django's test cases refuse connections to aliases that did not exist when the test
    started, and move_app makes its own for the URLs it is given: let those connect."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")
        real = django_db_blocker._real_ensure_connection
        monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", real)
