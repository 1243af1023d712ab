"""PostgreSQL's loader: chunks of a file COPied at once into tables attached to trip.

Runs against the real PostgreSQL of `make test-postgres`; elsewhere each test skips. The
thresholds are lowered so that files of a few rows are cut into chunks as a big one is.
"""

import csv
import signal
import sqlite3
import time
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError
from django.db import connections, router
from django.db.migrations.executor import MigrationExecutor

from tests.support import trips_signals as child
from tests.support.load_trips_at import DATABASE_WAIT
from tests.support.manage import manage
from tests.support.trip_files import (
    CLASSIC_HEADER,
    MODERN_HEADER,
    classic_line,
    load,
    modern_line,
    vendor,
    write,
)
from trips import demo
from trips.load import pgcopy, postgres
from trips.models import LoadedFile, Station, Trip

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(databases="__all__", transaction=True),
]


@pytest.fixture(autouse=True)
def on_postgresql(monkeypatch):
    if vendor() != "postgresql":
        pytest.skip("trip is partitioned only on PostgreSQL (make test-postgres)")
    monkeypatch.setattr(postgres, "WORKERS", 3)
    monkeypatch.setattr(postgres, "MIN_CHUNK_BYTES", 400)


def sql(query, params=()):
    with connections[router.db_for_write(Trip)].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else None


def chunks():
    """The partitions of trip holding rows, the default one left out (earlier tests' flushes
    leave theirs empty)."""
    return sql("SELECT tableoid::regclass::text FROM trip WHERE tableoid <> 'trip_default'::regclass "
               "GROUP BY 1 ORDER BY 1")


def orphans():
    return sql("SELECT relname FROM pg_class WHERE relname ~ '^trip_p[0-9]+$' AND NOT relispartition")


def durations():
    return list(Trip.objects.order_by("trip_id").values_list("tripduration", flat=True))


def numbered(n, **bad):
    """n classic rows whose durations count up from 600; bad={line: line text} replaces some."""
    lines = [classic_line(600 + i, start_name=f"Station {i % 7}") for i in range(n)]
    for line, text in bad.items():
        lines[int(line.removeprefix("line")) - 2] = text
    return lines


def test_a_big_plain_file_is_cut_into_chunks_that_keep_file_order_and_become_partitions(tmp_path):
    path = write(tmp_path / "big.csv", CLASSIC_HEADER, numbered(60))

    out, err = load(path)

    assert "loaded 60 trips, skipped 0 bad rows" in out and err == ""
    assert len(chunks()) == 3 and orphans() == []
    assert durations() == list(range(600, 660))  # file order
    ledger = LoadedFile.objects.get()
    assert Trip.objects.filter(trip_id__gt=ledger.after_id, trip_id__lte=ledger.last_id).count() == 60
    assert sum(s.trips for s in Station.objects.all()) == 60
    assert Station.objects.get(name="Station 0").per_hour()[8] == 9  # 08:00 in New York


def test_rows_refused_in_any_chunk_are_reported_with_their_file_lines(tmp_path):
    lines = numbered(60, line40=classic_line(-5), line55=classic_line(
        start="2018-12-01 09:00:00", stop="2018-12-01 08:00:00"))
    path = write(tmp_path / "refused.csv", CLASSIC_HEADER, lines)

    out, err = load(path)

    assert "loaded 58 trips, skipped 2 bad rows" in out
    assert "refused.csv:40: skipped: negative tripduration -5" in err
    assert "refused.csv:55: skipped: stoptime is before starttime" in err
    assert err.index(":40:") < err.index(":55:")
    assert Trip.objects.count() == 58 and orphans() == []


def test_a_row_no_copy_can_parse_in_one_chunk_reloads_the_file_carefully_leaving_no_table_behind(tmp_path):
    path = write(tmp_path / "unparseable.csv", CLASSIC_HEADER,
                 numbered(60, line50=classic_line(start="2018-12-32 08:00:00")))

    out, err = load(path)

    assert "loaded 59 trips, skipped 1 bad rows" in out
    assert "unparseable.csv:50: skipped: starttime '2018-12-32 08:00:00' is not a date and time" in err
    assert Trip.objects.count() == 59
    assert orphans() == []
    assert len(chunks()) == 1  # the careful path writes one chunk


