"""Which transfers wait for which: on PostgreSQL, only those that share an account.

The bank runs at SERIALIZABLE on PostgreSQL, as CockroachDB always does, and that alone
keeps the money right. Locks are only there so that transfers do not fail: PostgreSQL fixes
a SERIALIZABLE transaction's snapshot at its first query, so a transfer that waits inside
its transaction for another one on the same account (a row lock, `pg_advisory_xact_lock`)
then finds the row changed after its snapshot and aborts with 40001, whatever the lock
order. With five hot accounts ~3 % of transfers ran out of their 8 attempts that way.

So on PostgreSQL a transfer waits *before* its transaction starts ("accounts", the
default): in autocommit it takes session-level advisory locks on its two accounts, in one
statement, in a fixed order (so two transfers never wait on each other in a cycle), then
runs its transaction, whose snapshot now starts after the previous transfer on those
accounts committed, and releases the locks after COMMIT. Transfers sharing no account
never wait for each other. A lock key is the account's UUID folded to 64 bits; two
accounts that share a key only wait for each other needlessly, never wrongly.

"table" is the older fence, `LOCK TABLE bank_account IN SHARE ROW EXCLUSIVE MODE` inside the
transaction (LOCK takes no snapshot): every transfer waits for every other. It is used
where session locks cannot work, behind a transaction-mode pooler such as PgBouncer or
Neon's `-pooler` host (DISABLE_SERVER_SIDE_CURSORS is set for those), and can be chosen with
the setting BANK_TRANSFER_LOCKING = "table" (bench/bank_transfers.py --locking table).

"rows" elsewhere: CockroachDB's SELECT ... FOR UPDATE waits and refreshes instead of
failing, and SQLite runs one writer at a time.
"""

from contextlib import contextmanager
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError

from bank.models import Account


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


@contextmanager
def holding_accounts(connection, ids):
    """With the "accounts" strategy, hold session advisory locks on `ids` for the block.

    Inside someone else's transaction they would come too late (its snapshot is taken):
    there SERIALIZABLE alone decides, and the owner of the transaction retries.
    """
    if strategy(connection) != "accounts" or connection.in_atomic_block:
        yield
        return
    keys = sorted({lock_key(pk) for pk in ids})
    calls = ", ".join(["pg_advisory_lock(%s)"] * len(keys))
    try:
        with connection.cursor() as cursor:
            # The target list is evaluated left to right: the keys are taken in sorted order.
            cursor.execute(f"SELECT {calls}", keys)
        yield
    finally:
        _release(connection, keys)


def _release(connection, keys):
    calls = ", ".join(["pg_advisory_unlock(%s)"] * len(keys))
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {calls}", keys)
    except DatabaseError:
        # A session lock must never outlive its transfer: the server drops a closed
        # connection's locks.
        connection.close()


def read_balances(connection, ids) -> dict:
    """The balances of `ids` by id, read the way the strategy needs."""
    how = strategy(connection)
    if how == "rows":
        # Locked in primary-key order, so two transfers never wait on each other in a cycle.
        locking = Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        return dict(locking.values_list("pk", "balance"))
    if how == "accounts":
        # The advisory locks already keep other transfers off these rows.
        return dict(Account.objects.filter(pk__in=ids).values_list("pk", "balance"))
    # SHARE ROW EXCLUSIVE queues account writers only, never readers; sent with the SELECT,
    # in one round trip.
    table = connection.ops.quote_name(Account._meta.db_table)
    balance = connection.ops.quote_name(Account._meta.get_field("balance").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE; "  # noqa: S608 - quoted model names
            f"SELECT id, {balance} FROM {table} WHERE id IN (%s, %s) ORDER BY id FOR UPDATE",
            list(ids),
        )
        field = Account._meta.get_field("balance")
        return {pk: field.from_db_value(cents, None, connection) for pk, cents in cursor.fetchall()}
