from datetime import datetime

from django.urls import reverse
from ninja import Path, Query, Router, Schema

from common.errors import NotFound
from common.text import NO_NUL
from trips import selectors

router = Router(tags=["trips"])

StationSlug = Path(..., pattern=r"^[-a-z0-9_]+$", max_length=120, description="A station slug")


class StationOut(Schema):
    name: str
    slug: str
    trips: int
    url: str


class TripOut(Schema):
    trip_id: int
    start_station: str
    end_station: str
    starttime: datetime
    stoptime: datetime
    tripduration: int
    minutes: int


class StationTripsOut(Schema):
    station: StationOut
    trips: list[TripOut]


def _station(s) -> dict:
    return {"name": s.name, "slug": s.slug, "trips": s.trips, "url": reverse("trips:station", args=[s.slug])}


@router.get("/stations/", response=list[StationOut], summary="Stations whose name contains q, busiest first")
def stations(
    request,
    q: str = Query("", max_length=100, pattern=NO_NUL, description="Part of a station name"),
    limit: int = Query(100, ge=1, le=1000),
):
    return [_station(s) for s in selectors.search_stations(q)[:limit]]


@router.get("/from/{station_slug}/", response=StationTripsOut, summary="The newest trips from one station")
def trips_from(request, station_slug: str = StationSlug, limit: int = Query(10, ge=1, le=100)):
    station = selectors.find_station(station_slug)
    if station is None:
        hints = ", ".join(s.slug for s in selectors.close_matches(station_slug, 3))
        raise NotFound(f"No station {station_slug!r}." + (f" Close matches: {hints}." if hints else ""))
    trips = [
        {"trip_id": t.trip_id, "start_station": t.start_station_name, "end_station": t.end_station_name,
         "starttime": t.starttime, "stoptime": t.stoptime, "tripduration": t.tripduration,
         "minutes": t.minutes}
        for t in selectors.recent_trips(station, limit)
    ]
    return {"station": _station(station), "trips": trips}
