"""PostgreSQL's path: the server parses the CSV (COPY FROM STDIN), Python only streams it, into
new partitions of trip, one per chunk (the steps: trips/README.md, "PostgreSQL").

- A classic file whose every column is a Trip column is COPied straight into the chunk's table,
  in New York time so the server turns local times into aware ones; the few rows no COPY
  can refuse (negative duration, stop before start) are then taken out again.
- Any other layout (2021+) is COPied into a temporary text table and converted in SQL
  (trips/load/rules.py holds each conversion beside its Python twin).
- A row COPY cannot parse (wrong field count, a bad date...) fails the chunk: the loader
  then loads the whole file again with `job.careful`, Python's rows (trips/load/rows.py)
  COPied into one chunk, each bad row skipped and reported.
"""

import contextlib
import csv
import os
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from django.db import connections

from trips.load import interrupts, partitions, pgcopy, rows
from trips.load.rules import NEW_YORK, Layout

WORKERS = min(4, os.cpu_count() or 1)
# Below this a file is one chunk: another connection would cost more than it saves.
MIN_CHUNK_BYTES = 16 << 20
# The clean-up after a failed load gives up rather than wait (the next load does it then).
CLEANUP_CONNECT_SECONDS = 5


FastPathFailed = pgcopy.FastPathFailed  # COPY or the conversion refused a row: load it through Python


@dataclass
class Chunk:
    """One chunk of one CSV, filled on its own connection into its own table."""

    where: str
    layout: Layout | None
    blocks: Iterator[bytes]  # whole CSV records (no header), or COPY text lines
    first_line: int  # the file line of its first record
    base: int  # its first trip_id; record n of the chunk takes base + n
    table: str = ""
    end: int = 0  # one past the last id taken
    lines: int = 0  # line breaks streamed (COPY's records: one line each, unless quoted ones)
    open_line: bool = False  # its last line has no line break
    loaded: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)
    hours: Counter = field(default_factory=Counter)
    connection: object = None  # while it is being filled
    give_up: threading.Event = field(default_factory=threading.Event)  # another chunk failed


def write(job) -> tuple[str, int]:
    """Every good row of job.source in new partitions of trip, attached in the caller's
    transaction (which holds the loaders' lock on trip); (sha256, bytes read)."""
    progress, base = _progress(job), _first_free_id(job)
    if job.careful:
        with rows.produced(job) as (batches, parsed):
            chunks = [Chunk(job.source.name, None, pgcopy.text_blocks(batches), 2, base)]
            _fill_all(job.alias, chunks, pgcopy.copy_text, progress)
        _attach(job, chunks)
        return parsed.sha256, parsed.bytes
    chunks = []
    with job.source.csvs() as (reader, csvs):
        for where, stream in csvs:
            planned = _plan(job.source, where, stream, base)
            _fill_all(job.alias, planned, pgcopy.copy_csv, progress, stream)
            chunks += planned
            base = max(c.end for c in planned)
    _attach(job, chunks)
    return reader.sha256.hexdigest(), reader.bytes


def _progress(job):
    """A function of the rows some connection just streamed: shows the load's total so far."""
    lock, total = threading.Lock(), [job.report.loaded]

    def add(rows):
        with lock:
            total[0] += rows
            job.on_progress(total[0])

    return add


def _first_free_id(job) -> int:
    """Under the loader's lock on trip: drop what a stopped load left, then the first id to take."""
    dropped = drop_unattached(job.alias, locked=True)
    if dropped:
        job.on_note(f"Dropped {len(dropped)} table(s) a stopped load had filled but not attached "
                    f"to trip: {', '.join(dropped)}.")
    with connections[job.alias].cursor() as cursor:
        return partitions.first_free_id(cursor)


def drop_unattached(alias, *, locked=False) -> list[str]:
    """Drop the chunk tables filled but never attached; their names. Committed on a connection
    of its own, so the loader's other connections, which create the next tables, see the names
    free. `locked`: the caller's transaction holds the loaders' lock on trip. Else (after a
    failed or interrupted load, whose connection may be gone) best effort, without waiting for
    another load's lock: whatever remains, the next load drops."""
    try:
        with contextlib.closing(_connect(alias, connect_timeout=CLEANUP_CONNECT_SECONDS)) as connection:
            with interrupts.cancelling(connection.cancel), connection.cursor() as cursor:
                if not locked:
                    cursor.execute("LOCK TABLE trip IN SHARE ROW EXCLUSIVE MODE NOWAIT")
                dropped = partitions.drop_orphans(cursor)
            connection.commit()
        return dropped
    except Exception:
        if locked:
            raise
        return []  # unreachable, or another load holds trip


