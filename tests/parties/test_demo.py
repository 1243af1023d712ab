import datetime
import json
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.utils import timezone

from config.demo import Tracker, claim, record
from parties.demo import DEMO, parties, seed
from tests.support.parties import needs_sql

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


def test_demo_parties_are_dated_from_today_and_all_lie_ahead_of_it():
    today = datetime.date(2030, 1, 31)

    dated = parties(today)

    assert len(dated) == len(DEMO)
    assert all(date > today for _, _, date, _ in dated)
    assert parties()[0][2] > timezone.localdate()


def test_the_index_lists_the_cities_that_have_parties(client, city, make_party):
    make_party(name="Somewhere to be")

    html = client.get("/parties/").content.decode()

    assert f'href="/parties/{quote(city)}/"' in html


def test_the_readmes_people_example_applies_against_the_demo_data(client, store):
    seed(dry_run=False)
    rooftop = next(p for p in store.in_city("Berlin") if p.name == "Rooftop techno")
    assert rooftop.people == 3  # the README's "prev": 3

    url = f"/api/parties/Berlin/{rooftop.id}/people/"
    response = client.post(url, {"prev": 3, "delta": 1}, content_type="application/json")

    assert response.status_code == 200
    assert response.json() == {"applied": True, "people": 4, "detail": ""}
    client.post(url, {"prev": 4, "delta": -1}, content_type="application/json")  # as it was, for a rerun


def test_populate_remove_deletes_the_demo_parties_on_either_store_and_keeps_the_others(store, make_party):
    mine = make_party(name="Mine")
    tracker = Tracker()
    seed(dry_run=False, track=tracker)
    record(claim("parties"), tracker.rows)
    demo_ids = {json.loads(key)[1] for _, key in tracker.rows}

    call_command("populate", "--remove", only=["parties"], verbosity=0)

    left = {str(p.id) for city in ("Berlin", "Lisbon") for p in store.in_city(city)}
    assert not demo_ids & left
    assert store.get(mine.city, mine.id).name == "Mine"


@needs_sql
def test_populate_remove_deletes_a_demo_party_the_admin_moved_to_another_city(admin_client, store):
    call_command("populate", only=["parties"], verbosity=0)
    rooftop = next(p for p in store.in_city("Berlin") if p.name == "Rooftop techno")
    moved = admin_client.post(f"/admin/parties/party/{rooftop.id}/change/", {
        "city": "Hamburg", "name": rooftop.name, "date": rooftop.date.isoformat(), "people": rooftop.people,
    })
    assert moved.status_code == 302 and store.get("Hamburg", rooftop.id)

    call_command("populate", "--remove", only=["parties"], verbosity=0)

    assert store.in_city("Hamburg") == []
