"""The fakesnow pytest plugin, loaded before Django's settings (see `addopts` in pyproject.toml).

- Gives the test run the environment a developer would: DEBUG on, a throwaway secret key.
- `--fakesnow trips,catalog` starts a fresh fakesnow server for this run and points those
  apps' `<APP>_DATABASE_URL` at it, so their tests talk to it through the real
  snowflake-connector-python and django-snowflake.
"""

import os

import pytest

from common.databases import APPS

# Statements django-snowflake sends that fakesnow (DuckDB underneath) cannot run and that
# change nothing a test can observe. Matched case-insensitively from the start of the
# statement. Never all of ALTER SESSION: AUTOCOMMIT has to reach the server.
FAKESNOW_NOP_REGEXES = [
    r"ALTER TABLE .* ADD CONSTRAINT .* FOREIGN KEY",
    r"ALTER SESSION SET TIMEZONE",
    r"ALTER SESSION SET NOORDER_SEQUENCE_AS_DEFAULT",
    r"ALTER TABLE .* ALTER COLUMN .* TYPE VARCHAR",
    r'ALTER TABLE "DJANGO_CONTENT_TYPE" DROP COLUMN',
    r"CREATE SCHEMA IF NOT EXISTS",
    r"DROP DATABASE",
]

_server = None


def pytest_addoption(parser):
    parser.addoption(
        "--fakesnow", metavar="APPS", default="",
        help=f"Comma-separated apps ({', '.join(APPS)}) to run on a fresh fakesnow server.",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")
    apps = _fakesnow_apps(early_config.known_args_namespace.fakesnow)
    if apps:
        _start_fakesnow(apps)


def _fakesnow_apps(value):
    apps = [a.strip() for a in value.split(",") if a.strip()]
    unknown = set(apps) - set(APPS)
    if unknown:
        raise pytest.UsageError(f"--fakesnow: unknown app(s) {sorted(unknown)}; choose from {APPS}")
    return apps


def _start_fakesnow(apps):
    global _server
    import fakesnow

    _server = fakesnow.server()
    kwargs = _server.__enter__()
    for app in apps:
        os.environ[f"{app.upper()}_DATABASE_URL"] = (
            f"snowflake://{kwargs['user']}:{kwargs['password']}@{kwargs['account']}/{app}_db/public"
            f"?warehouse=fake_wh&host={kwargs['host']}&port={kwargs['port']}&protocol=http"
            "&network_timeout=30&login_timeout=10"
        )


def pytest_configure(config):
    if _server is None:
        return
    from django.conf import settings

    # Session parameters are a dict, which a URL cannot carry: set them on the aliases
    # before any connection is made.
    for db in settings.DATABASES.values():
        if db["ENGINE"] == "django_snowflake":
            db["OPTIONS"]["session_parameters"] = {
                "CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False,
                "nop_regexes": FAKESNOW_NOP_REGEXES,
            }


def pytest_unconfigure(config):
    global _server
    if _server is not None:
        _server.__exit__(None, None, None)
        _server = None
