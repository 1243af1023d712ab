"""Counter over HTTP: 2000 clicks from 64 concurrent clients must end at exactly 2000, and
the click endpoint's requests/s next to a plain JSON endpoint's (/api/ping/), same server.

    .venv/bin/python bench/counter_http.py                      # SQLite file in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/counter_bench .venv/bin/python bench/counter_http.py
"""

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.httpload import create_postgres_database, load, manage, request, server  # noqa: E402

CLICKS, CLIENTS = 2000, 64


def main():
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ}
        env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
        env.pop("COUNTER_DATABASE_URL", None)
        create_postgres_database(env["DATABASE_URL"])
        manage("migrate_all", "-v0", env={**env, "DJANGO_DEBUG": "true"})
        with server(env) as port:
            request(port, "POST", "/api/counter/bench/click/")  # create it, warm up
            clicks = load(port, "POST", "/api/counter/bench/click/", total=CLICKS, clients=CLIENTS)
            _, body, _ = request(port, "GET", "/api/counter/bench/")
            final = json.loads(body)["value"] - 1
            ping = load(port, "GET", "/api/ping/", total=CLICKS, clients=CLIENTS)
    engine = env["DATABASE_URL"].split(":", 1)[0]
    print(f"engine: {engine}; {CLICKS} requests each from {CLIENTS} concurrent clients, one runserver")
    for name, result in (("POST /api/counter/bench/click/", clicks), ("GET /api/ping/", ping)):
        print(f"{name:32} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:6.1f} ms  "
              f"p99 {result['p99_ms']:6.1f} ms  errors {result['errors']}")
    print(f"click/ping ratio: {clicks['rps'] / ping['rps']:.2f}")
    verdict = "exact" if final == CLICKS else "LOST CLICKS"
    print(f"counter after {CLICKS} concurrent clicks: {final} ({verdict})")
    return 0 if final == CLICKS and clicks["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
