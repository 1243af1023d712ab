"""Real servers for the serving tests, on 127.0.0.1 only: gunicorn as `make serve` starts
it, runserver and uvicorn; keep-alive HTTP clients; PostgreSQL connection counts.

Every loop here is bounded in count and time.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from tests.support.manage import ROOT, clean_environment

PRODUCTION = {
    "DJANGO_SECRET_KEY": "serve-test-" + "k3y-" * 15,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_LOG_LEVEL": "WARNING",
    # These servers are hammered from one address on purpose; the throttles have tests of their own.
    "API_ANON_RATE": "off",
    "API_USER_RATE": "off",
}
# What a TLS proxy in front adds; with it, DJANGO_SECURE_SSL_REDIRECT stays on.
HTTPS = {"X-Forwarded-Proto": "https"}
# The command `make serve` ends with, run by this interpreter.
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]
RUNSERVER = [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", "--skip-checks"]
UVICORN = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--log-level", "warning"]


def production_env(**overrides):
    return clean_environment(**{**PRODUCTION, **overrides})


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process in its own session (so a signal reaches it as a terminal's would)."""

    def __init__(self, command, env, port):
        self.port = port
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - read after the server stopped
        # uvicorn reads WEB_CONCURRENCY too, and cannot take the blank clean_environment() gives.
        env = {name: value for name, value in env.items() if name != "WEB_CONCURRENCY" or value}
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_listening(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}:\n{self.output()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"nothing listened on port {self.port} within {seconds} s:\n{self.output()}")

    def signal(self, signum, *, group=False):
        if group:
            os.killpg(self.process.pid, signum)
        else:
            self.process.send_signal(signum)

    def wait(self, seconds):
        """The exit code, and how long it took."""
        started = time.monotonic()
        code = self.process.wait(timeout=seconds)
        return code, time.monotonic() - started

    def output(self):
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@contextmanager
def serving(command, env, *, port=None, extra=()):
    """Start `command` on a free port (HOST for gunicorn, an argument for the others)."""
    port = port or free_port()
    address = f"127.0.0.1:{port}"
    if command is UVICORN:
        extra = ("--port", str(port), *extra)
    elif command is RUNSERVER:
        extra = (address, *extra)
    server = Server([*command, *extra], {**env, "HOST": address}, port)
    try:
        yield server.wait_until_listening()
    finally:
        server.stop()


def call(port, method, path, *, connection=None, headers=HTTPS):
    """(status, headers, body) of one request, on `connection` if given (kept alive)."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        if own:
            connection.close()


def hammer(port, method, path, *, clients, each):
    """`clients` keep-alive clients, all connected before any sends, `each` requests apiece.

    Returns every (status, body), in no particular order; a client that cannot connect or
    loses its connection counts as a failed request (status 0).
    """
    ready = threading.Barrier(clients)

    def client(_):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        results = []
        try:
            connection.connect()
            ready.wait(timeout=60)
            for _ in range(each):
                status, _, body = call(port, method, path, connection=connection)
                results.append((status, body))
        except (OSError, http.client.HTTPException) as exc:
            results += [(0, repr(exc).encode())] * (each - len(results))
        finally:
            connection.close()
        return results

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return [result for batch in pool.map(client, range(clients)) for result in batch]


# --- PostgreSQL ---------------------------------------------------------------------


def postgres_url():
    """The PostgreSQL of `make test-postgres` (DATABASE_URL), or None."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _admin(url):
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    connection = psycopg2.connect(dbname="postgres", user=config["USER"], password=config["PASSWORD"],
                                  host=config["HOST"], port=config["PORT"] or 5432)
    connection.autocommit = True
    return connection


def recreate_database(url, name):
    drop_database(url, name)
    admin = _admin(url)
    try:
        admin.cursor().execute(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()


def drop_database(url, name):
    admin = _admin(url)
    try:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


class ConnectionCounter:
    """Connections open to one database, counted through pg_stat_activity: now, and the
    peak seen by sampling every 10 ms between start() and stop()."""

    def __init__(self, url, name):
        self._admin, self.name = _admin(url), name
        self.peak, self._running, self._thread = 0, False, None

    def now(self):
        with self._admin.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.name])
            return cursor.fetchone()[0]

    def settles_at(self, expected, seconds=10):
        """The count once it equals `expected` (or the last one seen after `seconds`)."""
        deadline = time.monotonic() + seconds
        while (count := self.now()) != expected and time.monotonic() < deadline:
            time.sleep(0.1)
        return count

    def _sample(self):
        while self._running:
            self.peak = max(self.peak, self.now())
            time.sleep(0.01)

    def start(self):
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self):
        self._running = False
        self._thread.join(timeout=10)

    def close(self):
        self._admin.close()


# --- Redis --------------------------------------------------------------------------


def redis_url():
    """A Redis for tests that need one (TEST_REDIS_URL, else database 0 of the local server),
    or a skip; under CI=true a missing Redis fails, as .ci/run starts one."""
    import pytest
    import redis

    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        message = f"no Redis at {url} ({exc}); start one with redis-server --daemonize yes"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url
