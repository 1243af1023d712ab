"""Reads shared by the pages and the JSON endpoints."""

import difflib

from django.db.models import Max, Min, Q

from trips.models import Station, Trip, short_slug


def find_station(slug: str) -> Station | None:
    """The station with this slug, or the one station whose short slug it is
    (graham-conselyea for "Graham Ave & Conselyea St")."""
    station = Station.objects.filter(slug=slug).first()
    if station is None:
        matches = list(Station.objects.filter(short_slug=short_slug(slug))[:2])
        station = matches[0] if len(matches) == 1 else None
    return station


# A slug longer than any station's can only be compared by its start, and a few words are
# enough to find candidates: an unbounded slug would cost a query of as many ORs (SQLite
# refuses a thousand) and a quadratic difflib comparison.
SLUG_COMPARED = Station._meta.get_field("slug").max_length
WORDS_SEARCHED = 8


def close_matches(slug: str, limit: int = 5) -> list[Station]:
    slug = slug[:SLUG_COMPARED]
    words = [w for w in short_slug(slug).split("-") if len(w) > 2][:WORDS_SEARCHED]
    query = Q()
    for word in words:
        query |= Q(slug__contains=word)
    candidates = {s.slug: s for s in Station.objects.filter(query)[:200]} if words else {}
    if len(candidates) < limit:
        candidates.update({s.slug: s for s in Station.objects.only("slug", "name", "trips")[:2000]})
    best = difflib.get_close_matches(slug, list(candidates), n=limit, cutoff=0.3)
    return [candidates[s] for s in best]


def recent_trips(station: Station, limit: int = 10):
    # Newest first (the quickstart's query had no ORDER BY); served by trip_station_recent.
    return (
        Trip.objects.filter(start_station_name=station.name)
        .order_by("-starttime", "-trip_id")
        .only("trip_id", "start_station_name", "end_station_name", "tripduration", "starttime", "stoptime")
        [:limit]
    )


def search_stations(q: str = ""):
    stations = Station.objects.only("slug", "name", "trips")
    return stations.filter(name__icontains=q.strip()) if q.strip() else stations


def overview() -> dict:
    summary = Trip.objects.aggregate(first=Min("starttime"), last=Max("starttime"))
    return {
        "trips": Trip.objects.count(),
        **summary,
        "busiest": list(Station.objects.only("slug", "name", "trips")[:10]),
        "stations": Station.objects.count(),
        # The quickstart's station is the demo week's: a real file (Jersey City) has none.
        "graham": Station.objects.filter(slug="graham-conselyea").exists(),
    }
