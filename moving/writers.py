"""Each engine's bulk path for one table, fed chunks of canonical rows (moving.rows).

- SQLite -> PostgreSQL: moving.pgcopy's fast path where a table allows it.
- PostgreSQL: COPY FROM STDIN (CSV), the rows streamed from a file-like object that pulls
  the next chunk when the driver asks for more, so memory holds one chunk at a time.
- SQLite, CockroachDB, Snowflake: multi-row INSERTs with bound parameters, each value made
  ready for the target by its field (Django's get_db_prep_save), in the caller's transaction.

Every writer checksums the canonical form of what it sends (moving.rows.Checksum), so the
source is read once: the copy is also the source's half of the verification.
"""

from django.core.management.color import no_style
from django.db import connections

from moving import pgcopy, pgverify
from moving.rows import Checksum, Table, checksum

# Rows per INSERT: parameters stay below each engine's limit (SQLite 32,766, PostgreSQL
# 65,535) and a statement stays small enough to travel in one request (Snowflake).
ROWS_PER_INSERT = {"sqlite": 200, "snowflake": 1_000}
DEFAULT_ROWS_PER_INSERT = 500
MAX_PARAMETERS = 30_000
# Values Django passes to every driver unchanged: no per-value preparation needed.
PLAIN = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
    "PositiveSmallIntegerField", "FloatField", "CharField", "TextField", "SlugField", "EmailField",
})


# Kinds whose Python value, as text, is what PostgreSQL's COPY reads for the column.
COPY_AS_TEXT = PLAIN | {
    "DateTimeField", "DateField", "TimeField", "UUIDField", "DecimalField", "BooleanField",
}


def write(source: Table, target: Table, on_rows) -> Checksum:
    """Copy every row of `source` into `target`; the checksum of what was sent."""
    if connections[target.alias].vendor != "postgresql":
        return _insert(source, target, on_rows)
    if plan := pgcopy.usable(source, target):
        connection = connections[target.alias]
        with plain_cursor(connection) as cursor, connection.wrap_database_errors:
            return pgcopy.copy(source, target, plan, on_rows, cursor)
    return _copy(source, target, on_rows)


def verify(source: Table, target: Table, sent: Checksum) -> tuple[Checksum, Checksum]:
    """(what was read from `source`, what `target` holds), each checksummed in one form.

    The fast path's form is PostgreSQL's: when a value it cannot foresee PostgreSQL's print of
    (a time SQLite holds as "2017-06-03T04:00:02", a float of 2**53 or more) makes that differ,
    both ends are read again and compared in the general form (moving.rows)."""
    if sent.form != "copy":
        return sent, checksum(target)
    landed = pgverify.landed(target, sent.split)
    if (landed.rows, landed.hexdigest()) == (sent.rows, sent.hexdigest()):
        return sent, landed
    return checksum(source), checksum(target)


class _ChunkStream(pgcopy.CopyStream):
    """The source's rows as CSV bytes, one chunk per read, checksummed on the way."""

    def __init__(self, source: Table, target: Table, on_rows):
        self.source, self.on_rows = source, on_rows
        self.chunks, self.total = source.chunks(), Checksum()
        connection = connections[target.alias]
        self.prepare = _preparers(target.fields, connection, COPY_AS_TEXT)

    def chunk(self):
        rows = next(self.chunks, None)
        if rows is None:
            return b""
        data = self.source.canonical(rows)
        self.total.add(len(rows), data)
        self.on_rows(len(rows))
        if self.prepare:  # a kind whose Python value is not what COPY reads
            return self.source.canonical([_prepared(row, self.prepare) for row in rows])
        return data


def _copy(source, target, on_rows):
    connection = connections[target.alias]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in target.columns)
    options = f", FORCE_NULL ({', '.join(quote(c) for c in target.force_null)})" if target.force_null else ""
    stream = _ChunkStream(source, target, on_rows)
    with plain_cursor(connection) as cursor, connection.wrap_database_errors:
        sql = f"COPY {quote(target.name)} ({columns}) FROM STDIN WITH (FORMAT csv{options})"
        pgcopy.copy_from(cursor, sql, stream)
    return stream.total


def _insert(source, target, on_rows):
    connection = connections[target.alias]
    quote = connection.ops.quote_name
    width = len(target.columns)
    per_insert = min(ROWS_PER_INSERT.get(connection.vendor, DEFAULT_ROWS_PER_INSERT), MAX_PARAMETERS // width)
    columns = ", ".join(quote(c) for c in target.columns)
    prefix = f"INSERT INTO {quote(target.name)} ({columns}) VALUES "  # noqa: S608 (a model's names)
    row_sql = f"({', '.join(['%s'] * width)})"
    prepare = _preparers(target.fields, connection, PLAIN)
    total = Checksum()
    with plain_cursor(connection) as cursor:
        for rows in source.chunks():
            total.add(len(rows), source.canonical(rows))
            params_rows = [_prepared(row, prepare) for row in rows] if prepare else rows
            for start in range(0, len(rows), per_insert):
                batch = params_rows[start:start + per_insert]
                cursor.execute(prefix + ", ".join([row_sql] * len(batch)), [v for row in batch for v in row])
            on_rows(len(rows))
    return total


def plain_cursor(connection):
    """A cursor that never logs its statements: with DEBUG on, Django keeps the last 9,000
    (with their parameters) in memory, which for a move is hundreds of megabytes."""
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection.make_cursor(connection.create_cursor())


def _preparers(fields, connection, plain):
    """(index, function) for each field whose value the driver cannot take as it is (a kind
    outside `plain`). Values are read as stored (moving.rows), so a field that stores
    something else than its Python value (the bank's cents) needs nothing here."""

    def prep(field):
        return lambda value: field.get_db_prep_save(value, connection)

    def needs(field):
        kind = field.target_field.get_internal_type() if field.is_relation else field.get_internal_type()
        return kind not in plain

    return [(i, prep(f)) for i, f in enumerate(fields) if needs(f)]


def _prepared(row, prepare):
    row = list(row)
    for i, fn in prepare:
        row[i] = fn(row[i])
    return row


def reset_sequences(alias: str, models) -> None:
    """The next row inserted on `alias` gets an id above every copied one (where the engine
    keeps a sequence: PostgreSQL does; SQLite takes max + 1 by itself; CockroachDB's ids
    are unique_rowid(), not a sequence)."""
    connection = connections[alias]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
