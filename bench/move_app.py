"""`move_app trips` of 1,000,000 trips, SQLite -> PostgreSQL, against a raw floor in the same run.

    .venv/bin/python bench/move_app.py --url postgres://postgres@127.0.0.1:5432/trips_move_bench

The source is an SQLite database of 1,000,000 trips, built once in bench/out/ (git-ignored) by
load_trips from bench/trips_load.py's file (real NYC rows of ../shared/data/citibike, dates
shifted by whole weeks). The floor is what the same copy costs with the engines' own tools and
no checks: the sqlite3 CLI writing the trip table to CSV, then psql's \\copy into an unindexed
table of the same columns. The move runs as its own process (as a user runs it) into a freshly
created database, with its verification (reading all of the target back); its peak RSS is
wait4's. Targets: the move within 2 x the floor, peak RSS < 150 MB.

The machine is shared: each run pairs a floor and a move back to back (after a CHECKPOINT each),
and the median ratio of --runs pairs is the result.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.trips_load import OUT, build_file, checkpoint, recreate_postgres  # noqa: E402

FLOOR_TABLE = (
    "trip_id bigint, tripduration int, starttime timestamptz, stoptime timestamptz, "
    "start_station_id varchar(32), start_station_name varchar(100), start_station_latitude float8, "
    "start_station_longitude float8, end_station_id varchar(32), end_station_name varchar(100), "
    "end_station_latitude float8, end_station_longitude float8, bikeid bigint, "
    "membership_type varchar(50), usertype varchar(20), birth_year smallint, gender smallint"
)
COLUMNS = ", ".join(part.split()[0] for part in FLOOR_TABLE.split(", "))


def manage(*args, env, **kwargs):
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, **kwargs)


def build_source(rows: int) -> Path:
    """An SQLite database holding `rows` trips, loaded by load_trips (once; reused)."""
    db = OUT / f"move-source-{rows}.sqlite3"
    if db.exists():
        return db
    csv_file = build_file(rows)
    env = {**os.environ, "DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{db}.tmp",
           "TRIPS_DATABASE_URL": ""}
    manage("migrate", "-v0", env=env, check=True)
    manage("load_trips", "-v0", str(csv_file), env=env, check=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}.tmp{suffix}").unlink(missing_ok=True)
    Path(f"{db}.tmp").rename(db)
    return db


def floor(db: Path, url: str) -> tuple[float, float]:
    """(seconds of sqlite3 -> CSV, seconds of psql \\copy into an unindexed table)."""
    out = OUT / "move-floor.csv"
    started = time.perf_counter()
    with open(out, "wb") as f:
        subprocess.run(["sqlite3", "-csv", str(db), f"SELECT {COLUMNS} FROM trip ORDER BY trip_id"],
                       stdout=f, check=True)
    exported = time.perf_counter() - started
    psql = ["psql", "-q", "-v", "ON_ERROR_STOP=1", url.replace("postgres://", "postgresql://")]
    create = ("SET client_min_messages = warning; DROP TABLE IF EXISTS bench_floor; "
              f"CREATE TABLE bench_floor ({FLOOR_TABLE})")
    subprocess.run([*psql, "-c", create], check=True)
    checkpoint(url)
    started = time.perf_counter()
    subprocess.run([*psql, "-c", f"\\copy bench_floor FROM '{out}' WITH (FORMAT csv)"], check=True)
    copied = time.perf_counter() - started
    subprocess.run([*psql, "-c", "DROP TABLE bench_floor"], check=True)
    out.unlink()
    return exported, copied


def move(db: Path, url: str) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, last line) of `move_app trips` as its own process."""
    env = {**os.environ, "DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{db}", "TRIPS_DATABASE_URL": ""}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "move_app", "trips", "--to", url],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        sys.exit(f"move_app failed:\n{output}")
    return wall, usage.ru_maxrss / 1024, output.strip().splitlines()[0]


def once(db: Path, url: str, rows: int) -> float:
    recreate_postgres(url)
    exported, copied = floor(db, url)
    base = exported + copied
    recreate_postgres(url)
    checkpoint(url)
    seconds, rss, line = move(db, url)
    print(f"floor: sqlite3 -csv {exported:.2f} s + psql \\copy {copied:.2f} s = {base:.2f} s "
          f"({rows / base:,.0f} rows/s)")
    print(f"move_app: {seconds:.2f} s wall incl. start-up, migrate and verification "
          f"({rows / seconds:,.0f} rows/s), peak RSS {rss:.0f} MB; {line[:100]}")
    ratio = seconds / base
    print(f"move / floor: {ratio:.2f} (target <= 2.00); peak RSS {rss:.0f} MB (target < 150)")
    return ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/trips_move_bench",
                        help="PostgreSQL database to (re)create for the run (dropped at the end)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    db = build_source(args.rows)
    print(f"source: {db} ({args.rows:,} trips, {db.stat().st_size / 1e6:.0f} MB)")
    ratios = [once(db, args.url, args.rows) for _ in range(args.runs)]
    print(f"median move / floor over {args.runs} run(s): {statistics.median(ratios):.2f} "
          f"(each: {', '.join(f'{r:.2f}' for r in ratios)}; target <= 2.00)")
    recreate_postgres(args.url)  # leave an empty database, not a million rows
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", args.url.rsplit("/", 1)[1]],
                   check=False)


if __name__ == "__main__":
    main()
