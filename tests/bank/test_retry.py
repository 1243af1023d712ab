"""The retry helper: injected 40001 failures, and a real one on PostgreSQL at SERIALIZABLE."""

import logging
import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, OperationalError, connections

from bank import retry, services
from bank.models import Account, Transfer
from tests.support.bank import bank_vendor
from tests.support.threads import run_in_threads

# Not nested in a test transaction: the helper only retries the transaction it owns.
pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


class DriverError(Exception):
    """Stands in for the driver's exception, which carries the SQLSTATE as psycopg2 does."""

    def __init__(self, pgcode):
        super().__init__(f"SQLSTATE {pgcode}")
        self.pgcode = pgcode


def serialization_failure():
    error = OperationalError("could not serialize access due to concurrent update")
    error.__cause__ = DriverError("40001")
    return error


class Flaky:
    """Fails with `error()` the first `failures` times, then succeeds."""

    def __init__(self, failures, error=serialization_failure):
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self):
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error()
        return "done"


@pytest.fixture
def delays():
    return []


@pytest.fixture
def fast(settings, delays):
    settings.BANK_RETRY_ATTEMPTS = 5
    settings.BANK_RETRY_BASE_DELAY = 0.1
    settings.BANK_RETRY_MAX_DELAY = 0.25
    return delays.append  # a sleep that records instead of sleeping


def test_a_serialization_failure_is_retried_until_it_succeeds(fast, delays, caplog):
    work = Flaky(failures=3)

    with caplog.at_level(logging.WARNING, logger="bank.retry"):
        assert retry.run_in_transaction(work, sleep=fast) == "done"

    assert work.calls == 4
    assert len(delays) == 3
    assert [r.message.split(";")[0][-14:] for r in caplog.records] == [
        f"attempt {n} of 5" for n in (1, 2, 3)]


def test_backoff_is_full_jitter_doubling_up_to_the_cap(fast, delays, monkeypatch):
    monkeypatch.setattr("bank.retry.random.random", lambda: 1.0)  # the top of each jitter range

    with pytest.raises(retry.RetriesExhausted):
        retry.run_in_transaction(Flaky(failures=99), sleep=fast)

    assert delays == [0.1, 0.2, 0.25, 0.25]


def test_jitter_stays_between_zero_and_the_bound():
    for attempt in range(1, 20):
        assert 0 <= retry.backoff_delay(attempt, base=0.005, cap=0.5) <= min(0.5, 0.005 * 2 ** (attempt - 1))
    assert retry.backoff_delay(3, base=0.1, cap=1, rand=lambda: 0.0) == 0


def test_attempts_are_bounded_and_exhaustion_says_so(fast, delays):
    work = Flaky(failures=99)

    with pytest.raises(retry.RetriesExhausted) as raised:
        retry.run_in_transaction(work, sleep=fast)

    assert work.calls == 5
    assert raised.value.attempts == 5 and raised.value.retry_after >= 1
    assert retry.is_serialization_failure(raised.value.__cause__)


@pytest.mark.parametrize("error", [
    lambda: IntegrityError("duplicate key"),
    lambda: _with_cause(DatabaseError("deadlock detected"), DriverError("40P01")),
    lambda: ValueError("a bug"),
])
def test_other_errors_are_not_retried(fast, delays, error):
    work = Flaky(failures=1, error=error)

    with pytest.raises(Exception) as raised:
        retry.run_in_transaction(work, sleep=fast)

    assert work.calls == 1 and delays == []
    assert not isinstance(raised.value, retry.RetriesExhausted)


def _with_cause(error, cause):
    error.__cause__ = cause
    return error


def test_a_40001_is_found_anywhere_in_the_cause_or_context_chain():
    def raised_while_handling():
        try:
            raise DriverError("40001")
        except DriverError:
            raise DatabaseError("raised while handling it, without `from`")  # noqa: B904

    with pytest.raises(DatabaseError) as raised:
        raised_while_handling()

    deep = RuntimeError("outer")
    deep.__cause__ = ValueError("middle")
    deep.__cause__.__context__ = DriverError("40001")
    assert retry.is_serialization_failure(raised.value)
    assert retry.is_serialization_failure(deep)
    assert not retry.is_serialization_failure(_with_cause(DatabaseError("x"), DriverError("23505")))
    assert not retry.is_serialization_failure(None)


def test_each_attempt_is_its_own_transaction_so_a_failed_one_leaves_nothing(fast, accounts):
    account = accounts[0]
    calls = Counter()

    def deposit():
        calls["n"] += 1
        Account.objects.filter(pk=account.pk).update(balance=Decimal("999.00"))
        if calls["n"] < 3:
            raise serialization_failure()

    retry.run_in_transaction(deposit, sleep=fast)

    account.refresh_from_db()
    assert calls["n"] == 3 and account.balance == Decimal("999.00")


