"""A PostgreSQL table's plain indexes dropped for a bulk load and built again after it, as
pg_restore does: building an index once from all its rows is cheaper than keeping it up
row by row.

Plain: neither unique nor backing a constraint (primary keys, unique and foreign keys stay,
so the load is checked as it goes). It all happens in the caller's transaction, so a
rollback (a failure, Ctrl-C, a dropped connection) brings the indexes back as they were.
A partitioned table's index is dropped with its partitions' and made again as pg_dump
makes it: the parent ON ONLY, each partition's under its own name, then attached.
"""

from contextlib import contextmanager

PLAIN = (
    "SELECT i.indexrelid FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT i.indisunique "
    "AND i.indisvalid AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
    "AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid) ORDER BY 1"
)
# An index and its partitions' indexes, parents first: (name, definition, parent or NULL).
TREE = (
    "WITH RECURSIVE tree(idx, parent, depth) AS (SELECT %s::oid, NULL::oid, 0 UNION ALL "
    "SELECT h.inhrelid, h.inhparent, depth + 1 FROM pg_inherits h JOIN tree ON h.inhparent = tree.idx) "
    "SELECT idx::regclass::text, pg_get_indexdef(idx), parent::regclass::text FROM tree ORDER BY depth, idx"
)


@contextmanager
def dropped(cursor, table: str, drop: bool = True):
    """`table`'s plain indexes gone for the duration (if `drop`), rebuilt on the way out."""
    if not drop:
        yield
        return
    cursor.execute(PLAIN, [table])
    trees = []
    for (oid,) in cursor.fetchall():
        cursor.execute(TREE, [oid])
        trees.append(cursor.fetchall())
    for tree in trees:
        cursor.execute(f"DROP INDEX {tree[0][0]}")  # regclass text: quoted where needed
    yield
    for tree in trees:
        for name, definition, parent in tree:
            cursor.execute(definition)
            if parent:
                cursor.execute(f"ALTER INDEX {parent} ATTACH PARTITION {name}")