def _plan(source, where, stream, base) -> list[Chunk]:
    header_line = stream.readline()
    layout = Layout(next(csv.reader([header_line.decode("utf-8-sig", "replace")]), []))
    path = source.plain_file() if where == source.name else None
    size = path.stat().st_size if path else 0
    if WORKERS == 1 or size < 2 * MIN_CHUNK_BYTES:
        return [Chunk(where, layout, pgcopy.stream_blocks(stream), 2, base)]
    bounds = _cut(path, len(header_line), size, min(WORKERS, size // MIN_CHUNK_BYTES))
    chunks, line = [], 2
    for begin, end in zip(bounds, bounds[1:], strict=False):
        chunks.append(Chunk(where, layout, pgcopy.file_blocks(path, begin, end), line, base))
        newlines = sum(b.count(b"\n") for b in pgcopy.file_blocks(path, begin, end)) if end < size else 0
        line, base = line + newlines, base + newlines  # a record takes at least one line
    return chunks


def _read_through(stream):
    while stream.read(pgcopy.READ_BYTES):
        interrupts.stop_here()


def _cut(path, start, size, count) -> list[int]:
    """Offsets that cut [start, size) into `count` chunks, each ending at a newline."""
    bounds = [start]
    with open(path, "rb") as f:
        for k in range(1, count):
            f.seek(max(start + (size - start) * k // count - 1, bounds[-1]))
            f.readline()
            bounds.append(min(f.tell(), size))
    return [*bounds, size]


def _fill_all(alias, chunks, fill, progress, stream=None):
    # The workers' psycopg2 errors become Django's, as the command reports them.
    with connections[alias].wrap_database_errors:
        if len(chunks) == 1:
            _fill(alias, chunks[0], fill, progress)
            return
        with ThreadPoolExecutor(len(chunks) + 1, thread_name_prefix="load_trips") as pool:
            futures = [pool.submit(_fill, alias, c, fill, progress) for c in chunks]
            # The chunks read the file themselves; its stream is read through meanwhile, for the
            # ledger's hash of the whole file (and before it is closed, on failure too).
            futures.append(pool.submit(_read_through, stream))
            # On a signal, the watcher has the workers stop; leaving this block waits for them.
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            failed = next((f.exception() for f in futures if f in done and f.exception()), None)
            if failed is not None:
                _give_up(chunks)
        if failed is not None:
            raise failed  # the loader drops the tables the others filled


def _give_up(chunks):
    """One chunk failed: the others stop now rather than finish work that is thrown away."""
    for chunk in chunks:
        chunk.give_up.set()
        if chunk.connection is not None:
            with contextlib.suppress(Exception):  # already closed
                chunk.connection.cancel()


def _fill(alias, chunk, fill, progress):
    from psycopg2 import DataError, IntegrityError

    connection = chunk.connection = _connect(alias)
    try:
        with interrupts.cancelling(connection.cancel, until_done=True), connection.cursor() as cursor:
            pgcopy.check(chunk)
            cursor.execute("SET TIME ZONE %s", [str(NEW_YORK)])
            cursor.execute("SET DateStyle = 'ISO, MDY'")
            chunk.table = partitions.create(cursor, chunk.base)
            fill(chunk, cursor, progress)
            pgcopy.check(chunk)
            # Counted before the index exists: the planner would otherwise walk the index.
            chunk.hours = pgcopy.station_hours(cursor, chunk.table)
            pgcopy.check(chunk)
            partitions.finish(cursor, chunk.table, chunk.base, chunk.end)
            pgcopy.check(chunk)
        connection.commit()
    except BaseException as exc:
        with contextlib.suppress(Exception):  # a connection the server ended cannot roll back
            connection.rollback()  # the table goes with it
        if isinstance(exc, DataError | IntegrityError):
            raise FastPathFailed(str(exc).strip().splitlines()[0]) from None
        raise
    finally:
        chunk.connection = None
        connection.close()


def _connect(alias, **extra):
    wrapper = connections[alias]
    return wrapper.get_new_connection({**wrapper.get_connection_params(), **extra})


def _attach(job, chunks):
    with connections[job.alias].cursor() as cursor:
        for chunk in chunks:
            partitions.attach(cursor, chunk.table, chunk.base, chunk.end)
        partitions.move_sequence_past(cursor, max(chunk.end for chunk in chunks))
    for chunk in chunks:
        for line, reason in chunk.bad:
            job.bad(chunk.where, line, reason)
        job.report.loaded += chunk.loaded
        job.report.hours.update(chunk.hours)