def test_inside_an_outer_transaction_it_runs_once_and_leaves_the_retry_to_the_owner(fast, delays):
    from django.db import transaction

    work = Flaky(failures=1)
    with pytest.raises(OperationalError), transaction.atomic(using=retry.bank_alias()):
        retry.run_in_transaction(work, sleep=fast)

    assert work.calls == 1 and delays == []


def test_exhausted_retries_over_http_are_a_503_with_retry_after(client, settings, accounts, monkeypatch):
    settings.BANK_RETRY_ATTEMPTS = 3
    settings.BANK_RETRY_BASE_DELAY = settings.BANK_RETRY_MAX_DELAY = 0.001
    # Every attempt, by either path, fails as a real serialization failure would.
    failing = Flaky(failures=99)
    monkeypatch.setattr(services, "_new_balances", lambda *args: failing())
    body = {"from": str(accounts[0].id), "to": str(accounts[1].id), "amount": "1"}

    response = client.post("/api/bank/transfer/", body, content_type="application/json")

    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert "3 times" in response.json()["detail"]
    assert failing.calls == 3
    assert not Transfer.objects.exists()


@pytest.mark.postgres
def test_two_conflicting_transactions_meet_a_real_40001_and_the_retry_brings_both_through(accounts, caplog):
    if bank_vendor() != "postgresql":
        pytest.skip("needs PostgreSQL at SERIALIZABLE (SQLite runs one writer at a time)")
    account = accounts[0]
    both_have_read = threading.Barrier(2)
    attempts = Counter()

    def add_one(i):
        def read_then_write():
            attempts[i] += 1
            balance = Account.objects.get(pk=account.pk).balance  # the snapshot starts here
            if attempts[i] == 1:
                both_have_read.wait(timeout=10)
            Account.objects.filter(pk=account.pk).update(balance=balance + 1)

        retry.run_in_transaction(read_then_write)

    with caplog.at_level(logging.WARNING, logger="bank.retry"):
        run_in_threads(add_one, 2)

    account.refresh_from_db()
    # Read-modify-write at READ COMMITTED would lose one of the two increments.
    assert account.balance == Decimal("102.00")
    assert sorted(attempts.values()) == [1, 2]
    assert any("40001" in r.message for r in caplog.records)
    assert connections[retry.bank_alias()].vendor == "postgresql"


def killed_at_commit(connection):
    """End `connection`'s server session from another connection, and wait until it is gone:
    the next statement sent on it (here the COMMIT) finds the connection lost."""
    pid = connection.connection.get_backend_pid()
    other = connections.create_connection(retry.bank_alias())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    finally:
        other.close()


def transfer_lost_at_commit(post_json, accounts):
    source, destination = accounts
    body = {"from": str(source.id), "to": str(destination.id), "amount": "10.00"}
    response = post_json("/api/bank/transfer/", body)
    connections[retry.bank_alias()].close()  # the test's own, which the server ended
    return response


def assert_outcome_unknown_and_nothing_moved(response, accounts):
    assert response.status_code == 503
    assert "may or may not have been applied" in response.json()["detail"]
    assert "Retry-After" not in response  # sending it again blindly could move the money twice
    assert not Transfer.objects.exists()  # here the server ended before the COMMIT arrived
    assert [a.balance for a in Account.objects.order_by("pk")] == [Decimal("100.00")] * 2


@pytest.mark.postgres
def test_a_connection_lost_at_commit_is_a_503_saying_the_transfer_may_have_been_applied(
        accounts, post_json, monkeypatch, settings):
    if bank_vendor() != "postgresql":
        pytest.skip("needs PostgreSQL (a server session another connection can end)")
    settings.BANK_TRANSFER_LOCKING = "table"  # Django's atomic() commits: bank.retry's path
    transfer = services._transfer

    def then_lost(*args):
        result = transfer(*args)
        killed_at_commit(connections[retry.bank_alias()])
        return result

    monkeypatch.setattr(services, "_transfer", then_lost)

    assert_outcome_unknown_and_nothing_moved(transfer_lost_at_commit(post_json, accounts), accounts)


@pytest.mark.postgres
def test_a_connection_lost_at_the_hand_sent_commit_is_the_same_503(accounts, post_json, monkeypatch):
    if bank_vendor() != "postgresql":
        pytest.skip("needs PostgreSQL (a server session another connection can end)")
    from bank import locks

    to_balances = locks.to_balances

    def then_lost(rows):  # read in the first round trip; the UPDATE and COMMIT go in the next
        killed_at_commit(connections[retry.bank_alias()])
        return to_balances(rows)

    monkeypatch.setattr(locks, "to_balances", then_lost)

    assert_outcome_unknown_and_nothing_moved(transfer_lost_at_commit(post_json, accounts), accounts)
