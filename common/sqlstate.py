"""The SQLSTATEs an exception carries, wherever the driver put them.

PostgreSQL, CockroachDB and Snowflake name an error with a five-character SQLSTATE on the
driver's exception (psycopg2 `.pgcode`, psycopg 3 and snowflake-connector `.sqlstate`),
which Django's wrapper carries as `__cause__`. One walk over the chain, two questions:
`first` (what config.dberrors classifies by) and `anywhere` (what bank.retry retries on).
"""

from collections.abc import Iterator


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
