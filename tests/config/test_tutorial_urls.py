"""Each seed tutorial's own steps, replayed on its own URLs: they redirect to ours and work."""

import pytest
from django.core.management import call_command

from catalog.models import Author
from parties.store import get_store
from tests.support.manage import clean_environment, manage
from tests.support.server import curl, free_port, runserver

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture(scope="module")
def server_env(tmp_path_factory):
    where = tmp_path_factory.mktemp("runserver")
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL=f"sqlite:///{where}/db.sqlite3")
    assert manage("migrate", "-v0", env=env).returncode == 0
    return env


@pytest.fixture(scope="module")
def debug_server(server_env):
    """`runserver 0.0.0.0:PORT` as the CockroachDB tutorial starts it, on a fresh database."""
    port = free_port()
    with runserver(f"0.0.0.0:{port}", env=server_env):
        yield f"http://0.0.0.0:{port}"


@pytest.fixture(scope="module")
def auth(server_env):
    """The bank is private here: the tutorial's calls carry a token, made as the README says."""
    env = {**server_env, "DJANGO_SUPERUSER_PASSWORD": "tutorial-pw-1"}
    created = manage("createsuperuser", "--noinput", "--username", "tutor", "--email", "t@example.com",
                     env=env)
    assert created.returncode == 0, created.stderr
    token = manage("create_api_token", "tutor", "--name", "tutorial", "-v0", env=env).stdout.strip()
    return {"Authorization": f"Bearer {token}"}


def test_the_cockroachdb_tutorials_curl_session_works_on_its_own_urls(debug_server, auth):
    base = debug_server
    status, headers, body = curl("POST", f"{base}/customer/", {"name": "Carl"}, headers=auth)
    assert (status, headers["Location"]) == (308, "/api/bank/customer/")
    assert "curl -L" in body["detail"]

    assert curl("GET", f"{base}/ping/", follow=True, headers=auth)[0] == 200
    status, _, carl = curl("POST", f"{base}/customer/", {"name": "Carl"}, follow=True, headers=auth)
    assert status == 201 and carl["name"] == "Carl"
    status, _, customers = curl("GET", f"{base}/customer/", follow=True, headers=auth)
    assert status == 200 and [c["name"] for c in customers["items"]] == ["Carl"]
    assert curl("GET", f"{base}/customer/{carl['id']}/", follow=True, headers=auth)[2]["name"] == "Carl"
    ice_cream = {"name": "Ice Cream", "price": "123.40"}
    _, _, ice = curl("POST", f"{base}/product/", ice_cream, follow=True, headers=auth)
    order = {"customer": {"id": carl["id"]}, "products": [{"id": ice["id"]}], "subtotal": "123.40"}
    status, _, placed = curl("POST", f"{base}/order/", order, follow=True, headers=auth)
    assert status == 201 and placed["customer"]["name"] == "Carl"
    orders = curl("GET", f"{base}/order/", follow=True, headers=auth)[2]["items"]
    assert [o["id"] for o in orders] == [placed["id"]]


def test_a_host_outside_allowed_hosts_gets_json_under_api_and_a_page_elsewhere(debug_server):
    status, headers, body = curl("GET", f"{debug_server}/api/ping/", headers={"Host": "evil.example"})

    assert status == 400 and "evil.example" in body["detail"]
    assert curl("GET", f"{debug_server}/", headers={"Host": "evil.example"})[0] == 400


def test_the_neon_guides_two_endpoints_answer_on_its_urls(client):
    call_command("populate", only=["catalog"], verbosity=0)
    tolkien = Author.objects.get(name="J.R.R. Tolkien")

    moved = client.get("/catalog/authors/")
    authors = client.get("/catalog/authors/", follow=True)
    books = client.get(f"/catalog/books/{tolkien.pk}/", follow=True)

    assert (moved.status_code, moved["Location"]) == (308, "/api/catalog/authors/")
    names = sorted(a["name"] for a in authors.json())
    assert names == ["George R.R. Martin", "J.K. Rowling", "J.R.R. Tolkien"]
    assert [b["title"] for b in books.json()][0] == "The Fellowship of the Ring"
    assert client.get(f"/catalog/authors/{tolkien.pk}/").status_code == 200  # our page, not moved


@pytest.mark.cassandra
def test_the_partyfinders_pages_answer_on_its_urls(client):
    from parties.demo import seed

    seed(dry_run=False)
    party = next(p for p in get_store().in_city("Berlin") if p.name == "Rooftop techno")

    index = client.get("/partyfinder/", follow=True)
    berlin = client.get("/partyfinder/list/Berlin/", follow=True)
    new = client.get("/partyfinder/new/?city=Berlin", follow=True)
    detail = client.get(f"/partyfinder/detail/Berlin/{party.id}", follow=True)
    delete = client.get(f"/partyfinder/delete/Berlin/{party.id}", follow=True)

    assert index.redirect_chain == [("/parties/", 301)] and "Berlin" in index.content.decode()
    assert berlin.redirect_chain == [("/parties/Berlin/", 301)]
    assert "Rooftop techno" in berlin.content.decode()
    assert new.redirect_chain == [("/parties/new/?city=Berlin", 301)] and new.status_code == 200
    assert detail.status_code == 200 and "Rooftop techno" in detail.content.decode()
    assert delete.redirect_chain == [(f"/parties/Berlin/{party.id}/delete/", 301)]
    assert delete.status_code == 200  # the confirmation page: a GET deletes nothing


def test_the_snowflake_quickstarts_pages_answer_on_its_urls(client):
    call_command("populate", only=["trips"], verbosity=0)

    welcome = client.get("/trips", follow=True)
    graham = client.get("/trips/from/graham-conselyea", follow=True)

    assert welcome.redirect_chain == [("/trips/", 301)] and welcome.status_code == 200
    assert graham.redirect_chain == [("/trips/from/graham-conselyea/", 301)]
    assert "Graham Ave &amp; Conselyea St" in graham.content.decode()
