"""PostgreSQL's fast path: the server parses the CSV (COPY FROM STDIN), Python only streams it.

Every CSV goes into new slices of the partitioned trip table (trips/pgpartitions.py). A
plain local file is cut at line boundaries into one range per CPU, each COPied on its own
connection at the same time; a stream (gzip, zip member, URL) is one range. Each slice is
checked, indexed and counted on its connection, then the loader's transaction attaches it.

- A classic file whose every column is a Trip column is COPied straight into its slice,
  in New York time so the server turns local times into aware ones; the few rows no COPY
  can refuse (negative duration, stop before start) are then taken out again.
- Any other layout (2021+) is COPied into a temporary text table and converted in SQL.
- A row COPY cannot parse (wrong field count, a bad date...) fails the slice: the loader
  then reloads the whole file through Python's parser (`python_rows`), which skips and
  reports each bad row.
"""

import contextlib
import csv
import os
import threading
from collections import Counter
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from django.db import connections

from trips import interrupts, pgpartitions, pgsql
from trips.formats import NEW_YORK, Layout

WORKERS = min(4, os.cpu_count() or 1)
# Below this a file is one range: another connection would cost more than it saves.
MIN_RANGE_BYTES = 16 << 20
# The clean-up after a failed load gives up rather than wait (the next load does it then).
CLEANUP_CONNECT_SECONDS = 5


class FastPathFailed(Exception):
    """COPY or the conversion refused a row: load this file through Python instead."""


@dataclass
class Slice:
    """One range of one CSV, filled on its own connection into its own table."""

    where: str
    layout: Layout | None
    stream: object  # binary, whole CSV records, no header
    first_line: int  # the file line of its first record
    base: int  # its first trip_id; record n of the range takes base + n
    table: str = ""
    end: int = 0  # one past the last id taken
    loaded: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)
    hours: Counter = field(default_factory=Counter)
    connection: object = None  # while it is being filled
    give_up: threading.Event = field(default_factory=threading.Event)  # another range failed


class Progress:
    """Rows streamed so far by every connection, for the loader's progress bar."""

    def __init__(self, on_rows, start):
        self.on_rows, self.rows, self.lock = on_rows, start, threading.Lock()

    def add(self, rows):
        with self.lock:
            self.rows += rows
            self.on_rows(self.rows)


def copy_parts(loader, source, parts, report):
    base = _first_free_id(loader)
    progress, slices = Progress(loader.on_progress, report.loaded), []
    for where, stream in parts:
        planned = _plan(source, where, stream, base)
        # The ranges read the file themselves; the stream is still read through, at the
        # same time, for the ledger's hash of the whole file.
        hashing = _read_through(stream) if len(planned) > 1 else None
        try:
            _fill_all(loader.alias, planned, lambda piece, cursor: pgsql.copy_csv(piece, cursor, progress))
        finally:
            if hashing is not None:
                hashing.join()  # before the stream is closed, on failure too
        slices += planned
        base = max(s.end for s in planned)
    _attach(loader, slices, report)


def python_rows(loader, source, parts, report):
    """The careful path: Python parses and checks each row; COPY (text format) writes them."""
    rows = pgsql.TextRows(loader._rows(parts, report), report, loader.on_progress)
    whole = Slice(source.name, None, rows, 2, _first_free_id(loader))
    _fill_all(loader.alias, [whole], pgsql.copy_text)
    # The slice's own count, by the database, replaces the one _rows kept as it went: the
    # two differ for times in the hour that spring-forward skips.
    report.hours.clear()
    _attach(loader, [whole], report)


def _first_free_id(loader) -> int:
    """Under the loader's lock on trip: drop what a stopped load left, then the first id to take."""
    dropped = _drop_unattached(loader.alias, locked=True)
    if dropped:
        loader.on_note(f"Dropped {len(dropped)} table(s) a stopped load had filled but not attached "
                       f"to trip: {', '.join(dropped)}.")
    with connections[loader.alias].cursor() as cursor:
        return pgpartitions.first_free_id(cursor)


def drop_unattached(alias) -> None:
    """After a failed or interrupted load, on a connection of its own (the loader's may be
    gone): drop the slices filled but never attached. Best effort, without waiting for
    another load's lock: whatever remains, the next load drops."""
    with contextlib.suppress(Exception):  # unreachable, or another load holds trip
        _drop_unattached(alias, locked=False)