def test_a_2021_file_is_cut_into_chunks_too(tmp_path):
    rides = [modern_line(ride=f"R{i}", start_name=f"Station {i % 3}") for i in range(45)]
    rides[29] = modern_line(ride="late", start="2021-07-05 01:00:00", stop="2021-07-05 00:00:00")
    path = write(tmp_path / "modern.csv", MODERN_HEADER, rides)

    out, err = load(path)

    assert "loaded 44 trips, skipped 1 bad rows" in out
    assert "modern.csv:31: skipped: ended_at is before started_at" in err
    assert len(chunks()) >= 2
    assert Trip.objects.filter(usertype="Subscriber", tripduration=2130).count() == 44


def test_rows_the_orm_adds_between_loads_land_in_the_default_partition_without_overlap(tmp_path):
    load(write(tmp_path / "first.csv", CLASSIC_HEADER, numbered(30)))
    # Rows of the user's own, written by the ORM (populate's demo would be removed by the load).
    Trip.objects.bulk_create(demo.generate())
    out, _ = load(write(tmp_path / "second.csv", CLASSIC_HEADER, numbered(45)))

    assert "loaded 45 trips" in out
    assert Trip.objects.count() == 30 + demo.TRIPS + 45
    in_default = sql("SELECT count(*) FROM trip_default")[0][0]
    assert in_default == demo.TRIPS
    ids = list(Trip.objects.values_list("trip_id", flat=True))
    assert len(set(ids)) == len(ids)


def test_replace_takes_the_rows_out_of_the_old_chunks_and_loads_new_ones(tmp_path):
    path = write(tmp_path / "again.csv", CLASSIC_HEADER, numbered(60))
    load(path)

    out, _ = load(path, replace=True)

    assert "loaded 60 trips, skipped 0 bad rows, replacing 60 trips loaded before" in out
    assert Trip.objects.count() == 60
    assert LoadedFile.objects.count() == 1


def test_the_migration_partitions_trip_and_back_keeping_every_row(tmp_path):
    load(write(tmp_path / "kept.csv", CLASSIC_HEADER, numbered(60)))
    alias = router.db_for_write(Trip)
    executor = MigrationExecutor(connections[alias])
    try:
        executor.migrate([("trips", "0001_initial")])
        assert sql("SELECT relkind FROM pg_class WHERE relname = 'trip'") == [("r",)]
        assert Trip.objects.count() == 60

        executor.loader.build_graph()
        executor.migrate([("trips", "0002_partition_trip_on_postgresql")])
    finally:
        MigrationExecutor(connections[alias]).migrate(executor.loader.graph.leaf_nodes("trips"))

    assert sql("SELECT relkind FROM pg_class WHERE relname = 'trip'") == [("p",)]
    assert durations() == list(range(600, 660))
    out, _ = load(write(tmp_path / "after.csv", CLASSIC_HEADER, numbered(3)))
    assert "loaded 3 trips" in out


def test_a_chunk_table_left_behind_by_a_failed_load_is_dropped_by_the_next_load(tmp_path):
    sql("CREATE TABLE trip_p999999 (LIKE trip)")
    assert orphans() == [("trip_p999999",)]

    load(write(tmp_path / "next.csv", CLASSIC_HEADER, numbered(3)))

    assert orphans() == []
    assert Trip.objects.count() == 3


# --- the same real file through every path: the same rows, the same hour counts -----------

FIELDS = [f.name for f in Trip._meta.fields if f.name != "trip_id"]


