"""SQLite's path: rows from the row producer (trips/load/rows.py), many rows per INSERT, the
station index rebuilt once rather than kept up to date. All SQL here is built from our names.
"""

from django.db import connections

from trips.load import rows
from trips.load.rules import WIDTH, insert_sql

# Progress every 5,000 rows, as load_trips has always shown it, not every 200-row batch.
PROGRESS_ROWS = 5_000
INDEX = "trip_station_recent"
# Below this, keeping the index up to date costs too little to be worth a rebuild.
REBUILD_FROM_ROWS = 20_000
# A classic CSV row takes ~185 bytes, a 2021+ one ~150: a file's size / 200 is its rows or
# fewer (far fewer when it is compressed), so a rebuild decided on it is never a waste.
BYTES_PER_ROW = 200


def write(job) -> tuple[str, int]:
    """Insert every good row of job.source in the caller's transaction; (sha256, bytes read)."""
    raw, report = connections[job.alias].connection, job.report
    (existing,) = raw.execute("SELECT coalesce(max(trip_id), 0) FROM trip").fetchone()
    index = _Index(raw, existing, expected=(job.source.size or 0) // BYTES_PER_ROW)
    # Errors of the raw connection become Django's, as the command reports them.
    shown = 0
    with connections[job.alias].wrap_database_errors, rows.produced(job) as (batches, parsed), index:
        for batch in batches:
            _insert(raw, batch)
            report.loaded += len(batch) // WIDTH
            index.consider(report.loaded)
            if report.loaded >= shown + PROGRESS_ROWS:
                job.on_progress(shown := report.loaded)
    if report.loaded != shown:
        job.on_progress(report.loaded)
    report.hours.update(parsed.hours)
    return parsed.sha256, parsed.bytes


def _insert(raw, batch):
    # One INSERT per batch (of rows.BATCH_ROWS, 200 rows: 3,200 parameters, SQLite allows
    # 32,766): a third less time than executemany's statement per row (measured); sqlite3
    # caches the statement.
    if batch:  # else every row of it was bad
        raw.execute(insert_sql(len(batch) // WIDTH, "?"), batch)


class _Index:
    """Drops trip_station_recent when this file brings a quarter as many rows as the table
    holds (known from its size up front, or once that many have come), and builds it again
    before the caller commits: keeping it up to date costs ~4 s a million rows, sorting them
    all again ~0.5 s a million (measured). Readers keep the last committed snapshot, index
    and all (WAL); a failure rolls the DROP INDEX back with the rows."""

    def __init__(self, raw, existing: int, expected: int):
        self.raw, self.sql, self.dropped = raw, None, False
        self.enough, self.expected = max(existing // 4, REBUILD_FROM_ROWS), expected

    def __enter__(self):
        pragmas = ("cache_size", "threads")
        self.pragmas = {name: self.raw.execute(f"PRAGMA {name}").fetchone()[0] for name in pragmas}
        # 40 MB of page cache (instead of 2 MB) keeps the index's pages in memory while it is kept.
        self.raw.execute("PRAGMA cache_size = -40000")
        self.consider(self.expected)
        return self

    def consider(self, rows: int):
        if self.dropped or rows < self.enough:
            return
        self.dropped = True
        row = self.raw.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                               [INDEX]).fetchone()
        # Appends need no big cache, CREATE INDEX sorts faster in small runs (measured), and
        # DROP INDEX, which reads every page of the index, would fill a big one for nothing.
        self._restore("cache_size")
        if row:
            self.sql = row[0]
            self.raw.execute(f'DROP INDEX "{INDEX}"')

    def __exit__(self, exc_type, exc, tb):
        try:
            if self.sql and exc_type is None:
                # Two sorter threads: the parser is done, its core is free (0.45 s, not 0.6).
                self.raw.execute("PRAGMA threads = 2")
                self.raw.execute(self.sql)
        finally:
            self._restore("cache_size", "threads")

    def _restore(self, *names):
        for name in names:
            self.raw.execute(f"PRAGMA {name} = {int(self.pragmas[name])}")
