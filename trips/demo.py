"""Demo data for `manage.py populate`: a small generated week of trips (no real rows copied).

Deterministic (a fixed seed), so every run generates the same trips, and recorded in the
ledger like a loaded file (named DEMO_NAME), which is how `populate --remove` and
`load_trips` find exactly these trips again to delete them.
"""

import hashlib
import random
from datetime import datetime, timedelta

from django.db import router, transaction

from trips import stations
from trips.load.rules import NEW_YORK
from trips.models import LoadedFile, Trip

DEMO_NAME = "demo week (manage.py populate)"
TRIPS = 600
# (name, id, latitude, longitude): real Citi Bike stations around Williamsburg.
STATIONS = [
    ("Graham Ave & Conselyea St", "3086", 40.715143, -73.944507),
    ("Graham Ave & Grand St", "3085", 40.711863, -73.944024),
    ("Metropolitan Ave & Bedford Ave", "3078", 40.715348, -73.960241),
    ("Lorimer St & Broadway", "3080", 40.704118, -73.948186),
    ("Bedford Ave & Nassau Ave", "3092", 40.723117, -73.952123),
    ("Union Ave & N 12 St", "3093", 40.719240, -73.951860),
    ("Manhattan Ave & Leonard St", "3101", 40.723164, -73.948664),
    ("Driggs Ave & N Henry St", "3098", 40.723250, -73.943080),
]
# Before the shared real NYC days (June 2017), so loading those puts real trips on top.
WEEK_START = datetime(2017, 5, 15, tzinfo=NEW_YORK)


def generate() -> list[Trip]:
    rng = random.Random(3086)
    trips = []
    for _ in range(TRIPS):
        start, end = rng.sample(STATIONS, 2)
        # Mostly commuting hours, some nights out.
        hour = rng.choice([7, 8, 8, 9, 12, 17, 17, 18, 18, 19, 22, 23, 0])
        begins = WEEK_START + timedelta(days=rng.randrange(7), hours=hour, seconds=rng.randrange(3600))
        seconds = rng.randrange(180, 1800)
        trips.append(Trip(
            tripduration=seconds, starttime=begins, stoptime=begins + timedelta(seconds=seconds),
            start_station_id=start[1], start_station_name=start[0],
            start_station_latitude=start[2], start_station_longitude=start[3],
            end_station_id=end[1], end_station_name=end[0],
            end_station_latitude=end[2], end_station_longitude=end[3],
            bikeid=rng.randrange(14000, 34000), usertype=rng.choice(["Subscriber"] * 4 + ["Customer"]),
            birth_year=rng.randrange(1950, 2001), gender=rng.choice([0, 1, 1, 2]),
        ))
    return sorted(trips, key=lambda t: t.starttime)


def fingerprint(trips) -> str:
    digest = hashlib.sha256()
    for t in trips:
        digest.update(f"{t.starttime.isoformat()}|{t.start_station_name}|{t.tripduration}\n".encode())
    return digest.hexdigest()


def seed(*, dry_run: bool, track=lambda obj, **key: None) -> dict[str, tuple[int, int]]:
    alias = router.db_for_write(Trip)
    trips = generate()
    sha256 = fingerprint(trips)
    if LoadedFile.objects.using(alias).filter(sha256=sha256).exists():
        return {"trips": (0, len(trips))}
    if dry_run:
        return {"trips": (len(trips), 0)}
    ledger = LoadedFile.objects.using(alias)
    after_id = Trip.objects.using(alias).order_by("-trip_id").values_list("trip_id", flat=True).first() or 0
    Trip.objects.using(alias).bulk_create(trips, batch_size=500)
    last_id = Trip.objects.using(alias).order_by("-trip_id").values_list("trip_id", flat=True).first() or 0
    ledger.create(sha256=sha256, name=DEMO_NAME, size=0, rows_loaded=len(trips), after_id=after_id,
                  last_id=last_id)
    for trip in trips:
        # Counted by the ledger; removal goes by the id range above (Snowflake returns no ids).
        track(trip, key=str(trip.pk))
    stations.merge(alias, stations.station_hours(alias, after_id, last_id))
    return {"trips": (len(trips), 0)}


def remove_invented(alias: str | None = None) -> int:
    """Delete the demo trips (the ledger row named DEMO_NAME and its id range), taking
    their counts off the stations; returns how many trips went. Each real load calls this in
    its file's transaction, so invented trips never mix with real ones."""
    alias = alias or router.db_for_write(Trip)
    removed = 0
    with transaction.atomic(using=alias):
        for demo in LoadedFile.objects.using(alias).filter(name=DEMO_NAME):
            stations.merge(alias, stations.station_hours(alias, demo.after_id, demo.last_id), sign=-1)
            trips = Trip.objects.using(alias).filter(trip_id__gt=demo.after_id, trip_id__lte=demo.last_id)
            removed += trips._raw_delete(alias)
            demo.delete()
    return removed


def remove(rows) -> tuple[list, list]:
    """`populate --remove`: the demo trips are found by their ledger row, not by `rows`.
    Reports as removed only what went now: none once the first real load_trips deleted them."""
    return (list(rows) if remove_invented() else []), []
