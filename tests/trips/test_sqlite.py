"""SQLite's loader: a big file is parsed in a child process while the parent inserts.

The thresholds are lowered so that files of a few rows take a big file's path: parsed in a
child process in batches of two rows, converted there or handed over to the parent, and the
station index dropped and built again. Runs on SQLite (the default test database); elsewhere
each test skips.
"""

import io
import os
import signal
import sqlite3
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections, router

from tests.support.trip_files import (
    CLASSIC_HEADER,
    MODERN_HEADER,
    classic_line,
    gzipped,
    load,
    modern_line,
    vendor,
    write,
    zipped,
)
from trips import stations
from trips.load import rows, sqlite
from trips.load.loader import Loader
from trips.load.sources import Source
from trips.models import LoadedFile, Station, Trip

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


@pytest.fixture(params=["the child converts", "the parent converts"])
def in_child(request, monkeypatch):
    if vendor() != "sqlite":
        pytest.skip("the parser process feeds SQLite's loader only")
    monkeypatch.setattr(rows, "CHILD_FROM_BYTES", 0)
    monkeypatch.setattr(rows, "BATCH_ROWS", 2)
    # 0: the child never hands a batch over; more than a pipe holds: it always does.
    monkeypatch.setattr(rows, "HAND_OVER_BELOW", 0 if request.param == "the child converts" else 1 << 40)
    monkeypatch.setattr(sqlite, "REBUILD_FROM_ROWS", 3)
    before = children()
    yield
    assert children() == before  # no parser process left, running or unreaped


def children():
    """The pids of this process's children, from /proc (Linux)."""
    return set(" ".join(p.read_text() for p in Path("/proc/self/task").glob("*/children")).split())


def in_process(monkeypatch):
    monkeypatch.setattr(rows, "CHILD_FROM_BYTES", 1 << 40)


def trips():
    return list(Trip.objects.order_by("trip_id").values_list(
        *[f.name for f in Trip._meta.fields if f.name != "trip_id"]))


def station_rows():
    return sorted(Station.objects.values_list("name", "trips", "hours"))


def ledger():
    return LoadedFile.objects.values_list("sha256", "name", "size", "rows_loaded", "rows_skipped").get()


def station_index():
    with connections[router.db_for_write(Trip)].cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'trip_station_recent'")
        return cursor.fetchall()


def forget_everything():
    Trip.objects.all().delete()
    LoadedFile.objects.all().delete()
    Station.objects.all().delete()


def test_a_file_parsed_in_a_child_loads_the_rows_stations_and_ledger_of_one_parsed_in_process(
        tmp_path, monkeypatch, in_child):
    index = station_index()
    modern = [modern_line(f"A{i}", start_id=f"JC{i % 3}") for i in range(5)]
    classic = [classic_line(60 * i, start_name=f"S{i % 4}") for i in range(7)]
    path = zipped(tmp_path / "JC-202107-citibike-tripdata.csv.zip", {
        "modern.csv": "\n".join([MODERN_HEADER, *modern]),
        "classic.csv": "\n".join([CLASSIC_HEADER, *classic]),
    })
    load(path)
    in_child = trips(), station_rows(), ledger()
    stations.rebuild(router.db_for_write(Trip))
    assert station_rows() == in_child[1]  # trips per station and hour as the database counts them

    forget_everything()
    in_process(monkeypatch)
    load(path)

    assert len(in_child[0]) == 12
    assert (trips(), station_rows(), ledger()) == in_child
    assert station_index() == index  # dropped for the load, built again before the commit


def test_bad_rows_found_in_a_child_are_reported_with_file_line_and_reason(tmp_path, monkeypatch, in_child):
    path = write(tmp_path / "bad.csv", CLASSIC_HEADER, [
        classic_line(),                                               # line 2: good
        classic_line(duration="ten"),                                 # 3
        classic_line(start_name="Grove St\nPATH"),                    # 4-5: good, over two lines
        classic_line(start="2018-12-32 08:00:00"),                    # 6
        classic_line().rsplit(",", 1)[0],                             # 7: a field short
        classic_line(), classic_line(),                               # 8, 9
        classic_line(duration=-5),                                    # 10
    ])

    out, err = load(path)

    assert "bad.csv: loaded 4 trips, skipped 4 bad rows." in out
    assert err.splitlines() == [
        "bad.csv:3: skipped: tripduration 'ten' is not a whole number",
        "bad.csv:6: skipped: starttime '2018-12-32 08:00:00' is not a date and time",
        "bad.csv:7: skipped: 14 fields where the header has 15",
        "bad.csv:10: skipped: negative tripduration -5",
    ]
    assert Trip.objects.filter(start_station_name="Grove St\nPATH").count() == 1

    forget_everything()
    in_process(monkeypatch)
    again, err_again = load(path)
    assert (again.splitlines()[0], err_again) == (out.splitlines()[0], err)


