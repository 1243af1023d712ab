"""`manage.py load_trips`, slowed or held at one named point, for tests that signal it there.

    python tests/support/load_trips_at.py POINT [load_trips arguments...]

Runs the real manage.py (its `main()`, in this process) after two changes made here:

- the thresholds are lowered as tests/trips/test_pgload.py lowers them, so a 3.7 MB Citi
  Bike file is cut into three ranges on PostgreSQL and parsed by the child process on SQLite;
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
    """PostgreSQL: every range's COPY streams, slowly, on its own connection."""
    from trips import pgsql

    pgsql.CHUNK = 16 << 10
    read = pgsql.Counting.read

    def slow(self, size=-1):
        announce("copy")
        time.sleep(0.02)
        return read(self, size)

    pgsql.Counting.read = slow


def index():
    """PostgreSQL: the ranges are copied; each connection is about to build its indexes."""
    from trips import pgpartitions

    finish = pgpartitions.finish_slice

    def waiting(cursor, *args):
        announce("index")
        cursor.execute(DATABASE_WAIT)
        finish(cursor, *args)

    pgpartitions.finish_slice = waiting


def filled():
    """PostgreSQL: every slice is filled and committed on its own connection, none attached;
    the loader's connection waits idle in its transaction."""
    from trips import pgload

    attach_all = pgload._attach

    def waiting(*args):
        announce("filled")
        time.sleep(60)
        attach_all(*args)

    pgload._attach = waiting


def attach():
    """PostgreSQL: every slice is filled and committed; the loader's transaction attaches them."""
    from trips import pgpartitions

    attach_one = pgpartitions.attach

    def waiting(cursor, *args):
        announce("attach")
        cursor.execute(DATABASE_WAIT)
        attach_one(cursor, *args)

    pgpartitions.attach = waiting


def ledger():
    """PostgreSQL: every slice is attached (uncommitted); the ledger row comes next."""
    from trips import pgpartitions

    move = pgpartitions.move_sequence_past

    def waiting(cursor, end):
        announce("ledger")
        cursor.execute(DATABASE_WAIT)
        move(cursor, end)

    pgpartitions.move_sequence_past = waiting


def insert():
    """SQLite: the child parses while the loader inserts, slowly."""
    from trips import sqliteload

    insert_batch = sqliteload._insert

    def slow(raw, flat):
        announce("insert")
        time.sleep(0.01)
        insert_batch(raw, flat)

    sqliteload._insert = slow


def rebuild():
    """SQLite: every row is inserted; the station index is about to be built again."""
    from trips import sqliteload

    leave = sqliteload._Index.__exit__

    def waiting(self, *exc):
        announce("rebuild")
        time.sleep(60)
        return leave(self, *exc)

    sqliteload._Index.__exit__ = waiting


POINTS = {f.__name__: f for f in (copy, index, filled, attach, ledger, insert, rebuild)}


def main(point, *arguments):
    sys.path.insert(0, str(ROOT))
    from trips import pgload, rowpipe

    pgload.WORKERS, pgload.MIN_RANGE_BYTES = 3, 1 << 20
    rowpipe.CHILD_FROM_BYTES = 1 << 20
    if point != "none":
        POINTS[point]()
    sys.argv = [str(ROOT / "manage.py"), "load_trips", *arguments]
    runpy.run_path(str(ROOT / "manage.py"), run_name="__main__")


if __name__ == "__main__":
    main(*sys.argv[1:])
