import logging
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from common.databases import error_summary, is_cassandra, variable_for
from config.dberrors import is_database_error


class Command(BaseCommand):
    help = (
        "Migrate every configured database alias (`migrate --database ALIAS` for each); "
        "a Cassandra alias gets `sync_cassandra` instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would run; change nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        for alias, settings_dict in settings.DATABASES.items():
            cassandra = is_cassandra(settings_dict)
            command = "sync_cassandra" if cassandra else "migrate"
            if verbosity >= 1:
                self.stdout.write(self.style.MIGRATE_HEADING(f"{alias}: {command} --database {alias}"))
            if not dry_run:
                # sync_cassandra refuses options it does not know, such as interactive.
                extra = {} if cassandra else {"interactive": False}
                quiet = quiet_driver() if cassandra and verbosity < 2 else nullcontext()
                try:
                    with quiet:
                        call_command(command, database=alias, verbosity=verbosity, **extra)
                except Exception as exc:
                    if not is_database_error(exc):
                        raise
                    # Unreachable, missing, refused login: one line naming the alias and its
                    # variable, never the password (`--traceback` still shows the chain).
                    raise CommandError(
                        f"{alias} ({variable_for(alias)}): {command} failed: "
                        f"{error_summary(exc, settings.DATABASES)}"
                    ) from exc


@contextmanager
def quiet_driver():
    """The Cassandra driver logs each failed connection attempt with its traceback; the
    CommandError above says the same in one line (-v2 shows the driver's log)."""
    driver = logging.getLogger("cassandra")
    level = driver.level
    driver.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        driver.setLevel(level)
