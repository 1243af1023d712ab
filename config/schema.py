"""Is each database alias at the migrations the code expects? Used by /healthz, by the
503 a page or endpoint answers when its tables are missing or behind, and by `populate`.
"""

from django.conf import settings
from django.db import DatabaseError, connections, router
from django.db.migrations.executor import MigrationExecutor

from common.databases import is_cassandra

# Retry-After of a 503 for a database behind its migrations: it answers once someone migrates.
MIGRATE_RETRY_AFTER = 60


def unapplied(alias: str, app_label: str | None = None) -> list[str]:
    """`app.migration` names that belong on `alias` (for `app_label` only, if given) and are
    not applied there, in the order `migrate` would apply them. Empty for Cassandra, whose
    tables come from sync_cassandra."""
    connection = connections[alias]
    if is_cassandra(connection.settings_dict):
        return []
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [
        f"{migration.app_label}.{migration.name}"
        for migration, backwards in plan
        if not backwards
        and (app_label is None or migration.app_label == app_label)
        and router.allow_migrate(alias, migration.app_label)
    ]


def migrate_command(alias: str, app_label: str | None = None) -> str:
    """The command that brings `alias` (or one app on it) up to date."""
    parts = ["python manage.py migrate"]
    if app_label:
        parts.append(app_label)
    if alias != "default":
        parts.append(f"--database {alias}")
    return " ".join(parts)


def behind(alias: str, app_label: str | None = None) -> str | None:
    """A sentence naming what is not applied and the `migrate` to run, or None when the
    alias is up to date (or cannot be asked: then it is down, which other checks report)."""
    try:
        missing = unapplied(alias, app_label)
    except DatabaseError:
        return None
    if not missing:
        return None
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return (f"The {alias!r} database is behind its migrations ({shown} not applied): "
            f"run `{migrate_command(alias, app_label)}`.")


def first_behind(app_labels=None) -> str | None:
    """The first alias (serving one of `app_labels`, or any) that is behind, as `behind` says it."""
    from common.databases import alias_for

    aliases = {alias_for(label, settings.DATABASES): label for label in (app_labels or ())} or {
        alias: None for alias in settings.DATABASES
    }
    for alias, label in aliases.items():
        message = behind(alias, label)
        if message:
            return message
    return None
