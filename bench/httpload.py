"""Shared by the HTTP benchmarks: start a real server on 127.0.0.1, drive it with N clients.

Bounded in count and time; only ever talks to the server it started on loopback.
"""

import http.client
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, seconds=30):
    """Return once something accepts connections on 127.0.0.1:port, else RuntimeError."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no server started on port {port} within {seconds} s")


def create_postgres_database(url):
    """Create the database a postgres:// URL names, if missing (benchmarks use throwaway ones)."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    server = psycopg2.connect(dbname="postgres", user=config["USER"], password=config["PASSWORD"],
                              host=config["HOST"], port=config["PORT"] or 5432)
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    server.close()


def manage(*args, env):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


@contextmanager
def server(env):
    """runserver without autoreload, DEBUG off, as close to production as Django ships."""
    port = free_port()
    env = {**env, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "false",
           # every client comes from 127.0.0.1: throttles would cap the run
           "API_ANON_RATE": "off", "API_USER_RATE": "off"}
    manage("collectstatic", "--noinput", "-v0", env=env)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", "--skip-checks",
         f"127.0.0.1:{port}"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def request(port, method, path, connection=None):
    """One request, on `connection` (kept alive) or on a new one closed afterwards."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        started = time.perf_counter()
        connection.request(method, path)
        response = connection.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - started
    finally:
        if own:
            connection.close()


def load(port, method, path, *, total, clients):
    """`total` requests from `clients` concurrent clients, each on one keep-alive
    connection (as browsers and HTTP client libraries do); returns requests/s and latencies."""
    # Every client connects (one untimed GET /api/ping/) before the clock starts, so the
    # numbers measure requests, not runserver's small accept backlog at connect time.
    ready = threading.Barrier(clients + 1)

    def client(count):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            request(port, "GET", "/api/ping/", connection)
            ready.wait(timeout=60)
            return [request(port, method, path, connection) for _ in range(count)]
        finally:
            connection.close()

    shares = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
    with ThreadPoolExecutor(max_workers=clients) as pool:
        batches = [pool.submit(client, share) for share in shares]
        ready.wait(timeout=60)
        started = time.perf_counter()
        results = [r for batch in batches for r in batch.result()]
    elapsed = time.perf_counter() - started
    errors = sum(1 for status, _, _ in results if status >= 400)
    latencies = sorted(seconds for _, _, seconds in results)
    return {
        "requests": len(results), "errors": errors, "rps": len(results) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }
