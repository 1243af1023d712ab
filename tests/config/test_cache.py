"""REDIS_URL makes the cache Redis, shared by every process; a Redis that fails is a miss.

Each test runs the real settings in a fresh `manage.py shell` (they choose the cache at
start-up) against a real Redis, or against a port where nothing listens.
"""

import json

import pytest
import redis

from tests.support.manage import clean_environment, manage
from tests.support.servers import redis_url

DEAD_REDIS = "redis://127.0.0.1:1/0"

PROBE = """
import json
from django.core.cache import cache, caches
from django.test import Client
from trips import pagecache
client = Client()
for path in ("/healthz", "/counter/", "/trips/from/graham-conselyea/"):
    response = client.get(path)
    print(path, response.status_code, response.content.decode() if path == "/healthz" else "")
cache.set("probe", "shared")
backend = type(caches["default"]).__name__
print("cache", backend, cache.get("probe"), cache.get_many(["probe"]), cache.add("other", 1))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    path = tmp_path_factory.mktemp("cache") / "db.sqlite3"
    env = clean_environment(DJANGO_DEBUG="true", DJANGO_ALLOWED_HOSTS="testserver", DATABASE_URL=f"sqlite:///{path}")
    for step in (("migrate", "-v0"), ("populate", "-v0", "--only", "trips")):
        result = manage(*step, env=env)
        assert result.returncode == 0, result.stderr
    return env


def probe(env):
    result = manage("shell", "-v0", "-c", PROBE, env=env)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    return lines, result.stderr


@pytest.fixture
def live_redis():
    """A real Redis; keys the test adds are removed afterwards."""
    url = redis_url()
    client = redis.Redis.from_url(url)
    before = set(client.keys("*"))
    yield url
    added = set(client.keys("*")) - before
    if added:
        client.delete(*added)
    client.close()


def test_with_redis_url_healthz_reports_redis_and_the_cache_is_shared_through_it(site, live_redis):
    lines, _ = probe({**site, "REDIS_URL": live_redis})

    status, body = lines["/healthz"].split(" ", 1)
    assert status == "200"
    assert json.loads(body)["cache"] == {"backend": "redis", "ok": True}
    assert lines["cache"].startswith("ForgivingRedisCache shared {'probe': 'shared'}")
    assert redis.Redis.from_url(live_redis).get(":1:probe") is not None  # stored in Redis itself


def test_a_dead_redis_shows_in_healthz_while_pages_render_from_the_database(site):
    lines, stderr = probe({**site, "REDIS_URL": DEAD_REDIS})

    status, body = lines["/healthz"].split(" ", 1)
    report = json.loads(body)
    assert status == "200" and report["status"] == "ok"
    assert report["cache"]["backend"] == "redis" and report["cache"]["ok"] is False
    assert "ConnectionError" in report["cache"]["error"]
    assert lines["/counter/"].strip() == "200"
    assert lines["/trips/from/graham-conselyea/"].strip() == "200"
    # Every read was a miss, every write dropped; one warning, not one per call.
    assert lines["cache"].strip() == "ForgivingRedisCache None {} False"
    assert stderr.count("Redis cache unavailable") == 1


def test_without_redis_url_each_process_caches_in_its_own_memory(site):
    lines, _ = probe(site)

    assert json.loads(lines["/healthz"].split(" ", 1)[1])["cache"] == {"backend": "locmem", "ok": True}
    assert lines["cache"].startswith("LocMemCache shared")
