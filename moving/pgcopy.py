"""SQLite -> PostgreSQL without a Python value per field: the fast path of a big move.

SQLite writes each row's CSV line itself, floats aside: text quoted, integers bare, NULL an
unquoted empty field, times as PostgreSQL prints a UTC timestamptz. Python adds the floats
(repr is exact, and prints what PostgreSQL prints below 1e15) and joins the lines.
PostgreSQL COPYs them, with the table's plain indexes dropped and built again afterwards in
the move's transaction (moving.pgindexes; a rollback brings them back). Verification COPYs
the table back out in the same form, in key order: the SHA-256 of those bytes must be the
one of the lines sent.

A table takes this path when every column is of a kind below and a scan of the source finds
no value the SQL would print otherwise than PostgreSQL does (a time not in Django's storage
form, a float of 1e15 or more); any other table takes moving.writers' general path.
"""

import io
import queue
import threading
from operator import itemgetter

from django.conf import settings
from django.db import connections, transaction

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
# Distinct floats remembered per column (a few MB); more, and its values are taken as unique.
MAX_FLOAT_TEXTS = 50_000
# Chunks read ahead of the COPY (each CHUNK_ROWS rows).
QUEUED = 4
# Below it a table's indexes are cheaper to keep up than to build again.
DROP_INDEXES_FROM = 10_000


class Plan:
    """One table's columns in the fast path's order: the SQL-made line first, floats last."""

    def __init__(self, source: Table):
        self.kinds = {f.column: _kind(f) for f in source.fields}
        self.nullable = {f.column: f.null for f in source.fields}
        self.floats = [c for c in source.columns if self.kinds[c] == "FloatField"]
        self.columns = [c for c in source.columns if c not in self.floats] + self.floats
        self.texts = [c for c in source.columns if self.kinds[c] in TEXTS]
        self.name, self.pk = source.name, source.model._meta.pk.column
        self.quote = connections[source.alias].ops.quote_name

    def select_sql(self) -> str:
        q = self.quote
        # One printf a row: SQLite's || would copy the growing line once per column.
        pieces = [self._csv(c) for c in self.columns if c not in self.floats]
        line = f"printf('{','.join(f for f, _ in pieces)}', {', '.join(a for _, a in pieces)})"
        # Python prints the floats: NULL as nothing, an integral one as PostgreSQL does
        # ("3", not repr's "3.0"), so SQLite makes it an integer.
        floats = "".join(f", CASE WHEN {q(c)} IS NULL THEN '' WHEN {q(c)} = CAST({q(c)} AS INTEGER) "
                         f"THEN CAST({q(c)} AS INTEGER) ELSE {q(c)} END" for c in self.floats)
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
            time = f"CASE WHEN length({c}) = 26 THEN rtrim(rtrim({c}, '0'), '.') ELSE {c} END"
            return ("%s", f"{time} || '+00'") if self.nullable[column] else ("%s+00", time)
        return "%s", c

    def scan_sql(self) -> str:
        """Rows, and how many hold a value the SQL would not print as PostgreSQL does."""
        q = self.quote
        odd = [f"abs({q(c)}) >= 1e15" for c in self.floats]
        # Django's storage form only: "2018-12-01 05:03:53" or "2018-12-01 05:03:53.386000".
        odd += [f"NOT ({q(c)} LIKE '____-__-__ __:__:__' OR {q(c)} LIKE '____-__-__ __:__:__.______')"
                for c in self.columns if self.kinds[c] == "DateTimeField"]
        return f"SELECT count(*), total({' OR '.join(odd) or '0'}) FROM {q(self.name)}"  # noqa: S608


def usable(source: Table, target: Table) -> tuple[Plan, int] | None:
    """(plan, source rows) when `source` can go to `target` this way, else None."""
    if (source.vendor, target.vendor) != ("sqlite", "postgresql") or not settings.USE_TZ:
        return None
    if any(_kind(f) not in KINDS for f in source.fields) or len(source.fields) > MAX_COLUMNS:
        return None
    plan = Plan(source)
    with connections[source.alias].cursor() as cursor:
        cursor.execute(plan.scan_sql())
        rows, odd = cursor.fetchone()
    return (plan, rows) if not odd else None


class _FloatTexts(dict):
    """str() of one float column's values, remembered: floats repeat (a station's
    coordinates on each of its trips), and str() is most of the time of a line."""

    def __missing__(self, value):
        text = self[value] = str(value)
        return text


class _Lines(io.RawIOBase):
    """The source's CSV lines, one chunk per read, checksummed on the way.

    A thread reads the chunks from SQLite (which works without the GIL) while this one
    turns the previous ones into lines and the driver sends them: QUEUED chunks at most.
    """

    def __init__(self, source: Table, plan: Plan, on_rows):
        self.on_rows, self.total = on_rows, Checksum("copy")
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
            while rows := self.cursor.fetchmany(CHUNK_ROWS):
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

    def readable(self):
        return True

    def read(self, size=-1):
        rows = self.chunks.get()
        if isinstance(rows, BaseException):
            raise rows
        if not rows:
            return b""
        line, texts = self.columns[0], [
            map(str if seen is None else seen.__getitem__, map(column, rows))
            for seen, column in zip(self.floats, self.columns[1:], strict=True)
        ]
        data = "".join(map(self.line.__mod__, zip(map(line, rows), *texts, strict=True))).encode()
        # A column of ever new values gains nothing from remembering them: free them.
        self.floats = [None if seen is None or len(seen) > MAX_FLOAT_TEXTS else seen for seen in self.floats]
        self.total.add(len(rows), data)
        self.on_rows(len(rows))
        return data

    def close(self):
        self.stop.set()
        self.reader.join()
        self.cursor.close()
        super().close()


def copy(source: Table, target: Table, found: tuple[Plan, int], on_rows, cursor) -> Checksum:
    """COPY every row of `source` into `target` (`found`: usable()'s answer) on `cursor`."""
    plan, rows = found
    quote = connections[target.alias].ops.quote_name
    columns = ", ".join(map(quote, plan.columns))
    sql = f"COPY {quote(target.name)} ({columns}) FROM STDIN WITH (FORMAT csv)"
    lines = _Lines(source, plan, on_rows)
    try:
        with pgindexes.dropped(cursor, quote(target.name), rows >= DROP_INDEXES_FROM):
            cursor.copy_expert(sql, lines, 1 << 20)
    finally:
        lines.close()
    return lines.total


class _Digest:
    """Where COPY TO writes: a row per write, into a SHA-256."""

    def __init__(self):
        self.total = Checksum("copy")

    def write(self, data):
        self.total.rows += 1
        self.total.digest.update(data)


def landed(target: Table) -> Checksum:
    """The target table, in key order and the form the lines were sent in, checksummed."""
    plan, quote = Plan(target), connections[target.alias].ops.quote_name
    columns = ", ".join(map(quote, plan.columns))
    texts = f", FORCE_QUOTE ({', '.join(map(quote, plan.texts))})" if plan.texts else ""
    sql = (f"COPY (SELECT {columns} FROM {quote(plan.name)} ORDER BY {quote(plan.pk)}) "  # noqa: S608
           f"TO STDOUT WITH (FORMAT csv{texts})")
    sink = _Digest()
    connection = connections[target.alias]
    with transaction.atomic(using=target.alias), connection.cursor() as cursor:
        # How PostgreSQL prints what the lines say: UTC times, ISO dates, shortest exact floats.
        cursor.execute("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO'; "
                       "SET LOCAL extra_float_digits = 1")
        cursor.copy_expert(sql, sink)
    return sink.total
