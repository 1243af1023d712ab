"""The two ends of a move: an alias the settings already have, or one made from a URL.

A URL goes through the same parser as `<APP>_DATABASE_URL` (common.databases.parse_url),
so it is accepted exactly when the app would accept it as its variable. A URL that names
the database an alias already serves reuses that alias (and its connection).
"""

import contextlib
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
    mask_url,
    parse_url,
    variable_for,
)

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


def same_database(a: Endpoint, b: Endpoint) -> bool:
    return a.alias == b.alias


def env_line(app: str, endpoint: Endpoint) -> str:
    """The `.env` line that puts `app` on `endpoint`, password masked."""
    url = endpoint.url
    if url is None:
        current = settings.DATABASES[endpoint.alias]
        return f"{variable_for(app)}= (as now: {describe(current)['name']})"
    return f"{variable_for(app)}={mask_url(url)}"
