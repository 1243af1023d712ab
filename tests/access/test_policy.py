"""The access policy as a matrix: who (anonymous, token, session) may read and write
what, in each app. See access.policy and the README."""

import json

import pytest
from django.test import Client

from tests.support.access import bearer, make_user, session_client, token_for

pytestmark = pytest.mark.django_db(databases="__all__")

JSON = "application/json"

# (what, method, url, body); the body of a write is valid, so only the policy can refuse it.
OPERATIONS = {
    "trips read": ("GET", "/api/trips/stations/", None),
    "counter read": ("GET", "/api/counter/hello-world-button/", None),
    "counter write": ("POST", "/api/counter/hello-world-button/click/", None),
    "catalog read": ("GET", "/api/catalog/authors/", None),
    "catalog write": ("POST", "/api/catalog/authors/", {"name": "Ursula"}),
    "parties read": ("GET", "/api/parties/Berlin/", None),
    "parties write": ("POST", "/api/parties/Berlin/", {"name": "Open air", "date": "2025-06-01"}),
    "bank ping": ("GET", "/api/bank/ping/", None),
    "bank read": ("GET", "/api/bank/customer/", None),
    "bank write": ("POST", "/api/bank/customer/", {"name": "Carl"}),
}

# Expected status per caller. A user with no permissions may still write to catalog and
# parties (signed in is enough) but gets a 403 from the bank.
EXPECTED = {
    #                  anonymous token  session  no-perms token
    "trips read":      (200,      200,   200,     200),
    "counter read":    (200,      200,   200,     200),
    "counter write":   (200,      200,   200,     200),
    "catalog read":    (200,      200,   200,     200),
    "catalog write":   (401,      201,   201,     201),
    "parties read":    (200,      200,   200,     200),
    "parties write":   (401,      201,   201,     201),
    "bank ping":       (200,      200,   200,     200),
    "bank read":       (401,      200,   200,     403),
    "bank write":      (401,      201,   201,     403),
}
CALLERS = ("anonymous", "token", "session", "no-perms token")


def _client(caller):
    if caller == "anonymous":
        return Client(), {}
    if caller == "token":
        return Client(), bearer(token_for(make_user("clerk", superuser=True)))
    if caller == "no-perms token":
        return Client(), bearer(token_for(make_user("nobody")))
    client = session_client(make_user("browser", superuser=True))
    client.get("/counter/")  # a page with a form sets the CSRF cookie, as for a browser
    return client, {"X-CSRFToken": client.cookies["csrftoken"].value}


def _call(client, headers, method, url, body):
    if body is None:
        return client.generic(method, url, headers=headers)
    return client.generic(method, url, json.dumps(body), content_type=JSON, headers=headers)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("what", OPERATIONS)
def test_each_caller_gets_what_the_policy_says(what, caller):
    method, url, body = OPERATIONS[what]
    client, headers = _client(caller)
    if what == "counter read":
        Client().post("/api/counter/hello-world-button/click/")

    response = _call(client, headers, method, url, body)

    assert response.status_code == EXPECTED[what][CALLERS.index(caller)], response.content
    assert response["Content-Type"].startswith("application/json")
    if response.status_code in (401, 403):
        assert response.json()["detail"]


@pytest.mark.parametrize("what", ["catalog write", "parties write", "bank write"])
def test_a_signed_in_session_without_the_csrf_token_cannot_write(what):
    method, url, body = OPERATIONS[what]
    client = session_client(make_user("browser", superuser=True))

    response = _call(client, {}, method, url, body)

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_cross_site_text_plain_post_cannot_move_money_even_with_a_session():
    client = session_client(make_user("victim", superuser=True))
    body = json.dumps({"from": "00000000-0000-0000-0000-000000000001",
                       "to": "00000000-0000-0000-0000-000000000002", "amount": "99.00"})

    response = client.post("/api/bank/transfer/", body, content_type="text/plain",
                           headers={"Origin": "https://evil.example"})

    assert response.status_code == 403


def test_a_cross_site_text_plain_post_with_a_token_is_a_415():
    headers = {**bearer(token_for(make_user("clerk", superuser=True))), "Origin": "https://evil.example"}

    response = Client().post("/api/catalog/authors/", '{"name": "X"}', content_type="text/plain",
                             headers=headers)

    assert response.status_code == 415


def test_bank_permissions_are_per_model_and_verb():
    user = make_user("reader", permissions=["bank.view_customer"])
    headers = bearer(token_for(user))

    assert Client().get("/api/bank/customer/", headers=headers).status_code == 200
    assert Client().get("/api/bank/account/", headers=headers).status_code == 403
    response = Client().post("/api/bank/customer/", {"name": "X"}, content_type=JSON, headers=headers)
    assert response.status_code == 403
    assert "bank.add_customer" in response.json()["detail"]


def test_the_bank_page_shows_no_figures_to_anonymous_visitors_and_them_to_staff():
    anonymous = Client().get("/bank/").content.decode()
    staff = session_client(make_user("staff", superuser=True)).get("/bank/").content.decode()

    assert 'id="counts"' not in anonymous and "private" in anonymous
    assert 'id="counts"' in staff


def test_the_bank_page_names_its_database_host_to_staff_only():
    # A session outlives a demotion from staff: the view permission shows the figures, not
    # where they live.
    from django.conf import settings

    from bank.retry import bank_alias
    from common.databases import describe

    where = describe(settings.DATABASES[bank_alias()])
    reader = make_user("reader", permissions=["bank.view_account"])
    reader = session_client(reader).get("/bank/").content.decode()
    staff = session_client(make_user("staff", superuser=True)).get("/bank/").content.decode()

    assert 'id="counts"' in reader and where["host"] not in reader
    assert f'{where["host"]} {where["name"]}' in staff
