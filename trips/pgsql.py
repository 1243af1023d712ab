"""What one connection does to fill one slice (trips/pgload.py): COPY, checks, counts.

All SQL here is built from our own column names and slice names, never from text in a file.
"""

import io

from trips import interrupts
from trips.formats import COLUMNS, Layout

NULLABLE = ("start_station_latitude", "start_station_longitude", "end_station_latitude",
            "end_station_longitude", "bikeid", "membership_type", "birth_year", "gender")
TYPES = {"tripduration": "int", "bikeid": "bigint", "birth_year": "smallint", "gender": "smallint",
         **{c: "float8" for c in NULLABLE if "itude" in c}}
CHUNK = 1 << 20


class FileRange(io.RawIOBase):
    """Bytes [begin, end) of a file, opened on first read (so each thread has its own)."""

    def __init__(self, path, begin, end):
        self.path, self.begin, self.left, self.file = path, begin, end - begin, None

    def readable(self):
        return True

    def read(self, size=-1):
        if self.left <= 0:
            return b""
        if self.file is None:
            self.file = open(self.path, "rb")  # noqa: SIM115 (closed at the end of the range)
            self.file.seek(self.begin)
        data = self.file.read(min(self.left, CHUNK if size is None or size < 0 else size))
        self.left = self.left - len(data) if data else 0
        if not self.left:
            self.file.close()
        return data


class GaveUp(Exception):  # noqa: N818 (not an error of its own: another range failed first)
    """Another range of the same load failed: this one stops, its work would be thrown away."""


def check(piece):
    """Between the statements of a range: stop on a signal, or when another range failed."""
    interrupts.stop_here()
    if piece.give_up.is_set():
        raise GaveUp


class Counting(io.RawIOBase):
    """Passes a range's stream through, telling `progress` how many lines went by."""

    def __init__(self, piece, progress):
        self.piece, self.stream, self.progress = piece, piece.stream, progress

    def readable(self):
        return True

    def read(self, size=-1):
        check(self.piece)  # raised here, it ends this COPY (psycopg2 aborts it)
        data = self.stream.read(size)
        self.progress.add(data.count(b"\n"))
        return data


def count_lines(path, begin, end) -> int:
    lines = 0
    with open(path, "rb") as f:
        f.seek(begin)
        while begin < end:
            data = f.read(min(CHUNK, end - begin))
            if not data:
                break
            lines += data.count(b"\n")
            begin += len(data)
    return lines


def copy_csv(piece, cursor, progress):
    """Fill the slice from its CSV range; bad rows go to piece.bad as (line, reason)."""
    layout = piece.layout
    stream = Counting(piece, progress)
    columns = [layout.index_of(i) for i in range(layout.width)]
    if layout.modern or None in columns or len(set(columns)) != len(columns):
        _copy_staged(cursor, piece, stream)
    else:
        _copy_direct(cursor, piece, columns, stream)


def _copy_direct(cursor, piece, columns, stream):
    force_null = [c for c in columns if c in NULLABLE]
    options = f", FORCE_NULL ({', '.join(force_null)})" if force_null else ""
    cursor.copy_expert(f"COPY {piece.table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{options})",
                       stream, size=CHUNK)
    piece.end = piece.base + cursor.rowcount
    cursor.execute(
        f"DELETE FROM {piece.table} WHERE tripduration < 0 OR stoptime < starttime "  # noqa: S608
        "RETURNING trip_id, tripduration, tripduration < 0"
    )
    # The slice's sequence gave record n of the range the id base + n.
    for trip_id, duration, negative in sorted(cursor.fetchall()):
        reason = f"negative tripduration {duration}" if negative else "stoptime is before starttime"
        piece.bad.append((piece.first_line + trip_id - piece.base, reason))
    piece.loaded = piece.end - piece.base - len(piece.bad)


def _copy_staged(cursor, piece, stream):
    layout = piece.layout
    cells = ", ".join(f"c{i} text" for i in range(layout.width))
    cursor.execute(f"CREATE TEMP TABLE trip_stage (line bigserial, {cells}) ON COMMIT DROP")
    names = ", ".join(f"c{i}" for i in range(layout.width))
    cursor.copy_expert(f"COPY trip_stage ({names}) FROM STDIN WITH (FORMAT csv)", stream, size=CHUNK)
    piece.end = piece.base + cursor.rowcount
    values = converted(layout)
    stop_early = f"{values['stoptime']} < {values['starttime']}"
    negative = "false" if layout.modern else f"{values['tripduration']} < 0"
    cursor.execute(f"SELECT line, {negative}, {values['tripduration']} FROM trip_stage "  # noqa: S608
                   f"WHERE {negative} OR {stop_early} ORDER BY line")
    for line, is_negative, duration in cursor.fetchall():
        reason = f"negative tripduration {duration}" if is_negative else (
            "ended_at is before started_at" if layout.modern else "stoptime is before starttime")
        piece.bad.append((piece.first_line + line - 1, reason))
    select = ", ".join(values[c] for c in COLUMNS)
    cursor.execute(f"INSERT INTO {piece.table} (trip_id, {', '.join(COLUMNS)}) "  # noqa: S608
                   f"SELECT {piece.base - 1} + line, {select} FROM trip_stage "
                   f"WHERE NOT ({negative} OR {stop_early})")
    piece.loaded = cursor.rowcount


def converted(layout: Layout) -> dict[str, str]:
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


def copy_text(piece, cursor):
    """Fill the slice from rows Python has parsed and checked (the careful path)."""
    cursor.execute("SET TIME ZONE 'UTC'")  # the rows' times are UTC
    cursor.copy_expert(f"COPY {piece.table} ({', '.join(COLUMNS)}) FROM STDIN", piece.stream, size=1 << 16)
    piece.end = piece.base + cursor.rowcount
    cursor.execute("SET TIME ZONE 'America/New_York'")


def hour_counts(cursor, table):
    """(station name, New York hour) -> trips in the slice (the session is in New York time)."""
    cursor.execute(f"SELECT start_station_name, date_part('hour', starttime)::int, count(*) "  # noqa: S608
                   f"FROM {table} GROUP BY 1, 2")
    return {(name, hour): n for name, hour, n in cursor.fetchall()}


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class TextRows(io.RawIOBase):
    """Rows as COPY's text format, counted into the report as they go."""

    def __init__(self, rows, report, on_progress):
        self.rows, self.report, self.on_progress = rows, report, on_progress

    def readable(self):
        return True

    def read(self, size=-1):
        interrupts.stop_here()
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
