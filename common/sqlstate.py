"""The SQLSTATEs an exception carries, wherever the driver put them.

PostgreSQL, CockroachDB and Snowflake name an error with a five-character SQLSTATE on the
driver's exception (psycopg2 `.pgcode`, psycopg 3 and snowflake-connector `.sqlstate`),
which Django's wrapper carries as `__cause__`. One walk over the chain, three questions:
`first` (what config.dberrors classifies by), `anywhere` (what bank.retry retries on) and
`connection_lost` (whether a COMMIT sent on that connection has an unknown outcome).
"""

from collections.abc import Iterator

from django.db import InterfaceError, OperationalError

# The connection itself failed: a connection exception (08), or the server shut down or is
# not up yet. A statement it refused carries its own code instead.
LOST_CLASSES = frozenset({"08"})
LOST_CODES = frozenset({"57P01", "57P02", "57P03"})


def codes(exc: BaseException | None) -> Iterator[str]:
    """Every SQLSTATE along the __cause__/__context__ chain, nearest first, each exception once."""
    pending, seen = [exc], set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        code = getattr(current, "pgcode", None) or getattr(current, "sqlstate", None)
        if isinstance(code, str) and len(code) == 5:
            yield code
        pending += [current.__cause__, current.__context__]


def first(exc: BaseException | None) -> str | None:
    """The first SQLSTATE found, if any: the one an error is classified by."""
    return next(codes(exc), None)


def anywhere(exc: BaseException | None, code: str) -> bool:
    """Is `code` anywhere in the chain (even behind another error raised while handling it)?"""
    return any(found == code for found in codes(exc))


def connection_lost(exc: BaseException | None) -> bool:
    """Did the connection fail, rather than the database refuse a statement? Without an
    SQLSTATE, Django's InterfaceError or a server driver's OperationalError says so (SQLite's
    OperationalError is the database's own answer: "database is locked" and the like)."""
    code = first(exc)
    if code is not None:
        return code in LOST_CODES or code[:2] in LOST_CLASSES
    if isinstance(exc, InterfaceError):
        return True
    return isinstance(exc, OperationalError) and not from_sqlite(exc)


def from_sqlite(exc: BaseException) -> bool:
    cause = exc.__cause__ or exc.__context__
    return type(cause).__module__ == "sqlite3"
