from contextlib import nullcontext
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections, router, transaction

from config.databases import APPS, CASSANDRA_ENGINE, error_summary

# Seeding order: apps whose demo data others might read come first.
ORDER = ("counter", "catalog", "bank", "parties", "trips")


class Command(BaseCommand):
    help = "Add each app's demo data. Idempotent: a second run adds nothing and says so."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", action="append", metavar="APP",
            help=f"Seed only this app (repeatable): {', '.join(ORDER)}.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be added; write nothing."
        )

    def handle(self, *args, only=None, dry_run=False, verbosity=1, **options):
        unknown = sorted(set(only or ()) - set(APPS))
        if unknown:
            choices = ", ".join(ORDER)
            raise CommandError(f"Unknown app {', '.join(unknown)} for --only; choose from: {choices}.")
        created_total = 0
        for label in (app for app in ORDER if not only or app in only):
            results = self._seed(label, dry_run)
            for what, (created, existing) in results.items():
                created_total += created
                if verbosity >= 1:
                    verb = "would add" if dry_run else "added"
                    self.stdout.write(f"{label}: {what}: {verb} {created}, already there {existing}")
        if verbosity >= 1:
            if created_total == 0:
                self.stdout.write(self.style.SUCCESS("Nothing to add: the demo data is already there."))
            elif dry_run:
                self.stdout.write(self.style.WARNING(f"Dry run: {created_total} objects would be added."))
            else:
                self.stdout.write(self.style.SUCCESS(f"Added {created_total} objects."))

    def _seed(self, label, dry_run):
        seed = import_module(f"{label}.demo").seed
        models = list(apps.get_app_config(label).get_models())
        alias = router.db_for_write(models[0]) if models else "default"
        # One transaction per app: a failure half-way leaves that app as it was.
        relational = connections[alias].settings_dict["ENGINE"] != CASSANDRA_ENGINE
        try:
            with transaction.atomic(using=alias) if relational else nullcontext():
                return seed(dry_run=dry_run)
        except DatabaseError as exc:
            reason = error_summary(exc, settings.DATABASES)
            raise CommandError(
                f"{label}: could not write demo data to the {alias!r} database ({reason}). "
                "Run `manage.py migrate_all` first."
            ) from exc
