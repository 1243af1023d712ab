"""The Station summary table: trips and trips per hour for every start station."""

from collections import Counter

from django.db import connections
from django.db.models import Count
from django.db.models.functions import ExtractHour

from trips.load.rules import NEW_YORK
from trips.models import Station, Trip, short_slug, station_slug


def station_hours(alias: str, after_id: int = 0, last_id: int | None = None) -> Counter:
    """(station name, New York hour) -> trips with ids in (after_id, last_id], counted by the
    database: the stored trips' count, as trips/load/rules.py counts rows being loaded."""
    trips = Trip.objects.using(alias).filter(trip_id__gt=after_id)
    if last_id is not None:
        trips = trips.filter(trip_id__lte=last_id)
    if connections[alias].vendor == "snowflake":
        # fakesnow shifts CONVERT_TIMEZONE of TIMESTAMP_LTZ by the session's zone; the
        # connector's own datetimes are right, so count them here (only for rebuilds).
        pairs = trips.values_list("start_station_name", "starttime").iterator(chunk_size=10_000)
        return Counter((name, start.astimezone(NEW_YORK).hour) for name, start in pairs)
    rows = (
        trips
        .values_list("start_station_name", ExtractHour("starttime", tzinfo=NEW_YORK))
        .annotate(n=Count("trip_id")).order_by()
    )
    return Counter({(name, hour): n for name, hour, n in rows})


def merge(alias: str, counts: Counter, *, sign: int = 1) -> None:
    """Add (or with sign=-1 take away) `counts` to the stations, in the caller's transaction."""
    totals: dict[str, list[int]] = {s.name: s.per_hour() for s in Station.objects.using(alias)}
    for (name, hour), n in counts.items():
        if name:
            totals.setdefault(name, [0] * 24)[hour] += sign * n
    _store(alias, totals)


def rebuild(alias: str) -> int:
    """Recount every station from the trips (after COPY INTO, or when in doubt)."""
    Station.objects.using(alias).all().delete()
    merge(alias, station_hours(alias))
    return Station.objects.using(alias).count()


def _store(alias, totals):
    Station.objects.using(alias).all().delete()
    taken: set[str] = set()
    stations = []
    for name, hours in sorted(totals.items()):
        total = sum(hours)
        if total <= 0:
            continue
        slug = base = station_slug(name)[:110] or "station"
        n = 2
        while slug in taken:  # names that differ only in punctuation
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        stations.append(Station(
            slug=slug, short_slug=short_slug(name)[:120], name=name, trips=total,
            hours=",".join(str(h) for h in hours),
        ))
    Station.objects.using(alias).bulk_create(stations, batch_size=500)

