"""`make serve` and its gunicorn, run for real on SQLite: start-up errors, pages and hashed
static files, Ctrl-C, and SIGTERM with a request in flight."""

import re
import signal
import socket
import subprocess
import sys
import time

from tests.support.manage import ROOT, clean_environment, manage
from tests.support.servers import GUNICORN, Server, call, free_port, production_env, serving

MAKE_SERVE = ["make", "--no-print-directory", "serve", f"VENV={sys.prefix}"]


def test_make_serve_stops_before_starting_anything_without_the_secret_key_and_allowed_hosts(tmp_path):
    env = clean_environment(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")

    result = subprocess.run(MAKE_SERVE, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)

    ours = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert result.returncode != 0
    assert len(ours) == 1, result.stderr
    assert ours[0].startswith("Error: DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set")
    assert "gunicorn" not in result.stdout and not (tmp_path / "db.sqlite3").exists()


def test_make_serve_behind_a_tls_proxy_serves_pages_and_hashed_static_files_then_stops_on_ctrl_c(tmp_path):
    port = free_port()
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", DJANGO_SECURE_SSL_REDIRECT="false",
                         HOST=f"127.0.0.1:{port}", WEB_CONCURRENCY="1", WEB_THREADS="2")
    server = Server(MAKE_SERVE, env, port)
    try:
        server.wait_until_listening(seconds=300)
        page_status, _, page = call(port, "GET", "/counter/", headers={})
        stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
        static_status, static_headers, _ = call(port, "GET", stylesheet.group(1).decode(), headers={})
        server.signal(signal.SIGINT, group=True)  # what Ctrl-C in the terminal sends
        server.wait(30)
    finally:
        server.stop()

    output = server.output()
    assert page_status == 200 and b"Hello World!" in page
    assert static_status == 200
    assert "immutable" in static_headers["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", static_headers["Cache-Control"]).group(1)) >= 365 * 24 * 3600
    assert "Listening at: http://127.0.0.1:" in output and "Shutting down: Master" in output
    assert "Listening at:  (" not in output  # gunicorn's own line, which names no socket here
    assert "Traceback" not in output and "KeyboardInterrupt" not in output


def test_ctrl_c_stops_every_worker_at_once_though_each_gets_sigint_and_the_masters_sigquit():
    # A worker whose quit handler ran while its main thread, or the handler for the other
    # signal, held the thread pool's lock hung until the master killed it 25 s later: one
    # Ctrl-C in three or four did that with two workers. So: eight workers, five times.
    env = production_env(WEB_CONCURRENCY="8", WEB_THREADS="2")

    for _ in range(5):
        with serving([*GUNICORN, "tests.support.wsgi_hello:application"], env) as server:
            _wait_for_workers(server, 8)
            for _ in range(40):
                assert call(server.port, "GET", "/")[0] == 200
            server.signal(signal.SIGINT, group=True)
            code, seconds = server.wait(40)

        assert seconds < 10 and "SIGKILL" not in server.output(), server.output()
        assert "Shutting down: Master" in server.output()


def _wait_for_workers(server, count):
    # A worker that Ctrl-C reaches before it installs its handlers ignores it (gunicorn's own
    # start-up window, not what this is about): let them all boot first.
    deadline = time.monotonic() + 30
    while server.output().count("Booting worker") < count and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)


def test_sigterm_lets_the_request_in_flight_finish_then_gunicorn_exits_0(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
                         WEB_CONCURRENCY="1", WEB_THREADS="2")
    assert manage("migrate", "-v0", env={**env, "DJANGO_DEBUG": "true"}).returncode == 0

    with serving(GUNICORN, env) as server:
        assert call(server.port, "GET", "/api/ping/")[0] == 200  # the worker is up
        client = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        # Half a request: a request thread takes it and waits for the rest.
        client.sendall(b"POST /api/counter/in-flight/click/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(1)
        server.signal(signal.SIGTERM)
        time.sleep(1)
        client.sendall(b"X-Forwarded-Proto: https\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        answer = b"".join(iter(lambda: client.recv(65536), b""))
        code, seconds = server.wait(30)
        client.close()

    assert answer.startswith(b"HTTP/1.1 200"), answer
    assert answer.endswith(b'{"name": "in-flight", "value": 1}')
    assert code == 0 and seconds < 30, server.output()
    assert "Traceback" not in server.output()