def as_2021(path, target):
    """A real classic file's rows in the 2021+ layout (ride_id, ..., member_casual)."""
    kinds = {"Subscriber": "member", "Customer": "casual"}
    with open(path, newline="") as f, open(target, "w", newline="") as out:
        rows, writer = csv.reader(f), csv.writer(out)
        next(rows)
        writer.writerow(MODERN_HEADER.split(","))
        for n, r in enumerate(rows):
            writer.writerow([f"R{n}", "classic_bike", r[1], r[2], r[4], r[3], r[8], r[7], r[5], r[6], r[9],
                             r[10], kinds.get(r[12], r[12])])
    return target


@pytest.fixture(params=["classic", "2021+"])
def real_file(request, tmp_path):
    if not child.DECEMBER.is_file():
        pytest.skip(f"the shared Citi Bike files are not in {child.CITIBIKE} (see its PROVENANCE.md)")
    return child.DECEMBER if request.param == "classic" else as_2021(child.DECEMBER, tmp_path / "JC-2021.csv")


def refused(chunk, cursor, progress):
    raise postgres.FastPathFailed("a row COPY cannot read")


def loaded_here():
    trips = list(Trip.objects.order_by("trip_id").values_list(*FIELDS))
    return trips, sorted(Station.objects.values_list("name", "trips", "hours"))


def loaded_on_sqlite(path, tmp_path):
    """load_trips of `path` into a new SQLite file by a real manage.py (its parser process on)."""
    db = tmp_path / "trips.sqlite3"
    env = child.environment(TRIPS_DATABASE_URL=f"sqlite:///{db}")
    assert manage("migrate", "trips", "--database", "trips", "-v0", env=env).returncode == 0
    assert child.run(path, env=env).status == 0
    with sqlite3.connect(db) as connection:
        trips = connection.execute(f"SELECT {', '.join(FIELDS)} FROM trip ORDER BY trip_id").fetchall()  # noqa: S608
        stations = sorted(connection.execute("SELECT name, trips, hours FROM trip_station").fetchall())
    aware = [(d, *[datetime.fromisoformat(t).replace(tzinfo=UTC) for t in (s, e)], *rest)
             for d, s, e, *rest in trips]
    return aware, stations


def test_the_fast_and_careful_paths_and_sqlite_load_a_real_file_into_the_same_rows_and_hour_counts(
        real_file, tmp_path, monkeypatch):
    load(real_file)
    fast = loaded_here()
    assert len(chunks()) == 3  # cut into three chunks, converted by the server
    Trip.objects.all().delete()
    LoadedFile.objects.all().delete()
    Station.objects.all().delete()

    monkeypatch.setattr(pgcopy, "copy_csv", refused)  # so Python reads every row
    load(real_file)
    careful = loaded_here()

    assert len(fast[0]) == child.DECEMBER_TRIPS and len(fast[1]) > 40
    assert careful == fast
    assert loaded_on_sqlite(real_file, tmp_path) == fast


def test_every_path_stores_texts_and_empty_memberships_alike(tmp_path, monkeypatch):
    untidy = [("  Grove St PATH ", " Subscriber", "\\N"), ("Exchange Place\t", "Customer", ""),
              ("Hamilton Park", "Subscriber", "NULL"), ("Newport PATH", "Customer", " Annual ")]
    lines = [classic_line(600 + i, start_name=name, usertype=kind) + f',"{membership}"'
             for i, (name, kind, membership) in enumerate(untidy * 3)]
    path = write(tmp_path / "untidy.csv", CLASSIC_HEADER + ',"membership_type"', lines)
    load(path)
    direct = loaded_here()
    assert len(chunks()) > 1  # COPied as it is, in chunks
    Trip.objects.all().delete()
    LoadedFile.objects.all().delete()
    Station.objects.all().delete()
    monkeypatch.setattr(pgcopy, "copy_csv", refused)
    load(path)

    assert loaded_here() == direct
    assert loaded_on_sqlite(path, tmp_path) == direct
    assert [(t[4], t[13], t[12]) for t in direct[0][:4]] == [
        (name, kind, membership or None) for name, kind, membership in untidy]


