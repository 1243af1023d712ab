"""The two ends of a move: an alias the settings already have, or one made from a URL.

A URL goes through the same parser as `<APP>_DATABASE_URL` (common.databases.parse_url),
so it is accepted exactly when the app would accept it as its variable. A URL that names
the database an alias already serves reuses that alias (and its connection).
"""

import contextlib
import os
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from common.databases import (
    APPS,
    CASSANDRA_APPS,
    CASSANDRA_ENGINE,
    alias_for,
    describe,
    error_summary,
    parse_url,
    variable_for,
)
from common.masking import mask_url

# Where a URL ends up when no configured alias serves it; removed again after the move.
TEMPORARY = {"source": "move_app_source", "target": "move_app_target"}
SAME_DATABASE_KEYS = ("ENGINE", "NAME", "HOST", "PORT", "USER", "ACCOUNT", "SCHEMA")


class EndpointError(Exception):
    """A one-line reason the move cannot start (the command's CommandError)."""


@dataclass
class Endpoint:
    alias: str
    url: str | None  # None: the alias the settings gave the app
    temporary: bool = False

    def __post_init__(self):
        # Kept after a temporary alias is gone, for the final report.
        config = settings.DATABASES[self.alias]
        self.cassandra = config["ENGINE"] == CASSANDRA_ENGINE
        where = describe(config)
        self.name = f"{where['vendor']} {where['name']} ({where['host']})".replace(" ()", "")

    def label(self) -> str:
        return self.name


def check_app(app: str) -> None:
    if app not in APPS:
        raise EndpointError(f"Unknown app {app!r}; choose from: {', '.join(APPS)}.")


def resolve(app: str, url: str | None, role: str) -> Endpoint:
    """The endpoint `url` names for `app` (None: the app's configured alias)."""
    if url is None:
        return Endpoint(alias_for(app, settings.DATABASES), None)
    variable = variable_for(app)
    try:
        config = parse_url(variable, url, allow_cassandra=app in CASSANDRA_APPS)
    except ImproperlyConfigured as exc:
        # "TRIPS_DATABASE_URL='...': unknown scheme ...": say which option it came from.
        raise EndpointError(f"--{'from' if role == 'source' else 'to'}: {exc}") from None
    for alias, existing in settings.DATABASES.items():
        if all((existing.get(k) or "") == (config.get(k) or "") for k in SAME_DATABASE_KEYS):
            return Endpoint(alias, url)
    alias = TEMPORARY[role]
    _register(alias, config)
    return Endpoint(alias, url, temporary=True)


def _register(alias: str, config: dict) -> None:
    # Django's defaults for the keys a URL does not give (TIME_ZONE, AUTOCOMMIT, TEST...).
    # (configure_settings insists on a "default" entry; only ours is kept.)
    dummy = {"ENGINE": "django.db.backends.dummy"}
    config = connections.configure_settings({"default": dummy, alias: {**config, "CONN_MAX_AGE": 0}})[alias]
    settings.DATABASES[alias] = config
    connections.settings[alias] = config


def release(endpoint: Endpoint) -> None:
    """Close the endpoint's connection; forget a temporary alias."""
    if endpoint.alias in connections:
        connections[endpoint.alias].close()
    if endpoint.temporary:
        if endpoint.cassandra:
            _unregister_cassandra(endpoint.alias)
        del connections[endpoint.alias]
        settings.DATABASES.pop(endpoint.alias, None)
        connections.settings.pop(endpoint.alias, None)


def _unregister_cassandra(alias):
    from cassandra.cqlengine import connection

    # Never registered (the move stopped before connecting): nothing to undo.
    with contextlib.suppress(Exception):
        connection.unregister_connection(alias)


def connect(endpoint: Endpoint, role: str) -> None:
    """Open the connection now, so an unreachable end fails before anything is written."""
    try:
        if endpoint.cassandra:
            connections[endpoint.alias].connection.session.execute(
                "SELECT release_version FROM system.local"
            )
        else:
            connections[endpoint.alias].ensure_connection()
    except Exception as exc:  # noqa: BLE001 (any driver's failure to connect is reported as one line)
        reason = error_summary(exc, settings.DATABASES)
        raise EndpointError(f"cannot connect to the {role} {endpoint.label()}: {reason}") from None


def not_created(endpoint: Endpoint) -> bool:
    """A SQLite file that does not exist yet (connecting to it would create it)."""
    connection = connections[endpoint.alias]
    path = connection.vendor == "sqlite" and _sqlite_file(connection)
    return bool(path) and not os.path.exists(path)


def same_database(a: Endpoint, b: Endpoint) -> bool:
    """Whether both ends are one database, however their URLs spell it: the same alias, one
    SQLite file by two paths (a symlink, `..`), or, once both are connected, one PostgreSQL
    database by two host names (127.0.0.1 and localhost)."""
    if a.alias == b.alias:
        return True
    first, second = connections[a.alias], connections[b.alias]
    if first.vendor != second.vendor:
        return False
    if first.vendor == "sqlite":
        path = _sqlite_file(first)
        return path is not None and path == _sqlite_file(second)
    if first.vendor == "postgresql":
        return _holds_each_others_lock(first, second)
    return False


def _sqlite_file(connection):
    name = str(connection.settings_dict["NAME"])
    in_memory = name == ":memory:" or name.startswith("file:") or "mode=memory" in name
    return None if in_memory else os.path.realpath(name)


def _holds_each_others_lock(first, second) -> bool:
    """An advisory lock is one per database of a server: one that the first connection
    holds and the second cannot take means both are connected to the same database."""
    key = secrets.randbits(62)
    with first.cursor() as holder, second.cursor() as prober:
        holder.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            prober.execute("SELECT pg_try_advisory_lock(%s)", [key])
            taken = prober.fetchone()[0]
            if taken:
                prober.execute("SELECT pg_advisory_unlock(%s)", [key])
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", [key])
    return not taken


def env_line(app: str, endpoint: Endpoint) -> str:
    """The `.env` line that puts `app` on `endpoint`, password masked."""
    url = endpoint.url
    if url is None:
        current = settings.DATABASES[endpoint.alias]
        return f"{variable_for(app)}= (as now: {describe(current)['name']})"
    return f"{variable_for(app)}={mask_url(url)}"
