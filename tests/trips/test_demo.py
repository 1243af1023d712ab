import io
import os
import signal

import pytest
from django.core.management import CommandError, call_command

from tests.support.trip_files import CLASSIC_HEADER, GRAHAM, classic_line, load, served, write
from trips import stations
from trips.demo import DEMO_NAME, generate
from trips.models import LoadedFile, Station, Trip

pytestmark = pytest.mark.django_db(databases="__all__")


def populate(**options):
    out = io.StringIO()
    call_command("populate", only=["trips"], stdout=out, **options)
    return out.getvalue()


def test_populate_adds_a_generated_week_including_graham_avenue_once():
    assert "trips: trips: added 600" in populate()
    assert "added to this database before" in populate()

    assert Trip.objects.count() == 600
    assert Station.objects.get(name="Graham Ave & Conselyea St").trips >= 10
    assert LoadedFile.objects.count() == 1


def test_the_demo_set_is_the_same_on_every_run():
    first, second = generate(), generate()

    assert [(t.starttime, t.start_station_name, t.tripduration) for t in first] == [
        (t.starttime, t.start_station_name, t.tripduration) for t in second
    ]


def test_a_dry_run_of_populate_adds_nothing():
    assert "would add 600" in populate(dry_run=True)
    assert not Trip.objects.exists()


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_loading_a_real_file_removes_the_invented_trips_and_says_so(tmp_path):
    populate()
    real = write(tmp_path / "real.csv", CLASSIC_HEADER, [
        classic_line(start_name=GRAHAM), classic_line(duration=700, start_name=GRAHAM),
    ])

    out, _ = load(real)

    assert "Removed the 600 invented demo trips (populate's demo week) before loading real data." in out
    assert Trip.objects.count() == 2
    assert not LoadedFile.objects.filter(name=DEMO_NAME).exists()
    assert Station.objects.get(name=GRAHAM).trips == 2
    assert not Station.objects.filter(name="Graham Ave & Grand St").exists()  # demo-only station


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_dry_run_load_keeps_the_demo_trips(tmp_path):
    populate()
    real = write(tmp_path / "real.csv", CLASSIC_HEADER, [classic_line()])

    out, _ = load(real, dry_run=True)

    assert "invented" not in out
    assert Trip.objects.count() == 600


def test_populate_remove_takes_the_demo_week_out_and_never_adds_it_back():
    populate()

    removed = populate(remove=True)
    again = populate()

    assert "trips: removed 600 demo rows." in removed
    assert "not adding it again" in again
    assert not Trip.objects.exists() and not Station.objects.exists() and not LoadedFile.objects.exists()


def assert_the_demo_week_is_there():
    assert Trip.objects.count() == 600
    assert LoadedFile.objects.filter(name=DEMO_NAME).exists()
    assert Station.objects.get(name="Graham Ave & Grand St").trips > 0  # demo-only station


@pytest.mark.django_db(databases="__all__", transaction=True)
@pytest.mark.parametrize("what", ["a URL that answers 404", "a file that is not a trip file"])
def test_a_first_load_that_fails_keeps_the_demo_trips_and_a_later_one_removes_them(tmp_path, what):
    populate()
    write(tmp_path / "stations.csv", "station_id,name", ["3086,Graham"])
    real = write(tmp_path / "real.csv", CLASSIC_HEADER, [classic_line()])

    with served(tmp_path) as base, pytest.raises(CommandError):
        load(f"{base}/missing.csv" if "404" in what else tmp_path / "stations.csv")

    assert_the_demo_week_is_there()
    assert "added to this database before" in populate()  # ... and it is still there
    out, _ = load(real)
    assert "Removed the 600 invented demo trips" in out
    assert Trip.objects.count() == 1


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_first_load_interrupted_keeps_the_demo_trips(tmp_path, monkeypatch):
    populate()
    merge, sent = stations.merge, []

    def interrupted(alias, counts, **kwargs):
        merge(alias, counts, **kwargs)
        if not sent and kwargs.get("sign", 1) == 1:  # the file's own counts: every row written
            sent.append(signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(stations, "merge", interrupted)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit):
        call_command("load_trips", str(write(tmp_path / "real.csv", CLASSIC_HEADER, [classic_line()])),
                     stdout=out, stderr=err)

    assert sent and "invented" not in out.getvalue()
    assert err.getvalue() == "interrupted; nothing from real.csv was kept\n"
    assert_the_demo_week_is_there()


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_populate_remove_after_a_real_load_says_it_removed_nothing_and_forgets_the_demo_week(tmp_path):
    populate()
    load(write(tmp_path / "real.csv", CLASSIC_HEADER, [classic_line()]))

    out = populate(remove=True)
    again = populate(remove=True, dry_run=True)

    assert "trips: removed 0 demo rows." in out
    assert "trips: no demo data to remove." in again
    assert Trip.objects.count() == 1
