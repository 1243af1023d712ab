"""How `make serve` runs gunicorn: read by gunicorn.conf.py, from the environment or .env.

Each worker process runs a fixed pool of WEB_THREADS request threads, and each thread keeps
one connection per database alias for the next request (CONN_MAX_AGE), so the server holds
at most WEB_CONCURRENCY x WEB_THREADS connections per PostgreSQL or CockroachDB alias, however
many clients are connected: idle keep-alive clients wait in the worker's poller, not in a
thread. Size them so that, summed over all servers, this stays under max_connections.
"""

from django.core.exceptions import ImproperlyConfigured

from config import env

BIND = env.get("HOST", "127.0.0.1:8000")
# gunicorn reads WEB_CONCURRENCY itself too, with a bare int() when it is imported, before
# this file: `make serve` runs gunicorn.conf.py first so that a bad value stops here in one line.
WORKERS = env.get_int("WEB_CONCURRENCY", 2, minimum=1)
THREADS = env.get_int("WEB_THREADS", 4, minimum=1)
# Seconds a request thread keeps its connection (settings.DATABASES' CONN_MAX_AGE). Safe
# here only because the threads are a fixed pool (see config/databases.py); the settings
# themselves default to 0 for every other server.
CONN_MAX_AGE = env.get_int("DJANGO_CONN_MAX_AGE", 600)
# SIGTERM: stop accepting, finish in-flight requests for at most this long, exit 0.
GRACEFUL_TIMEOUT = 25


def check_bind(address: str) -> None:
    """HOST:PORT, [IPv6]:PORT or HOST (port 8000, as gunicorn), unix:PATH or fd://N."""
    if address.startswith(("unix:", "fd://")):
        return
    host, colon, port = address.rpartition(":")
    if not colon or host.startswith("[") and not host.endswith("]"):
        return  # a bare host (gunicorn adds :8000) or a bare IPv6 address
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ImproperlyConfigured(f"HOST={address!r}: the port must be a number from 1 to 65535.")


check_bind(BIND)
