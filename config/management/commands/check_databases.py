from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from common.databases import alias_for, describe
from config.health import check_alias
from config.views import TUTORIALS


class Command(BaseCommand):
    help = "Connect to every database alias and report which answer. Exits 1 if any fails."

    def handle(self, *args, verbosity=1, **options):
        rows, failed = [], {}  # failed: alias -> the reason it gave
        for alias, settings_dict in settings.DATABASES.items():
            where = describe(settings_dict)
            users = [label for label, *_ in TUTORIALS if alias_for(label, settings.DATABASES) == alias]
            result = check_alias(alias)
            status = "ok" if result["ok"] else f"FAILED: {result['error']}"
            if not result["ok"]:
                failed[alias] = result["error"]
            missing = result["unapplied_migrations"]
            if result["ok"] and missing:
                status = f"ok, {len(missing)} unapplied migrations: run `{result['migrate']}`"
            apps = ", ".join(users) or "-"
            rows.append((alias, where["vendor"], where["host"], where["name"], apps, status))
        if verbosity >= 1:
            self._table(("alias", "engine", "host", "database", "apps", "status"), rows)
        if failed and verbosity >= 1:
            raise CommandError(f"Not answering: {', '.join(failed)}.", returncode=1)
        if failed:  # -v0 prints no table: the one line says why
            reasons = "; ".join(f"{alias} ({why})" for alias, why in failed.items())
            raise CommandError(f"Not answering: {reasons}.", returncode=1)
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"All {len(rows)} databases answer."))

    def _table(self, header, rows):
        widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
        for row in (header, *rows):
            cells = (str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
