"""Reading a table in primary-key order, and the canonical form its checksum is taken over.

Rows are read with a plain cursor (a server-side one where the engine has it), in chunks,
and turned into Python values by the backend's converters (not a field's from_db_value: the
bank's cents are copied as stored), so a value reads the same whatever engine it comes from:
UTC datetimes (as text), UUIDs, Decimals, ints, floats.

The canonical form of a chunk is those values as CSV (quoted text, bare numbers, NULL an
unquoted empty field, "" a quoted one): what PostgreSQL's COPY reads, and what both ends
of a move hash in primary-key order to compare.
"""

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, datetime

from django.conf import settings
from django.db import connections

CHUNK_ROWS = 5_000
# Values of these types are never text, so NULL can be the quoted empty field COPY's
# FORCE_NULL turns back into NULL; a nullable text column needs the bare empty field.
NOT_TEXT = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
    "PositiveSmallIntegerField", "FloatField", "DecimalField", "BooleanField", "DateField",
    "DateTimeField", "TimeField", "DurationField", "UUIDField",
})


class _Null(float):
    """NULL in a text column: numeric, so csv leaves it unquoted, and printed as nothing."""

    def __repr__(self):
        return ""

    __str__ = __repr__


NULL = _Null()


class Table:
    """One model's table on one alias: its columns, and how to read them."""

    def __init__(self, alias: str, model):
        self.alias, self.model = alias, model
        connection = connections[alias]
        meta = model._meta
        self.fields = list(meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.name = meta.db_table
        self.vendor = connection.vendor
        self.fixes = [(i, fn) for i, f in enumerate(self.fields) if (fn := _converter(connection, meta, f))]
        self.text_nullable = [i for i, f in enumerate(self.fields) if f.null and _kind(f) not in NOT_TEXT]
        self.force_null = [f.column for f in self.fields if f.null and _kind(f) in NOT_TEXT]

    def select_sql(self) -> str:
        quote = connections[self.alias].ops.quote_name
        columns = ", ".join(self._select(f, quote(f.column)) for f in self.fields)
        pk = quote(self.model._meta.pk.column)
        return f"SELECT {columns} FROM {quote(self.name)} ORDER BY {pk}"  # noqa: S608 (our names)

    def _select(self, field, column):
        if self.vendor == "sqlite" and _kind(field) == "DateTimeField":
            # As stored: without a declared type the driver's own (Python) datetime parser
            # is skipped, and _sqlite_datetime only appends the offset.
            return f"CAST({column} AS TEXT)"
        if self.vendor == "postgresql" and _kind(field) == "DateTimeField" and settings.USE_TZ:
            # The server writes the text str() gives an aware UTC datetime ("2017-06-03
            # 04:00:02.386000+00:00", no fraction when it is zero): C's speed, not Python's.
            text = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
            return f"regexp_replace({text}, '[.]000000$', '') || '+00:00'"
        return column

    def chunks(self) -> Iterator[list]:
        """Every row, in primary-key order, as lists of Python values, CHUNK_ROWS at a time."""
        connection = connections[self.alias]
        fixes = self.fixes
        with connection.chunked_cursor() as cursor:
            cursor.execute(self.select_sql())
            while rows := cursor.fetchmany(CHUNK_ROWS):
                if fixes:
                    rows = [_fixed(row, fixes) for row in rows]
                yield rows

    def canonical(self, rows) -> bytes:
        """The chunk as CSV: one line per row (see the module's docstring)."""
        nullable = self.text_nullable
        if nullable:
            rows = [_nulls(row, nullable) if None in row else row for row in rows]
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
        return out.getvalue().encode()


def _fixed(row, fixes):
    row = list(row)
    for i, fn in fixes:
        row[i] = fn(row[i])
    return row


def _nulls(row, indexes):
    row = list(row)
    for i in indexes:
        if row[i] is None:
            row[i] = NULL
    return row


def _kind(field) -> str:
    return field.target_field.get_internal_type() if field.is_relation else field.get_internal_type()


def _converter(connection, meta, field):
    """One function turning the driver's value into the canonical Python value, or None."""
    expression = field.get_col(meta.db_table)
    if _kind(field) == "DateTimeField" and settings.USE_TZ and connection.vendor in ("sqlite", "postgresql"):
        # The hot path of a big move: the text str() gives an aware UTC datetime, which
        # every engine reads back, without making a datetime of each value.
        return _sqlite_datetime if connection.vendor == "sqlite" else None
    # The backend's converters only, not the field's from_db_value: a field that stores one
    # thing and means another (the bank's MoneyField: whole cents stored, a Decimal in
    # Python) is copied and checksummed as stored, so no engine ever sees the Python form.
    converters = connection.ops.get_db_converters(expression)
    utc = _kind(field) == "DateTimeField" and connection.vendor not in ("sqlite", "postgresql")
    if not converters and not utc:
        return None

    def convert(value):
        for fn in converters:
            value = fn(value, expression, connection)
        # Some drivers hand back times in the session's zone; the canonical form is UTC.
        return value.astimezone(UTC) if utc and value is not None else value

    return convert


def _sqlite_datetime(value):
    """Django stores naive UTC text on SQLite ("2018-12-01 05:03:53.386000"): that, as
    str() of the aware datetime writes it."""
    if value is None:
        return None
    if isinstance(value, str) and value[10:11] == " ":
        if len(value) == 19:
            return value + "+00:00"
        if len(value) == 26:
            return (value[:19] if value.endswith(".000000") else value) + "+00:00"
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return str(moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC))


class Checksum:
    """Rows and a SHA-256 over their canonical form, in primary-key order. `form` names the
    form: "rows" (this module's), or "copy" (PostgreSQL's CSV, moving.pgcopy), where the
    rows may be hashed in two parts, the second from the key `split` on."""

    def __init__(self, form: str = "rows"):
        self.rows, self.digest, self.form = 0, hashlib.sha256(), form
        self.parts, self.split = [self.digest], None

    def add(self, rows: int, data: bytes) -> None:
        self.rows += rows
        self.digest.update(data)

    def start_part(self, split) -> None:
        """The rows added from now on, from the key `split` on, are hashed apart."""
        self.split, self.digest = split, hashlib.sha256()
        self.parts.append(self.digest)

    def hexdigest(self) -> str:
        return ":".join(part.hexdigest() for part in self.parts)


def checksum(table: Table, on_rows=lambda n: None) -> Checksum:
    """Read `table` through and checksum it (the verification pass on the target)."""
    total = Checksum()
    for rows in table.chunks():
        total.add(len(rows), table.canonical(rows))
        on_rows(len(rows))
    return total
