"""DATABASES from DATABASE_URL-style variables: one alias per app that has its own URL.

`DATABASE_URL` is the `default` alias (an SQLite file in the project root when unset);
`<APP>_DATABASE_URL` adds an alias named after the app, and `config.routers` sends that
app there. Each URL is parsed by `common.databases.parse_url`, which `manage.py move_app`
uses too, so a URL is accepted there exactly when it would be here.
"""

import os

from common.databases import APPS, CASSANDRA_APPS, parse_url, variable_for
from config.env import BASE_DIR


def build_databases(environ=os.environ, *, conn_max_age: int = 0) -> dict[str, dict]:
    default_url = environ.get("DATABASE_URL", "").strip() or "sqlite:///db.sqlite3"
    databases = {"default": parse_url("DATABASE_URL", default_url, allow_cassandra=False,
                                      conn_max_age=conn_max_age, base_dir=BASE_DIR)}
    for app in APPS:
        variable = variable_for(app)
        url = environ.get(variable, "").strip()
        if url:
            databases[app] = parse_url(variable, url, allow_cassandra=app in CASSANDRA_APPS,
                                       conn_max_age=conn_max_age, base_dir=BASE_DIR)
    bank = databases.get("bank")
    if bank and bank["ENGINE"] == "django.db.backends.postgresql":
        from psycopg2.extensions import ISOLATION_LEVEL_SERIALIZABLE

        # CockroachDB only runs SERIALIZABLE; PostgreSQL at that level raises the same
        # 40001 errors, so the bank's retry path behaves the same on both.
        bank["OPTIONS"].setdefault("isolation_level", ISOLATION_LEVEL_SERIALIZABLE)
    return databases

