"""What one connection does to fill one chunk's table (trips/load/postgres.py): COPY, checks,
counts. All SQL here is built from our own column and chunk table names, never from a file's text.
"""

from collections import Counter

from trips.load import interrupts
from trips.load.rules import (
    COLUMNS,
    NULLABLE,
    WIDTH,
    copied_nan_sql,
    refusal_sql,
    sql_values,
    station_hours_sql,
)

READ_BYTES = 1 << 20


class FastPathFailed(Exception):
    """COPY or the conversion refused a row: load this file through Python instead."""


class GaveUp(Exception):  # noqa: N818 (not an error of its own: another chunk failed first)
    """Another chunk of the same load failed: this one stops, its work would be thrown away."""


def check(chunk):
    """Between the statements of a chunk: stop on a signal, or when another chunk failed."""
    interrupts.stop_here()
    if chunk.give_up.is_set():
        raise GaveUp


def file_blocks(path, begin: int, end: int):
    """Bytes [begin, end) of a file, opened on the first block (in the thread that reads them)."""
    with open(path, "rb") as f:
        f.seek(begin)
        while (left := end - f.tell()) > 0 and (block := f.read(min(left, READ_BYTES))):
            yield block


def stream_blocks(stream):
    return iter(lambda: stream.read(READ_BYTES), b"")


class Counting:
    """A chunk's blocks as the file psycopg2's copy_expert reads, telling `progress` how many
    lines went by."""

    def __init__(self, chunk, progress):
        self.chunk, self.progress = chunk, progress

    def read(self, size=-1):
        check(self.chunk)  # raised here, it ends this COPY (psycopg2 aborts it)
        data = next(self.chunk.blocks, b"")
        newlines = data.count(b"\n")
        self.chunk.lines += newlines
        if data:
            self.chunk.open_line = not data.endswith(b"\n")
        self.progress(newlines)
        return data


def copy_csv(chunk, cursor, progress):
    """Fill the chunk's table from its CSV bytes; bad rows go to chunk.bad as (line, reason)."""
    layout, stream = chunk.layout, Counting(chunk, progress)
    if layout.modern or None in layout.columns or len(set(layout.columns)) != layout.width:
        _copy_staged(cursor, chunk, stream)
    else:
        _copy_direct(cursor, chunk, stream)


def _copy(cursor, chunk, stream, into, options="FORMAT csv"):
    """COPY the chunk's stream `into` a table (columns); chunk.end: one past the ids it took."""
    cursor.copy_expert(f"COPY {into} FROM STDIN WITH ({options})", stream)
    chunk.end = chunk.base + cursor.rowcount


def _lines_of(chunk, records):
    """The file lines of the chunk's records numbered `records` (from 1), given one line each,
    as the chunk's count of lines tells (or a record has a quoted line break, and Python,
    reading the file again, finds the lines)."""
    if records and chunk.lines + chunk.open_line != chunk.end - chunk.base:
        raise FastPathFailed("a refused row after a record of several lines")
    return [chunk.first_line + n - 1 for n in records]


def _copy_direct(cursor, chunk, stream):
    columns = chunk.layout.columns
    force_null = ", ".join(c for c in columns if c in NULLABLE)
    _copy(cursor, chunk, stream, f"{chunk.table} ({', '.join(columns)})",
          f"FORMAT csv, FORCE_NULL ({force_null})" if force_null else "FORMAT csv")
    reason, nan = refusal_sql("tripduration", "starttime", "stoptime", modern=False), copied_nan_sql(columns)
    cursor.execute(f"DELETE FROM {chunk.table} WHERE {reason} IS NOT NULL OR {nan} "  # noqa: S608
                   f"RETURNING trip_id, {reason}, {nan}")
    # The chunk's sequence gave record n of the chunk the id base + n.
    refused = sorted(cursor.fetchall())
    if any(is_nan for _, _, is_nan in refused):
        raise FastPathFailed("a coordinate of NaN, which Python reads as missing")
    lines = _lines_of(chunk, [trip_id - chunk.base + 1 for trip_id, _, _ in refused])
    chunk.bad = [(line, why) for line, (_, why, _) in zip(lines, refused, strict=True)]
    chunk.loaded = chunk.end - chunk.base - len(chunk.bad)


def _copy_staged(cursor, chunk, stream):
    layout = chunk.layout
    cells = ", ".join(f"c{i} text" for i in range(layout.width))
    cursor.execute(f"CREATE TEMP TABLE trip_stage (line bigserial, {cells}) ON COMMIT DROP")
    _copy(cursor, chunk, stream, f"trip_stage ({', '.join(f'c{i}' for i in range(layout.width))})")
    # Each time converted once a row, read by the refusal, the duration and the INSERT (OFFSET 0
    # keeps PostgreSQL from inlining the subquery, and converting it again in each of them).
    converted = sql_values(layout)
    staged = (f"(SELECT *, {converted['starttime']} AS t_start, {converted['stoptime']} AS t_stop "  # noqa: S608
              f"FROM trip_stage OFFSET 0) AS staged")
    values = sql_values(layout, times=("t_start", "t_stop"))
    reason = refusal_sql(values["tripduration"], "t_start", "t_stop", layout.modern)
    cursor.execute(f"SELECT line, {reason} FROM {staged} WHERE {reason} IS NOT NULL ORDER BY line")  # noqa: S608
    refused = cursor.fetchall()
    chunk.bad = list(zip(_lines_of(chunk, [n for n, _ in refused]), [why for _, why in refused], strict=True))
    select = ", ".join(values[c] for c in COLUMNS)
    cursor.execute(f"INSERT INTO {chunk.table} (trip_id, {', '.join(COLUMNS)}) "  # noqa: S608
                   f"SELECT {chunk.base - 1} + line, {select} FROM {staged} WHERE {reason} IS NULL")
    chunk.loaded = cursor.rowcount


def copy_text(chunk, cursor, progress):
    """Fill the chunk's table from rows Python has parsed and checked (the careful path)."""
    cursor.execute("SET TIME ZONE 'UTC'")  # the rows' times are UTC
    _copy(cursor, chunk, Counting(chunk, progress), f"{chunk.table} ({', '.join(COLUMNS)})", "FORMAT text")
    chunk.loaded = chunk.end - chunk.base


def station_hours(cursor, table) -> Counter:
    """(station name, New York hour) -> trips in the table, counted by the server."""
    cursor.execute(station_hours_sql(table))
    return Counter({(name, hour): n for name, hour, n in cursor.fetchall()})


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def text_blocks(batches):
    """Batches of rows (their values one after another) as lines of COPY's text format."""
    for batch in batches:
        if batch:  # else every row of it was bad (and an empty block would end the COPY)
            cells = ["\\N" if v is None else (v.translate(_ESCAPES) if isinstance(v, str) else repr(v))
                     for v in batch]
            lines = ["\t".join(cells[i:i + WIDTH]) for i in range(0, len(cells), WIDTH)]
            yield ("\n".join(lines) + "\n").encode()
