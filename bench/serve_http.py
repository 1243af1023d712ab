"""The production server (`make serve`'s gunicorn command) under 64 and 256 keep-alive clients,
on SQLite and on PostgreSQL: /api/ping/ (the floor), a counter click, and the busiest station
page at 1,000,000 trips, measured in the same run; plus /api/ping/ under runserver.

    .venv/bin/python bench/serve_http.py
    .venv/bin/python bench/serve_http.py --pg-url postgres://postgres@127.0.0.1:5432/trips_bench \\
        --redis-url redis://127.0.0.1:6379/0 --requests 6000

Each engine's database is filled with the 1,000,000-row file of bench/trips_load.py first if it
holds fewer trips (as bench/trips_pages.py does). The server runs WEB_CONCURRENCY=2 workers x
WEB_THREADS=4, DEBUG off. Each measurement is `--requests` requests from N clients, each on one
keep-alive connection, all connected before the clock starts, driven by bench/loadgen.py (one
thread on epoll, ~45 us of CPU a request, so the server keeps the cores); the paths are measured
in interleaved rounds and the best round of each counts (other load on the machine hits all
alike). Also shown: the CPU time per request of the server (its worker processes, from /proc),
which other load does not change, of the local PostgreSQL's processes (every one of them: run it
on a quiet machine) and of this client; the three share the machine's cores, so their sums per
request bound each path's throughput and the ratios between paths. On PostgreSQL also the
database's own ceiling for a click: durable one-row UPDATEs from WORKERS x THREADS connections
with no web server at all.

Targets: click >= 0.7 of ping with every click counted; station page >= 0.8 of ping and p99 < 25 ms
at 64 clients; no failed request at 256 clients; peak PostgreSQL connections <= 2 x 4 = 8.
Closed-loop clients obey Little's law (mean latency = clients / throughput), so a p99 under
25 ms at 64 clients needs well over 2,560 req/s.
"""

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from httpload import create_postgres_database, free_port, wait_for_port  # noqa: E402
from loadgen import drive  # noqa: E402
from trips_pages import ensure_trips, server_env  # noqa: E402

WORKERS, THREADS = 2, 4
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    """User + system CPU of these processes so far (Linux /proc; 0 for one that is gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def serving_pids(process):
    """The server's process and its children (gunicorn's workers)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    try:
        return [process.pid, *map(int, children.read_text().split())]
    except OSError:
        return [process.pid]


def postgres_pids():
    """The local PostgreSQL's processes (its backends do a click's UPDATE and commit)."""
    return [int(p.parent.name) for p in Path("/proc").glob("[0-9]*/comm") if _comm(p) == "postgres"]


def _comm(path):
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def measure(server, port, method, path, *, total, clients):
    pids, database = serving_pids(server), postgres_pids()
    before, database_before, client_before = cpu_seconds(pids), cpu_seconds(database), time.process_time()
    result = drive(port, method, path, total=total, clients=clients, keep_bodies=method == "POST")
    result["cpu_us"] = (cpu_seconds(pids) - before) / total * 1e6
    # Every core this machine has is shared by the server, the database and this client.
    result["database_us"] = (cpu_seconds(database) - database_before) / total * 1e6
    result["client_us"] = (time.process_time() - client_before) / total * 1e6
    result["values"] = [json.loads(body)["value"] for body in result.pop("bodies")]
    return result


class PeakConnections:
    """Peak of pg_stat_activity for one database, sampled every 10 ms in a thread."""

    def __init__(self, url):
        self.name, self.peak, self.running = _pg_config(url)["NAME"], 0, True
        self.admin = _pg_connect(url, dbname="postgres")
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


def _pg_config(url):
    import dj_database_url

    return dj_database_url.parse(url)


def _pg_connect(url, dbname=None):
    import psycopg2

    config = _pg_config(url)
    connection = psycopg2.connect(dbname=dbname or config["NAME"], user=config["USER"],
                                  password=config["PASSWORD"], host=config["HOST"],
                                  port=config["PORT"] or 5432)
    connection.autocommit = True
    return connection


