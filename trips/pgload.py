"""PostgreSQL's fast path: the server parses the CSV (COPY FROM STDIN), Python only streams it.

All SQL here is built from our own column names, never from text in a file.

- A classic file whose every column is a Trip column is COPied straight into trip, with
  the session in New York time so the server turns local times into aware ones; the few
  rows no COPY can refuse (negative duration, stop before start) are then taken out again.
- Any other layout (2021+) is COPied into a temporary text table and converted in SQL.
- A row COPY cannot parse (wrong field count, a bad date...) fails the statement: the
  loader then reloads the whole file through Python's parser (`python_rows`), which
  skips and reports each bad row.
"""

import csv
import io

from django.db import connections

from trips.formats import COLUMNS, NEW_YORK, Layout
from trips.stations import hour_counts

NULLABLE = ("start_station_latitude", "start_station_longitude", "end_station_latitude",
            "end_station_longitude", "bikeid", "membership_type", "birth_year", "gender")
TYPES = {"tripduration": "int", "bikeid": "bigint", "birth_year": "smallint", "gender": "smallint",
         **{c: "float8" for c in NULLABLE if "itude" in c}}


class FastPathFailed(Exception):
    """COPY or the conversion refused a row: load this file through Python instead."""


class ProgressReader(io.RawIOBase):
    def __init__(self, stream, on_rows):
        self.stream, self.on_rows, self.rows = stream, on_rows, 0

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.stream.read(size)
        self.rows += data.count(b"\n")
        self.on_rows(self.rows)
        return data


def copy_parts(loader, parts, report, after_id):
    connection = connections[loader.alias]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE %s", [str(NEW_YORK)])
        cursor.execute("SET LOCAL DateStyle = 'ISO, MDY'")
        for where, stream in parts:
            header = next(csv.reader([stream.readline().decode("utf-8-sig", "replace")]), [])
            layout = Layout(header)
            reader = ProgressReader(stream, lambda rows: loader.on_progress(report.loaded + rows))
            direct = _direct_columns(layout, header)
            if direct:
                _copy_direct(cursor, direct, reader, where, loader, report)
            else:
                _copy_staged(cursor, layout, reader, where, loader, report)
        cursor.execute("SET LOCAL TIME ZONE 'UTC'")
    report.hours = hour_counts(loader.alias, after_id)


def _direct_columns(layout, header):
    columns = [layout.index_of(i) for i in range(len(header))]
    if layout.modern or None in columns or len(set(columns)) != len(columns):
        return None
    return columns


def _copy_direct(cursor, columns, reader, where, loader, report):
    cursor.execute("SELECT coalesce(max(trip_id), 0) FROM trip")
    before = cursor.fetchone()[0]
    force_null = [c for c in columns if c in NULLABLE]
    options = f", FORCE_NULL ({', '.join(force_null)})" if force_null else ""
    _copy(cursor, f"COPY trip ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{options})", reader)
    cursor.execute("SELECT min(trip_id), count(*) FROM trip WHERE trip_id > %s", [before])
    first, count = cursor.fetchone()
    cursor.execute(
        "DELETE FROM trip WHERE trip_id > %s AND (tripduration < 0 OR stoptime < starttime) "
        "RETURNING trip_id, tripduration, tripduration < 0", [before],
    )
    # Under the table lock this COPY took consecutive ids, in file order (line 1 is the header).
    for trip_id, duration, negative in sorted(cursor.fetchall()):
        reason = f"negative tripduration {duration}" if negative else "stoptime is before starttime"
        loader.on_bad(where, trip_id - first + 2, reason)
        report.skipped += 1
        count -= 1
    report.loaded += count


