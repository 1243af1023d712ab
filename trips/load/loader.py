"""load_trips' work: one source file at a time, its trips and its LoadedFile row in one
transaction, so a failure half-way keeps every earlier file and nothing of this one. Each
engine writes the rows (sqlite.py, postgres.py, snowflake.py): write(job) -> (sha256, bytes read).
"""

import csv
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Max, Q

from trips import demo, stations
from trips.load import interrupts, postgres, rows, snowflake, sqlite
from trips.load.rules import WIDTH, NotATripFile
from trips.load.sources import Source, SourceError
from trips.models import LoadedFile, Trip

ENGINES = {"sqlite": sqlite, "postgresql": postgres, "snowflake": snowflake}


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
    replaced: int = 0
    demo_removed: int = 0  # populate's invented trips, deleted in this file's transaction
    previous: LoadedFile | None = None
    hours: Counter = field(default_factory=Counter)  # (start station, New York hour) -> trips


@dataclass
class Job:
    """One file's rows to write, as an engine's write(job) sees it."""

    alias: str
    source: Source
    report: Report
    careful: bool = False  # PostgreSQL: Python reads every row (COPY refused one)
    on_bad: Callable[[str, int, str], None] = lambda where, line, reason: None
    on_progress: Callable[[int], None] = lambda rows: None
    on_note: Callable[[str], None] = lambda text: None

    def bad(self, where: str, line: int, reason: str) -> None:
        self.report.skipped += 1
        self.on_bad(where, line, reason)


@dataclass
class Loader:
    dry_run: bool = False
    replace: bool = False
    on_bad: Callable[[str, int, str], None] = lambda where, line, reason: None
    on_progress: Callable[[int], None] = lambda rows: None
    on_note: Callable[[str], None] = lambda text: None
    alias: str = field(default_factory=lambda: router.db_for_write(Trip))

    def load(self, source: Source) -> Report:
        report = Report(source.name)
        try:
            olds = self._previous_loads(source)
            if self.dry_run:
                self._dry_run(source, report, olds)
            else:
                self._load_atomically(source, report, olds)
        except AlreadyLoaded as done:
            report.status, report.previous = "already loaded", done.previous
            report.loaded = report.skipped = report.demo_removed = 0  # rolled back, if any
        except NotATripFile as exc:
            raise LoadError(f"{source.shown}: not a Citi Bike trip file: {exc}") from None
        except SourceError as exc:
            raise LoadError(str(exc)) from None
        except DatabaseError:
            if source.failure:  # a download cut short, which COPY reports as its own error
                raise LoadError(str(source.failure)) from None
            raise
        except (OSError, EOFError, zlib.error, csv.Error) as exc:
            # A truncated download, a corrupt .gz, a NUL byte: nothing of this file is kept.
            raise LoadError(f"{source.shown}: cannot read it ({type(exc).__name__}: {exc})") from None
        return report

    def _previous_loads(self, source):
        ledger = LoadedFile.objects.using(self.alias)
        if self.replace:
            return list(ledger.filter(Q(sha256=source.hash_now()) | Q(name=source.name)))
        # Probably a repeat: hash first rather than parse the whole file for nothing.
        if (source.size is not None and ledger.filter(name=source.name, size=source.size).exists()
                and (previous := ledger.filter(sha256=source.hash_now()).first())):
            raise AlreadyLoaded(previous)
        return []

    def _job(self, source, report, careful=False) -> Job:
        return Job(self.alias, source, report, careful, self.on_bad, self.on_progress, self.on_note)

    def _load_atomically(self, source, report, olds):
        try:
            self._transaction(source, report, olds, careful=False)
        except postgres.FastPathFailed:
            # Some row needs Python's row-by-row checks: start this file again, carefully.
            report.loaded = report.skipped = 0
            report.hours.clear()
            try:
                self._transaction(source, report, olds, careful=True)
            except postgres.FastPathFailed as exc:  # a rule of rules.py misses what the server refuses
                raise LoadError(f"{source.shown}: the database refused a row Python accepted "
                                f"({exc}); nothing of this file was kept") from None

    def _transaction(self, source, report, olds, careful):
        """The file's one transaction. A signal cancels the database call it waits on, but
        not the commit: that lands whole or not at all (trips/load/interrupts.py)."""
        wrapper = connections[self.alias]
        try:
            with interrupts.cancelling(lambda: _cancel(wrapper)), transaction.atomic(using=self.alias):
                self._load(source, report, olds, careful)
                interrupts.hold()
        except BaseException:
            if wrapper.vendor == "postgresql":
                # The chunk tables other connections filled and committed, never attached.
                postgres.drop_unattached(self.alias)
            raise
        finally:
            interrupts.release()

    def _dry_run(self, source, report, olds):
        with rows.produced(self._job(source, report)) as (batches, parsed):
            for batch in batches:
                report.loaded += len(batch) // WIDTH
        ledger = LoadedFile.objects.using(self.alias)
        if not olds and (previous := ledger.filter(sha256=parsed.sha256).first()):
            raise AlreadyLoaded(previous)
        report.status = "would load"

    def _load(self, source, report, olds, careful):
        connection = connections[self.alias]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Readers go on; a second loader waits, so this file's ids are contiguous.
                cursor.execute("LOCK TABLE trip IN SHARE ROW EXCLUSIVE MODE")
        # Invented trips never mix with real ones: populate's demo week goes, in this file's
        # transaction, so a file that fails or is interrupted keeps it.
        report.demo_removed = demo.remove_invented(self.alias)
        for old in olds:
            report.replaced += self._forget(old)
        trips, ledger = Trip.objects.using(self.alias), LoadedFile.objects.using(self.alias)
        after_id = trips.aggregate(m=Max("trip_id"))["m"] or 0
        sha256, size = ENGINES.get(connection.vendor, snowflake).write(self._job(source, report, careful))
        if previous := ledger.filter(sha256=sha256).first():
            raise AlreadyLoaded(previous)  # the same bytes under another name: roll back
        ledger.create(sha256=sha256, name=source.name, size=size, rows_loaded=report.loaded,
                      rows_skipped=report.skipped, after_id=after_id,
                      last_id=trips.aggregate(m=Max("trip_id"))["m"] or 0)
        stations.merge(self.alias, report.hours)

    def _forget(self, old: LoadedFile) -> int:
        trips = Trip.objects.using(self.alias).filter(trip_id__gt=old.after_id, trip_id__lte=old.last_id)
        stations.merge(self.alias, stations.station_hours(self.alias, old.after_id, old.last_id), sign=-1)
        deleted = trips._raw_delete(self.alias)
        old.delete()
        return deleted


def _cancel(wrapper):
    """Called from the signal watcher's thread: end the call the loader's connection is in."""
    raw, method = wrapper.connection, {"postgresql": "cancel", "sqlite": "interrupt"}.get(wrapper.vendor)
    if raw is not None and method:
        getattr(raw, method)()
