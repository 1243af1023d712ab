"""load_trips against the engine's own fastest raw load of the same 1,000,000-row file.

    .venv/bin/python bench/trips_load.py                  # both engines
    .venv/bin/python bench/trips_load.py --engine sqlite
    .venv/bin/python bench/trips_load.py --engine postgresql --url postgres://postgres@127.0.0.1:5432/trips_bench

The file is built once (bench/out/, git-ignored) by repeating the real NYC rows of
../shared/data/citibike with dates shifted by whole weeks. The floor is, on PostgreSQL,
COPY FROM STDIN of the raw CSV into an unindexed table of the same columns; on SQLite,
csv.reader plus executemany in one transaction into such a table. load_trips runs as its
own process (as a user runs it) on a freshly migrated database; its peak RSS is the
largest of that process's and of the processes it starts (wait4), each also sampled.
Targets: load_trips >= 0.7 of the floor's rows/s, peak RSS < 150 MB (every process).

A shared 2-core machine's speed drifts by a third from minute to minute, so each run pairs
a floor with a load_trips back to back (on PostgreSQL after a CHECKPOINT each, so neither
pays for the other's writes), and the median ratio of --runs pairs is the result.
"""

import argparse
import csv
import gzip
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared/data/citibike/nyc-2017-classic/201706-4days-citibike-tripdata.csv.gz"
OUT = ROOT / "bench" / "out"
ROWS = 1_000_000
FLOOR_COLUMNS = (
    "tripduration int, starttime timestamp, stoptime timestamp, start_station_id int, "
    "start_station_name text, start_station_latitude float8, start_station_longitude float8, "
    "end_station_id int, end_station_name text, "
    "end_station_latitude float8, end_station_longitude float8, bikeid bigint, usertype text, "
    "birth_year int, gender int"
)
NULLABLE = ("start_station_id, start_station_latitude, start_station_longitude, end_station_id, "
            "end_station_latitude, end_station_longitude, bikeid, birth_year, gender")


