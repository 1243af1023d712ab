"""SQLite -> PostgreSQL without a Python value per field: the fast path of a big move.

SQLite writes each row's CSV line itself, floats aside: text quoted, integers bare, NULL an
unquoted empty field, times as PostgreSQL prints a UTC timestamptz. Python adds the floats,
as PostgreSQL prints them (repr is exact; each distinct value is printed once) and joins the
lines. PostgreSQL COPYs them, with the table's plain indexes dropped and built again after in
the move's transaction (moving.pgindexes; a rollback brings them back). Verification COPYs
the table back out in the same form, in key order: the SHA-256 of those bytes must be the
one of the lines sent.

Every table whose columns are all of the kinds below takes this path. A time SQLite holds in
another form than Django's goes as it is, for PostgreSQL to read, and a float of 2**53 or
more as repr writes it; the table's verification may then differ in form only, and
moving.writers checks it again the general way.
"""

import io
import queue
import threading
from operator import itemgetter

from django.conf import settings
from django.db import connections

from moving import pgindexes
from moving.rows import CHUNK_ROWS, Checksum, Table, _kind

INTEGERS = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField",
})
TEXTS = frozenset({"CharField", "TextField", "SlugField", "EmailField"})
KINDS = INTEGERS | TEXTS | {"FloatField", "DateTimeField"}
# printf's arguments (SQLite allows 127 to a function), the floats' columns aside.
MAX_COLUMNS = 120
# From here on PostgreSQL may print a float with more digits than Python's repr.
BIG_FLOAT = 2.0**53
# Distinct floats remembered per column (a few MB); more, and its values are taken as unique.
MAX_FLOAT_TEXTS = 50_000
# Chunks read ahead of the COPY (each CHUNK_ROWS rows).
QUEUED = 4
# Below it a table's indexes are cheaper to keep up than to build again.
DROP_INDEXES_FROM = 10_000


class Plan:
    """One table's columns in the fast path's order: those of the SQL-made line (the key
    first), then the floats."""

    def __init__(self, source: Table):
        self.kinds = {f.column: _kind(f) for f in source.fields}
        self.nullable = {f.column: f.null for f in source.fields}
        self.floats = [c for c in source.columns if self.kinds[c] == "FloatField"]
        self.pk = source.model._meta.pk.column
        # The key first: a line starts with it (moving.pgverify splits the table by it).
        rest = [c for c in source.columns if c not in (self.pk, *self.floats)]
        self.columns = [self.pk, *rest, *self.floats]
        self.split_by_key = self.kinds[self.pk] in INTEGERS
        self.texts = [c for c in source.columns if self.kinds[c] in TEXTS]
        self.name = source.name
        self.quote = connections[source.alias].ops.quote_name

    def select_sql(self) -> str:
        q = self.quote
        # One printf a row: SQLite's || would copy the growing line once per column.
        pieces = [self._csv(c) for c in self.columns if c not in self.floats]
        line = f"printf('{','.join(f for f, _ in pieces)}', {', '.join(a for _, a in pieces)})"
        floats = "".join(f", {q(c)}" for c in self.floats)
        return f"SELECT {line}{floats} FROM {q(self.name)} ORDER BY {q(self.pk)}"  # noqa: S608

    def _csv(self, column) -> tuple[str, str]:
        """(printf format, argument) of the column's CSV field; printf's %s prints NULL as nothing."""
        kind, c = self.kinds[column], self.quote(column)
        if kind in TEXTS and not self.nullable[column]:
            return '"%w"', c  # %w: in double quotes, each doubled
        if kind in TEXTS:
            return "%s", f"""'"' || replace({c}, '"', '""') || '"'"""
        if kind == "DateTimeField":
            # Django's "2018-12-01 05:03:53.386000" (naive UTC) as PostgreSQL prints it:
            # "2018-12-01 05:03:53.386+00", the fraction's trailing zeros dropped.
            return "%s", (f"CASE WHEN length({c}) = 19 THEN {c} || '+00' "
                          f"WHEN length({c}) = 26 AND substr({c}, 20, 1) = '.' "
                          f"THEN rtrim(rtrim({c}, '0'), '.') || '+00' ELSE {c} END")
        return "%s", c


def usable(source: Table, target: Table) -> Plan | None:
    """The plan when `source` can go to `target` this way, else None."""
    if (source.vendor, target.vendor) != ("sqlite", "postgresql") or not settings.USE_TZ:
        return None
    if any(_kind(f) not in KINDS for f in source.fields) or len(source.fields) > MAX_COLUMNS:
        return None
    if _kind(source.model._meta.pk) not in INTEGERS | TEXTS:  # a line starts with the key, as SQL writes it
        return None
    return Plan(source)


def float_text(value) -> str:
    """`value` as PostgreSQL prints a float8 (extra_float_digits 1: the shortest exact form),
    below 2**53; above, PostgreSQL sometimes prints a digit more than the shortest, so this
    is only exact (see moving.writers.verify)."""
    if value is None:
        return ""
    text = repr(value)  # the shortest exact form, written a little differently:
    if text in ("inf", "-inf", "nan"):
        return {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}[text]
    if abs(value) >= BIG_FLOAT:
        return text
    if text.endswith(".0"):  # 3.0 -> 3
        text = text[:-2]
    if "e" not in text and abs(value) >= 1e15:  # 1234567890123456.8 -> 1.2345678901234568e+15
        digits = text.lstrip("-").replace(".", "").rstrip("0")
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        text = f"{'-' if value < 0 else ''}{mantissa}e+15"
    return text


