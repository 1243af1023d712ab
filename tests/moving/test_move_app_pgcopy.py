"""move_app's SQLite -> PostgreSQL fast path (moving.pgcopy): every awkward value arrives exactly,
a table it cannot print exactly goes the general way, and the indexes it drops for the copy
are back as they were, after a move and after a failed one."""

import io
import os
import random
import signal
import sqlite3
import threading
from datetime import UTC, datetime

import psycopg2
import pytest
from django.core.management import CommandError
from django.db import DatabaseError

from moving import pgcopy
from moving.move import Move
from moving.rows import Table
from tests.support.moving import (
    alias_for_url,
    current_alias,
    indexes,
    move,
    scratch_postgres,
    snapshot,
    sqlite_url,
)
from trips.models import Trip

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

FLOATS = [3.0, -2.0, 0.0, 1e14, 123456789012345.6, 999999999999999.9, 1e-05, 1.5e-07, 2.5e-300,
          40.65594917783975, 0.1 + 0.2, -73.98199886, None]
TEXTS = ['He said "hi", then left', "line\nbreak\r\n", "tab\there", "back\\slash", "Ünïcødé ✓ 東京", "",
         ",", '"', "\\N", "None", " padded "]
NULLABLE_TEXTS = [None, "", "Annual", "\\N", "NULL"]
MICROSECONDS = [0, 386000, 123456, 500, 10]
FIRST = "(SELECT min(trip_id) FROM trip)"


def trips(count: int, **override) -> None:
    Trip.objects.using(current_alias("trips")).bulk_create(Trip(
        tripduration=i, starttime=datetime(2017, 6, 3, 4, 0, i % 60, MICROSECONDS[i % 5], tzinfo=UTC),
        stoptime=datetime(2018, 12, 31, 23, 59, 59, MICROSECONDS[(i + 1) % 5], tzinfo=UTC),
        start_station_id=TEXTS[i % len(TEXTS)], start_station_name=TEXTS[(i + 3) % len(TEXTS)],
        start_station_latitude=FLOATS[i % len(FLOATS)], start_station_longitude=FLOATS[(i + 5) % len(FLOATS)],
        end_station_id="JC115", end_station_name=TEXTS[(i + 7) % len(TEXTS)],
        end_station_latitude=FLOATS[(i + 2) % len(FLOATS)], end_station_longitude=None,
        bikeid=None if i % 4 else i * 1_000_003, membership_type=NULLABLE_TEXTS[i % len(NULLABLE_TEXTS)],
        usertype="Subscriber", birth_year=None if i % 3 else 1955, gender=i % 3, **override,
    ) for i in range(count))


def through_sqlite_to_postgres(tmp_path, name, change_the_file=""):
    """trips to an SQLite file (changed by the SQL `change_the_file`), then from there, the fast
    path's direction, to PostgreSQL: (the rows before, usable()'s answer, the rows there)."""
    before = snapshot("trips", current_alias("trips"))
    middle = tmp_path / "middle.sqlite3"
    move("trips", "--to", sqlite_url(middle))
    with sqlite3.connect(middle) as db:
        db.executescript(change_the_file)
    db.close()
    with scratch_postgres(f"test_move_app_{name}_{os.getpid()}") as postgres:
        with alias_for_url(sqlite_url(middle), "move_test_file") as file, alias_for_url(postgres) as target:
            fast = pgcopy.usable(Table(file, Trip), Table(target, Trip))
        assert "every table verified" in move("trips", "--from", sqlite_url(middle), "--to", postgres)
        with alias_for_url(postgres) as target:
            return before, fast, snapshot("trips", target)


def test_every_awkward_value_arrives_exactly_through_the_fast_path(tmp_path):
    trips(len(FLOATS) * len(TEXTS) * 2)

    before, fast, after = through_sqlite_to_postgres(tmp_path, "fast")

    assert fast is not None  # the table went the fast way
    assert after == before


@pytest.mark.parametrize("odd", [
    # PostgreSQL prints the second one -2.1247450444945168e+16, a digit more than repr.
    f"UPDATE trip SET start_station_latitude = 1234567890123456.8, "
    f"end_station_latitude = -2.124745044494517e16 WHERE trip_id = {FIRST}",
    f"UPDATE trip SET starttime = replace(starttime, ' ', 'T') WHERE trip_id = {FIRST}",
    f"UPDATE trip SET stoptime = stoptime || '+00:00' WHERE trip_id = {FIRST}",
])
def test_a_value_sqlite_holds_in_another_form_than_djangos_still_arrives_exactly(odd, tmp_path):
    trips(50)

    before, fast, after = through_sqlite_to_postgres(tmp_path, "odd", odd)

    assert fast is not None
    if "e16" in odd:
        first = before["trip"][0]
        before["trip"][0] = (*first[:6], 1234567890123456.8, *first[7:10], -2.124745044494517e16, *first[11:])
    assert after == before


