"""/api/parties/, on whichever store serves parties."""

import uuid

import pytest

pytestmark = [pytest.mark.django_db(databases="__all__"), pytest.mark.cassandra]


def api(city, *rest):
    return "/".join(["/api/parties", city, *map(str, rest)]) + "/"


def test_create_returns_201_with_the_party_and_list_shows_it_newest_first(client, city):
    first = client.post(
        api(city), {"name": "A", "date": "2025-01-01", "people": 2}, content_type="application/json"
    )
    second = client.post(api(city), {"name": "B", "date": "2025-02-01"}, content_type="application/json")

    assert first.status_code == 201
    body = first.json()
    assert uuid.UUID(body["id"])
    assert body | {"id": None} == {"id": None, "city": city, "name": "A", "date": "2025-01-01", "people": 2}
    assert second.json()["people"] == 0
    listed = client.get(api(city)).json()
    assert [p["name"] for p in listed] == ["B", "A"]


def test_get_and_delete_a_party(client, make_party):
    party = make_party(name="Gone soon")

    got = client.get(api(party.city, party.id))
    assert got.status_code == 200
    assert got.json()["name"] == "Gone soon"

    deleted = client.delete(api(party.city, party.id))
    assert deleted.status_code == 204
    assert client.get(api(party.city, party.id)).status_code == 404
    assert client.delete(api(party.city, party.id)).status_code == 404


@pytest.mark.parametrize("party_id", ["not-a-uuid", "6f1c2f0e-8d0a-4c3e-9b7a-2a5d1e9c4b10"])
def test_unknown_or_malformed_ids_are_a_json_404(client, city, party_id):
    for response in (
        client.get(api(city, party_id)),
        client.delete(api(city, party_id)),
        client.post(api(city, party_id, "people"), {"prev": 0, "delta": 1}, content_type="application/json"),
    ):
        assert response.status_code == 404
        assert "detail" in response.json()


def test_count_me_in_is_a_compare_and_set(client, store, make_party):
    party = make_party(people=5)
    url = api(party.city, party.id, "people")

    applied = client.post(url, {"prev": 5, "delta": 1}, content_type="application/json")
    stale = client.post(url, {"prev": 5, "delta": -1}, content_type="application/json")

    assert (applied.status_code, applied.json()) == (200, {"applied": True, "people": 6, "detail": ""})
    assert stale.status_code == 409
    assert stale.json() | {"detail": ""} == {"applied": False, "people": 6, "detail": ""}
    assert store.get(party.city, party.id).people == 6


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"prev": 5, "delta": 2}, 422, "delta: Value error, must be one of 1, -1"),
        ({"prev": 5, "delta": -2}, 422, "delta: Value error, must be one of 1, -1"),
        ({"prev": 5, "delta": True}, 422, "delta"),
        ({"prev": "5", "delta": 1}, 422, "prev"),
        ({"prev": 5, "delta": 1, "extra": 1}, 422, "extra"),
        ({"prev": 0, "delta": -1}, 409, "The count cannot go below 0."),
        ({"prev": -1, "delta": 1}, 422, "prev"),
        ({"prev": 5}, 422, "delta"),
        ({"prev": "five", "delta": 1}, 422, "prev"),
    ],
)
def test_bad_changes_are_4xx_with_a_reason_and_change_nothing(
    client, store, make_party, body, status, detail
):
    party = make_party(people=5)

    response = client.post(api(party.city, party.id, "people"), body, content_type="application/json")

    assert response.status_code == status
    assert detail in response.json()["detail"]
    assert store.get(party.city, party.id).people == 5


@pytest.mark.parametrize(
    "body",
    [
        {"name": "X", "date": "2025-13-01"},
        {"name": "", "date": "2025-01-01"},
        {"name": "  ", "date": "2025-01-01"},
        {"name": "X", "date": "2025-01-01", "people": -1},
        {"date": "2025-01-01"},
        {"name": "X" * 201, "date": "2025-01-01"},
        {"name": "Nul\u0000party", "date": "2025-01-01"},
    ],
)
def test_bad_parties_are_422_and_store_nothing(client, store, city, body):
    response = client.post(api(city), body, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["errors"]
    assert store.in_city(city) == []


@pytest.mark.parametrize("garbage", ["%FF%FE", "%C3%28", "Ber%25lin", "%07Bell"])
def test_a_city_in_a_path_is_a_name_not_percent_encoded_garbage(client, garbage):
    response = client.get(f"/api/parties/{garbage}/")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "city"
    assert response.json()["detail"]


def test_a_city_with_a_slash_cannot_be_named_in_a_path(client):
    assert client.get("/api/parties/a/b/c/d/").status_code == 404


# NUL in a path is refused before any view (config.middleware, 400); "new" is a city name
# the domain refuses (parties.services.city_name), a 422 naming the field like any other.
@pytest.mark.parametrize(("bad_city", "status"), [("Ber\u0000lin", 400), ("new", 422)])
def test_a_party_cannot_be_created_in_a_city_with_nul_or_named_new(client, store, bad_city, status):
    body = {"name": "X", "date": "2025-01-01"}

    response = client.post(api(bad_city), body, content_type="application/json")

    assert response.status_code == status
    assert response.json()["detail"]
    assert store.in_city(bad_city) == []


def test_a_city_with_nul_in_the_path_is_a_json_4xx_on_every_endpoint(client, make_party):
    party = make_party()
    city = "Ber\u0000lin"

    assert "NUL" in client.get(api(city)).json()["detail"]
    assert client.get(api(city, party.id)).status_code == 400
    assert client.delete(api(city, party.id)).status_code == 400
    assert client.post(api(city, party.id, "people"), {"prev": 0, "delta": 1},
                       content_type="application/json").status_code == 400
    assert client.get(api(party.city, party.id)).json()["people"] == 0