def _copy_staged(cursor, layout, reader, where, loader, report):
    width = layout.width
    cursor.execute("DROP TABLE IF EXISTS pg_temp.trip_stage")
    cells = ", ".join(f"c{i} text" for i in range(width))
    cursor.execute(f"CREATE TEMP TABLE trip_stage (line bigserial, {cells}) ON COMMIT DROP")
    names = ", ".join(f"c{i}" for i in range(width))
    _copy(cursor, f"COPY trip_stage ({names}) FROM STDIN WITH (FORMAT csv)", reader)
    values = _converted(layout)
    stop_early = f"{values['stoptime']} < {values['starttime']}"
    negative = "false" if layout.modern else f"{values['tripduration']} < 0"
    _guarded(cursor, f"SELECT line + 1, {negative}, {values['tripduration']} FROM trip_stage "  # noqa: S608
                     f"WHERE {negative} OR {stop_early} ORDER BY line")
    for line, is_negative, duration in cursor.fetchall():
        loader.on_bad(where, line, f"negative tripduration {duration}" if is_negative else
                      ("ended_at is before started_at" if layout.modern else "stoptime is before starttime"))
        report.skipped += 1
    select = ", ".join(values[c] for c in COLUMNS)
    _guarded(cursor, f"INSERT INTO trip ({', '.join(COLUMNS)}) SELECT {select} FROM trip_stage "  # noqa: S608
                     f"WHERE NOT ({negative} OR {stop_early})")
    report.loaded += cursor.rowcount


def _converted(layout) -> dict[str, str]:
    def cell(column):
        i = layout.index.get(column)
        return f"nullif(trim(c{i}), '')" if i is not None else "NULL"

    values = {c: cell(c) for c in COLUMNS}
    for column, kind in TYPES.items():
        values[column] = f"{values[column]}::{kind}"
    for column in ("starttime", "stoptime"):
        values[column] = f"({values[column]}::timestamp AT TIME ZONE 'America/New_York')"
    for column in ("start_station_id", "start_station_name", "end_station_id", "end_station_name"):
        values[column] = f"coalesce({values[column]}, '')"
    if layout.modern:
        values["tripduration"] = f"extract(epoch FROM {values['stoptime']} - {values['starttime']})::int"
    values["usertype"] = (f"CASE lower({cell('usertype')}) WHEN 'member' THEN 'Subscriber' "
                          f"WHEN 'casual' THEN 'Customer' ELSE coalesce({cell('usertype')}, '') END")
    return values


def _copy(cursor, sql, reader):
    _guarded(cursor, sql, reader)


def _guarded(cursor, sql, reader=None):
    from psycopg2 import DataError, IntegrityError

    cursor.execute("SAVEPOINT trip_copy")
    try:
        if reader is None:
            cursor.execute(sql)
        else:
            cursor.cursor.copy_expert(sql, reader, size=1 << 20)
    except (DataError, IntegrityError) as exc:
        cursor.execute("ROLLBACK TO SAVEPOINT trip_copy")
        raise FastPathFailed(str(exc).strip().splitlines()[0]) from None


def python_rows(loader, parts, report):
    """The careful path: Python parses and checks each row; COPY (text format) writes them."""
    connection = connections[loader.alias]
    source = _TextRows(loader._rows(parts, report), report, loader.on_progress)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'UTC'")  # the rows' times are UTC
        cursor.cursor.copy_expert(f"COPY trip ({', '.join(COLUMNS)}) FROM STDIN", source, size=1 << 16)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class _TextRows(io.RawIOBase):
    def __init__(self, rows, report, on_progress):
        self.rows, self.report, self.on_progress, self.pending = rows, report, on_progress, b""

    def readable(self):
        return True

    def read(self, size=-1):
        lines = []
        for _ in range(2000):
            row = next(self.rows, None)
            if row is None:
                break
            lines.append("\t".join(
                "\\N" if v is None else (v.translate(_ESCAPES) if isinstance(v, str) else repr(v))
                for v in row
            ))
            self.report.loaded += 1
        self.on_progress(self.report.loaded)
        return ("\n".join(lines) + "\n").encode() if lines else b""
