"""On PostgreSQL, `trip` is partitioned by trip_id range (migration 0002): one partition per
loaded chunk of a file, filled and indexed as a plain table, then attached (a catalog change:
readers never wait for index maintenance). Rows inserted any other way land in trip_default.
Every name in the SQL here is built from integers we chose, never from a file's text.
"""

PREFIX = "trip_p"
# The station page's index, the same on every partition so ATTACH adopts it as it is
# (migration 0002 made trip's own).
STATION_INDEX = "(start_station_name, starttime DESC)"


def drop_orphans(cursor) -> list[str]:
    """Drop the chunk tables a failed or stopped load filled but never attached; their names.

    Found in the catalog: tables of trip's schema named as chunk tables (only digits after the
    prefix) that are not partitions (a chunk table becomes one only by ATTACH, in the commit of
    its ledger row). Called under the loaders' lock on trip, so no running load loses one.
    """
    cursor.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' AND NOT c.relispartition "
        "AND c.relname ~ %s "
        "AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = 'trip'::regclass) "
        "AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid) ORDER BY 1",
        [f"^{PREFIX}[0-9]+$"],
    )
    names = [name for (name,) in cursor.fetchall()]
    for name in names:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
    return names


def first_free_id(cursor) -> int:
    """An id above every row, every partition's range and the identity sequence's next value."""
    cursor.execute("SELECT coalesce(max(trip_id), 0) + 1 FROM trip")
    candidates = [cursor.fetchone()[0], _next_id(cursor)]
    cursor.execute(
        "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'trip'::regclass"
    )
    for (bound,) in cursor.fetchall():  # FOR VALUES FROM ('1') TO ('1001'), or DEFAULT
        if " TO (" in bound:
            candidates.append(int(bound.rsplit(" TO (", 1)[1].strip("')")))
    return max(candidates)


def _next_id(cursor) -> int:
    cursor.execute("SELECT pg_get_serial_sequence('trip', 'trip_id')")
    sequence = cursor.fetchone()[0]  # quoted by PostgreSQL itself
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 (a catalog name)
    last, called = cursor.fetchone()
    return last + 1 if called else last


def create(cursor, base: int) -> str:
    """A plain table shaped like trip whose rows take ids from `base` on, in order."""
    table = f"{PREFIX}{int(base)}"
    cursor.execute(f"CREATE TABLE {table} (LIKE trip INCLUDING DEFAULTS)")
    cursor.execute(f"CREATE SEQUENCE {table}_ids START {int(base)} MINVALUE 1 OWNED BY {table}.trip_id")
    cursor.execute(f"ALTER TABLE {table} ALTER trip_id SET DEFAULT nextval('{table}_ids')")
    return table


def finish(cursor, table: str, base: int, end: int) -> None:
    """Index the filled chunk table and prove its range, so ATTACH needs neither a build nor a scan."""
    cursor.execute(f"ALTER TABLE {table} ALTER trip_id DROP DEFAULT")
    cursor.execute(f"DROP SEQUENCE {table}_ids")
    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_range "
                   f"CHECK (trip_id >= {int(base)} AND trip_id < {int(end)})")
    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY (trip_id)")
    cursor.execute(f"CREATE INDEX {table}_station_recent ON {table} {STATION_INDEX}")


def attach(cursor, table: str, base: int, end: int) -> None:
    """In the loader's transaction: the chunk table becomes part of trip, or is dropped if empty."""
    if end <= base:
        cursor.execute(f"DROP TABLE {table}")
        return
    cursor.execute(f"ALTER TABLE trip ATTACH PARTITION {table} FOR VALUES FROM ({int(base)}) TO ({int(end)})")
    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_range")


def move_sequence_past(cursor, end: int) -> None:
    """Rows inserted through trip from now on take ids above the attached chunks."""
    if _next_id(cursor) < end:
        cursor.execute("SELECT setval(pg_get_serial_sequence('trip', 'trip_id'), %s, false)", [end])