def hot_row_ceiling(url, seconds=3.0):
    """Durable one-row `UPDATE ... + 1 RETURNING` per second from WORKERS x THREADS connections
    in autocommit, no web server: what one click a commit can reach on this database and disk."""
    name, done, counts = f"ceiling-{time.time_ns()}", threading.Event(), []
    click = "UPDATE counter_counter SET value = value + 1 WHERE name = %s RETURNING value"
    setup = _pg_connect(url)
    with setup.cursor() as cursor:
        cursor.execute("INSERT INTO counter_counter (name, value) VALUES (%s, 0)", [name])

    def hammer():
        connection, count = _pg_connect(url), 0
        with connection.cursor() as cursor:
            while not done.is_set():
                cursor.execute(click, [name])
                cursor.fetchone()
                count += 1
        connection.close()
        counts.append(count)

    threads = [threading.Thread(target=hammer) for _ in range(WORKERS * THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    done.set()
    for thread in threads:
        thread.join()
    with setup.cursor() as cursor:
        cursor.execute("DELETE FROM counter_counter WHERE name = %s", [name])
    setup.close()
    return sum(counts) / seconds


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
    postgres = url.startswith("postgres")
    peak = PeakConnections(url) if postgres else None
    server = start(GUNICORN, env, port)
    try:
        time.sleep(1)  # the workers bind their sockets after the master
        results = measure_paths(server, port, slug, args)
    finally:
        server.send_signal(signal.SIGTERM)
        stopped = server.wait(timeout=60)
    return {"slug": slug, "trips": trips, "results": results, "exit": stopped,
            "peak": peak.stop() if peak else None, "ceiling": hot_row_ceiling(url) if postgres else None}


def measure_paths(server, port, slug, args):
    paths = {"ping": ("GET", "/api/ping/"), "station": ("GET", f"/trips/from/{slug}/")}
    for method, path in paths.values():
        drive(port, method, path, total=800, clients=16)  # warm-up: workers, connections, caches
    results = {}
    for clients in (64, 256):
        click = ("POST", f"/api/counter/bench-{time.time_ns()}/click/")
        measured = {"ping": paths["ping"], "click": click, "station": paths["station"]}
        rounds = [{name: measure(server, port, method, path, total=args.requests, clients=clients)
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
        drive(port, "GET", "/api/ping/", total=800, clients=16)
        return max((measure(server, port, "GET", "/api/ping/", total=args.requests, clients=64)
                    for _ in range(args.rounds)), key=lambda r: r["rps"])
    finally:
        server.terminate()
        server.wait(timeout=30)


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def report(engine, measured, runserver):
    print(f"\n{engine}: busiest station {measured['slug']} ({measured['trips']:,} trips); "
          f"gunicorn {WORKERS} workers x {THREADS} threads; exit code after SIGTERM: {measured['exit']}")
    for clients, best in measured["results"].items():
        ping = best["ping"]["rps"]
        for name in ("ping", "click", "station"):
            r = best[name]
            extra = f"  every click counted: {r['exact']}" if name == "click" else ""
            print(f"  {clients:3} clients  {name:8} {r['rps']:7.0f} req/s  ratio {r['rps'] / ping:4.2f}  "
                  f"p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  CPU us/req: server {r['cpu_us']:4.0f} "
                  f"database {r['database_us']:3.0f} client {r['client_us']:3.0f}  "
                  f"failed {r['failures']}{extra}")
    if measured["peak"] is not None:
        print(f"  peak PostgreSQL connections: {measured['peak']} (bound {WORKERS * THREADS})")
    if measured["ceiling"] is not None:
        ceiling, ping = measured["ceiling"], measured["results"][64]["ping"]["rps"]
        print(f"  PostgreSQL's own ceiling, one durable commit per click on one row from {WORKERS * THREADS} "
              f"connections, no web server: {ceiling:.0f}/s = {ceiling / ping:.2f} of ping")
    gunicorn_ping = measured["results"][64]["ping"]["rps"]
    print(f"  ping gunicorn / ping runserver at 64 clients: {gunicorn_ping:.0f} / {runserver['rps']:.0f} "
          f"= {gunicorn_ping / runserver['rps']:.2f} (runserver failed {runserver['failures']}, "
          f"server CPU {runserver['cpu_us']:.0f} us/req)")
    print(f"  load average now: {load_average()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite-url", default=f"sqlite:///{ROOT}/bench/out/load.sqlite3")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/trips_bench")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    urls = {"sqlite": args.sqlite_url, "postgres": args.pg_url}
    print(f"{args.requests} requests per measurement, best of {args.rounds} interleaved rounds; "
          f"cache: {'Redis' if args.redis_url else 'local memory'}; load average at start: {load_average()}")
    with redis_left_as_found(args.redis_url):
        for engine in args.engines.split(","):
            url = urls[engine]
            create_postgres_database(url)
            measured = measure_engine(url, args)
            report(engine, measured, ping_under_runserver(url, args))


@contextlib.contextmanager
def redis_left_as_found(url):
    """The cache entries the servers wrote (the station page's) are deleted afterwards."""
    if not url:
        yield
        return
    import redis

    client = redis.Redis.from_url(url)
    before = set(client.scan_iter())
    try:
        yield
    finally:
        added = [key for key in client.scan_iter() if key not in before]
        if added:
            client.delete(*added)
        client.close()


if __name__ == "__main__":
    main()
