"""The production server (`make serve`'s gunicorn command) under 64 and 256 keep-alive clients,
on SQLite and on PostgreSQL: /api/ping/ (the floor), a counter click, and the busiest station
page at 1,000,000 trips, measured in the same run; plus /api/ping/ under runserver.

    .venv/bin/python bench/serve_http.py
    .venv/bin/python bench/serve_http.py --pg-url postgres://postgres@127.0.0.1:5432/trips_bench \\
        --redis-url redis://127.0.0.1:6379/0 --requests 3000

Each engine's database is filled with the 1,000,000-row file of bench/trips_load.py first if it
holds fewer trips (as bench/trips_pages.py does). The server runs WEB_CONCURRENCY=2 workers x
WEB_THREADS=4, DEBUG off. Each measurement is `--requests` requests from N clients, each on one
keep-alive connection, all connected before the clock starts; the paths are measured in
interleaved rounds and the best round of each counts (other load on the machine hits all alike).
The clients run on the same 2 cores as the server, so absolute numbers are a floor.

Targets: click >= 0.7 of ping with every click counted; station page >= 0.8 of ping and p99 < 25 ms
at 64 clients; no failed request at 256 clients; peak PostgreSQL connections <= 2 x 4 = 8.
"""

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from httpload import create_postgres_database, free_port, wait_for_port  # noqa: E402
from trips_pages import ensure_trips, server_env  # noqa: E402

WORKERS, THREADS = 2, 4
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]


def drive(port, method, path, *, total, clients):
    """`total` requests from `clients` keep-alive clients; failures are non-2xx answers and
    requests that got no answer at all."""
    ready = threading.Barrier(clients + 1)
    share = [total // clients + (i < total % clients) for i in range(clients)]

    def client(count):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        times, failures, values = [], 0, []
        try:
            connection.connect()
            ready.wait(timeout=120)
            for _ in range(count):
                started = time.perf_counter()
                connection.request(method, path)
                response = connection.getresponse()
                body = response.read()
                times.append(time.perf_counter() - started)
                failures += response.status >= 300
                if method == "POST" and response.status == 200:
                    values.append(json.loads(body)["value"])
        except (OSError, http.client.HTTPException):
            failures += count - len(times)
        finally:
            connection.close()
        return times, failures, values

    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(client, n) for n in share]
        ready.wait(timeout=120)
        started = time.perf_counter()
        results = [f.result() for f in futures]
    elapsed = time.perf_counter() - started
    times = sorted(t for r in results for t in r[0])
    return {"rps": len(times) / elapsed, "p50": statistics.median(times) * 1000,
            "p99": times[max(int(len(times) * 0.99) - 1, 0)] * 1000,
            "failures": sum(r[1] for r in results), "values": [v for r in results for v in r[2]]}


class PeakConnections:
    """Peak of pg_stat_activity for one database, sampled every 10 ms in a thread."""

    def __init__(self, url):
        import dj_database_url
        import psycopg2

        config = dj_database_url.parse(url)
        self.name, self.peak, self.running = config["NAME"], 0, True
        self.admin = psycopg2.connect(dbname="postgres", user=config["USER"], password=config["PASSWORD"],
                                      host=config["HOST"], port=config["PORT"] or 5432)
        self.admin.autocommit = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            with self.admin.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.name])
                self.peak = max(self.peak, cursor.fetchone()[0])
            time.sleep(0.01)

    def stop(self):
        self.running = False
        self.thread.join(timeout=10)
        self.admin.close()
        return self.peak


def start(command, env, port):
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    process = subprocess.Popen(command, env=env, cwd=ROOT, **quiet)
    wait_for_port(port, seconds=60)
    return process


def measure_engine(url, args):
    slug, trips = ensure_trips(url, args.rows)
    port = free_port()
    env = {**server_env(url), "HOST": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(WORKERS),
           "WEB_THREADS": str(THREADS), "REDIS_URL": args.redis_url or ""}
    peak = PeakConnections(url) if url.startswith("postgres") else None
    server = start(GUNICORN, env, port)
    try:
        results = measure_paths(port, slug, args)
    finally:
        server.send_signal(signal.SIGTERM)
        stopped = server.wait(timeout=60)
    return {"slug": slug, "trips": trips, "results": results, "exit": stopped,
            "peak": peak.stop() if peak else None}


def measure_paths(port, slug, args):
    paths = {"ping": ("GET", "/api/ping/"), "station": ("GET", f"/trips/from/{slug}/")}
    for method, path in paths.values():
        drive(port, method, path, total=400, clients=8)  # warm-up: workers, connections, caches
    results = {}
    for clients in (64, 256):
        click = ("POST", f"/api/counter/bench-{time.time_ns()}/click/")
        measured = {"ping": paths["ping"], "click": click, "station": paths["station"]}
        rounds = [{name: drive(port, method, path, total=args.requests, clients=clients)
                   for name, (method, path) in measured.items()} for _ in range(args.rounds)]
        best = {name: max((r[name] for r in rounds), key=lambda r: r["rps"]) for name in measured}
        clicks = [v for r in rounds for v in r["click"]["values"]]
        best["click"]["exact"] = sorted(clicks) == list(range(1, args.requests * args.rounds + 1))
        best["failures"] = sum(r[name]["failures"] for r in rounds for name in measured)
        results[clients] = best
    return results


def ping_under_runserver(url, args):
    port = free_port()
    env = server_env(url)
    command = [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", "--skip-checks",
               f"127.0.0.1:{port}"]
    server = start(command, env, port)
    try:
        drive(port, "GET", "/api/ping/", total=400, clients=8)
        return max((drive(port, "GET", "/api/ping/", total=args.requests, clients=64)
                    for _ in range(args.rounds)), key=lambda r: r["rps"])
    finally:
        server.terminate()
        server.wait(timeout=30)


def report(engine, measured, runserver):
    print(f"\n{engine}: busiest station {measured['slug']} ({measured['trips']:,} trips); "
          f"gunicorn {WORKERS} workers x {THREADS} threads; exit code after SIGTERM: {measured['exit']}")
    for clients, best in measured["results"].items():
        ping = best["ping"]["rps"]
        for name in ("ping", "click", "station"):
            r = best[name]
            extra = f"  every click counted: {r['exact']}" if name == "click" else ""
            print(f"  {clients:3} clients  {name:8} {r['rps']:7.0f} req/s  ratio {r['rps'] / ping:4.2f}  "
                  f"p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  failed {r['failures']}{extra}")
    if measured["peak"] is not None:
        print(f"  peak PostgreSQL connections: {measured['peak']} (bound {WORKERS * THREADS})")
    gunicorn_ping = measured["results"][64]["ping"]["rps"]
    print(f"  ping gunicorn / ping runserver at 64 clients: {gunicorn_ping:.0f} / {runserver['rps']:.0f} "
          f"= {gunicorn_ping / runserver['rps']:.2f} (runserver failed {runserver['failures']})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite-url", default=f"sqlite:///{ROOT}/bench/out/load.sqlite3")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/trips_bench")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    urls = {"sqlite": args.sqlite_url, "postgres": args.pg_url}
    print(f"{args.requests} requests per measurement, best of {args.rounds} interleaved rounds; "
          f"cache: {'Redis' if args.redis_url else 'local memory'}")
    for engine in args.engines.split(","):
        url = urls[engine]
        create_postgres_database(url)
        measured = measure_engine(url, args)
        report(engine, measured, ping_under_runserver(url, args))


if __name__ == "__main__":
    main()
