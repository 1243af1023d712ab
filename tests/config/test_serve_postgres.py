"""The production server on PostgreSQL: hundreds of keep-alive clients, every click counted,
never more than WEB_CONCURRENCY x WEB_THREADS connections, and none left behind by any server.

Runs under `make test-postgres` (DATABASE_URL names the local PostgreSQL); elsewhere each
test skips. The servers get a database of their own, `<name>_serve`, dropped afterwards.
"""

import json
import signal

import dj_database_url
import pytest

from tests.support.manage import manage
from tests.support.servers import (
    GUNICORN,
    RUNSERVER,
    UVICORN,
    ConnectionCounter,
    call,
    drop_database,
    hammer,
    postgres_url,
    production_env,
    recreate_database,
    redis_url,
    serving,
)

pytestmark = [pytest.mark.postgres, pytest.mark.concurrency]

WORKERS, THREADS = 2, 4
CLIENTS, CLICKS_EACH = 200, 10


@pytest.fixture(scope="module")
def database():
    """(url, name) of a migrated database for the servers, and a counter of its connections."""
    url = postgres_url()
    if url is None:
        pytest.skip("needs PostgreSQL: make test-postgres")
    name = f"{dj_database_url.parse(url)['NAME']}_serve"
    served = url.rsplit("/", 1)[0] + f"/{name}"
    recreate_database(url, name)
    migrated = manage("migrate", "-v0", env=production_env(DATABASE_URL=served, DJANGO_DEBUG="true"))
    assert migrated.returncode == 0, migrated.stderr
    counter = ConnectionCounter(url, name)
    try:
        yield served, counter
    finally:
        counter.close()
        drop_database(url, name)


def test_gunicorn_counts_every_click_of_hundreds_of_clients_within_the_connection_bound(database):
    url, connections = database
    env = production_env(DATABASE_URL=url, REDIS_URL=redis_url(),
                         WEB_CONCURRENCY=str(WORKERS), WEB_THREADS=str(THREADS))

    with serving(GUNICORN, env) as server:
        health = json.loads(call(server.port, "GET", "/healthz")[2])
        connections.start()
        answers = hammer(server.port, "POST", "/api/counter/crowd/click/", clients=CLIENTS, each=CLICKS_EACH)
        connections.stop()
        after_clients_left = connections.now()
        final = json.loads(call(server.port, "GET", "/api/counter/crowd/")[2])["value"]
        server.signal(signal.SIGTERM)
        code, seconds = server.wait(30)

    failures = [answer for answer in answers if answer[0] != 200]
    values = sorted(json.loads(body)["value"] for status, body in answers if status == 200)
    assert health["cache"] == {"backend": "redis", "ok": True}
    assert failures == [], failures[:3]
    assert values == list(range(1, CLIENTS * CLICKS_EACH + 1)) and final == CLIENTS * CLICKS_EACH
    assert 0 < connections.peak <= WORKERS * THREADS
    assert after_clients_left <= WORKERS * THREADS
    assert code == 0 and seconds < 30, server.output()
    assert connections.settles_at(0) == 0


@pytest.mark.parametrize("command", [RUNSERVER, UVICORN], ids=["runserver", "uvicorn"])
@pytest.mark.parametrize("debug", ["false", "true"], ids=["debug-off", "debug-on"])
def test_runserver_and_uvicorn_close_every_connection_their_requests_opened(database, command, debug):
    url, connections = database
    env = production_env(DATABASE_URL=url, DJANGO_DEBUG=debug)

    with serving(command, env) as server:
        path = f"/api/counter/{debug}-{command[-1]}/click/"
        answers = hammer(server.port, "POST", path, clients=32, each=5)
        left_behind = connections.settles_at(0)

    assert [status for status, _ in answers] == [200] * 160
    assert left_behind == 0
