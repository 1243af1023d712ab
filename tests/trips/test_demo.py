import io

import pytest
from django.core.management import call_command

from tests.support.trip_files import CLASSIC_HEADER, GRAHAM, classic_line, load, write
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
