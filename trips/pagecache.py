"""Rendered station fragments, kept in this process until the trip data changes.

Trips change only when load_trips or populate commits, and both rewrite the Station
table; its newest id and row count (read at most once a second per process) are the data
version. So a page reflects a load within about a second, and a busy station page costs
a dictionary lookup instead of two queries and a template. TRIPS_PAGE_CACHE_SECONDS = 0
turns it off (the tests do, as they rebuild the data between requests).
"""

import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.db.models import Count, Max

from trips.models import Station

MAX_ENTRIES = 4096
_lock = threading.Lock()
_entries: OrderedDict = OrderedDict()
_version = {"at": -1e9, "value": None}


def ttl() -> float:
    return float(getattr(settings, "TRIPS_PAGE_CACHE_SECONDS", 1.0))


def data_version():
    now = time.monotonic()
    if now - _version["at"] >= ttl():
        _version["value"] = tuple(Station.objects.aggregate(last=Max("id"), count=Count("id")).values())
        _version["at"] = now
    return _version["value"]


def get_or_build(key, build):
    """build() once per key and data version; None results are not kept."""
    if ttl() <= 0:
        return build()
    versioned = (data_version(), key)
    with _lock:
        if versioned in _entries:
            _entries.move_to_end(versioned)
            return _entries[versioned]
    value = build()
    if value is not None:
        with _lock:
            _entries[versioned] = value
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return value


def clear():
    with _lock:
        _entries.clear()
    _version["at"] = -1e9