def test_floats_below_2_to_the_53_are_printed_as_postgresql_prints_them_and_all_exactly():
    values = [3.0, -2.0, 0.0, 1e15, -1e15, 999999999999999.9, 1234567890123456.8, -8.5e15,
              2.0**53 - 1, 5e-324, 1e-300, float("inf"), float("-inf")]
    values += [random.uniform(-1, 1) * 10.0 ** random.uniform(-300, 15.95) for _ in range(20_000)]
    values += [float(random.randrange(-(2**53), 2**53)) for _ in range(2_000)]
    big = [2.0**53, 1e16, -1e300, 1.7976931348623157e308, -2.124745044494517e16]
    big += [float(random.randrange(2**53, 10**18)) for _ in range(2_000)]
    with scratch_postgres(f"test_move_app_floats_{os.getpid()}") as postgres:
        with psycopg2.connect(postgres.replace("postgres://", "postgresql://")) as db, db.cursor() as cursor:
            cursor.execute("SET extra_float_digits = 1; CREATE TABLE f (i int, v float8)")
            lines = "".join(f"{i},{pgcopy.float_text(v)}\n" for i, v in enumerate(values + big))
            cursor.copy_expert("COPY f FROM STDIN WITH (FORMAT csv)", io.StringIO(lines))
            printed = io.StringIO()
            cursor.copy_expert("COPY (SELECT v FROM f ORDER BY i) TO STDOUT", printed)
            cursor.execute("SELECT v FROM f ORDER BY i")
            stored = [v for (v,) in cursor.fetchall()]
        db.close()

    assert [pgcopy.float_text(v) for v in values] == printed.getvalue().splitlines()[:len(values)]
    assert stored == values + big


def test_the_indexes_dropped_for_the_copy_are_back_as_migrate_made_them(trips_loaded, monkeypatch):
    threshold = pgcopy.DROP_INDEXES_FROM
    assert Trip.objects.using(current_alias("trips")).count() >= threshold
    with scratch_postgres(f"test_move_app_kept_{os.getpid()}") as postgres:
        monkeypatch.setattr(pgcopy, "DROP_INDEXES_FROM", 10**12)  # a move that keeps them
        move("trips", "--to", postgres)
        as_migrated = indexes(postgres)
    monkeypatch.setattr(pgcopy, "DROP_INDEXES_FROM", threshold)
    with scratch_postgres(f"test_move_app_dropped_{os.getpid()}") as postgres:
        dsn = postgres.replace("postgres://", "postgresql://")

        def drop_the_connection(table, done, total):
            with psycopg2.connect(dsn) as admin, admin.cursor() as c:
                c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            admin.close()

        with pytest.raises(DatabaseError):
            Move("trips", postgres, on_rows=drop_the_connection).run()
        after_a_failure = indexes(postgres)
        move("trips", "--to", postgres)
        after_a_move = indexes(postgres)

    assert any(name == "trip_default_station_recent" for _, name, _ in as_migrated)
    assert after_a_failure == as_migrated
    assert after_a_move == as_migrated


@pytest.mark.parametrize("count", [30, 12_000])  # 12,000: verified in two parts at once
def test_a_target_that_changes_what_it_is_sent_fails_the_fast_paths_verification(count, tmp_path):
    trips(count)
    middle = sqlite_url(tmp_path / "middle.sqlite3")
    move("trips", "--to", middle)
    with scratch_postgres(f"test_move_app_shout_{os.getpid()}") as postgres:
        move("trips", "--from", middle, "--to", postgres)
        with psycopg2.connect(postgres.replace("postgres://", "postgresql://")) as db, db.cursor() as cursor:
            cursor.execute("CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS "
                           "$$ BEGIN NEW.usertype = NEW.usertype || '!'; RETURN NEW; END $$; "
                           "CREATE TRIGGER shout BEFORE INSERT ON trip FOR EACH ROW EXECUTE FUNCTION shout()")
        db.close()

        failed = rf"verification failed for trip \({count:,} rows read, {count:,} on the target, checksums"
        with pytest.raises(CommandError, match=failed):
            move("trips", "--from", middle, "--to", postgres, "--replace")


def test_ctrl_c_during_a_copy_to_postgresql_says_so_and_keeps_no_trip_and_the_indexes(trips_loaded):
    # From SQLite (the fast path) under `make test`, from PostgreSQL under `make test-postgres`.
    with scratch_postgres(f"test_move_app_ctrl_c_{os.getpid()}") as postgres:
        move("trips", "--to", postgres, "--dry-run")
        job = Move("trips", postgres, on_rows=lambda table, done, total: signal.raise_signal(signal.SIGINT))
        with pytest.raises(KeyboardInterrupt):
            job.run()
        with psycopg2.connect(postgres.replace("postgres://", "postgresql://")) as db, db.cursor() as cursor:
            cursor.execute("SELECT (SELECT count(*) FROM trip) + (SELECT count(*) FROM trip_loaded_file)")
            kept = cursor.fetchone()[0]
        db.close()
        after_ctrl_c = indexes(postgres)
        assert "every table verified" in move("trips", "--to", postgres)  # no --replace needed

        assert kept == 0 and "no row of trips" in job.interrupted_message("Interrupted")
        assert after_ctrl_c == indexes(postgres)
        assert not [t for t in threading.enumerate() if t.name.startswith("move_app")]