def _drop_unattached(alias, *, locked) -> list[str]:
    """Committed on a connection of its own, so the loader's other connections, which
    create the next slices, see the names free. `locked`: the caller's transaction holds
    the loaders' lock on trip (else it is taken here, or this fails rather than wait)."""
    connection = _connect(alias, connect_timeout=CLEANUP_CONNECT_SECONDS)
    try:
        with interrupts.cancelling(connection.cancel), connection.cursor() as cursor:
            if not locked:
                cursor.execute("LOCK TABLE trip IN SHARE ROW EXCLUSIVE MODE NOWAIT")
            dropped = pgpartitions.drop_orphans(cursor)
        connection.commit()
        return dropped
    finally:
        connection.close()


def _plan(source, where, stream, base) -> list[Slice]:
    header_line = stream.readline()
    layout = Layout(next(csv.reader([header_line.decode("utf-8-sig", "replace")]), []))
    path = source.plain_file() if where == source.name else None
    size = path.stat().st_size if path else 0
    if WORKERS == 1 or size < 2 * MIN_RANGE_BYTES:
        return [Slice(where, layout, stream, 2, base)]
    bounds = _cut(path, len(header_line), size, min(WORKERS, size // MIN_RANGE_BYTES))
    slices, line = [], 2
    for begin, end in zip(bounds, bounds[1:], strict=False):
        slices.append(Slice(where, layout, pgsql.FileRange(path, begin, end), line, base))
        newlines = pgsql.count_lines(path, begin, end) if end < size else 0
        line, base = line + newlines, base + newlines  # a record takes at least one line
    return slices


def _read_through(stream) -> threading.Thread:
    def read():
        while not interrupts.stopping() and stream.read(pgsql.CHUNK):
            pass

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def _cut(path, start, size, pieces) -> list[int]:
    """Offsets that cut [start, size) into `pieces` ranges, each ending at a newline."""
    bounds = [start]
    with open(path, "rb") as f:
        for k in range(1, pieces):
            f.seek(max(start + (size - start) * k // pieces - 1, bounds[-1]))
            f.readline()
            bounds.append(min(f.tell(), size))
    return [*bounds, size]


def _fill_all(alias, slices, fill):
    # The workers' psycopg2 errors become Django's, as the command reports them.
    with connections[alias].wrap_database_errors:
        if len(slices) == 1:
            _fill(alias, slices[0], fill)
            return
        with ThreadPoolExecutor(len(slices), thread_name_prefix="load_trips") as pool:
            futures = [pool.submit(_fill, alias, s, fill) for s in slices]
            # On a signal, the watcher has the workers stop; leaving this block waits for them.
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            failed = next((f.exception() for f in futures if f in done and f.exception()), None)
            if failed is not None:
                _give_up(slices)
        if failed is not None:
            raise failed  # the loader drops the slices the others filled


def _give_up(slices):
    """One range failed: the others stop now rather than finish work that is thrown away."""
    for piece in slices:
        piece.give_up.set()
        if piece.connection is not None:
            with contextlib.suppress(Exception):  # already closed
                piece.connection.cancel()


def _fill(alias, piece, fill):
    from psycopg2 import DataError, IntegrityError

    connection = piece.connection = _connect(alias)
    try:
        with interrupts.cancelling(connection.cancel, until_done=True), connection.cursor() as cursor:
            pgsql.check(piece)
            cursor.execute("SET TIME ZONE %s", [str(NEW_YORK)])
            cursor.execute("SET DateStyle = 'ISO, MDY'")
            piece.table = pgpartitions.create_slice(cursor, piece.base)
            fill(piece, cursor)
            pgsql.check(piece)
            # Counted before the index exists: the planner would otherwise walk the index.
            piece.hours = pgsql.hour_counts(cursor, piece.table)
            pgsql.check(piece)
            pgpartitions.finish_slice(cursor, piece.table, piece.base, piece.end)
            pgsql.check(piece)
        connection.commit()
    except BaseException as exc:
        with contextlib.suppress(Exception):  # a connection the server ended cannot roll back
            connection.rollback()  # the table goes with it
        piece.table = ""
        if isinstance(exc, DataError | IntegrityError):
            raise FastPathFailed(str(exc).strip().splitlines()[0]) from None
        raise
    finally:
        piece.connection = None
        connection.close()


def _connect(alias, **extra):
    wrapper = connections[alias]
    return wrapper.get_new_connection({**wrapper.get_connection_params(), **extra})


def _attach(loader, slices, report):
    with connections[loader.alias].cursor() as cursor:
        for piece in slices:
            pgpartitions.attach(cursor, piece.table, piece.base, piece.end)
        pgpartitions.move_sequence_past(cursor, max(piece.end for piece in slices))
    for piece in slices:
        for line, reason in piece.bad:
            loader.on_bad(piece.where, line, reason)
        report.loaded += piece.loaded
        report.skipped += len(piece.bad)
        report.hours.update(piece.hours)