def build_file(rows: int) -> Path:
    target = OUT / f"trips-{rows}.csv"
    if target.exists():
        return target
    if not SOURCE.is_file():
        sys.exit(f"{SOURCE} is missing (see ../shared/data/citibike/PROVENANCE.md)")
    OUT.mkdir(parents=True, exist_ok=True)
    written, week = 0, 0
    with open(target.with_suffix(".tmp"), "w", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        while written < rows:
            with gzip.open(SOURCE, "rt", newline="") as f:
                reader = csv.reader(f)
                header = next(reader)
                if written == 0:
                    writer.writerow(header)
                shift = timedelta(weeks=week)
                for row in reader:
                    row[1], row[2] = _shift(row[1], shift), _shift(row[2], shift)
                    writer.writerow([_number(v) if i in (0, 3, 7, 14) else v for i, v in enumerate(row)])
                    written += 1
                    if written == rows:
                        break
            week += 1
    target.with_suffix(".tmp").rename(target)
    return target


def _shift(text, shift):
    return (datetime.strptime(text, "%Y-%m-%d %H:%M:%S") + shift).strftime("%Y-%m-%d %H:%M:%S")


def _number(text):
    return int(text) if text else ""


def sqlite_floor(path: Path, db: Path) -> float:
    db.unlink(missing_ok=True)
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    columns = re.sub(r"\b(int|bigint)\b", "integer", FLOOR_COLUMNS).replace("float8", "real")
    connection.execute(f"CREATE TABLE floor ({columns})")
    started = time.perf_counter()
    with open(path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        connection.execute("BEGIN")
        connection.executemany(f"INSERT INTO floor VALUES ({', '.join('?' * 15)})", reader)
        connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def postgres_floor(path: Path, url: str) -> float:
    import psycopg2

    connection = psycopg2.connect(url.replace("postgres://", "postgresql://"))
    with connection, connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS bench_floor; CREATE TABLE bench_floor ({FLOOR_COLUMNS})")
    started = time.perf_counter()
    with connection, connection.cursor() as cursor, open(path, "rb") as f:
        cursor.copy_expert(
            f"COPY bench_floor FROM STDIN WITH (FORMAT csv, HEADER true, FORCE_NULL ({NULLABLE}))", f, 1 << 20
        )
    seconds = time.perf_counter() - started
    with connection, connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor")
    connection.close()
    return seconds


def checkpoint(url: str):
    """Write out the previous step's dirty pages now, so neither timing pays for the other's."""
    import psycopg2

    connection = psycopg2.connect(url.replace("postgres://", "postgresql://"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    connection.close()


def recreate_postgres(url: str):
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


class PeakSampler(threading.Thread):
    """The peak RSS (VmHWM) of a process and of each process it starts, read from /proc every
    20 ms (Linux). wait4's ru_maxrss is only the largest of them; this tells them apart."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peaks, self.names, self.done = pid, {}, {}, threading.Event()

    def run(self):
        while not self.done.is_set():
            for pid in self._family(self.pid):
                status = _read(f"/proc/{pid}/status")
                hwm = re.search(r"VmHWM:\s+(\d+) kB", status)
                if hwm:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), int(hwm.group(1)))
                    self.names.setdefault(pid, self._label(pid))
            self.done.wait(0.02)

    def _label(self, pid):
        return "load_trips" if pid == self.pid else "its child process"

    def _family(self, pid):
        yield pid
        for task in Path(f"/proc/{pid}/task").glob("*"):
            for child in _read(task / "children").split():
                yield from self._family(int(child))

    def report(self) -> str:
        return ", ".join(f"{self.names[pid]} {kb / 1024:.0f} MB" for pid, kb in self.peaks.items()) or "n/a"


def _read(path) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""  # gone already


def _busy_seconds() -> float:
    """CPU seconds the machine's processes have run since it started, all cores (/proc/stat)."""
    ticks = [int(n) for n in _read("/proc/stat").split("\n", 1)[0].split()[1:8]]
    if not ticks:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = ticks
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def run_load_trips(path: Path, url: str) -> tuple[float, float, float, str, str, float]:
    """(seconds load_trips reports, wall seconds, peak RSS MB, its summary line, the peak RSS
    of load_trips and of each process it starts, sampled, CPU seconds others used meanwhile)."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "true", "TRIPS_DATABASE_URL": ""}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    started, busy = time.perf_counter(), _busy_seconds()
    child = subprocess.Popen([*manage, "load_trips", str(path)], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    sampler = PeakSampler(child.pid)
    sampler.start()
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    # What the machine did besides load_trips (and its children): on 2 cores a busy neighbour
    # slows a load that parses and inserts at once far more than the one-core floor.
    others = max(_busy_seconds() - busy - usage.ru_utime - usage.ru_stime, 0.0)
    sampler.done.set()
    sampler.join()
    if status != 0:
        sys.exit(f"load_trips failed:\n{output}")
    summary = output.strip().splitlines()[-1]
    seconds = float(re.search(r"in ([\d.]+) s", summary).group(1))
    # ru_maxrss of a waited-for process is the largest of its own and its reaped children's.
    return seconds, wall, usage.ru_maxrss / 1024, summary, sampler.report(), others


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/trips_bench",
                        help="PostgreSQL database to (re)create for the run (--engine postgresql)")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--runs", type=int, default=3,
                        help="pairs of floor and load_trips to run; the median ratio is the result")
    args = parser.parse_args()
    path = build_file(args.rows)
    print(f"file: {path} ({args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB)")
    for engine in ("sqlite", "postgresql") if args.engine == "both" else (args.engine,):
        print(f"== {engine}")
        bench(engine, path, args)


def bench(engine, path, args):
    """`args.runs` pairs of floor and load_trips, back to back; the median ratio decides."""
    ratios = []
    for run in range(1, args.runs + 1):
        ratio = bench_once(engine, path, args)
        print(f"run {run}: ratio {ratio:.2f}")
        ratios.append(ratio)
    print(f"{engine}: median ratio to floor over {args.runs} run(s): {statistics.median(ratios):.2f} "
          f"(each: {', '.join(f'{r:.2f}' for r in ratios)}; target >= 0.70)")


def bench_once(engine, path, args) -> float:
    if engine == "sqlite":
        floor = sqlite_floor(path, OUT / "floor.sqlite3")
        db = OUT / "load.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{db}"
        floor_what = "csv.reader + executemany, one transaction"
    else:
        recreate_postgres(args.url)
        checkpoint(args.url)
        floor = postgres_floor(path, args.url)
        checkpoint(args.url)
        url = args.url
        floor_what = "COPY FROM STDIN into an unindexed table"
    seconds, wall, rss, summary, processes, others = run_load_trips(path, url)
    print(f"floor ({floor_what}): {floor:.2f} s, {args.rows / floor:,.0f} rows/s")
    print(f"load_trips: {summary}")
    print(f"load_trips: {seconds:.2f} s loading ({args.rows / seconds:,.0f} rows/s), "
          f"{wall:.2f} s wall with interpreter start and migrate check, peak RSS {rss:.0f} MB "
          f"(the largest process; each, sampled: {processes}); other processes used "
          f"{others:.1f} CPU-s meanwhile (this bench's sampling; on PostgreSQL the server's work)")
    ratio, wall_ratio = floor / seconds, floor / wall
    print(f"ratio to floor: {ratio:.2f} (target >= 0.70; {wall_ratio:.2f} counting process start-up); "
          f"peak RSS {rss:.0f} MB (target < 150)")
    return ratio


if __name__ == "__main__":
    main()
