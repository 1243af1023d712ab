"""The API contract: JSON bodies only, unknown fields and loose types refused, JSON on
every error status, and an OpenAPI schema that lists them."""

import json
import logging

import pytest
from django.test import Client

from tests.support.access import bearer, make_user, token_for

pytestmark = pytest.mark.django_db(databases="__all__")

WRITES = {
    "/api/catalog/authors/": {"name": "Ursula"},
    "/api/catalog/books/": {"title": "X", "author_id": 1},
    "/api/parties/Berlin/": {"name": "Open air", "date": "2025-06-01"},
    "/api/bank/customer/": {"name": "Carl"},
    "/api/bank/product/": {"name": "Tea", "price": "1.00"},
    "/api/bank/account/": {"customer": "00000000-0000-0000-0000-000000000001"},
    "/api/bank/transfer/": {"from": "00000000-0000-0000-0000-000000000001",
                            "to": "00000000-0000-0000-0000-000000000002", "amount": "1.00"},
    "/api/bank/order/": {"customer": {"id": "00000000-0000-0000-0000-000000000001"},
                         "products": [{"id": "00000000-0000-0000-0000-000000000002"}]},
}


@pytest.fixture
def headers():
    return bearer(token_for(make_user("clerk", superuser=True)))


@pytest.mark.parametrize("url", WRITES)
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "text/json"],
)
def test_a_body_that_is_not_declared_json_is_a_415(headers, url, content_type):
    response = Client().post(url, json.dumps(WRITES[url]), content_type=content_type, headers=headers)

    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_a_charset_parameter_is_fine(headers):
    response = Client().post("/api/catalog/authors/", json.dumps({"name": "Ursula"}),
                             content_type="application/json; charset=utf-8", headers=headers)

    assert response.status_code == 201


@pytest.mark.parametrize("url", WRITES)
def test_an_unknown_field_is_a_422_naming_it_on_every_write(headers, url):
    body = {**WRITES[url], "admin": True}

    response = Client().post(url, body, content_type="application/json", headers=headers)

    assert response.status_code == 422
    assert "admin" in [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/catalog/books/", {"title": "X", "author_id": "3"}, "author_id"),
        ("/api/catalog/books/", {"title": "X", "author_id": True}, "author_id"),
        ("/api/catalog/books/", {"title": "X", "author_id": 3.5}, "author_id"),
        ("/api/parties/Berlin/", {"name": "X", "date": "2025-06-01", "people": "3"}, "people"),
        ("/api/parties/Berlin/", {"name": "X", "date": "2025-06-01", "people": True}, "people"),
        ("/api/parties/Berlin/", {"name": "X", "date": "2025-06-01T00:00:00"}, "date"),
        ("/api/parties/Berlin/", {"name": "X", "date": 1748736000}, "date"),
        ("/api/bank/order/", {"customer": {"id": "00000000-0000-0000-0000-000000000001", "x": 1},
                              "products": [{"id": "00000000-0000-0000-0000-000000000002"}]}, "customer.x"),
        ("/api/catalog/authors/", {"name": "Nul\u0000"}, "name"),
        ("/api/bank/customer/", {"name": "Lone \ud800 surrogate"}, "name"),
    ],
)
def test_types_are_strict(headers, url, body, field):
    response = Client().post(url, json.dumps(body), content_type="application/json", headers=headers)

    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize(
    "url",
    ["/api/trips/stations/?q=%00", "/api/trips/stations/?q=a%00b", "/api/trips/stations/?%00=1",
     "/api/parties/Ber%00lin/", "/api/counter/x%00/", "/trips/stations/?q=%00", "/parties/?city=%00"],
)
def test_nul_in_a_path_or_query_string_is_a_400_never_a_500(url):
    response = Client().get(url)

    assert response.status_code == 400


def test_an_unexpected_error_under_api_is_json_500_and_logged(monkeypatch, caplog):
    from trips import selectors

    def broken(q):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "search_stations", broken)
    with caplog.at_level(logging.ERROR):
        response = Client(raise_request_exception=False).get("/api/trips/stations/")

    assert response.status_code == 500
    assert response.json() == {"detail": "Server error; it has been logged."}
    assert "boom" in caplog.text


def test_the_openapi_schema_lists_every_status_an_operation_answers():
    schema = Client().get("/api/openapi.json").json()
    operations = {(m.upper(), p): op for p, item in schema["paths"].items() for m, op in item.items()}

    assert set(operations[("POST", "/api/bank/transfer/")]["responses"]) >= {
        "201", "400", "401", "403", "404", "409", "413", "415", "422", "429", "503"}
    assert set(operations[("POST", "/api/catalog/authors/")]["responses"]) >= {
        "201", "400", "401", "403", "413", "415", "422", "429", "503"}
    assert set(operations[("POST", "/api/counter/{name}/click/")]["responses"]) >= {"200", "422", "429"}
    assert "401" not in operations[("GET", "/api/trips/stations/")]["responses"]
    for op in operations.values():
        for status, answer in op["responses"].items():
            if status.startswith(("4", "5")):
                assert "application/json" in answer["content"], (op["operationId"], status)
