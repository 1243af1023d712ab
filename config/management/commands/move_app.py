import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, DataError, IntegrityError

from common.databases import APPS
from moving.endpoints import EndpointError, env_line
from moving.move import Move, MoveError


class Command(BaseCommand):
    help = (
        "Move one app's rows to another database: schema, streaming copy, verification "
        "(row counts and checksums per table). Prints the .env line to switch to it."
    )

    def add_arguments(self, parser):
        parser.add_argument("app", metavar="APP", help=f"One of: {', '.join(APPS)}.")
        parser.add_argument("--to", required=True, metavar="URL", help="The target database URL.")
        parser.add_argument("--from", dest="from_url", metavar="URL",
                            help="The source database URL (default: the app's current database).")
        parser.add_argument("--replace", action="store_true",
                            help="Overwrite the app's rows the target already holds.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Connect to both ends and report what would be copied; write nothing.")

    def handle(self, *args, app, to, from_url, replace, dry_run, verbosity=1, **options):
        self.verbosity = verbosity
        self.tty = verbosity >= 1 and _isatty(self.stdout)
        self.started = {}
        move = Move(app, to, from_url, replace=replace, dry_run=dry_run, on_rows=self.progress)
        try:
            move.run()
        except (EndpointError, MoveError) as exc:
            self._clear()
            raise CommandError(f"{app}: {exc}") from None
        except KeyboardInterrupt:
            self._clear()
            raise CommandError(move.interrupted_message("Interrupted")) from None
        except DatabaseError as exc:
            self._clear()
            reason = move.reason(exc).replace("\n", " ")
            refused = isinstance(exc, DataError | IntegrityError)  # the same row would fail again
            message = move.interrupted_message(f"The database failed ({reason})", refused=refused)
            raise CommandError(message) from None
        self._report(move, app, dry_run)

    def _report(self, move, app, dry_run):
        self._clear()
        if self.verbosity < 1:
            return
        total = sum(move.counts.values())
        tables = ", ".join(f"{name} {n:,}" for name, n in move.counts.items())
        if dry_run:
            self.stdout.write(f"Dry run: would copy {total:,} rows of {app} ({tables}) "
                              f"from {move.source.label()} to {move.target.label()}; nothing written.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Moved {total:,} rows of {app} ({tables}) from {move.source.label()} to "
            f"{move.target.label()}; every table verified (row count and checksum)."))
        self.stdout.write("Put this line in .env (with the real password), then restart the server:")
        self.stdout.write(f"  {env_line(app, move.target)}")
        self.stdout.write("The source was not changed; delete its rows yourself once you are satisfied.")

    def progress(self, table, done, total):
        if not self.tty:
            return
        started = self.started.setdefault(table, time.monotonic())
        rate = done / max(time.monotonic() - started, 1e-6)
        self.stdout.write(f"\r{table}: {done:,}/{total:,} rows, {rate:,.0f} rows/s", ending="")
        self.stdout.flush()

    def _clear(self):
        if self.tty:
            self.stdout.write("\r\033[K", ending="")


def _isatty(stream):
    target = getattr(stream, "_out", stream)
    return bool(getattr(target, "isatty", lambda: False)()) and target is sys.stdout