def test_a_file_that_is_not_a_trip_file_fails_in_the_child_as_a_command_error_and_keeps_nothing(
        tmp_path, in_child):
    path = write(tmp_path / "stations.csv", "station_id,latitude,longitude,name", ["3086,40.7,-73.9,Graham"])

    with pytest.raises(CommandError, match="stations.csv: not a Citi Bike trip file: missing column"):
        load(path)
    assert not Trip.objects.exists() and not LoadedFile.objects.exists()


def test_a_corrupt_gzip_read_in_the_child_is_an_error_naming_the_file_and_keeps_nothing(tmp_path, in_child):
    index = station_index()
    path = tmp_path / "broken.csv.gz"
    whole = gzipped(tmp_path / "whole.csv.gz", "\n".join([CLASSIC_HEADER, *[classic_line()] * 2000]))
    path.write_bytes(whole.read_bytes()[:-200])  # a download cut short, after many batches

    with pytest.raises(CommandError, match=r"broken.csv.gz: cannot read it \((EOFError|BadGzipFile)"):
        load(path)
    assert not Trip.objects.exists() and not LoadedFile.objects.exists()
    assert station_index() == index


def test_a_database_error_while_inserting_stops_the_child_and_keeps_nothing(tmp_path, monkeypatch, in_child):
    index = station_index()
    insert = sqlite._insert

    def failing(raw, batch):
        if Trip.objects.count() >= 4:
            raise sqlite3.OperationalError("disk I/O error")
        insert(raw, batch)

    monkeypatch.setattr(sqlite, "_insert", failing)
    path = write(tmp_path / "month.csv", CLASSIC_HEADER, [classic_line()] * 40)

    with pytest.raises(CommandError, match="month.csv: the database refused the load .disk I/O error."):
        load(path)
    assert not Trip.objects.exists() and not LoadedFile.objects.exists()
    assert station_index() == index


def test_ctrl_c_while_inserting_ends_the_child_keeps_nothing_and_says_so_in_one_line(
        tmp_path, monkeypatch, in_child):
    def interrupted(raw, batch):
        if Trip.objects.count() >= 4 and not sent:
            sent.append(signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, to this process
        insert(raw, batch)

    sent = []
    insert = sqlite._insert
    monkeypatch.setattr(sqlite, "_insert", interrupted)
    # More rows than the pipe holds: the child is still reading when the parent stops.
    path = write(tmp_path / "month.csv", CLASSIC_HEADER, [classic_line()] * 20_000)
    err = io.StringIO()

    with pytest.raises(SystemExit) as stopped:
        call_command("load_trips", str(path), stderr=err, stdout=io.StringIO())

    assert stopped.value.code == 130
    assert err.getvalue() == "interrupted; nothing from month.csv was kept\n"
    assert not Trip.objects.exists() and not LoadedFile.objects.exists()
    monkeypatch.setattr(rows, "BATCH_ROWS", 200)  # the same again, at a normal pace
    assert "loaded 20,000 trips" in load(path)[0]
    assert Trip.objects.count() == 20_000


def test_a_big_file_is_parsed_in_process_when_no_child_interpreter_can_start(tmp_path, monkeypatch, in_child):
    def no_interpreter(*args, **kwargs):
        raise FileNotFoundError("no python here")

    monkeypatch.setattr(rows.subprocess, "Popen", no_interpreter)
    path = write(tmp_path / "month.csv", CLASSIC_HEADER, [classic_line(), classic_line(duration="x")])

    out, err = load(path)

    assert "month.csv: loaded 1 trips, skipped 1 bad rows." in out
    assert err == "month.csv:3: skipped: tripduration 'x' is not a whole number\n"


def test_the_station_index_is_rebuilt_for_a_big_file_and_kept_up_to_date_for_a_small_one(
        tmp_path, monkeypatch, in_child):
    index, rebuilt = station_index(), []

    class Watched(sqlite._Index):
        def __exit__(self, *exc):
            rebuilt.append(self.sql is not None)
            return super().__exit__(*exc)

    monkeypatch.setattr(sqlite, "_Index", Watched)
    load(write(tmp_path / "big.csv", CLASSIC_HEADER, [classic_line(600 + i) for i in range(40)]))
    load(write(tmp_path / "small.csv", CLASSIC_HEADER, [classic_line(60 + i) for i in range(5)]))

    assert rebuilt == [True, False]  # 5 new rows are fewer than a quarter of the 40 there
    assert station_index() == index
    assert Trip.objects.count() == 45


def test_progress_is_reported_every_so_many_rows_and_at_the_end(tmp_path, monkeypatch, in_child):
    monkeypatch.setattr(sqlite, "PROGRESS_ROWS", 4)
    shown = []
    path = write(tmp_path / "month.csv", CLASSIC_HEADER, [classic_line()] * 10)

    Loader(on_progress=shown.append).load(Source.check(str(path)))

    assert shown == [4, 8, 10]
