"""Demo data for `manage.py populate`: a few parties in two cities, on either store.

Dated relative to today and always ahead of it, so the demo never shows only past parties.
"""

import datetime
import json
from contextlib import suppress

from django.utils import timezone

from parties.models import Party
from parties.store import PartyNotFound, get_store

# (city, name, days from today, people); one party of 3 people for the README's +1 example.
DEMO = [
    ("Berlin", "Rooftop techno", 9, 3),
    ("Berlin", "Spree boat party", 30, 30),
    ("Berlin", "Kreuzberg garden barbecue", 4, 8),
    ("Lisbon", "Santo António street party", 14, 45),
    ("Lisbon", "Sunset at the miradouro", 60, 6),
]


def parties(today: datetime.date | None = None):
    """(city, name, date, people) of the demo, dated from `today` (the local date)."""
    today = today or timezone.localdate()
    return [(city, name, today + datetime.timedelta(days=days), people) for city, name, days, people in DEMO]


def is_empty() -> bool:
    return not get_store().cities()


def seed(*, dry_run: bool, track=lambda obj, **key: None) -> dict[str, tuple[int, int]]:
    store = get_store()
    created = existing = 0
    cities = {}
    for city, name, date, people in parties():
        if city not in cities:
            cities[city] = {p.name for p in store.in_city(city)}
        # A party is "the same" by city and name; its date and count may have moved since.
        if name in cities[city]:
            existing += 1
            continue
        created += 1
        if not dry_run:
            party = store.create(city=city, name=name, date=date, people=people)
            track(party, model="parties.party", key=json.dumps([party.city, str(party.id)]))
    return {"parties": (created, existing)}


def remove(rows) -> tuple[list, list]:
    """Delete the demo parties through the store (SQL or Cassandra). A party is its own
    row: nothing else refers to it, so every one still there goes."""
    store = get_store()
    for row in rows:
        city, party_id = json.loads(row.key)
        with suppress(PartyNotFound):  # the user deleted it already
            store.delete(_city_now(store, city, party_id), party_id)
    return list(rows), []


def _city_now(store, city: str, party_id: str) -> str:
    """Where the party is now: on SQL the admin may have moved it to another city (its key
    is the id alone); on Cassandra the city is the partition key and never changes."""
    if store.vendor == "cassandra":
        return city
    moved = Party.objects.using(store.alias).filter(id=party_id).values_list("city", flat=True).first()
    return moved or city
