import pytest
from django.core.management import call_command

from parties.demo import DEMO, seed

pytestmark = [pytest.mark.django_db(databases="__all__"), pytest.mark.cassandra]


def test_populate_adds_parties_in_two_cities_once(store):
    cities = {city for city, *_ in DEMO}
    assert len(cities) == 2
    before = {c: len(store.in_city(c)) for c in cities}

    first = seed(dry_run=False)
    second = seed(dry_run=False)

    assert first["parties"][0] + first["parties"][1] == len(DEMO)
    assert second == {"parties": (0, len(DEMO))}
    assert sum(len(store.in_city(c)) - before[c] for c in cities) == first["parties"][0]


def test_a_dry_run_writes_nothing(store):
    cities = {city for city, *_ in DEMO}
    before = {c: len(store.in_city(c)) for c in cities}

    call_command("populate", only=["parties"], dry_run=True, verbosity=0)

    assert {c: len(store.in_city(c)) for c in cities} == before
