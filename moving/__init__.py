"""`manage.py move_app`: one app's rows from one engine to another, verified.

- endpoints: which alias (or URL) each end is, whether the app can live there, connecting.
- tables: the app's tables in foreign-key order, and whether a target already holds rows.
- rows: reading a table in primary-key order as Python values, and the canonical form
  (CSV bytes) its checksum is taken over.
- writers: each engine's bulk path (COPY, multi-row INSERT).
- pgcopy: SQLite -> PostgreSQL without a Python value per field (SQLite writes the CSV).
- pgindexes: a PostgreSQL table's plain indexes dropped for a bulk load, rebuilt after.
- pgverify: the fast path's verification (the table COPied back out, in two halves at once).
- parties: parties through its store interface (SQL <-> Cassandra).
- move: the whole move: schema, copy, sequences, verification, interruption.
"""
