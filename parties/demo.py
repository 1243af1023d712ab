"""Demo data for `manage.py populate`: a few parties in two cities, on either store."""

import datetime

from parties.store import get_store

DEMO = [
    ("Berlin", "Rooftop techno", datetime.date(2025, 7, 12), 12),
    ("Berlin", "Spree boat party", datetime.date(2025, 8, 2), 30),
    ("Berlin", "Kreuzberg garden barbecue", datetime.date(2025, 6, 21), 8),
    ("Lisbon", "Santo António street party", datetime.date(2025, 6, 12), 45),
    ("Lisbon", "Sunset at the miradouro", datetime.date(2025, 9, 5), 6),
]


def seed(*, dry_run: bool) -> dict[str, tuple[int, int]]:
    store = get_store()
    created = existing = 0
    cities = {}
    for city, name, date, people in DEMO:
        if city not in cities:
            cities[city] = {(p.name, p.date) for p in store.in_city(city)}
        # A party is "the same" by city, name and date; the count may have moved since.
        if (name, date) in cities[city]:
            existing += 1
            continue
        created += 1
        if not dry_run:
            store.create(city=city, name=name, date=date, people=people)
    return {"parties": (created, existing)}
