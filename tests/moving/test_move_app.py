"""move_app: every app SQLite (or the run's engine) -> PostgreSQL -> SQLite, row by row.

Each app's demo data and data created through its API (trips: a real Citi Bike month,
loaded by load_trips) go to a scratch PostgreSQL database and from there to a new SQLite
file; every row of every table is the same at each stop, and the pages and API answer the
same when the app is served from the final file.
"""

import io
import json
import os

import pytest
from django.core.management import call_command

from tests.support.access import token_client
from tests.support.moving import (
    alias_for_url,
    answers,
    app_on,
    current_alias,
    move,
    scratch_postgres,
    snapshot,
    sqlite_url,
)
from tests.support.trip_files import JC_DECEMBER

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

PATHS = {
    "trips": ["/trips/", "/trips/from/graham-conselyea/", "/trips/from/grove-st-path/", "/trips/stations/",
              "/api/trips/stations/?limit=1000", "/api/trips/from/grove-st-path/?limit=100"],
    "bank": ["/api/bank/customer/", "/api/bank/product/", "/api/bank/order/", "/api/bank/account/",
             "/api/bank/transfer/"],
    "parties": ["/api/parties/Berlin/", "/api/parties/Lisbon/", "/api/parties/Porto/", "/parties/Porto/"],
    "catalog": ["/api/catalog/authors/", "/api/catalog/books/1/", "/api/catalog/books/4/", "/catalog/"],
    "counter": ["/counter/", "/api/counter/hello-world-button/", "/api/counter/moved/"],
}


@pytest.fixture
def client():
    """A superuser's token: API writes, and every bank read, need a signed-in caller."""
    return token_client()


def post(client, path, body):
    response = client.post(path, json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return response.json()


def create_through_the_api(app, client):
    if app == "trips":
        call_command("load_trips", str(JC_DECEMBER), verbosity=0)
    elif app == "bank":
        carl = post(client, "/api/bank/customer/", {"name": "Carl"})
        pen = post(client, "/api/bank/product/", {"name": "Pen", "price": "1.25"})
        post(client, "/api/bank/order/", {"customer": {"id": carl["id"]}, "products": [{"id": pen["id"]}]})
        a = post(client, "/api/bank/account/", {"customer": carl["id"], "balance": "100.00"})
        b = post(client, "/api/bank/account/", {"customer": carl["id"]})
        post(client, "/api/bank/transfer/", {"from": a["id"], "to": b["id"], "amount": "12.34"})
    elif app == "parties":
        post(client, "/api/parties/Porto/", {"name": "Moved party", "date": "2026-07-01", "people": 3})
    elif app == "catalog":
        author = post(client, "/api/catalog/authors/", {"name": "Ada", "bio": "", "country": "UK"})
        post(client, "/api/catalog/books/", {"title": "Notes", "author_id": author["id"]})
    else:
        post(client, "/api/counter/moved/click/", {})


@pytest.mark.parametrize("app", ["trips", "bank", "parties", "catalog", "counter"])
def test_an_app_moves_to_postgresql_and_back_to_sqlite_with_every_row_and_the_same_answers(
    app, client, tmp_path, settings
):
    if app == "trips" and not JC_DECEMBER.is_file():
        pytest.skip(f"the shared Citi Bike files are not there: {JC_DECEMBER}")
    settings.TRIPS_PAGE_CACHE_SECONDS = 0
    call_command("populate", only=[app], verbosity=0)
    create_through_the_api(app, client)
    before = snapshot(app, current_alias(app))
    pages = answers(client, PATHS[app])
    assert all(rows for name, rows in before.items() if name not in ("bank_order", "bank_orderitem"))

    with scratch_postgres(f"test_move_app_{app}_{os.getpid()}") as postgres:
        out = move(app, "--to", postgres)
        final = sqlite_url(tmp_path / "moved.sqlite3")
        move(app, "--from", postgres, "--to", final)
        with alias_for_url(postgres) as middle:
            assert snapshot(app, middle) == before

    assert "every table verified" in out
    assert f"{app.upper()}_DATABASE_URL=postgres://" in out and "restart" in out
    with alias_for_url(final) as last:
        assert snapshot(app, last) == before
    with app_on(app, final):
        assert answers(client, PATHS[app]) == pages
    assert snapshot(app, current_alias(app)) == before  # the source is untouched


def test_after_a_move_the_next_row_gets_a_fresh_id_on_postgresql(client):
    call_command("populate", only=["catalog"], verbosity=0)
    ids = [row[0] for row in snapshot("catalog", current_alias("catalog"))["catalog_author"]]
    with scratch_postgres(f"test_move_app_ids_{os.getpid()}") as postgres:
        move("catalog", "--to", postgres)
        with app_on("catalog", postgres):
            author = post(client, "/api/catalog/authors/", {"name": "Newcomer", "bio": "", "country": ""})

    assert author["id"] == max(ids) + 1


def test_trips_keep_their_ledger_so_load_trips_still_says_already_loaded(tmp_path):
    if not JC_DECEMBER.is_file():
        pytest.skip(f"the shared Citi Bike files are not there: {JC_DECEMBER}")
    call_command("load_trips", str(JC_DECEMBER), verbosity=0)
    final = sqlite_url(tmp_path / "moved.sqlite3")

    move("trips", "--to", final)

    with app_on("trips", final):
        out = io.StringIO()
        call_command("load_trips", str(JC_DECEMBER), stdout=out)
        assert "already loaded" in out.getvalue()