def test_a_nan_coordinate_is_missing_on_every_path(tmp_path):
    lines = [classic_line(600 + i) for i in range(9)]
    lines[4] = lines[4].replace("40.71958611", "NaN").replace("-74.0334588", "nan")
    path = write(tmp_path / "nan.csv", CLASSIC_HEADER, lines)

    load(path)  # COPY reads NaN as a number: the file is read through Python instead

    trips = loaded_here()
    assert trips[0][4][5] is None and trips[0][4][10] is None and len(trips[0]) == 9
    assert loaded_on_sqlite(path, tmp_path) == trips


# --- a real manage.py load_trips process, signalled or cut off at each step ----------------
# It loads a real Citi Bike month (3.7 MB), cut into three chunks (tests/support/load_trips_at.py).


@pytest.fixture
def database():
    """The environment that sends the child process to this test database."""
    if not child.DECEMBER.is_file():
        pytest.skip(f"the shared Citi Bike files are not in {child.CITIBIKE} (see its PROVENANCE.md)")
    s = connections[router.db_for_write(Trip)].settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    return child.environment(DATABASE_URL=url)


def assert_loads_exactly_once(env):
    """The same file again and a different one after it: their rows, once, and no leftovers."""
    again = child.run(child.DECEMBER, child.JANUARY, env=env)

    assert again.status == 0, again.err
    assert Trip.objects.count() == child.DECEMBER_TRIPS + child.JANUARY_TRIPS
    assert sorted(LoadedFile.objects.values_list("name", "rows_loaded")) == [
        (child.DECEMBER.name, child.DECEMBER_TRIPS), (child.JANUARY.name, child.JANUARY_TRIPS)]
    assert len(chunks()) == 6 and orphans() == []
    return again


def backends(where):
    return [pid for (pid,) in sql(f"SELECT pid FROM pg_stat_activity WHERE {where}")]  # noqa: S608


@pytest.mark.parametrize(("point", "signum"), [
    ("copy", signal.SIGINT),  # every chunk streaming on its connection
    ("index", signal.SIGTERM),  # chunks copied, their connections busy in the server
    ("filled", signal.SIGINT),  # chunk tables committed, not attached
    ("attach", signal.SIGTERM),  # the loader's own connection busy attaching
    ("ledger", signal.SIGINT),  # every chunk table attached, nothing committed
])
def test_a_signal_anywhere_in_a_multi_chunk_load_keeps_nothing_and_the_next_load_wedges_on_nothing(
        database, point, signum):
    process = child.start(point, child.DECEMBER, env=database)
    child.wait_until_at(process, point)

    stopped = child.interrupt(process, signum)

    assert stopped.status == 128 + signum
    assert stopped.err == f"interrupted; nothing from {child.DECEMBER.name} was kept\n"
    assert Trip.objects.count() == 0 and orphans() == []  # it dropped its own chunk tables
    again = assert_loads_exactly_once(database)
    assert "Dropped" not in again.out


def test_a_signal_while_waiting_for_another_loads_lock_stops_at_once(database):
    holder = connections[router.db_for_write(Trip)].get_new_connection(
        connections[router.db_for_write(Trip)].get_connection_params())
    try:
        holder.cursor().execute("LOCK TABLE trip IN SHARE ROW EXCLUSIVE MODE")
        process = child.start("none", child.DECEMBER, env=database)
        while not sql("SELECT 1 FROM pg_locks WHERE relation = 'trip'::regclass AND NOT granted"):
            assert process.poll() is None, child.finish(process)
            time.sleep(0.1)

        stopped = child.interrupt(process, signal.SIGTERM)  # a C call: only a cancel ends it
    finally:
        holder.close()

    assert stopped.status == 143
    assert stopped.err == f"interrupted; nothing from {child.DECEMBER.name} was kept\n"
    assert_loads_exactly_once(database)