class _FloatTexts(dict):
    """float_text() of one float column's values, remembered: floats repeat (a station's
    coordinates on each of its trips), and printing them is most of the time of a line.
    (0.0 and -0.0 are one key, but a REAL column of SQLite never holds -0.0.)"""

    def __missing__(self, value):
        text = self[value] = float_text(value)
        return text


class CopyStream(io.RawIOBase):
    """What COPY FROM STDIN reads: chunk() gives the next bytes (b"" at the end). A failure in
    it (Ctrl-C, the source) is kept, as the driver reports any as its own "error in .read()
    call"; copy_from() raises it as itself."""

    failure = None

    def readable(self):
        return True

    def read(self, size=-1):
        try:
            return self.chunk()
        except BaseException as exc:
            self.failure = exc
            raise

    def chunk(self) -> bytes:
        raise NotImplementedError


def copy_from(cursor, sql: str, stream: CopyStream) -> None:
    try:
        cursor.copy_expert(sql, stream, 1 << 20)
    except Exception:
        if stream.failure is not None:  # Ctrl-C, or the source failing, not the target
            raise stream.failure from None
        raise


class _Lines(CopyStream):
    """The source's CSV lines, one chunk per read, checksummed on the way.

    A thread reads the chunks from SQLite (which works without the GIL) while this one
    turns the previous ones into lines and the driver sends them: QUEUED chunks at most.
    """

    def __init__(self, source: Table, plan: Plan, on_rows, split_at: int | None):
        self.on_rows, self.total, self.split_at = on_rows, Checksum("copy"), split_at
        self.line = ",".join(["%s"] * (1 + len(plan.floats))) + "\n"
        self.columns = [itemgetter(i) for i in range(1 + len(plan.floats))]
        self.floats = [_FloatTexts() for _ in plan.floats]
        self.cursor = connections[source.alias].cursor()
        self.cursor.execute(plan.select_sql())
        self.chunks, self.stop = queue.Queue(QUEUED), threading.Event()
        self.reader = threading.Thread(target=self._fetch, name="move_app source reader", daemon=True)
        self.reader.start()

    def _fetch(self):
        try:
            while not self.stop.is_set() and (rows := self.cursor.fetchmany(CHUNK_ROWS)):
                self._put(rows)
            self._put([])
        except BaseException as exc:  # noqa: BLE001 (raised again by read(), in the COPY's thread)
            self._put(exc)

    def _put(self, item):
        while not self.stop.is_set():  # set when the COPY ends early: then nobody reads
            try:
                return self.chunks.put(item, timeout=0.1)
            except queue.Full:
                continue

    def chunk(self):
        rows = self.chunks.get()
        if isinstance(rows, BaseException):
            raise rows
        if not rows:
            return b""
        line, texts = self.columns[0], [
            map(float_text if seen is None else seen.__getitem__, map(column, rows))
            for seen, column in zip(self.floats, self.columns[1:], strict=True)
        ]
        data = "".join(map(self.line.__mod__, zip(map(line, rows), *texts, strict=True))).encode()
        # A column of ever new values gains nothing from remembering them: free them.
        self.floats = [None if seen is None or len(seen) > MAX_FLOAT_TEXTS else seen for seen in self.floats]
        if self.total.rows == self.split_at:  # the second half starts with this chunk's first key
            self.total.start_part(int(data.split(b"\n", 1)[0].split(b",", 1)[0]))
        self.total.add(len(rows), data)
        self.on_rows(len(rows))
        return data

    def close(self):
        self.stop.set()
        self.reader.join()
        self.cursor.close()
        super().close()


def copy(source: Table, target: Table, plan: Plan, on_rows, cursor) -> Checksum:
    """COPY every row of `source` into `target` (`plan`: usable()'s answer) on `cursor`."""
    quote = connections[target.alias].ops.quote_name
    columns = ", ".join(map(quote, plan.columns))
    sql = f"COPY {quote(target.name)} ({columns}) FROM STDIN WITH (FORMAT csv)"
    cursor.execute("SET LOCAL TimeZone = 'UTC'")  # a time without an offset is UTC (Django's SQLite form)
    rows = _rows(source)
    # Verified in two halves at once (moving.pgverify), split at a chunk's first key.
    half = rows // 2 // CHUNK_ROWS * CHUNK_ROWS
    lines = _Lines(source, plan, on_rows, half if plan.split_by_key and half else None)
    try:
        with pgindexes.dropped(cursor, quote(target.name), rows >= DROP_INDEXES_FROM):
            copy_from(cursor, sql, lines)
    finally:
        lines.close()
    return lines.total


def _rows(table: Table) -> int:
    with connections[table.alias].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connections[table.alias].ops.quote_name(table.name)}")  # noqa: S608
        return cursor.fetchone()[0]
