"""Requests/s of a station page at 1,000,000 trips against a plain JSON endpoint (/api/ping/).

    .venv/bin/python bench/trips_pages.py --url postgres://postgres@127.0.0.1:5432/trips_bench
    .venv/bin/python bench/trips_pages.py --url sqlite:///$PWD/bench/out/load.sqlite3

Both are served by the same server process (uvicorn, one worker, DEBUG off) on 127.0.0.1
and measured the same way: a fixed number of requests over keep-alive connections from
two client threads, after a warm-up, in interleaved rounds (the best round of each counts).
When the database holds fewer than 1,000,000 trips,
the bench file of bench/trips_load.py is loaded first. Targets: the station page serves
at least 0.8 of /api/ping/'s requests/s, with p99 under 25 ms.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from httpload import free_port, wait_for_port  # noqa: E402


def server_env(url):
    return {
        **os.environ, "DATABASE_URL": url, "TRIPS_DATABASE_URL": "", "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-not-secret", "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_LOG_LEVEL": "WARNING",
        # Every client of a benchmark comes from 127.0.0.1: throttles would cap the run.
        "API_ANON_RATE": "off", "API_USER_RATE": "off",
    }


def ensure_trips(url, rows):
    from trips_load import build_file

    env = {**server_env(url), "DJANGO_DEBUG": "true"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    # DEBUG off serves pages through the static files manifest: a fresh clone has none yet.
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=server_env(url), check=True, cwd=ROOT)
    count = subprocess.run(
        [*manage, "shell", "-c", "from trips.models import Trip; print(Trip.objects.count())"],
        env=env, check=True, cwd=ROOT, capture_output=True, text=True,
    ).stdout.split()[-1]
    if int(count) < rows:
        subprocess.run([*manage, "load_trips", str(build_file(rows))], env=env, check=True, cwd=ROOT)
    busiest = subprocess.run(
        [*manage, "shell", "-c", "from trips.models import Station; s = Station.objects.first(); "
         "print('BUSIEST', s.slug, s.trips)"], env=env, check=True, cwd=ROOT, capture_output=True, text=True,
    ).stdout.split("BUSIEST")[-1].split()
    return busiest[0], int(busiest[1])


def start_server(url, port):
    command = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
               "--port", str(port), "--workers", "1", "--no-access-log", "--log-level", "warning"]
    server = subprocess.Popen(command, env=server_env(url), cwd=ROOT)
    try:
        wait_for_port(port, seconds=10)
    except RuntimeError as exc:
        server.terminate()
        sys.exit(str(exc))
    return server


def measure(port, path, requests, clients):
    latencies, errors = [], []
    per_client = requests // clients

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        for _ in range(per_client):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                errors.append(response.status)
        connection.close()
        latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        sys.exit(f"{path}: {len(errors)} non-200 answers, e.g. {errors[0]}")
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/trips_bench")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    slug, trips = ensure_trips(args.url, args.rows)
    port = free_port()
    server = start_server(args.url, port)
    try:
        paths = {"ping": "/api/ping/", "busiest": f"/trips/from/{slug}/",
                 "graham": "/trips/from/graham-conselyea/"}
        for path in paths.values():
            measure(port, path, 200, 2)  # warm-up: connections, caches, code paths
        # Interleaved rounds, the best of each endpoint: other load on the machine hits both alike.
        rounds = [{name: measure(port, path, args.requests, args.clients) for name, path in paths.items()}
                  for _ in range(args.rounds)]
        results = {name: max((r[name] for r in rounds), key=lambda r: r["rps"]) for name in paths}
    finally:
        server.terminate()
        server.wait(timeout=10)
    ping = results["ping"]["rps"]
    print(f"database: {args.url.split('@')[-1]}; busiest station {slug} ({trips:,} trips)")
    for name, path in paths.items():
        r = results[name]
        print(f"{path:45} {r['rps']:8.0f} req/s  p50 {r['p50']:5.1f} ms  p99 {r['p99']:5.1f} ms"
              f"  ratio to ping {r['rps'] / ping:.2f}")
    print("targets: station page >= 0.80 of ping's req/s, p99 < 25 ms")


if __name__ == "__main__":
    main()
