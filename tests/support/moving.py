"""Helpers for the move_app tests: databases to move through, rows and answers to compare."""

import io
import os
import re
from contextlib import contextmanager

import psycopg2
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from common.databases import parse_url
from moving.tables import models_of

# A PostgreSQL server to move through when the run's own databases are not on one.
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432"


def postgres_server() -> str:
    """The run's PostgreSQL server (make test-postgres), or the local one."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.postgresql":
        auth = default["USER"] + (f":{default['PASSWORD']}" if default.get("PASSWORD") else "")
        return f"postgres://{auth}@{default['HOST']}:{default['PORT'] or 5432}"
    return os.environ.get("MOVE_APP_POSTGRES", LOCAL_POSTGRES)


@contextmanager
def scratch_postgres(name: str):
    """A fresh PostgreSQL database `name` (its URL), dropped afterwards."""
    server = postgres_server()
    try:
        dsn = server.replace("postgres://", "postgresql://") + "/postgres"
        admin = psycopg2.connect(dsn, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {server} is not answering: {exc}")
        pytest.skip(f"needs PostgreSQL at {server} (set MOVE_APP_POSTGRES): {exc}")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield f"{server}/{name}"
    finally:
        with admin.cursor() as cursor:  # a failed test leaves no database behind either
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def move(app, *args) -> str:
    """Run move_app in this process; its stdout."""
    out = io.StringIO()
    call_command("move_app", app, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@contextmanager
def alias_for_url(url: str, alias: str = "move_test_view"):
    """An extra alias on `url` for the duration (to read what a move wrote)."""
    parsed = parse_url("TEST_URL", url, allow_cassandra=url.startswith(("cassandra", "astra")))
    dummy = {"ENGINE": "django.db.backends.dummy"}
    config = connections.configure_settings({"default": dummy, alias: parsed})
    previous = settings.DATABASES.get(alias)
    settings.DATABASES[alias] = config[alias]
    connections.settings[alias] = config[alias]
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        if previous is None:
            settings.DATABASES.pop(alias, None)
        else:
            settings.DATABASES[alias] = previous


def snapshot(app: str, alias: str) -> dict[str, list[tuple]]:
    """Every row of every table of `app` on `alias`, as Python values, in key order."""
    tables = {}
    for model in models_of(app):
        names = [f.attname for f in model._meta.concrete_fields]
        rows = model.objects.using(alias).order_by(model._meta.pk.attname).values_list(*names)
        tables[model._meta.db_table] = list(rows)
    return tables


def current_alias(app: str) -> str:
    model = next(iter(apps.get_app_config(app).get_models()))
    from django.db import router

    return router.db_for_read(model)


@contextmanager
def app_on(app: str, url: str):
    """The app served from `url` for the duration, as if `<APP>_DATABASE_URL` said so."""
    with alias_for_url(url, alias=app):
        yield


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def answers(client, paths) -> dict[str, tuple[int, str]]:
    """(status, body) of each path, CSRF tokens taken out (they differ per request)."""
    result = {}
    for path in paths:
        response = client.get(path)
        result[path] = (response.status_code, CSRF.sub("", response.content.decode()))
    return result


def sqlite_url(path) -> str:
    return f"sqlite:///{path}"



def indexes(url: str) -> list[tuple[str, str, str]]:
    """(table, index, definition) of every index in the PostgreSQL database at `url`."""
    with psycopg2.connect(url.replace("postgres://", "postgresql://")) as db, db.cursor() as cursor:
        cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes "
                       "WHERE schemaname = 'public' ORDER BY 1, 2")
        rows = cursor.fetchall()
    db.close()
    return rows
