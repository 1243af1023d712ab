"""Database URLs and aliases, as the settings and the apps both need them.

A URL becomes one alias' settings here (`parse_url`; dj-database-url, with the schemes it
lacks registered here): `config.databases` builds DATABASES from the environment with it,
and `manage.py move_app` (moving/) accepts a target URL exactly as `<APP>_DATABASE_URL`
would be. Also here: which alias serves an app, which engine an alias runs, and every
password taken out of error messages (out of URLs: common.masking).
"""

import re
from pathlib import Path
from urllib.parse import quote

import dj_database_url
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from common.masking import mask_url

APPS = ("trips", "bank", "parties", "catalog", "counter")
CASSANDRA_APPS = frozenset({"parties"})
ACCEPTED_SCHEMES = (
    "sqlite", "postgres", "postgresql", "cockroachdb", "cockroach",
    "snowflake", "cassandra", "astra",
)
RELATIONAL_SCHEMES = ACCEPTED_SCHEMES[:-2]
CASSANDRA_ENGINE = "django_cassandra_engine"

SQLITE_OPTIONS = {
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN,
    # so concurrent writers queue on the busy timeout instead of failing mid-transaction
    # with "database is locked" when they upgrade a read lock.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}
# Our SQLite backend: Django's, with one process's writers queuing on a Python lock.
SQLITE_ENGINE = "config.backends.sqlite3"


def variable_for(alias: str) -> str:
    return "DATABASE_URL" if alias == "default" else f"{alias.upper()}_DATABASE_URL"


# --- schemes dj-database-url does not know ------------------------------------------

dj_database_url.register("cockroachdb", "django_cockroachdb")


@dj_database_url.register("snowflake", "django_snowflake")
def _snowflake(config):
    # snowflake://USER:PASSWORD@ACCOUNT/DATABASE/SCHEMA?warehouse=WH&role=ROLE
    database, _, schema = config["NAME"].partition("/")
    options = config["OPTIONS"]
    config.update(
        ACCOUNT=config.pop("HOST"),
        NAME=database,
        SCHEMA=schema,
        WAREHOUSE=options.pop("warehouse", ""),
        PORT="",
    )
    options.setdefault("client_session_keep_alive", True)
    # Without these a dead network hangs a request for minutes.
    options.setdefault("login_timeout", 30)
    options.setdefault("network_timeout", 60)


@dj_database_url.register("cassandra", CASSANDRA_ENGINE)
def _cassandra(config):
    # cassandra://USER:PASSWORD@HOST1,HOST2:9042/KEYSPACE?replication_factor=3
    options = config["OPTIONS"]
    factor = options.pop("replication_factor", 1)
    connection = _cassandra_connection(options)
    connection.update(lazy_connect=True, retry_connect=True, port=config.pop("PORT") or 9042)
    config["OPTIONS"] = _cassandra_options(connection, factor)


@dj_database_url.register("astra", CASSANDRA_ENGINE)
def _astra(config):
    # astra://token:AstraCS...@/KEYSPACE?secure_bundle=/path/secure-connect.zip
    # (or CLIENT_ID:CLIENT_SECRET in place of token:AstraCS...)
    options = config["OPTIONS"]
    bundle = options.pop("secure_bundle", "")
    connection = _cassandra_connection(options)
    connection["cloud"] = {"secure_connect_bundle": str(bundle)}
    config.update(HOST="", PORT="", OPTIONS=_cassandra_options(connection, 1))


def _cassandra_connection(options):
    # Astra refuses ONE, and LOCAL_QUORUM reads see LOCAL_QUORUM writes. A default
    # execution profile rather than `consistency`: django_cassandra_engine ignores that for
    # a cloud (astra://) session and pops it out of settings, so a reconnect would lose it.
    from cassandra import ConsistencyLevel
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, ExecutionProfile

    profile = ExecutionProfile(
        consistency_level=ConsistencyLevel.LOCAL_QUORUM,
        serial_consistency_level=ConsistencyLevel.LOCAL_SERIAL,
        request_timeout=10,
    )
    return {
        "execution_profiles": {EXEC_PROFILE_DEFAULT: profile},
        "connect_timeout": options.pop("connect_timeout", 10),
    }


def _cassandra_options(connection, factor):
    return {
        "replication": {"strategy_class": "SimpleStrategy", "replication_factor": factor},
        "connection": connection,
        "session": {"default_timeout": 10},
    }


# --- one URL to one alias -----------------------------------------------------------


def parse_url(variable: str, url: str, *, allow_cassandra: bool, conn_max_age: int = 0,
              base_dir: Path | None = None) -> dict:
    """Settings for one alias, or ImproperlyConfigured naming `variable`.

    `conn_max_age` > 0 keeps SQL connections open between requests: only for a server whose
    request threads are a fixed pool (gunicorn's gthread workers), where it bounds the
    connections to workers x threads. Servers that start a thread per request (runserver,
    uvicorn's thread executor) must keep 0, or every thread leaves an open connection behind.
    A relative sqlite:/// path starts at `base_dir` (default: settings.BASE_DIR, the project root).
    """
    accepted = ACCEPTED_SCHEMES if allow_cassandra else RELATIONAL_SCHEMES
    scheme = url.partition("://")[0].lower() if "://" in url else ""

    def fail(problem: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(
            f"{variable}={mask_url(url)!r}: {problem}. "
            f"Accepted schemes: {', '.join(s + '://' for s in accepted)}."
        )

    if scheme in ("cassandra", "astra") and not allow_cassandra:
        raise fail(f"{scheme}:// is only for parties (PARTIES_DATABASE_URL)")
    if scheme not in accepted:
        raise fail(f"unknown scheme {scheme!r}" if scheme else "not a URL")
    if _password_spills(url):
        raise fail("the password holds an unquoted / # or ?; percent-encode it (%2F %23 %3F)")
    try:
        config = dj_database_url.parse(url)
    except ValueError:
        raise fail("cannot parse it (is the port a number, and is it URL-quoted?)") from None
    if not config.get("NAME") or config["NAME"] == ":memory:" and scheme != "sqlite":
        raise fail("it names no database (the path after the host)")
    config.setdefault("OPTIONS", {})
    _tune(scheme, config, fail, base_dir)
    if scheme in ("sqlite", "postgres", "postgresql", "cockroachdb", "cockroach"):
        config.update(CONN_MAX_AGE=conn_max_age, CONN_HEALTH_CHECKS=True)
    return config


def _password_spills(url: str) -> bool:
    # user:pa/ss@host/db parses as host "user", port "pa", database "ss@host/db", and
    # user:p@ss/word@host/db as password "p", host "ss", database "word@host/db": the rest of
    # the password would end up in the database name, and on pages. An `@` after the first
    # `/` (or in a fragment) is that rest: a database name holding one must be encoded too.
    rest = url.partition("://")[2]
    head = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if ":" not in head:
        return False
    tail = rest[len(head):].split("?", 1)
    return "@" in tail[0] or "@" in tail[-1].partition("#")[2]


def _tune(scheme, config, fail, base_dir):
    options = config["OPTIONS"]
    if scheme == "sqlite":
        _tune_sqlite(config, base_dir)
    elif scheme in ("postgres", "postgresql", "cockroachdb", "cockroach"):
        options.setdefault("connect_timeout", 5)
        if "-pooler" in config.get("HOST", ""):
            # PgBouncer in transaction mode drops server-side cursors between statements.
            config["DISABLE_SERVER_SIDE_CURSORS"] = True
        if scheme.startswith("cockroach") and not config.get("PORT"):
            config["PORT"] = 26257
    elif scheme == "snowflake":
        missing = [k for k in ("ACCOUNT", "NAME", "SCHEMA", "WAREHOUSE", "USER") if not config[k]]
        if missing:
            hint = "snowflake://USER:PASSWORD@ACCOUNT/DATABASE/SCHEMA?warehouse=WH"
            raise fail(f"missing {', '.join(missing)} (expected {hint})")
    elif scheme == "astra":
        bundle = config["OPTIONS"]["connection"]["cloud"]["secure_connect_bundle"]
        if not bundle:
            raise fail("astra:// needs ?secure_bundle=/path/to/secure-connect-DB.zip")
        if not Path(bundle).is_file():
            raise fail(f"the secure connect bundle {bundle} does not exist")


def _tune_sqlite(config, base_dir):
    if config["NAME"] != ":memory:":
        path = Path(config["NAME"])
        if not path.is_absolute():
            path = Path(base_dir or settings.BASE_DIR) / path
        config["NAME"] = str(path)
        # A file test database (not Django's shared in-memory one), so tests that
        # run threads with their own connections see real SQLite locking.
        config["TEST"] = {"NAME": str(path.with_name(f"test_{path.name}"))}
    config["OPTIONS"] = {**SQLITE_OPTIONS, **config["OPTIONS"]}
    config["ENGINE"] = SQLITE_ENGINE


def is_cassandra(settings_dict: dict) -> bool:
    """Does this alias run on Cassandra or Astra DB (no SQL, no migrations)?"""
    return settings_dict.get("ENGINE") == CASSANDRA_ENGINE


def uses_cassandra(databases: dict) -> bool:
    return any(is_cassandra(db) for db in databases.values())


def alias_for(app_label: str, databases: dict) -> str:
    """The alias serving an app: its own when it has a URL, else `default`."""
    return app_label if app_label in APPS and app_label in databases else "default"


# alias -> app label: `manage.py move_app` (moving/) creates that app's tables on that
# alias too, while it migrates its target (config.routers allows it).
MIGRATE_ALSO: dict[str, str] = {}


def describe(settings_dict: dict) -> dict:
    """Vendor, host and database name of an alias: never credentials."""
    engine = settings_dict["ENGINE"]
    vendor = {
        "django.db.backends.sqlite3": "SQLite",
        SQLITE_ENGINE: "SQLite",
        "django.db.backends.postgresql": "PostgreSQL",
        "django_cockroachdb": "CockroachDB",
        "django_snowflake": "Snowflake",
        CASSANDRA_ENGINE: "Cassandra",
    }.get(engine, engine)
    host = settings_dict.get("ACCOUNT") or settings_dict.get("HOST") or ""
    if vendor == "Cassandra" and not host:
        vendor, host = "Astra DB", "secure connect bundle"
    if vendor == "PostgreSQL" and ".neon.tech" in host:
        vendor = "Neon (PostgreSQL)"
    name = settings_dict.get("NAME", "")
    if settings_dict.get("SCHEMA"):
        name = f"{name}.{settings_dict['SCHEMA']}"
    if vendor == "SQLite":
        name, host = Path(name).name if name != ":memory:" else name, "local file"
    return {"vendor": vendor, "host": host, "name": name}


SECRET_OPTION = re.compile(r"pass|token|secret", re.IGNORECASE)


def secrets(databases: dict) -> list[str]:
    """Every password and secret-looking option, as given and percent-encoded."""
    found = []
    for db in databases.values():
        found.append(db.get("PASSWORD") or "")
        found += [str(v) for k, v in db.get("OPTIONS", {}).items() if SECRET_OPTION.search(k)]
    found = [s for s in found if len(s) >= 3]
    return sorted({*found, *(quote(s, safe="") for s in found)}, key=len, reverse=True)


def error_summary(exc: BaseException, databases: dict) -> str:
    """"Type: first line of the message", with every database password taken out."""
    text = f"{type(exc).__name__}: {exc}".strip()
    return redact(text, databases).splitlines()[0]


def redact(text: str, databases: dict) -> str:
    for secret in secrets(databases):
        text = text.replace(secret, "***")
    return text