def test_after_kill_9_the_next_load_drops_the_chunk_tables_left_behind_and_says_so_in_one_line(database):
    process = child.start("filled", child.DECEMBER, env=database)
    child.wait_until_at(process, "filled")

    assert child.interrupt(process, signal.SIGKILL).status == 128 + signal.SIGKILL
    left = [name for (name,) in orphans()]
    assert len(left) == 3 and Trip.objects.count() == 0

    again = assert_loads_exactly_once(database)
    assert again.out.splitlines()[0] == (
        f"Dropped 3 table(s) a stopped load had filled but not attached to trip: {', '.join(sorted(left))}.")


@pytest.mark.parametrize(("point", "whose"), [
    ("attach", "mode = 'ShareRowExclusiveLock' AND granted"),  # the loader's own connection
    ("index", "false"),  # one of the chunks' connections
])
def test_a_connection_the_server_ends_fails_the_load_in_one_line_and_wedges_nothing(database, point, whose):
    process = child.start(point, child.DECEMBER, env=database)
    child.wait_until_at(process, point)
    main = sql(f"SELECT pid FROM pg_locks WHERE relation = 'trip'::regclass AND {whose}")  # noqa: S608
    victim = main[0][0] if main else backends(f"query = '{DATABASE_WAIT}'")[0]

    sql("SELECT pg_terminate_backend(%s)", [victim])
    failed = child.finish(process)

    assert failed.status == 1
    assert failed.err.startswith(f"CommandError: {child.DECEMBER.name}: the database refused the load (")
    assert len(failed.err.splitlines()) == 1 and "Traceback" not in failed.err
    assert Trip.objects.count() == 0 and orphans() == []
    assert_loads_exactly_once(database)


# --- values COPY refuses: the careful path skips them as every engine does ------------------


def test_values_too_big_for_their_column_fail_the_copy_and_the_careful_path_skips_them_as_sqlite_does(
        tmp_path, monkeypatch):
    from tests.trips.test_load_trips import TOO_BIG

    lines = numbered(30)
    for n, (line, _) in enumerate(TOO_BIG):
        lines[3 * n + 1] = line
    far = classic_line(601, start="infinity")  # the direct path's refusal, not COPY's
    lines[25] = far
    path = write(tmp_path / "big.csv", CLASSIC_HEADER, lines)

    out, err = load(path)
    careful_path = loaded_here()
    assert f"skipped {len(TOO_BIG) + 1} bad rows" in out
    assert err.splitlines() == [
        *[f"big.csv:{3 * n + 3}: skipped: {reason}" for n, (_, reason) in enumerate(TOO_BIG)],
        "big.csv:27: skipped: starttime or stoptime is outside the years 1900 to 9998 (UTC)"]
    assert len(chunks()) == 1  # COPY failed: the careful path's one chunk
    assert loaded_on_sqlite(path, tmp_path) == careful_path

    # Without them, the direct path (COPY, then its refusals) keeps the rows the careful path kept.
    Trip.objects.all().delete()
    LoadedFile.objects.all().delete()
    Station.objects.all().delete()
    too_big = {line for line, _ in TOO_BIG}
    path = write(tmp_path / "fits.csv", CLASSIC_HEADER, [line for line in lines if line not in too_big])
    out, err = load(path)
    assert "skipped 1 bad rows" in out and len(chunks()) > 1
    assert err == "fits.csv:20: skipped: starttime or stoptime is outside the years 1900 to 9998 (UTC)\n"
    assert loaded_here() == careful_path


def test_a_careful_path_the_database_refuses_too_fails_in_one_line(tmp_path, monkeypatch):
    path = write(tmp_path / "refused.csv", CLASSIC_HEADER, numbered(3))
    monkeypatch.setattr(pgcopy, "copy_csv", refused)
    monkeypatch.setattr(pgcopy, "copy_text", refused)

    with pytest.raises(CommandError) as failed:
        load(path)

    assert str(failed.value) == (f"{path}: the database refused a row Python accepted (a row COPY cannot "
                                 "read); nothing of this file was kept")
    assert Trip.objects.count() == 0 and orphans() == []
