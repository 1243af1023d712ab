from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from common.databases import is_cassandra


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
                call_command(command, database=alias, verbosity=verbosity, **extra)
