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

from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError

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
    if "cassandra" not in sys.modules:
        return ()
    try:
        import cassandra
        from cassandra.cluster import NoHostAvailable
    except Exception:  # noqa: BLE001 - a driver that cannot load raised nothing of its own
        return ()
    return (NoHostAvailable, cassandra.OperationTimedOut, cassandra.Unavailable, cassandra.Timeout)


def is_database_error(exc: BaseException) -> bool:
    """Django's DatabaseError, or a transient error of the Cassandra driver."""
    return isinstance(exc, (DatabaseError, *cassandra_transient()))


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
    if isinstance(exc, InterfaceError) or isinstance(exc, OperationalError) and not _is_sqlite(exc):
        # No SQLSTATE from a server: the connection itself failed (refused, reset, closed).
        return "retry"
    return "server"


def classify(exc: BaseException) -> Classified:
    what = kind(exc)
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    after = RETRY_AFTER if what == "retry" else None
    return Classified(what, STATUS[what], DETAIL[what].format(after=after, reason=reason), after)


def _is_sqlite(exc: BaseException) -> bool:
    cause = exc.__cause__ or exc.__context__
    return type(cause).__module__ == "sqlite3"
