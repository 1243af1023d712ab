"""load_trips' work: one source file at a time, each in one transaction with its ledger row.

A file's trips and its LoadedFile row commit together, so a failure half-way keeps every
earlier file and nothing of this one, and a re-run loads exactly what is missing.
"""

import csv
import io
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.db.models import Max, Q

from trips import background, interrupts, sqliteload, stations
from trips.formats import COLUMNS, INSERT, LOCAL_HOUR, BadRow, Layout, NotATripFile
from trips.models import LoadedFile, Trip
from trips.sources import Source, SourceError

SNOWFLAKE_BATCH = 1_000


class LoadError(Exception):
    """The file cannot be loaded at all; the message names it and the reason."""


class AlreadyLoaded(Exception):  # noqa: N818 (a control-flow signal, not an error)
    def __init__(self, previous):
        self.previous = previous


@dataclass
class Report:
    name: str
    status: str = "loaded"  # loaded, would load, already loaded
    loaded: int = 0
    skipped: int = 0
    seconds: float = 0.0
    replaced: int = 0
    previous: LoadedFile | None = None
    hours: Counter = field(default_factory=Counter)


@dataclass
class Loader:
    dry_run: bool = False
    replace: bool = False
    on_bad: Callable[[str, int, str], None] = lambda where, line, reason: None
    on_progress: Callable[[int], None] = lambda rows: None
    on_note: Callable[[str], None] = lambda text: None
    alias: str = field(default_factory=lambda: router.db_for_write(Trip))

    @property
    def vendor(self) -> str:
        return connections[self.alias].vendor

    def load(self, source: Source) -> Report:
        report, started = Report(source.name), time.monotonic()
        try:
            olds = self._previous_loads(source)
            if self.dry_run:
                self._dry_run(source, report, olds)
            else:
                self._load_atomically(source, report, olds)
        except AlreadyLoaded as done:
            report.status, report.previous = "already loaded", done.previous
            report.loaded = report.skipped = 0
        except NotATripFile as exc:
            raise LoadError(f"{source.location}: not a Citi Bike trip file: {exc}") from None
        except SourceError as exc:
            raise LoadError(str(exc)) from None
        except (OSError, EOFError, zlib.error, csv.Error) as exc:
            # A truncated download, a corrupt .gz, a NUL byte: nothing of this file is kept.
            raise LoadError(f"{source.location}: cannot read it ({type(exc).__name__}: {exc})") from None
        report.seconds = time.monotonic() - started
        return report

    def _previous_loads(self, source):
        ledger = LoadedFile.objects.using(self.alias)
        if self.replace:
            return list(ledger.filter(Q(sha256=source.hash_now()) | Q(name=source.name)))
        if source.size is not None and ledger.filter(name=source.name, size=source.size).exists():
            # Probably a repeat: hash first rather than parse the whole file for nothing.
            previous = ledger.filter(sha256=source.hash_now()).first()
            if previous:
                raise AlreadyLoaded(previous)
        return []

    def _load_atomically(self, source, report, olds):
        from trips.pgload import FastPathFailed

        try:
            self._transaction(source, report, olds, careful=False)
        except FastPathFailed:
            # Some row needs Python's row-by-row checks: start this file again, carefully.
            report.loaded = report.skipped = 0
            report.hours.clear()
            self._transaction(source, report, olds, careful=True)

    def _transaction(self, source, report, olds, careful):
        """The file's one transaction. A signal cancels the database call it waits on, but
        not the commit: that lands whole or not at all (trips/interrupts.py)."""
        wrapper = connections[self.alias]
        try:
            with interrupts.cancelling(lambda: _cancel(wrapper)), transaction.atomic(using=self.alias):
                self._load(source, report, olds, careful)
                interrupts.hold()
        except BaseException:
            if self.vendor == "postgresql":
                from trips import pgload

                # The slices other connections filled and committed, never attached.
                pgload.drop_unattached(self.alias)
            raise
        finally:
            interrupts.release()

    def _dry_run(self, source, report, olds):
        with source.parts() as (reader, parts):
            for _ in self._rows(parts, report):
                report.loaded += 1
        previous = LoadedFile.objects.using(self.alias).filter(sha256=reader.sha256.hexdigest()).first()
        if previous and not olds:
            raise AlreadyLoaded(previous)
        report.status = "would load"

    def _load(self, source, report, olds, careful):
        connection = connections[self.alias]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Readers go on; a second loader waits, so this file's ids are contiguous.
                cursor.execute("LOCK TABLE trip IN SHARE ROW EXCLUSIVE MODE")
        for old in olds:
            report.replaced += self._forget(old)
        after_id = Trip.objects.using(self.alias).aggregate(m=Max("trip_id"))["m"] or 0
        sha256, size = self._write_all(source, report, careful)
        previous = LoadedFile.objects.using(self.alias).filter(sha256=sha256).first()
        if previous:
            raise AlreadyLoaded(previous)  # the same bytes under another name: roll back
        last_id = Trip.objects.using(self.alias).aggregate(m=Max("trip_id"))["m"] or 0
        LoadedFile.objects.using(self.alias).create(
            sha256=sha256, name=source.name, size=size, rows_loaded=report.loaded,
            rows_skipped=report.skipped, after_id=after_id, last_id=last_id,
        )
        stations.merge(self.alias, report.hours)

    def _forget(self, old: LoadedFile) -> int:
        trips = Trip.objects.using(self.alias).filter(trip_id__gt=old.after_id, trip_id__lte=old.last_id)
        stations.merge(self.alias, stations.hour_counts(self.alias, old.after_id, old.last_id), sign=-1)
        deleted = trips._raw_delete(self.alias)
        old.delete()
        return deleted

    def _write_all(self, source, report, careful) -> tuple[str, int]:
        """Every good row of `source` written; (its sha256, the bytes read)."""
        if self.vendor == "sqlite":
            # The child process that parses a big file reads (and hashes) it itself.
            return sqliteload.write(self, source, report)
        with source.parts() as (reader, parts):
            self._write(source, parts, report, careful)
        return reader.sha256.hexdigest(), reader.bytes

    def _write(self, source, parts, report, careful):
        if self.vendor == "postgresql":
            from trips import pgload

            if careful:
                pgload.python_rows(self, source, parts, report)
            else:
                pgload.copy_parts(self, source, parts, report)
        else:
            self._multirow(parts, report)

    def _multirow(self, parts, report):
        row_sql = f"({', '.join(['%s'] * len(COLUMNS))})"
        with connections[self.alias].cursor() as cursor:
            for batch in background.batches(self._rows(parts, report), SNOWFLAKE_BATCH):
                params = [v + "+00:00" if i in (1, 2) else v for row in batch for i, v in enumerate(row)]
                cursor.execute(INSERT + ", ".join([row_sql] * len(batch)), params)
                report.loaded += len(batch)
                self.on_progress(report.loaded)

    def _rows(self, parts, report) -> Iterator[tuple]:
        """Every good row of every part, counting stations per hour; bad rows reported."""
        hours = report.hours
        for where, stream in parts:
            text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
            reader = csv.reader(text)
            layout = Layout(next(reader, []))
            row = layout.row
            for fields in reader:
                try:
                    values = row(fields)
                except BadRow as exc:
                    report.skipped += 1
                    self.on_bad(where, reader.line_num, str(exc))
                    continue
                hours[values[4], LOCAL_HOUR[values[1][:13]]] += 1
                yield values


def _cancel(wrapper):
    """Called from the signal watcher's thread: end the call the loader's connection is in."""
    raw = wrapper.connection
    if raw is None:
        return
    if wrapper.vendor == "postgresql":
        raw.cancel()
    elif wrapper.vendor == "sqlite":
        raw.interrupt()
