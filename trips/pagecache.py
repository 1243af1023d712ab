"""Rendered station pages, cached until the trip data changes.

Trips change only when load_trips or populate commits, and both rewrite the Station
table, whose ids only grow; its newest id and row count (read at most once every
TRIPS_PAGE_CACHE_SECONDS per process) are the data version, and part of every cache key.
So a page reflects a load within that many seconds, and a busy station page costs a cache
lookup instead of two queries and a template. TRIPS_PAGE_CACHE_SECONDS = 0 turns it off.

Each process also keeps the pages it served for the current data version in its own memory
(at most LOCAL_PAGES of them), in front of the shared cache: a page that depends on nothing
but the version can be kept anywhere the version is checked, and a busy page then costs no
round trip to Redis at all. The shared cache still means one build per version, not one per
worker.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max

from trips.models import Station

# Old versions' entries are never read again; they age out of the cache.
TIMEOUT = 60 * 60
# ~9 kB a station page: a few MB per process at most.
LOCAL_PAGES = 512
_version = {"at": -1e9, "value": None}
# (data version, {name: page}) as one value, swapped whole: a thread still holding an older
# version can never store its page under the newer one.
_local = {"current": (None, {})}


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
    version = data_version()
    current = _local["current"]
    if current[0] != version:
        current = _local["current"] = (version, {})
    pages = current[1]
    value = pages.get(name)
    if value is not None:
        return value
    key = f"trips:{version}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, TIMEOUT)
    if value is not None and len(pages) < LOCAL_PAGES:
        pages[name] = value
    return value


def clear():
    cache.clear()
    _version["at"] = -1e9
    _local["current"] = (None, {})
