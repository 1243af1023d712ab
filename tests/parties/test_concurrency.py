"""Many writers at once, each thread with its own database connection.

On SQL the compare-and-set is one conditional UPDATE; these tests show it holds under
real contention on file SQLite and on PostgreSQL. They are skipped on the emulated
Cassandra, which runs one statement at a time (no contention to test), and run against a
real cluster when PARTIES_DATABASE_URL names one.
"""

import json
import random
import threading
import urllib.error
import urllib.request

import pytest

from tests.support.access import bearer, make_user, token_for
from tests.support.cassandra import emulator
from tests.support.threads import run_in_threads

pytestmark = [
    pytest.mark.django_db(databases="__all__", transaction=True),
    pytest.mark.concurrency,
    pytest.mark.skipif(emulator() is not None, reason="the emulated Cassandra serialises every statement"),
]


def test_of_twenty_clicks_on_the_same_count_exactly_one_is_applied(store, make_party):
    party = make_party(people=7)

    changes = run_in_threads(lambda i: store.change_people(party.city, party.id, prev=7, delta=1), 20)

    assert sum(c.applied for c in changes) == 1
    assert all(c.people == 8 for c in changes)
    assert store.get(party.city, party.id).people == 8


def test_random_clicks_with_retry_on_conflict_add_up_and_never_go_below_zero(store, make_party):
    party = make_party(people=3)
    lowest = []
    lock = threading.Lock()

    def clicker(seed):
        rng = random.Random(seed)
        applied_total = 0
        seen = store.get(party.city, party.id).people
        for _ in range(50):
            delta = rng.choice((1, -1))
            while True:
                if seen + delta < 0:
                    delta = 1  # what the page offers at 0: only +1
                change = store.change_people(party.city, party.id, prev=seen, delta=delta)
                seen = change.people
                with lock:
                    lowest.append(seen)
                if change.applied:
                    applied_total += delta
                    break
        return applied_total

    totals = run_in_threads(clicker, 16)

    assert store.get(party.city, party.id).people == 3 + sum(totals)
    assert min(lowest) >= 0


def test_over_http_the_same_prev_has_exactly_one_winner(live_server, store, make_party):
    party = make_party(people=0)
    url = f"{live_server.url}/api/parties/{party.city.replace(' ', '%20')}/{party.id}/people/"
    auth = bearer(token_for(make_user(superuser=True)))

    def click(_):
        body = json.dumps({"prev": 0, "delta": 1}).encode()
        headers = {"Content-Type": "application/json", **auth}
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - http to our live server
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our live server
                return response.status, json.load(response)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    answers = run_in_threads(click, 20)

    assert sorted(status for status, _ in answers) == [200] + [409] * 19
    assert all(body["people"] == 1 for _, body in answers)
    assert store.get(party.city, party.id).people == 1
