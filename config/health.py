"""Is each database alias answering? Used by /healthz and `manage.py check_databases`."""

from django.conf import settings
from django.core.cache import cache
from django.db import connections

from common.databases import describe, error_summary, is_cassandra
from config.schema import migrate_command, unapplied


def _ping(alias):
    connection = connections[alias]
    if is_cassandra(connection.settings_dict):
        cassandra = connection.connection
        cassandra.session.execute("SELECT release_version FROM system.local", timeout=5)
        keyspace = connection.settings_dict["NAME"]
        if keyspace not in cassandra.cluster.metadata.keyspaces:
            raise LookupError(f"keyspace {keyspace} does not exist; run manage.py migrate_all")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_alias(alias: str) -> dict:
    settings_dict = settings.DATABASES[alias]
    engine = describe(settings_dict)["vendor"]
    try:
        _ping(alias)
        missing = unapplied(alias)
    except Exception as exc:  # noqa: BLE001 - any failure means "not answering"
        error = error_summary(exc, settings.DATABASES)[:300]
        return {"engine": engine, "ok": False, "error": error, "unapplied_migrations": None}
    report = {"engine": engine, "ok": True, "error": None, "unapplied_migrations": missing}
    if missing:
        report["migrate"] = migrate_command(alias)
    return report


def check_all() -> dict:
    """Each alias answering and migrated is "ok"; one down, or behind its migrations, makes
    the whole "degraded" (the pages it serves answer 503)."""
    databases = {alias: check_alias(alias) for alias in settings.DATABASES}
    healthy = all(db["ok"] and not db["unapplied_migrations"] for db in databases.values())
    return {"status": "ok" if healthy else "degraded", "databases": databases}


def check_cache() -> dict:
    """The shared cache: a dead Redis is reported here while pages render without it."""
    if not hasattr(cache, "ping"):
        return {"backend": "locmem", "ok": True}
    try:
        cache.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not answering"
        return {"backend": cache.backend_name, "ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"backend": cache.backend_name, "ok": True}
