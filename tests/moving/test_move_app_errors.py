"""move_app's refusals and interruptions: one-line errors, exit status 1, nothing written
where nothing should be, and a target left empty (or completed by --replace)."""

import os
import signal
import sqlite3

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections

from moving.move import Move
from tests.support.manage import clean_environment, manage
from tests.support.moving import current_alias, move, scratch_postgres, snapshot, sqlite_url

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def tables_in(path) -> list[str]:
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def rows_in(path, table) -> int:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


@pytest.mark.parametrize("args, message", [
    (["shop", "--to", "sqlite:///x.sqlite3"], "Unknown app 'shop'; choose from: trips, bank"),
    (["bank", "--to", "mysql://root@localhost/bank"], "unknown scheme 'mysql'"),
    (["bank", "--to", "cassandra://127.0.0.1/bank_ks"], "cassandra:// is only for parties"),
    (["trips", "--to", "not a url"], "not a URL"),
    (["trips", "--to", "postgres://postgres:hunter2@127.0.0.1:1/nowhere"], "cannot connect to the target"),
])
def test_bad_input_is_one_line_exit_status_1_and_writes_nothing(args, message, tmp_path):
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL=sqlite_url(tmp_path / "db.sqlite3"))

    result = manage("move_app", *args, env=env, cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert message in result.stderr
    assert "hunter2" not in result.stderr
    assert not (tmp_path / "x.sqlite3").exists()


def test_a_target_holding_rows_is_refused_naming_them_and_replace_overwrites(tmp_path):
    call_command("populate", only=["catalog"], verbosity=0)
    target = tmp_path / "target.sqlite3"
    move("catalog", "--to", sqlite_url(target))
    with sqlite3.connect(target) as db:
        db.execute("UPDATE catalog_author SET name = 'Changed'")

    with pytest.raises(CommandError, match=r"already holds catalog rows in catalog_author \(3 rows\), "
                                           r"catalog_book \(\d+ rows\); pass --replace"):
        move("catalog", "--to", sqlite_url(target))
    with sqlite3.connect(target) as db:
        assert {name for (name,) in db.execute("SELECT name FROM catalog_author")} == {"Changed"}

    out = move("catalog", "--to", sqlite_url(target), "--replace")

    assert "every table verified" in out
    with sqlite3.connect(target) as db:
        assert "Changed" not in {name for (name,) in db.execute("SELECT name FROM catalog_author")}


def test_a_dry_run_connects_to_both_ends_reports_and_writes_nothing(tmp_path):
    call_command("populate", only=["bank"], verbosity=0)
    target = tmp_path / "target.sqlite3"

    out = move("bank", "--to", sqlite_url(target), "--dry-run")

    assert "Dry run: would copy" in out and "bank_customer 3" in out and "nothing written" in out
    assert not target.exists()  # not even an empty file
    with pytest.raises(CommandError, match="cannot connect to the target"):
        move("bank", "--to", "postgres://postgres@127.0.0.1:1/nowhere", "--dry-run")


def test_the_source_and_the_target_cannot_be_the_same_database():
    with pytest.raises(CommandError, match="the same database"):
        move("counter", "--to", _default_url())


def test_one_sqlite_file_by_two_paths_is_the_same_database(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    first, second = tmp_path / "real" / "one.sqlite3", tmp_path / "link" / "one.sqlite3"

    with pytest.raises(CommandError, match="the same database"):
        move("counter", "--from", sqlite_url(first), "--to", sqlite_url(second), "--replace")


def test_one_postgresql_database_by_two_host_names_is_the_same_database():
    with scratch_postgres(f"test_move_app_same_{os.getpid()}") as url:
        other_spelling = url.replace("@127.0.0.1:", "@localhost:")
        assert other_spelling != url

        with pytest.raises(CommandError, match="the same database"):
            move("counter", "--from", url, "--to", other_spelling, "--replace")


def test_a_value_the_target_refuses_is_reported_as_one_to_change_not_to_retry():
    from datetime import UTC, datetime

    from trips.models import Trip

    if connections[Trip.objects.db].vendor != "sqlite":
        pytest.skip("needs a source that stores what PostgreSQL refuses (SQLite)")
    moment = datetime(2018, 12, 1, 8, tzinfo=UTC)
    Trip.objects.create(tripduration=60, starttime=moment, stoptime=moment, usertype="Subscriber",
                        gender=99999)  # SQLite keeps it; PostgreSQL's smallint cannot

    with (scratch_postgres(f"test_move_app_refused_{os.getpid()}") as url,
          pytest.raises(CommandError, match="change that value in the source, then run") as refused):
        move("trips", "--to", url)

    assert "no row of trips" in str(refused.value)


def _default_url():
    db = connections["default"].settings_dict
    if connections["default"].vendor == "sqlite":
        return sqlite_url(db["NAME"])
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def test_ctrl_c_during_the_copy_leaves_the_target_without_a_trip_and_says_so(trips_loaded, tmp_path):
    target = tmp_path / "target.sqlite3"

    def ctrl_c_after_the_first_chunk(table, done, total):
        signal.raise_signal(signal.SIGINT)  # a real SIGINT, as the terminal sends it

    job = Move("trips", sqlite_url(target), on_rows=ctrl_c_after_the_first_chunk)
    with pytest.raises(KeyboardInterrupt):
        job.run()

    message = job.interrupted_message("Interrupted")
    assert "no row of trips" in message and "run the same command again" in message
    assert "trip" in tables_in(target) and rows_in(target, "trip") == 0
    assert rows_in(target, "trip_loaded_file") == 0

    out = move("trips", "--to", sqlite_url(target))  # the re-run needs no --replace

    assert "trip 20,205" in out and "every table verified" in out


def test_a_dropped_target_connection_keeps_no_row_and_names_the_failure(trips_loaded):
    source_before = snapshot("trips", current_alias("trips"))
    with scratch_postgres(f"test_move_app_drop_{os.getpid()}") as postgres:

        def drop_the_connection(table, done, total):
            dsn = postgres.replace("postgres://", "postgresql://")
            with psycopg2.connect(dsn) as admin, admin.cursor() as c:
                c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")

        job = Move("trips", postgres, on_rows=drop_the_connection)
        with pytest.raises(DatabaseError):  # what the command turns into its one line
            job.run()
        assert "no row of trips" in job.interrupted_message("The database failed")
        with psycopg2.connect(postgres.replace("postgres://", "postgresql://")) as check, check.cursor() as c:
            c.execute("SELECT (SELECT count(*) FROM trip) + (SELECT count(*) FROM trip_loaded_file)")
            assert c.fetchone()[0] == 0

        assert "every table verified" in move("trips", "--to", postgres)  # the re-run completes
    assert snapshot("trips", current_alias("trips")) == source_before


def test_a_target_that_changes_rows_fails_verification_naming_the_table_and_keeps_them(tmp_path):
    call_command("populate", only=["catalog"], verbosity=0)
    before = snapshot("catalog", current_alias("catalog"))
    target = tmp_path / "target.sqlite3"
    move("catalog", "--to", sqlite_url(target))
    with sqlite3.connect(target) as db:  # a target that does not store what it is given
        db.execute("CREATE TRIGGER shout AFTER INSERT ON catalog_author "
                   "BEGIN UPDATE catalog_author SET name = name || '!' WHERE id = NEW.id; END")

    with pytest.raises(CommandError, match=r"verification failed for catalog_author \(3 rows read, 3 on the "
                                           r"target, checksums differ\); the target is kept"):
        move("catalog", "--to", sqlite_url(target), "--replace")

    with sqlite3.connect(target) as db:
        assert all(name.endswith("!") for (name,) in db.execute("SELECT name FROM catalog_author"))
        assert rows_in(target, "catalog_book") == len(before["catalog_book"])
    assert snapshot("catalog", current_alias("catalog")) == before
