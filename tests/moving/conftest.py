import pytest
from django.core.management import call_command
from django.db.backends.base.base import BaseDatabaseWrapper

from tests.support.trip_files import JC_DECEMBER


@pytest.fixture(autouse=True)
def aliases_made_during_a_test_may_connect(request, monkeypatch, django_db_blocker):
    """Django's test cases refuse connections to aliases that did not exist when the test
    started, and move_app makes its own for the URLs it is given: let those connect."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")
        real = django_db_blocker._real_ensure_connection
        monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", real)


@pytest.fixture
def trips_loaded():
    """The real Jersey City file of December 2018 in the trips app (skipped without ../shared)."""
    if not JC_DECEMBER.is_file():
        pytest.skip(f"the shared Citi Bike files are not there: {JC_DECEMBER}")
    call_command("load_trips", str(JC_DECEMBER), verbosity=0)
