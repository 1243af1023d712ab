import signal
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, ProgrammingError, transaction

from trips import stations
from trips.load import interrupts
from trips.load.loader import Loader, LoadError
from trips.load.sources import Source, SourceError

MAX_BAD_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Load Citi Bike trip files (classic 2013-2020 or 2021+ layout; .csv, .csv.gz, .zip or "
        "http(s) URL). Loading a file twice adds nothing; --replace reloads it."
    )

    def add_arguments(self, parser):
        parser.add_argument("locations", nargs="*", metavar="PATH_OR_URL")
        parser.add_argument("--replace", action="store_true",
                            help="Reload files loaded before (same content or same file name).")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; write nothing.")
        parser.add_argument("--rebuild-stations", action="store_true",
                            help="Recount the station pages' totals from the trip table (after COPY INTO).")

    def handle(self, *args, locations, replace, dry_run, rebuild_stations, verbosity, **options):
        self.verbosity, self.bad_shown, self.current = verbosity, 0, None
        if not locations and not rebuild_stations:
            raise CommandError("Name at least one file or URL to load (or pass --rebuild-stations).")
        try:
            sources = [Source.check(location) for location in locations]
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        self.tty = verbosity >= 1 and _isatty(self.stdout)
        loader = Loader(dry_run=dry_run, replace=replace, on_bad=self.bad, on_progress=self.progress,
                        on_note=self.say)
        reports, started = [], time.monotonic()
        try:
            with interrupts.handled():
                self.load_all(loader, sources, reports, rebuild_stations)
        except (interrupts.Interrupted, KeyboardInterrupt) as exc:
            self.interrupted(getattr(exc, "signum", signal.SIGINT), reports)
        except LoadError as exc:
            raise CommandError(f"{exc}{_kept(reports)}") from None
        except DatabaseError as exc:
            raise self.refused(exc, reports) from None
        if reports:
            self.say(self.summary(reports, time.monotonic() - started, dry_run), style=self.style.SUCCESS)

    def load_all(self, loader, sources, reports, rebuild_stations):
        for source in sources:
            self.current, self.file_started = source.name, time.monotonic()
            interrupts.check()  # a signal held over the last commit stops here, before this file
            reports.append(loader.load(source))
            if reports[-1].demo_removed:  # in the file's transaction, which has committed
                self.say(f"Removed the {reports[-1].demo_removed:,} invented demo trips (populate's "
                         "demo week) before loading real data.")
            self.say(self.describe(reports[-1]))
        self.current = None
        interrupts.check()
        if rebuild_stations and loader.dry_run:
            self.say("Would recount the stations from the trip table (--rebuild-stations); "
                     "--dry-run writes nothing.")
        elif rebuild_stations:
            self.current = "the station totals"
            with transaction.atomic(using=loader.alias):
                count = stations.rebuild(loader.alias)
            self.say(f"Recounted {count} stations from the trip table.")

    def refused(self, exc, reports):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        hint = " Has `manage.py migrate` run?" if isinstance(exc, ProgrammingError) else ""
        return CommandError(f"{self.current}: the database refused the load ({first}); "
                            f"nothing of this file was kept{_kept(reports)}.{hint}")

    def interrupted(self, signum, reports):
        """One line, no traceback, and the shell's status for the signal (130, 143)."""
        self._clear_progress()
        if self.current:
            self.stderr.write(f"interrupted; nothing from {self.current} was kept{_kept(reports)}")
        else:
            self.stderr.write(f"interrupted after the last file; every file was loaded{_kept(reports)}")
        raise SystemExit(128 + signum)

    def bad(self, where, line, reason):
        self.bad_shown += 1
        if self.verbosity >= 1 and self.bad_shown <= MAX_BAD_SHOWN:
            self._clear_progress()
            self.stderr.write(f"{where}:{line}: skipped: {reason}")
        elif self.verbosity >= 1 and self.bad_shown == MAX_BAD_SHOWN + 1:
            self.stderr.write("(more bad rows are not shown; use -v2 to see all)")
        elif self.verbosity >= 2:
            self.stderr.write(f"{where}:{line}: skipped: {reason}")

    def progress(self, rows):
        if self.tty:
            seconds = max(time.monotonic() - self.file_started, 1e-6)
            self.stdout.write(f"\r{self.current}: {rows:,} rows, {rows / seconds:,.0f} rows/s", ending="")
            self.stdout.flush()

    def _clear_progress(self):
        if self.tty:
            self.stdout.write("\r\033[K", ending="")

    def say(self, text, style=None):
        self._clear_progress()
        if self.verbosity >= 1:
            self.stdout.write(style(text) if style else text)

    def describe(self, r):
        if r.status == "already loaded":
            when = r.previous.loaded_at.strftime("%Y-%m-%d %H:%M")
            return (f"{r.name}: already loaded ({r.previous.name}, {when} UTC, "
                    f"{r.previous.rows_loaded:,} trips): nothing added. Use --replace to reload it.")
        replaced = f", replacing {r.replaced:,} trips loaded before" if r.replaced else ""
        return f"{r.name}: {r.status} {r.loaded:,} trips, skipped {r.skipped:,} bad rows{replaced}."

    def summary(self, reports, seconds, dry_run):
        loaded = sum(r.loaded for r in reports)
        skipped = sum(r.skipped for r in reports)
        already = sum(r.status == "already loaded" for r in reports)
        verb = "Would load" if dry_run else "Loaded"
        rate = loaded / seconds if seconds else 0
        return (f"{verb} {loaded:,} trips from {len(reports) - already} file(s), "
                f"skipped {skipped:,} bad rows, {already} file(s) already loaded, "
                f"in {seconds:.1f} s ({rate:,.0f} rows/s).")


def _kept(reports):
    done = [r.name for r in reports if r.status == "loaded"]
    return f" (files loaded before it are kept: {', '.join(done)})" if done else ""


def _isatty(stream):
    target = getattr(stream, "_out", stream)
    return bool(getattr(target, "isatty", lambda: False)()) and target is sys.stdout
