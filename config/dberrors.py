"""Which database errors a retry can cure, and what every other one answers.

Only a transient error is a 503 with Retry-After: a serialization failure (40001), a
deadlock (40P01), a lock or the server's resources not available right now, a lost or
refused connection, SQLite's "database is locked". A permanent error never is, since
retrying can never help: data the database refuses is the client's (409 for a broken
constraint, 422 for a value out of range or too long), anything else is the server's (500:
a missing table, a bug in the SQL).

PostgreSQL, CockroachDB and Snowflake name the error with an SQLSTATE on the driver's
exception, which Django's wrapper carries as `__cause__`; the first one along the chain
(common.sqlstate.first) decides. SQLite has none, so its message decides.

Cassandra's driver (parties) raises its own exceptions, not Django's: no live host, a
timeout, too few replicas alive are all transient (`is_database_error` and `kind` know them).
"""

import sys
from dataclasses import dataclass

from django.db import DatabaseError, DataError, IntegrityError, InterfaceError

from common import sqlstate

RETRY_AFTER = 2  # seconds; transient errors here clear in well under that

# SQLSTATE classes and codes (PostgreSQL's Appendix A, shared by CockroachDB and Snowflake).
TRANSIENT_CODES = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "57014"}
TRANSIENT_CLASSES = {"08", "53"}  # connection exception, insufficient resources
CONFLICT_CLASSES = {"23"}  # integrity constraint violation: unique, foreign key, check, not null
INVALID_CLASSES = {"22"}  # data exception: out of range, too long, bad text representation
SQLITE_TRANSIENT = ("database is locked", "database table is locked", "disk i/o error",
                    "unable to open database file", "database or disk is full")
SQLITE_INVALID = ("integer overflow", "string or blob too big", "too big")

STATUS = {"retry": 503, "conflict": 409, "invalid": 422, "server": 500}
DETAIL = {
    "retry": "The database is busy or unreachable for a moment; nothing was changed. Try again in {after} s.",
    # The connection failed: a write sent on it may have been applied before it did.
    "lost": "The database is busy or unreachable for a moment. Try again in {after} s.",
    "conflict": "The database refused this change, which breaks one of its rules: {reason}.",
    "invalid": "The database cannot store a value of this request: {reason}.",
    "server": "The database could not run this request; this is the server's fault, not yours.",
}


@dataclass(frozen=True)
class Classified:
    kind: str  # "retry", "conflict", "invalid" or "server"
    status: int
    detail: str
    retry_after: int | None


def cassandra_transient() -> tuple[type[BaseException], ...]:
    """The Cassandra driver's errors a retry can cure: none when the driver is not loaded
    (no Cassandra alias, so none of its errors can be raised) or cannot be imported."""
    timeouts = cassandra_timeouts()
    if not timeouts:
        return ()
    import cassandra
    from cassandra.cluster import NoHostAvailable

    return (NoHostAvailable, cassandra.Unavailable, *timeouts)


def cassandra_timeouts() -> tuple[type[BaseException], ...]:
    """The driver's timeouts: the answer was lost, not the write (the replicas may have made it)."""
    if "cassandra" not in sys.modules:
        return ()
    try:
        import cassandra
        import cassandra.cluster  # noqa: F401 - NoHostAvailable, for cassandra_transient()
    except Exception:  # noqa: BLE001 - a driver that cannot load raised nothing of its own
        return ()
    return (cassandra.OperationTimedOut, cassandra.Timeout)


def is_database_error(exc: BaseException) -> bool:
    """Django's DatabaseError or InterfaceError (a connection already closed, a sibling in
    PEP 249, not a kind of DatabaseError), or a transient error of the Cassandra driver."""
    return isinstance(exc, (DatabaseError, InterfaceError, *cassandra_transient()))


def kind(exc: BaseException) -> str:
    """"retry", "conflict", "invalid" or "server" for a database error."""
    if isinstance(exc, cassandra_transient()):
        return "retry"
    code = sqlstate.first(exc)
    if code is not None:
        if code in TRANSIENT_CODES or code[:2] in TRANSIENT_CLASSES:
            return "retry"
        if code[:2] in CONFLICT_CLASSES:
            return "conflict"
        return "invalid" if code[:2] in INVALID_CLASSES else "server"
    message = str(exc).lower()
    if isinstance(exc, IntegrityError):
        return "conflict"
    if isinstance(exc, DataError) or any(words in message for words in SQLITE_INVALID):
        return "invalid"
    if any(words in message for words in SQLITE_TRANSIENT):
        return "retry"
    # No SQLSTATE from a server: the connection itself failed (refused, reset, closed).
    return "retry" if sqlstate.connection_lost(exc) else "server"


def classify(exc: BaseException) -> Classified:
    what = kind(exc)
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    after = RETRY_AFTER if what == "retry" else None
    text = "lost" if what == "retry" and _may_have_written(exc) else what
    return Classified(what, STATUS[what], DETAIL[text].format(after=after, reason=reason), after)


def _may_have_written(exc: BaseException) -> bool:
    """A transient error after which a write may still have landed: the connection failed,
    or Cassandra timed out waiting for the replicas' answer (they may have written)."""
    return sqlstate.connection_lost(exc) or isinstance(exc, cassandra_timeouts())
