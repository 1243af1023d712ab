"""The Redis cache, forgiving: a Redis that is down or slow is a cache miss, never a 500.

Django's RedisCache raises whatever redis-py raises. Every cached thing here (station pages,
API throttles) can be rebuilt or recounted, so an outage costs speed, not pages: reads answer
as misses, writes are dropped, and a warning is logged at most once a minute per process.
`/healthz` calls ping(), which does raise, to say that Redis is down.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
WARN_EVERY = 60.0
_last_warning = {"at": -WARN_EVERY}


def _warn(exc: Exception):
    now = time.monotonic()
    if now - _last_warning["at"] >= WARN_EVERY:
        _last_warning["at"] = now
        logger.warning("Redis cache unavailable, serving without it: %s: %s", type(exc).__name__, exc)


def _forgiving(method, fallback):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as exc:
            _warn(exc)
            return fallback(*args, **kwargs)

    return wrapper


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a redis.Redis around the shared connection pool on every call;
    redis-py 8's constructor costs several times the GET itself (a profile of a cached station
    page put 38 % of its CPU there). One Redis per pool does the same: it is thread-safe, and
    the pool already hands each command its own connection."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # id(pool) -> redis.Redis; pools live as long as this object

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ForgivingRedisCache(RedisCache):
    backend_name = "redis"

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    get = _forgiving(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _forgiving(RedisCache.get_many, lambda *a, **k: {})
    has_key = _forgiving(RedisCache.has_key, lambda *a, **k: False)
    add = _forgiving(RedisCache.add, lambda *a, **k: False)
    set = _forgiving(RedisCache.set, lambda *a, **k: None)
    touch = _forgiving(RedisCache.touch, lambda *a, **k: False)
    delete = _forgiving(RedisCache.delete, lambda *a, **k: False)
    set_many = _forgiving(RedisCache.set_many, lambda data, *a, **k: list(data))
    delete_many = _forgiving(RedisCache.delete_many, lambda *a, **k: None)
    clear = _forgiving(RedisCache.clear, lambda *a, **k: None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            _warn(exc)
            # What a missing key raises: callers of incr() already handle it.
            raise ValueError(f"Key {key!r} not found (the cache is unavailable).") from exc

    def ping(self):
        """True, or the redis-py error: for /healthz."""
        return self._cache.get_client(write=True).ping()
