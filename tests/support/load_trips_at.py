"""`manage.py load_trips`, slowed or held at one named point, for tests that signal it there.

    python tests/support/load_trips_at.py POINT [load_trips arguments...]

Runs the real manage.py (its `main()`, in this process) after two changes made here:

- the thresholds are lowered as tests/trips/test_postgres.py lowers them, so a 3.7 MB Citi
  Bike file is cut into three chunks on PostgreSQL and parsed by the child process on SQLite;
- at POINT the load writes `at POINT` on stderr, once, then goes on slowly (Python-side
  points) or waits in the database (`pg_sleep`, which only a cancel ends), so a signal sent
  after that line lands there. POINT `none` changes nothing else.
"""

import runpy
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATABASE_WAIT = "SELECT pg_sleep(15)"
_announced = threading.Lock()


def announce(point):
    if _announced.acquire(blocking=False):
        sys.stderr.write(f"at {point}\n")
        sys.stderr.flush()


def copy():
    """PostgreSQL: every chunk's COPY streams, slowly, on its own connection."""
    from trips.load import pgcopy

    pgcopy.READ_BYTES = 16 << 10
    read = pgcopy.Counting.read

    def slow(self, size=-1):
        announce("copy")
        time.sleep(0.02)
        return read(self, size)

    pgcopy.Counting.read = slow


def _wait_in_database_before(point, name):
    """trips.load.partitions.`name`(cursor, ...) announces `point`, then waits in the database."""
    from trips.load import partitions

    run = getattr(partitions, name)

    def waiting(cursor, *args):
        announce(point)
        cursor.execute(DATABASE_WAIT)
        run(cursor, *args)

    setattr(partitions, name, waiting)


def index():
    """PostgreSQL: the chunks are copied; each connection is about to build its indexes."""
    _wait_in_database_before("index", "finish")


def filled():
    """PostgreSQL: every chunk table is filled and committed on its own connection, none
    attached; the loader's connection waits idle in its transaction."""
    from trips.load import postgres

    attach_all = postgres._attach

    def waiting(*args):
        announce("filled")
        time.sleep(60)
        attach_all(*args)

    postgres._attach = waiting


def attach():
    """PostgreSQL: every chunk table is filled and committed; the loader's transaction attaches them."""
    _wait_in_database_before("attach", "attach")


def ledger():
    """PostgreSQL: every chunk table is attached (uncommitted); the ledger row comes next."""
    _wait_in_database_before("ledger", "move_sequence_past")


def insert():
    """SQLite: the child parses while the loader inserts, slowly."""
    from trips.load import sqlite

    insert_batch = sqlite._insert

    def slow(raw, batch):
        announce("insert")
        time.sleep(0.01)
        insert_batch(raw, batch)

    sqlite._insert = slow


def rebuild():
    """SQLite: every row is inserted; the station index is about to be built again."""
    from trips.load import sqlite

    leave = sqlite._Index.__exit__

    def waiting(self, *exc):
        announce("rebuild")
        time.sleep(60)
        return leave(self, *exc)

    sqlite._Index.__exit__ = waiting


POINTS = {f.__name__: f for f in (copy, index, filled, attach, ledger, insert, rebuild)}


def main(point, *arguments):
    sys.path.insert(0, str(ROOT))
    from trips.load import postgres, rows

    postgres.WORKERS, postgres.MIN_CHUNK_BYTES = 3, 1 << 20
    rows.CHILD_FROM_BYTES = 1 << 20
    if point != "none":
        POINTS[point]()
    sys.argv = [str(ROOT / "manage.py"), "load_trips", *arguments]
    runpy.run_path(str(ROOT / "manage.py"), run_name="__main__")


if __name__ == "__main__":
    main(*sys.argv[1:])
