"""Django's SQLite backend, with the writers of one process queuing on a Python lock.

SQLite lets one writer in at a time. A second writer that finds the file locked waits in
SQLite's busy handler, which sleeps in growing steps (up to 100 ms) and retries, so under
load most of a click's time is spent asleep after the lock was already free. Here every
write transaction (`BEGIN IMMEDIATE` up to COMMIT or ROLLBACK) and every write statement run
in autocommit holds a lock per database file first: threads of the same process are woken
the moment it is released, in order. Writers in other processes (another gunicorn worker, a
`manage.py` command) still meet SQLite's own lock and busy timeout.
"""

import threading

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

_locks = {}  # database file -> threading.Lock
_locks_guard = threading.Lock()

# Statements that never take SQLite's write lock on their own.
_READ_ONLY = ("SELECT", "PRAGMA", "EXPLAIN", "BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")


def lock_for(path: str):
    with _locks_guard:
        return _locks.setdefault(path, threading.Lock())


def acquire(lock, timeout: float):
    if not lock.acquire(timeout=timeout):
        # What SQLite itself says when its busy timeout runs out, so callers handle one error.
        raise OperationalError("database is locked")


class WriteLockingCursor(base.SQLiteCursorWrapper):
    write_lock = None  # a threading.Lock, set by DatabaseWrapper.create_cursor
    timeout: float = 5.0
    _rows = None  # the rows of a write statement's RETURNING, read while holding the lock

    def execute(self, query, params=None):
        self._rows = None
        if self.write_lock is None or self.connection.in_transaction or _is_read_only(query):
            return super().execute(query, params)
        acquire(self.write_lock, self.timeout)
        try:
            super().execute(query, params)
            if self.description is not None:
                # An UPDATE/INSERT ... RETURNING keeps SQLite's write lock until its rows are
                # read: read them now, so the file is free when the Python lock is.
                self._rows = super().fetchall()
        finally:
            self.write_lock.release()
        return self

    def fetchone(self):
        if self._rows is None:
            return super().fetchone()
        return self._rows.pop(0) if self._rows else None

    def fetchmany(self, size=None):
        if self._rows is None:
            return super().fetchmany(size or self.arraysize)
        size = size or self.arraysize
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    def fetchall(self):
        if self._rows is None:
            return super().fetchall()
        rows, self._rows = self._rows, []
        return rows

    def __next__(self):
        row = self.fetchone() if self._rows is not None else super().__next__()
        if row is None:
            raise StopIteration
        return row


def _is_read_only(query: str) -> bool:
    return query.lstrip()[:9].upper().startswith(_READ_ONLY)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._held_lock = None

    def _write_lock(self):
        # An in-memory database is private to its connection: nothing to queue for.
        return None if self.is_in_memory_db() else lock_for(str(self.settings_dict["NAME"]))

    def _lock_timeout(self) -> float:
        return float(self.settings_dict["OPTIONS"].get("timeout", 5))

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=WriteLockingCursor)
        cursor.write_lock, cursor.timeout = self._write_lock(), self._lock_timeout()
        return cursor

    def _start_transaction_under_autocommit(self):
        lock = self._write_lock()
        if lock is None or self.transaction_mode != "IMMEDIATE":
            # A deferred BEGIN may stay a reader; only IMMEDIATE is known to write.
            return super()._start_transaction_under_autocommit()
        acquire(lock, self._lock_timeout())
        self._held_lock = lock
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self):
        lock, self._held_lock = self._held_lock, None
        if lock is not None:
            lock.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
