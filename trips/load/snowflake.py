"""Snowflake's path: rows from the row producer (trips/load/rows.py), 1,000 to a multi-row
INSERT (Snowflake has no COPY FROM STDIN; a round trip per row would take hours)."""

from django.db import connections

from trips.load import rows
from trips.load.rules import INSERT, WIDTH

ROWS_PER_INSERT = 1_000
ROW = f"({', '.join(['%s'] * WIDTH)})"


def write(job) -> tuple[str, int]:
    """Insert every good row of job.source in the caller's transaction; (sha256, bytes read)."""
    report = job.report
    with connections[job.alias].cursor() as cursor, rows.produced(job) as (batches, parsed):
        for values in _regrouped(batches, ROWS_PER_INSERT * WIDTH):
            for i in (1, 2):  # the times, naive UTC text: said to be UTC
                values[i::WIDTH] = [t + "+00:00" for t in values[i::WIDTH]]
            cursor.execute(INSERT + ", ".join([ROW] * (len(values) // WIDTH)), values)
            report.loaded += len(values) // WIDTH
            job.on_progress(report.loaded)
    report.hours.update(parsed.hours)
    return parsed.sha256, parsed.bytes


def _regrouped(batches, size):
    """The producer's batches joined and cut again into lists of `size` values (the last shorter)."""
    pending = []
    for batch in batches:
        pending += batch
        while len(pending) >= size:
            yield pending[:size]
            del pending[:size]
    if pending:
        yield pending
