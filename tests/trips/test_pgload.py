"""PostgreSQL's loader: ranges of a file COPied at once into slices attached to trip.

Runs against the real PostgreSQL of `make test-postgres`; elsewhere each test skips. The
thresholds are lowered so that files of a few rows are cut into ranges as a big one is.
"""

import pytest
from django.db import connections, router
from django.db.migrations.executor import MigrationExecutor

from tests.trips.conftest import CLASSIC_HEADER, MODERN_HEADER, classic_line, load, modern_line, vendor, write
from trips import demo, pgload
from trips.models import LoadedFile, Station, Trip

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(databases="__all__", transaction=True),
]


@pytest.fixture(autouse=True)
def on_postgresql(monkeypatch):
    if vendor() != "postgresql":
        pytest.skip("trip is partitioned only on PostgreSQL (make test-postgres)")
    monkeypatch.setattr(pgload, "WORKERS", 3)
    monkeypatch.setattr(pgload, "MIN_RANGE_BYTES", 400)


def sql(query, params=()):
    with connections[router.db_for_write(Trip)].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else None


def slices():
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


def test_a_big_plain_file_is_cut_into_ranges_that_keep_file_order_and_become_partitions(tmp_path):
    path = write(tmp_path / "big.csv", CLASSIC_HEADER, numbered(60))

    out, err = load(path)

    assert "loaded 60 trips, skipped 0 bad rows" in out and err == ""
    assert len(slices()) == 3 and orphans() == []
    assert durations() == list(range(600, 660))  # file order
    ledger = LoadedFile.objects.get()
    assert Trip.objects.filter(trip_id__gt=ledger.after_id, trip_id__lte=ledger.last_id).count() == 60
    assert sum(s.trips for s in Station.objects.all()) == 60
    assert Station.objects.get(name="Station 0").hour_counts()[8] == 9  # 08:00 in New York


def test_rows_refused_in_any_range_are_reported_with_their_file_lines(tmp_path):
    lines = numbered(60, line40=classic_line(-5), line55=classic_line(
        start="2018-12-01 09:00:00", stop="2018-12-01 08:00:00"))
    path = write(tmp_path / "refused.csv", CLASSIC_HEADER, lines)

    out, err = load(path)

    assert "loaded 58 trips, skipped 2 bad rows" in out
    assert "refused.csv:40: skipped: negative tripduration -5" in err
    assert "refused.csv:55: skipped: stoptime is before starttime" in err
    assert err.index(":40:") < err.index(":55:")
    assert Trip.objects.count() == 58 and orphans() == []


def test_a_row_no_copy_can_parse_in_one_range_reloads_the_file_carefully_leaving_no_table_behind(tmp_path):
    path = write(tmp_path / "unparseable.csv", CLASSIC_HEADER,
                 numbered(60, line50=classic_line(start="2018-12-32 08:00:00")))

    out, err = load(path)

    assert "loaded 59 trips, skipped 1 bad rows" in out
    assert "unparseable.csv:50: skipped: starttime '2018-12-32 08:00:00' is not a date and time" in err
    assert Trip.objects.count() == 59
    assert orphans() == []
    assert len(slices()) == 1  # the careful path writes one slice


def test_a_2021_file_is_cut_into_ranges_too(tmp_path):
    rides = [modern_line(ride=f"R{i}", start_name=f"Station {i % 3}") for i in range(45)]
    rides[29] = modern_line(ride="late", start="2021-07-05 01:00:00", stop="2021-07-05 00:00:00")
    path = write(tmp_path / "modern.csv", MODERN_HEADER, rides)

    out, err = load(path)

    assert "loaded 44 trips, skipped 1 bad rows" in out
    assert "modern.csv:31: skipped: ended_at is before started_at" in err
    assert len(slices()) >= 2
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


def test_replace_takes_the_rows_out_of_the_old_slices_and_loads_new_ones(tmp_path):
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


def test_a_slice_left_behind_by_a_failed_load_is_dropped_by_the_next_load(tmp_path):
    sql("CREATE TABLE trip_p999999 (LIKE trip)")
    assert orphans() == [("trip_p999999",)]

    load(write(tmp_path / "next.csv", CLASSIC_HEADER, numbered(3)))

    assert orphans() == []
    assert Trip.objects.count() == 3
