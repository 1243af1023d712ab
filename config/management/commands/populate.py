from contextlib import nullcontext
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections, transaction

from common.databases import APPS, alias_for, error_summary, is_cassandra
from config import demo
from config.schema import migrate_command, unapplied

# Seeding order: apps whose demo data others might read come first.
ORDER = ("counter", "catalog", "bank", "parties", "trips")


class Command(BaseCommand):
    help = (
        "Add each app's demo data where the app is empty, once per database: never again "
        "after that, even if you changed or removed it. --remove takes exactly the demo rows out."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", action="append", metavar="APP",
            help=f"Only this app (repeatable): {', '.join(ORDER)}.",
        )
        parser.add_argument("--remove", action="store_true",
                            help="Remove the demo rows (those still there); nothing else.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be added or removed; write nothing."
        )

    def handle(self, *args, only=None, remove=False, dry_run=False, verbosity=1, **options):
        unknown = sorted(set(only or ()) - set(APPS))
        if unknown:
            choices = ", ".join(ORDER)
            raise CommandError(f"Unknown app {', '.join(unknown)} for --only; choose from: {choices}.")
        self.verbosity, self.dry_run = verbosity, dry_run
        labels = [app for app in ORDER if not only or app in only]
        missing = {label: _unapplied(label) for label in labels}
        ready = [label for label in labels if not missing[label]]
        total = sum(self._remove(label) if remove else self._seed(label) for label in ready)
        if ready:
            self._summary(total, remove)
        if len(ready) < len(labels):
            raise _behind_error({label: pairs for label, pairs in missing.items() if pairs})

    def say(self, text, style=None):
        if self.verbosity >= 1:
            self.stdout.write(style(text) if style else text)

    def _seed(self, label):
        module = import_module(f"{label}.demo")
        if demo.seeded(label):
            self.say(f"{label}: demo data was added to this database before; not adding it again "
                     f"(`populate --remove --only {label}` removes it).")
            return 0
        empty = getattr(module, "is_empty", None) or (lambda: demo.is_empty_sql(label))
        if not self._database(label, empty):
            self.say(f"{label}: has data of its own; demo data not added.")
            return 0
        results = self._add(label, module)
        if results is None:
            self.say(f"{label}: another populate is adding its demo data here; not adding it too.")
            return 0
        created = 0
        for what, (added, existing) in results.items():
            created += added
            verb = "would add" if self.dry_run else "added"
            self.say(f"{label}: {what}: {verb} {added}, already there {existing}")
        return created

    def _add(self, label, module):
        """The seed's counts, the ledger's entry claimed first (None: another run has it)."""
        seed = None if self.dry_run else demo.claim(label)
        if seed is None and not self.dry_run:
            return None
        tracker = demo.Tracker()
        try:
            results = self._database(label, lambda: module.seed(dry_run=self.dry_run, track=tracker),
                                     atomic=True)
        except BaseException:
            if seed is not None:
                seed.delete()  # nothing was added: a later run may try again
            raise
        if seed is not None:
            demo.record(seed, tracker.rows)
        return results

    def _remove(self, label):
        seed = demo.seeded(label)
        count = seed.rows.count() if seed else 0
        if not count:
            self.say(f"{label}: no demo data to remove.")
            return 0
        if self.dry_run:
            self.say(f"{label}: would remove up to {count} demo rows (those still there).")
            return count
        module = import_module(f"{label}.demo")
        removed, kept = self._database(label, lambda: demo.remove(label, module, seed))
        note = f"; kept {kept} that rows of your own still use" if kept else ""
        self.say(f"{label}: removed {removed} demo rows{note}.")
        return removed

    def _database(self, label, work, atomic=False):
        """Run `work` on the app's alias (one transaction if `atomic`: a failure half-way
        leaves that app as it was); a database error is a CommandError naming the alias."""
        alias = alias_for(label, settings.DATABASES)
        relational = not is_cassandra(connections[alias].settings_dict)
        if relational:
            self._connect(label, alias)
        try:
            with transaction.atomic(using=alias) if atomic and relational else nullcontext():
                return work()
        except DatabaseError as exc:
            reason = error_summary(exc, settings.DATABASES)
            raise CommandError(
                f"{label}: the {alias!r} database refused the demo data ({reason}). "
                "Run `manage.py migrate_all` first."
            ) from exc

    def _connect(self, label, alias):
        # A database that does not answer is no missing migration: migrate_all would fail too.
        try:
            connections[alias].ensure_connection()
        except DatabaseError as exc:
            reason = error_summary(exc, settings.DATABASES)
            raise CommandError(f"{label}: cannot connect to the {alias!r} database ({reason}); "
                               "`manage.py check_databases` shows each one.") from exc

    def _summary(self, total, remove):
        if remove:
            verb = "would be removed" if self.dry_run else "removed"
            self.say(self.style.SUCCESS(f"Demo data: {total} rows {verb}."))
        elif total == 0:
            self.say(self.style.SUCCESS("Nothing to add: each app has its demo data or data of its own."))
        elif self.dry_run:
            self.say(self.style.WARNING(f"Dry run: {total} objects would be added."))
        else:
            self.say(self.style.SUCCESS(f"Added {total} objects."))


def _unapplied(label):
    """{(alias, app): migrations not applied} for what the app's demo data needs: the ledger on
    default, the app's tables on its alias (empty for a database that cannot be asked:
    `_database` reports that one)."""
    alias = alias_for(label, settings.DATABASES)
    try:
        found = {("default", "config"): unapplied("default", "config"),
                 (alias, label): unapplied(alias, label)}
    except DatabaseError:
        return {}
    return {pair: names for pair, names in found.items() if names}


def _behind_error(missing):
    # One sentence for all the apps: on a fresh database every app misses the same ledger
    # migration, and migrate_all is the one command that brings several up at once.
    behind = {pair: names for pairs in missing.values() for pair, names in pairs.items()}
    names = [name for pair_names in behind.values() for name in pair_names]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    command = migrate_command(*next(iter(behind))) if len(behind) == 1 else "python manage.py migrate_all"
    return CommandError(f"Nothing done for {', '.join(missing)}: the database is behind its migrations "
                        f"({shown} not applied); run `{command}` first.")
