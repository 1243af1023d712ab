"""The health check of a kept connection without a round trip, where the socket can tell.

With CONN_HEALTH_CHECKS, Django runs `SELECT 1` on a reused connection before the request's
first query, so a click (one UPDATE) costs two round trips. A PostgreSQL connection idle
between requests has nothing to read: the server only sends when asked, and a server that
ends the session (restart, pg_terminate_backend, idle timeout, a proxy dropping it) sends its
FATAL error and closes the socket, which makes the socket readable. So at the start of each
request a connection whose socket has nothing to read is marked as checked (Django skips its
`SELECT 1`), and any other keeps Django's check, which reconnects if the connection is dead.
A peer that vanishes without a word (a cut network) is missed by both checks alike: `SELECT 1`
would hang on it just as the request's own query does.

This is the check go-sql-driver/mysql makes before reusing a connection (`connCheck`).
"""

import select

from django.db import connections

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


def skip_round_trip_checks(**kwargs):
    """request_started receiver, connected after Django's close_old_connections."""
    for connection in connections.all(initialized_only=True):
        if (connection.vendor in VENDORS and connection.health_check_enabled
                and not connection.health_check_done and socket_is_quiet(connection)):
            connection.health_check_done = True
