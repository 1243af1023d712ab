"""The health check of a kept connection without a round trip, where the socket can tell.

With CONN_HEALTH_CHECKS, Django runs `SELECT 1` on a reused connection before the request's
first query, so a click (one UPDATE) costs two round trips. A PostgreSQL connection idle
between requests has nothing to read: the server only sends when asked, and a server that
ends the session (restart, pg_terminate_backend, idle timeout, a proxy dropping it) sends its
FATAL error and closes the socket, which makes the socket readable. So when Django is about to
check a kept connection, one whose socket has nothing to read counts as checked, and any other
gets Django's own check, which reconnects if the connection is dead. A peer that vanishes
without a word (a cut network) is missed by both checks alike: `SELECT 1` would hang on it
just as the request's own query does.

The check is installed on each PostgreSQL or CockroachDB connection as it is created
(connection_created), in place of Django's, so it runs exactly when Django's would.
This is the check go-sql-driver/mysql makes before reusing a connection (`connCheck`).
"""

import select

# Only libpq connections: their fileno() is the server socket and nothing is buffered above it.
VENDORS = frozenset({"postgresql", "cockroachdb"})


def socket_is_quiet(connection) -> bool:
    """True when the driver connection is open and its socket has nothing to read."""
    raw = connection.connection
    if raw is None or getattr(raw, "closed", 1):
        return False
    try:
        poller = select.poll()
        poller.register(raw.fileno(), select.POLLIN | select.POLLPRI)
        # Also reports POLLHUP and POLLERR: a closed or failed socket is never quiet.
        return not poller.poll(0)
    except (OSError, ValueError, AttributeError):
        return False


def _install(connection):
    django_check = type(connection).close_if_health_check_failed

    def close_if_health_check_failed():
        if (connection.connection is not None and connection.health_check_enabled
                and not connection.health_check_done and socket_is_quiet(connection)):
            connection.health_check_done = True
            return
        django_check(connection)

    connection.close_if_health_check_failed = close_if_health_check_failed


def check_without_round_trip(sender, connection, **kwargs):
    """connection_created receiver: once per DatabaseWrapper (it keeps it across reconnects)."""
    if connection.vendor in VENDORS and "close_if_health_check_failed" not in vars(connection):
        _install(connection)
