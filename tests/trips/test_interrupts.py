"""Ctrl-C, SIGTERM and kill -9 during load_trips: nothing half-loaded, nothing wedged.

Real signals: to this process (load_trips run in it, on the engine of the run), and to a real
`manage.py load_trips` process on an SQLite file of its own, held at named points by
tests/support/load_trips_at.py. PostgreSQL's are in test_postgres.py.
"""

import io
import os
import shutil
import signal
import sqlite3
import time

import pytest
from django.core.management import call_command

from tests.support import trips_signals as child
from tests.support.manage import manage
from tests.support.trip_files import CLASSIC_HEADER, classic_line, load, vendor, write
from trips import stations
from trips.load import interrupts
from trips.models import LoadedFile, Trip

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def send_once(signum, sent):
    if not sent:
        sent.append(signum)
        os.kill(os.getpid(), signum)


def stopped_load(*paths):
    """load_trips in this process, expected to stop: (exit status, stderr)."""
    err = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("load_trips", *[str(p) for p in paths], stdout=io.StringIO(), stderr=err)
    return stopped.value.code, err.getvalue()


def test_sigterm_while_loading_keeps_nothing_of_the_file_and_says_so_in_one_line(tmp_path, monkeypatch):
    merge, sent = stations.merge, []

    def interrupted(alias, counts, **kwargs):
        send_once(signal.SIGTERM, sent)  # every row written, the ledger row too, not committed
        merge(alias, counts, **kwargs)

    first = write(tmp_path / "first.csv", CLASSIC_HEADER, [classic_line(600)] * 3)
    second = write(tmp_path / "second.csv", CLASSIC_HEADER, [classic_line(900)] * 5)
    load(first)
    monkeypatch.setattr(stations, "merge", interrupted)

    status, err = stopped_load(second)

    assert status == 143
    assert err == "interrupted; nothing from second.csv was kept\n"
    assert Trip.objects.count() == 3 and LoadedFile.objects.count() == 1
    monkeypatch.setattr(stations, "merge", merge)
    assert "loaded 5 trips" in load(second)[0]
    assert Trip.objects.count() == 8


def test_a_signal_during_the_commit_waits_for_it_and_stops_before_the_next_file(tmp_path, monkeypatch):
    hold, sent = interrupts.hold, []

    def held(**kwargs):
        hold()
        send_once(signal.SIGINT, sent)  # the commit is next: it lands, then the load stops

    monkeypatch.setattr(interrupts, "hold", held)
    first = write(tmp_path / "first.csv", CLASSIC_HEADER, [classic_line(600)] * 3)
    second = write(tmp_path / "second.csv", CLASSIC_HEADER, [classic_line(900)] * 5)

    status, err = stopped_load(first, second)

    assert status == 130
    assert err == ("interrupted; nothing from second.csv was kept "
                   "(files loaded before it are kept: first.csv)\n")
    assert Trip.objects.count() == 3
    assert list(LoadedFile.objects.values_list("name", "rows_loaded")) == [("first.csv", 3)]


# --- a real manage.py process on an SQLite file -----------------------------------------


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    if not child.DECEMBER.is_file():
        pytest.skip(f"the shared Citi Bike files are not in {child.CITIBIKE} (see its PROVENANCE.md)")
    path = tmp_path_factory.mktemp("trips") / "migrated.sqlite3"
    env = child.environment(TRIPS_DATABASE_URL=f"sqlite:///{path}")
    result = manage("migrate", "trips", "--database", "trips", "-v0", env=env)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def sqlite_file(migrated, tmp_path):
    """(its path, the environment that sends trips there): a fresh copy of a migrated file."""
    if vendor() != "sqlite":
        pytest.skip("the SQLite process tests run once, in the SQLite run")
    path = shutil.copy(migrated, tmp_path / "trips.sqlite3")
    return path, child.environment(TRIPS_DATABASE_URL=f"sqlite:///{path}")


def counts(path):
    with sqlite3.connect(path) as db:
        trips = db.execute("SELECT count(*) FROM trip").fetchone()[0]
        ledger = db.execute("SELECT name, rows_loaded FROM trip_loaded_file ORDER BY id").fetchall()
        index = db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'trip_station_recent'").fetchone()
    return trips, ledger, index[0]


def assert_nothing_wedged(path, env):
    """The same file loads in full, then a different one: exactly their rows, index intact."""
    again = child.run(child.DECEMBER, child.JANUARY, env=env)

    assert again.status == 0, again.err
    assert f"loaded {child.DECEMBER_TRIPS:,} trips" in again.out
    assert f"loaded {child.JANUARY_TRIPS:,} trips" in again.out
    assert counts(path) == (child.DECEMBER_TRIPS + child.JANUARY_TRIPS, [
        (child.DECEMBER.name, child.DECEMBER_TRIPS), (child.JANUARY.name, child.JANUARY_TRIPS)], 1)


@pytest.mark.parametrize(("point", "signum"), [
    ("insert", signal.SIGINT),  # the child parsing, the loader inserting
    ("rebuild", signal.SIGTERM),  # every row in, the station index about to be built again
])
def test_a_signalled_sqlite_load_exits_with_one_line_keeps_nothing_and_wedges_nothing(
        sqlite_file, point, signum):
    path, env = sqlite_file
    process = child.start(point, child.DECEMBER, env=env)
    child.wait_until_at(process, point)
    parsers = child.children_of(process.pid)

    stopped = child.interrupt(process, signum)

    assert stopped.status == 128 + signum
    assert stopped.err == f"interrupted; nothing from {child.DECEMBER.name} was kept\n"
    assert not [pid for pid in parsers if child.running(pid)]
    assert counts(path) == (0, [], 1)
    assert_nothing_wedged(path, env)


def test_kill_9_during_an_sqlite_load_keeps_nothing_and_wedges_nothing(sqlite_file):
    path, env = sqlite_file
    process = child.start("insert", child.DECEMBER, env=env)
    child.wait_until_at(process, "insert")

    assert child.interrupt(process, signal.SIGKILL).status == 128 + signal.SIGKILL

    assert counts(path) == (0, [], 1)
    assert_nothing_wedged(path, env)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_django_starts_up_prints_no_traceback(sqlite_file, signum):
    path, env = sqlite_file
    process = child.start_plain(child.DECEMBER, env=env)
    time.sleep(0.5)  # importing Django, well before the load

    stopped = child.interrupt(process, signum)

    assert stopped.status == 128 + signum
    assert "Traceback" not in stopped.err
