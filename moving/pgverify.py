"""The fast path's verification: the target table COPied out in the form the lines were sent
in (moving.pgcopy), in key order, into SHA-256, with no Python value per field.

A table the lines were hashed in two parts for (split at a key) is read in two parts at
once, the second on a connection of its own in a thread: PostgreSQL prints each on its own
core, and the two SHA-256s must be the two of the lines.
"""

import threading

from django.db import connections, transaction

from moving.pgcopy import Plan
from moving.rows import Checksum, Table

# How PostgreSQL prints what the lines say: UTC times, ISO dates, shortest exact floats.
SESSION = "SET {local} TimeZone = 'UTC'; SET {local} DateStyle = 'ISO'; SET {local} extra_float_digits = 1"


class _Digest:
    """Where COPY TO writes: a row per write, into a SHA-256."""

    def __init__(self):
        self.total = Checksum("copy")

    def write(self, data):
        self.total.rows += 1
        self.total.digest.update(data)


def _sql(target: Table, where: str) -> str:
    plan, quote = Plan(target), connections[target.alias].ops.quote_name
    columns = ", ".join(map(quote, plan.columns))
    texts = f", FORCE_QUOTE ({', '.join(map(quote, plan.texts))})" if plan.texts else ""
    return (f"COPY (SELECT {columns} FROM {quote(plan.name)} {where} ORDER BY {quote(plan.pk)}) "  # noqa: S608
            f"TO STDOUT WITH (FORMAT csv{texts})")


def landed(target: Table, split: int | None) -> Checksum:
    """The target table checksummed as the lines were: in one part, or two split at `split`."""
    pk = connections[target.alias].ops.quote_name(target.model._meta.pk.column)
    if split is None:
        return _part(target, _sql(target, ""))
    second = _Second(target, _sql(target, f"WHERE {pk} >= {int(split)}"))
    try:
        first = _part(target, _sql(target, f"WHERE {pk} < {int(split)}"))
    except BaseException:
        second.cancel()
        raise
    rest = second.result()
    both = Checksum("copy")
    both.rows, both.parts, both.split = first.rows + rest.rows, [first.digest, rest.digest], split
    return both


def _part(target: Table, sql: str) -> Checksum:
    sink, connection = _Digest(), connections[target.alias]
    with transaction.atomic(using=target.alias), connection.cursor() as cursor:
        cursor.execute(SESSION.format(local="LOCAL"))
        cursor.copy_expert(sql, sink)
    return sink.total


class _Second(threading.Thread):
    """One part read on a connection of its own (closed after), in a thread."""

    def __init__(self, target: Table, sql: str):
        super().__init__(name="move_app verifier", daemon=True)
        self.alias, self.sql, self.sink, self.error = target.alias, sql, _Digest(), None
        self.connection = None
        self.start()

    def run(self):
        try:
            self.connection = connections.create_connection(self.alias)
            with self.connection.cursor() as cursor:
                cursor.execute(SESSION.format(local="SESSION"))
                cursor.copy_expert(self.sql, self.sink)
        except BaseException as exc:  # noqa: BLE001 (raised again by result(), in the caller's thread)
            self.error = exc
        finally:
            if self.connection is not None:
                self.connection.close()

    def cancel(self):
        """Stop the part's COPY (the caller's failed) and wait for the thread to end."""
        raw = getattr(self.connection, "connection", None)
        if raw is not None:
            raw.cancel()
        self.join()

    def result(self) -> Checksum:
        self.join()
        if self.error is not None:
            raise self.error
        return self.sink.total
