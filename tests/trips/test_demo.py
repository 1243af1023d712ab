import io

import pytest
from django.core.management import call_command

from trips.demo import generate
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
