"""config.dberrors on real errors from the real engines: only a transient one is a 503.

The SQL runs on the bank's alias, so this runs on SQLite by default and on PostgreSQL
under `make test-postgres`; each case says which engine it needs.
"""

import contextlib
import threading
from decimal import Decimal

import pytest
from django.db import DatabaseError, connections, transaction
from django.test import RequestFactory

from bank import services
from bank.models import Account, Customer
from bank.retry import bank_alias
from config.api import database_error
from config.dberrors import classify, kind
from config.middleware import DatabaseUnavailableMiddleware
from tests.support.threads import run_in_threads

pytestmark = pytest.mark.django_db(databases="__all__")

BOTH = {
    "conflict: a check constraint": "UPDATE bank_account SET balance_cents = -1",
    "conflict: a duplicate primary key":
        "INSERT INTO bank_customer (id, name) SELECT id, name FROM bank_customer",
    "conflict: a NULL where none may be": "UPDATE bank_customer SET name = NULL",
    "server: a table that does not exist": "SELECT * FROM bank_no_such_table",
    "server: SQL that does not parse": "SELEKT 1",
}
POSTGRES = {
    "invalid: a number out of range": "SELECT CAST(99999 AS smallint)",
    "invalid: a numeric overflow": "SELECT CAST(12345678901234567.89 AS numeric(18, 2))",
    "invalid: a value too long": "UPDATE bank_customer SET name = repeat('x', 300)",
    "invalid: text that is no number": "SELECT CAST('lots' AS integer)",
}
SQLITE = {
    "invalid: an integer overflow": "SELECT SUM(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1)",
}


@pytest.fixture
def accounts():
    customer = Customer.objects.create(name="Carl")
    return [Account.objects.create(customer=customer, balance=Decimal("100.00")) for _ in range(2)]


def vendor():
    return connections[bank_alias()].vendor


def raised(sql, connection=None) -> DatabaseError:
    """The error `sql` raises: in a transaction on the bank alias, or in autocommit on
    `connection` (atomic() by alias would open the transaction on the alias' own connection,
    which waits its full 30 s busy timeout where `connection` was given a short one)."""
    if connection is None:
        connection, context = connections[bank_alias()], transaction.atomic(using=bank_alias())
    else:
        context = contextlib.nullcontext()
    with pytest.raises(DatabaseError) as caught, context, connection.cursor() as cursor:
        cursor.execute(sql)
    return caught.value


CASES = [(what, sql, None) for what, sql in BOTH.items()] + \
    [(what, sql, "postgresql") for what, sql in POSTGRES.items()] + \
    [(what, sql, "sqlite") for what, sql in SQLITE.items()]


@pytest.mark.parametrize("what, sql, engine", CASES, ids=[case[0] for case in CASES])
def test_each_real_error_is_classified_by_what_a_retry_can_do(accounts, what, sql, engine):
    if engine and vendor() != engine:
        pytest.skip(f"{what} is a case for {engine}")
    expected = what.split(":")[0]

    error = classify(raised(sql))

    assert error.kind == expected
    assert error.status == {"conflict": 409, "invalid": 422, "server": 500}[expected]
    assert error.retry_after is None and "try again" not in error.detail.lower()


def test_a_refused_connection_is_a_503_with_retry_after():
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings_dict = {**connections["default"].settings_dict, "ENGINE": "django.db.backends.postgresql",
                     "HOST": "127.0.0.1", "PORT": 1, "NAME": "nothing", "OPTIONS": {"connect_timeout": 2}}
    unreachable = DatabaseWrapper(settings_dict, alias="unreachable")

    with pytest.raises(DatabaseError) as caught:
        unreachable.ensure_connection()

    error = classify(caught.value)
    assert (error.kind, error.status) == ("retry", 503) and error.retry_after >= 1


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_sqlite_database_is_locked_is_a_503(accounts):
    if vendor() != "sqlite":
        pytest.skip("SQLite's lock")
    settings_dict = connections[bank_alias()].settings_dict
    wrapper = type(connections[bank_alias()])
    holder = wrapper({**settings_dict}, alias=bank_alias())
    waiter = wrapper({**settings_dict, "OPTIONS": {**settings_dict["OPTIONS"], "timeout": 0.05}},
                     alias=bank_alias())
    try:
        holder.ensure_connection()
        holder.connection.execute("BEGIN IMMEDIATE")
        error = raised("UPDATE bank_account SET balance_cents = 1", connection=waiter)
    finally:
        holder.close()
        waiter.close()

    assert "locked" in str(error) and kind(error) == "retry"


@pytest.mark.postgres
@pytest.mark.django_db(databases="__all__", transaction=True)
def test_postgresql_deadlock_and_a_killed_connection_are_503s(accounts):
    if vendor() != "postgresql":
        pytest.skip("needs PostgreSQL")
    both_locked, errors = threading.Barrier(2), []

    def lock_both(i):
        first, second = (accounts[0], accounts[1]) if i == 0 else (accounts[1], accounts[0])
        try:
            with transaction.atomic(using=bank_alias()):
                Account.objects.select_for_update().get(pk=first.pk)
                both_locked.wait(timeout=10)
                Account.objects.select_for_update().get(pk=second.pk)
        except DatabaseError as exc:
            errors.append(exc)

    run_in_threads(lock_both, 2)
    victim = connections.create_connection(bank_alias())
    try:
        killed = raised("SELECT pg_terminate_backend(pg_backend_pid())", connection=victim)
    finally:
        victim.close()

    assert len(errors) == 1 and "deadlock" in str(errors[0])
    assert kind(errors[0]) == "retry" and kind(killed) == "retry"
    # A deadlock rolled its transaction back; a lost connection may have taken a write with it.
    assert "nothing was changed" in classify(errors[0]).detail
    assert "nothing was changed" not in classify(killed).detail


def test_the_api_answers_a_broken_constraint_with_409_never_503(api_client, accounts, monkeypatch):
    # Let a transfer past the service's own check, so the database's check refuses it.
    Account.objects.filter(pk=accounts[1].pk).update(balance=Decimal("999999999999.99"))
    monkeypatch.setattr(services, "_within_max", lambda total, what: total)

    body = {"from": str(accounts[0].id), "to": str(accounts[1].id), "amount": "1.00"}

    response = api_client.post("/api/bank/transfer/", body, content_type="application/json")

    assert response.status_code == 409
    assert "Retry-After" not in response
    assert "refused" in response.json()["detail"]


def test_the_api_and_the_pages_answer_each_kind_with_its_status(accounts):
    request = RequestFactory().get("/bank/")
    middleware = DatabaseUnavailableMiddleware(lambda r: None)
    for sql, status in [("UPDATE bank_account SET balance_cents = -1", 409),
                        ("SELECT * FROM bank_no_such_table", 500)]:
        exc = raised(sql)
        api_response = database_error(request, exc)
        page = middleware.process_exception(request, exc)
        assert (api_response.status_code, page.status_code) == (status, status)
        assert "Retry-After" not in api_response and "Retry-After" not in page
