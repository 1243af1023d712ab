"""A real `manage.py runserver` in its own process, and curl-like requests to it."""

import http.client
import json
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

from tests.support.manage import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def runserver(address: str, *, env):
    """`manage.py runserver ADDRESS --noreload` until the block ends; waits until it answers."""
    host, port = address.rsplit(":", 1)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", address, "--noreload"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection((host, int(port)), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"runserver did not start: {process.stderr.read()}") from None
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


def curl(method, url, body=None, *, follow=False, headers=None):
    """(status, headers, parsed JSON or text) of one request; with `follow`, as `curl -L`
    does: 301 turns into a GET, 307/308 repeat the method and body."""
    for _ in range(5):
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        data = json.dumps(body) if body is not None else None
        sent = {"Content-Type": "application/json"} if data else {}
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), data,
                           {**sent, **(headers or {})})
        response = connection.getresponse()
        text, got = response.read().decode(), dict(response.getheaders())
        connection.close()
        if not follow or response.status not in (301, 302, 307, 308):
            is_json = got.get("Content-Type", "").startswith("application/json")
            return response.status, got, json.loads(text) if is_json and text else text
        url = f"{parts.scheme}://{parts.netloc}{got['Location']}"
        if response.status in (301, 302):
            method, body = "GET", None
    raise RuntimeError(f"too many redirects from {url}")
