"""A kept PostgreSQL connection skips Django's `SELECT 1` only while its socket is quiet; one the
server has ended is still checked and replaced, so the request's own query succeeds.

Runs under `make test-postgres`; elsewhere each test skips.
"""

import time

import psycopg2
import pytest
from django.core.signals import request_started
from django.db import connections

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kept():
    """The default connection, kept between requests with health checks on, as under gunicorn,
    with the `SELECT 1` checks Django runs on it counted."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: make test-postgres")
    saved = {key: connection.settings_dict[key] for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    connection.close()
    connection.settings_dict.update(CONN_MAX_AGE=None, CONN_HEALTH_CHECKS=True)
    connection.ensure_connection()
    connection.select_1_checks = checks = []
    connection.is_usable = lambda: checks.append(1) or type(connection).is_usable(connection)
    yield connection
    del connection.is_usable, connection.select_1_checks
    connection.close()
    connection.settings_dict.update(saved)


def _next_request_query(connection):
    request_started.send(sender=None)  # Django resets the check of every kept connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_kept_connection_with_nothing_to_read_is_not_asked_select_1(kept):
    first = _next_request_query(kept)
    second = _next_request_query(kept)

    assert first == second
    assert kept.select_1_checks == []


def test_a_connection_the_server_ended_is_checked_and_replaced_before_the_requests_query(kept):
    ended = kept.connection.get_backend_pid()
    _terminate(kept.settings_dict, ended)

    serving = _next_request_query(kept)

    assert kept.select_1_checks == [1]
    assert serving != ended


def _terminate(settings_dict, pid):
    admin = psycopg2.connect(dbname="postgres", user=settings_dict["USER"],
                             password=settings_dict["PASSWORD"], host=settings_dict["HOST"],
                             port=settings_dict["PORT"] or 5432)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # the backend is gone once it leaves pg_stat_activity
                cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone() is None:
                    return
                time.sleep(0.02)
    finally:
        admin.close()
