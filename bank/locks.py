"""Which transfers wait for which: on PostgreSQL, only those that share an account.

The bank runs at SERIALIZABLE on PostgreSQL, as CockroachDB always does, and that alone
keeps the money right. Locks are only there so that transfers do not fail: PostgreSQL fixes
a SERIALIZABLE transaction's snapshot at its first query, so a transfer that waits inside
its transaction for another one on the same account (a row lock, `pg_advisory_xact_lock`)
then finds the row changed after its snapshot and aborts with 40001, whatever the lock
order. With five hot accounts ~3 % of transfers ran out of their 8 attempts that way.

So on PostgreSQL a transfer waits *before* its transaction starts ("accounts", the
default): in autocommit it takes session-level advisory locks on its two accounts, in one
statement, in a fixed order (so two transfers never wait on each other in a cycle); then
it runs its transaction, whose snapshot now starts after the previous transfer on those
accounts committed. Transfers sharing no account never wait for each other. A lock key is
the account's UUID folded to 64 bits; two accounts that share a key only wait for each
other needlessly, never wrongly.

While a transfer holds its locks, the others on its accounts wait, so it holds them for as
few round trips as the table fence did: the transaction is sent by hand, `BEGIN ISOLATION
LEVEL SERIALIZABLE` with the SELECT in one round trip, then the UPDATE, the ledger INSERT,
COMMIT and the unlock in another (`run_by_hand`). Anything that goes wrong before COMMIT
is rolled back; a 40001 is retried under the same locks.

"table" is the older fence, `LOCK TABLE bank_account IN SHARE ROW EXCLUSIVE MODE` inside the
transaction (LOCK takes no snapshot): every transfer waits for every other. It is used
where session locks cannot work, behind a transaction-mode pooler such as PgBouncer or
Neon's `-pooler` host (DISABLE_SERVER_SIDE_CURSORS is set for those), and can be chosen with
the setting BANK_TRANSFER_LOCKING = "table" (bench/bank_transfers.py --locking table).

"rows" elsewhere: CockroachDB's SELECT ... FOR UPDATE waits and refreshes instead of
failing, and SQLite runs one writer at a time.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, InterfaceError

from bank.models import Account
from bank.money import from_cents
from bank.retry import outcome_unknown
from common import sqlstate


def is_cockroachdb(connection) -> bool:
    return connection.settings_dict["ENGINE"] == "django_cockroachdb"


def strategy(connection) -> str:
    """"accounts", "table" or "rows": see the module's docstring."""
    if connection.vendor != "postgresql" or is_cockroachdb(connection):
        return "rows"
    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        return "table"  # a transaction-mode pooler may run each statement on another session
    return getattr(settings, "BANK_TRANSFER_LOCKING", "accounts")


def lock_key(pk: UUID) -> int:
    """A signed 64-bit advisory lock key for an account."""
    return int.from_bytes(pk.bytes[:8], "big", signed=True) ^ int.from_bytes(pk.bytes[8:], "big", signed=True)


@dataclass
class Held:
    """Session advisory locks a transfer holds; `released` once an unlock has run."""

    keys: list[int]
    released: bool = field(default=False)

    @property
    def unlock_sql(self) -> str:
        return "SELECT " + ", ".join(["pg_advisory_unlock(%s)"] * len(self.keys))


@contextmanager
def holding_accounts(connection, ids):
    """Session advisory locks on `ids` for the block, as a `Held`; None where the strategy
    is not "accounts", or inside someone else's transaction, where they would come too
    late (its snapshot is taken): there SERIALIZABLE alone decides, and its owner retries.
    """
    if strategy(connection) != "accounts" or connection.in_atomic_block or not connection.get_autocommit():
        yield None
        return
    held = Held(sorted({lock_key(pk) for pk in ids}))
    calls = ", ".join(["pg_advisory_lock(%s)"] * len(held.keys))
    try:
        with connection.cursor() as cursor:
            # The target list is evaluated left to right: the keys are taken in sorted order.
            cursor.execute(f"SELECT {calls}", held.keys)
        yield held
    finally:
        if not held.released:
            _release(connection, held)


def _release(connection, held):
    try:
        with connection.cursor() as cursor:
            cursor.execute(held.unlock_sql, held.keys)
    except (DatabaseError, InterfaceError):  # InterfaceError: the connection is gone
        # A session lock must never outlive its transfer: the server drops a closed
        # connection's locks.
        connection.close()


def run_by_hand(connection, held: Held, read: tuple[str, list], decide):
    """One SERIALIZABLE transaction in two round trips, outside Django's atomic():
    BEGIN and `read`; then `decide(rows)` -> (sql, params, result), which may raise to
    refuse; then sql, COMMIT and the unlock of `held`. Returns result."""
    committing = False
    with connection.cursor() as cursor:
        try:
            cursor.execute(f"BEGIN ISOLATION LEVEL SERIALIZABLE; {read[0]}", read[1])
            sql, params, result = decide(cursor.fetchall())
            committing = True
            cursor.execute(f"{sql}; COMMIT; {held.unlock_sql}", [*params, *held.keys])
        except BaseException as exc:
            _roll_back(connection, cursor)
            if committing and sqlstate.connection_lost(exc):  # False for any non-database error
                raise outcome_unknown() from exc
            raise
    held.released = True
    return result


def _roll_back(connection, cursor):
    import psycopg2
    from psycopg2.extensions import TRANSACTION_STATUS_IDLE

    try:
        if connection.connection.info.transaction_status != TRANSACTION_STATUS_IDLE:
            cursor.execute("ROLLBACK")
    except (DatabaseError, InterfaceError, psycopg2.Error, AttributeError):  # the connection is gone
        connection.close()  # never leave a half-done transaction open on a kept connection


def read_sql(connection, ids) -> tuple[str, list]:
    """The SELECT of both balances (as cents), for `run_by_hand`."""
    table = connection.ops.quote_name(Account._meta.db_table)
    balance = connection.ops.quote_name(Account._meta.get_field("balance").column)
    return f"SELECT id, {balance} FROM {table} WHERE id IN (%s, %s)", list(ids)  # noqa: S608


def read_balances(connection, ids) -> dict:
    """The balances of `ids` by id, inside a transaction Django's atomic() runs."""
    if strategy(connection) != "table":
        # Locked in primary-key order, so two transfers never wait on each other in a cycle.
        locking = Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        return dict(locking.values_list("pk", "balance"))
    # SHARE ROW EXCLUSIVE queues account writers only, never readers; sent with the SELECT,
    # in one round trip.
    table = connection.ops.quote_name(Account._meta.db_table)
    sql, params = read_sql(connection, ids)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE; {sql} ORDER BY id FOR UPDATE",
                       params)
        return to_balances(cursor.fetchall())


def to_balances(rows) -> dict:
    return {pk: from_cents(cents) for pk, cents in rows}
