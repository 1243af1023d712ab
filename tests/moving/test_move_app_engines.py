"""move_app across the other engines: parties SQL -> Cassandra -> SQL (the emulated cluster of
`--emulated-cassandra`, or PARTIES_DATABASE_URL's), trips SQLite -> Snowflake (the fakesnow
server of `--fakesnow trips`), and the bank onto CockroachDB when BANK_DATABASE_URL names one.

Each test skips, with the reason, unless its engine is in the run; `make test` runs the first
two (see the Makefile).
"""

import datetime
import os

import psycopg2
import pytest
from django.conf import settings
from django.db import router

from common.databases import is_cassandra
from parties.models import Party
from parties.store import SqlStore, get_store
from tests.support.manage import clean_environment, manage
from tests.support.moving import alias_for_url, move, snapshot, sqlite_url
from tests.support.trip_files import JC_DECEMBER
from trips.models import Trip

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def source_database(tmp_path, app, *commands):
    """An SQLite file with `app`'s tables and demo data, made by manage.py as a user would."""
    path = tmp_path / "source.sqlite3"
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL=sqlite_url(path))
    for command in (["migrate", "-v0"], ["populate", "--only", app, "-v0"], *commands):
        result = manage(*command, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
    return sqlite_url(path)


def on_cassandra() -> bool:
    return is_cassandra(settings.DATABASES[router.db_for_write(Party)])


@pytest.mark.cassandra
def test_parties_move_from_sql_to_cassandra_and_back_keeping_every_party_and_id(tmp_path):
    if not on_cassandra():
        pytest.skip("parties is not on Cassandra: run with --emulated-cassandra (make test does)")
    source = source_database(tmp_path, "parties")
    with alias_for_url(source) as alias:
        SqlStore(alias).create(city="Porto", name="Made through the store", date=datetime.date(2026, 7, 1),
                               people=7)
        before = sorted(SqlStore(alias).every(), key=lambda p: p.id)
    store = get_store()
    store.clear()  # the emulated keyspace lives as long as the test run

    out = move("parties", "--from", source, "--to", _parties_url())

    assert "every table verified" in out and f"parties_party {len(before)}" in out
    assert sorted(store.every(), key=lambda p: p.id) == before
    assert [p.name for p in store.in_city("Porto")] == ["Made through the store"]

    back = sqlite_url(tmp_path / "back.sqlite3")
    move("parties", "--to", back)
    with alias_for_url(back) as alias:
        assert sorted(SqlStore(alias).every(), key=lambda p: p.id) == before
    with pytest.raises(Exception, match="already holds parties rows in party"):
        move("parties", "--from", source, "--to", _parties_url())
    store.clear()


def _parties_url():
    """The URL of the Cassandra keyspace this run's parties alias uses."""
    db = settings.DATABASES[router.db_for_write(Party)]
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("USER") else ""
    return f"cassandra://{auth}{db['HOST']}/{db['NAME']}"


@pytest.mark.snowflake
def test_trips_move_from_sqlite_to_snowflake_and_back_with_real_rows(tmp_path):
    if settings.DATABASES[router.db_for_write(Trip)]["ENGINE"] != "django_snowflake":
        pytest.skip("trips is not on Snowflake: run with --fakesnow trips (make test does)")
    if not JC_DECEMBER.is_file():
        pytest.skip(f"the shared Citi Bike files are not there: {JC_DECEMBER}")
    # fakesnow parses every statement with sqlglot: the real month's first 2,000 rows, as they are.
    with open(JC_DECEMBER, encoding="utf-8") as whole:
        head = "".join(line for _, line in zip(range(2_001), whole, strict=False))
    part = tmp_path / "JC-201812-first-2000.csv"
    part.write_text(head, encoding="utf-8")
    source = source_database(tmp_path, "trips", ["load_trips", "-v0", str(part)])
    with alias_for_url(source) as alias:
        before = snapshot("trips", alias)
    # The run's trips database on the fakesnow server (the alias the plugin set up).
    alias = router.db_for_write(Trip)
    name = settings.DATABASES[alias]["NAME"]
    target = os.environ["TRIPS_DATABASE_URL"].replace("/trips_db/", f"/{name}/")

    out = move("trips", "--from", source, "--to", target)

    # The real load removed populate's invented trips: only the file's rows move.
    assert "trip 2,000" in out and "every table verified" in out
    assert snapshot("trips", alias) == before
    back = sqlite_url(tmp_path / "back.sqlite3")
    move("trips", "--from", target, "--to", back)
    with alias_for_url(back) as alias:
        assert snapshot("trips", alias) == before


COCKROACH = os.environ.get("BANK_DATABASE_URL", "")


@pytest.mark.cockroachdb
@pytest.mark.skipif(not COCKROACH.startswith(("cockroachdb://", "cockroach://")),
                    reason="needs a CockroachDB cluster: set BANK_DATABASE_URL=cockroachdb://...")
def test_the_bank_moves_onto_cockroachdb_and_back(tmp_path):
    source = source_database(tmp_path, "bank")
    with alias_for_url(source) as alias:
        before = snapshot("bank", alias)
    base, _, _ = COCKROACH.partition("?")
    server = base.rsplit("/", 1)[0]
    target = COCKROACH.replace(base, f"{server}/test_move_app")
    plain = f"{server}/defaultdb".replace("cockroachdb://", "postgresql://").replace("cockroach://", "postgresql://")
    with psycopg2.connect(plain) as admin:
        admin.autocommit = True
        admin.cursor().execute("DROP DATABASE IF EXISTS test_move_app CASCADE; CREATE DATABASE test_move_app")
    try:
        assert "every table verified" in move("bank", "--from", source, "--to", target)
        back = sqlite_url(tmp_path / "back.sqlite3")
        move("bank", "--from", target, "--to", back)
        with alias_for_url(back) as alias:
            assert snapshot("bank", alias) == before
    finally:
        with psycopg2.connect(plain) as admin:
            admin.autocommit = True
            admin.cursor().execute("DROP DATABASE IF EXISTS test_move_app CASCADE")

