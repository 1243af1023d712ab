"""Snowflake's path: rows from the row producer (trips/load/rows.py), 1,000 to a multi-row
INSERT (Snowflake has no COPY FROM STDIN; a round trip per row would take hours)."""

from django.db import connections

from trips.load import rows
from trips.load.rules import WIDTH, insert_sql

ROWS_PER_INSERT = 1_000


def write(job) -> tuple[str, int]:
    """Insert every good row of job.source in the caller's transaction; (sha256, bytes read)."""
    report = job.report
    with connections[job.alias].cursor() as cursor, rows.produced(job, ROWS_PER_INSERT) as (batches, parsed):
        for values in batches:
            if not values:
                continue  # every row of it was bad
            for i in (1, 2):  # the times, naive UTC text: said to be UTC
                values[i::WIDTH] = [t + "+00:00" for t in values[i::WIDTH]]
            cursor.execute(insert_sql(len(values) // WIDTH, "%s"), values)
            report.loaded += len(values) // WIDTH
            job.on_progress(report.loaded)
    report.hours.update(parsed.hours)
    return parsed.sha256, parsed.bytes
