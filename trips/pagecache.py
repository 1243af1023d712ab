"""Rendered station pages, cached until the trip data changes.

Trips change only when load_trips or populate commits, and both rewrite the Station
table, whose ids only grow; its newest id and row count (read at most once every
TRIPS_PAGE_CACHE_SECONDS per process) are the data version, and part of every cache key.
So a page reflects a load within that many seconds, and a busy station page costs a cache
lookup instead of two queries and a template. TRIPS_PAGE_CACHE_SECONDS = 0 turns it off.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max

from trips.models import Station

# Old versions' entries are never read again; they age out of the cache.
TIMEOUT = 60 * 60
_version = {"at": -1e9, "value": None}


def ttl() -> float:
    return float(settings.TRIPS_PAGE_CACHE_SECONDS)


def data_version() -> str:
    now = time.monotonic()
    if now - _version["at"] >= ttl():
        found = Station.objects.aggregate(last=Max("id"), count=Count("id"))
        _version["value"] = f"{found['last']}-{found['count']}"
        _version["at"] = now
    return _version["value"]


def get_or_build(name: str, build):
    """build() once per name and data version; a None result is not kept."""
    if ttl() <= 0:
        return build()
    key = f"trips:{data_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, TIMEOUT)
    return value


def clear():
    cache.clear()
    _version["at"] = -1e9
