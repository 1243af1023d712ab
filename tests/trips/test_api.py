import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture(autouse=True)
def demo():
    call_command("populate", only=["trips"], verbosity=0)


def test_stations_are_searchable_by_part_of_their_name(client):
    body = client.get("/api/trips/stations/", {"q": "graham"}).json()

    assert {s["name"] for s in body} == {"Graham Ave & Conselyea St", "Graham Ave & Grand St"}
    assert all(s["url"] == f"/trips/from/{s['slug']}/" for s in body)


def test_trips_from_a_station_come_newest_first_with_minutes(client):
    body = client.get("/api/trips/from/graham-conselyea/", {"limit": 3}).json()

    assert body["station"]["name"] == "Graham Ave & Conselyea St"
    trips = body["trips"]
    assert len(trips) == 3
    assert [t["starttime"] for t in trips] == sorted((t["starttime"] for t in trips), reverse=True)
    assert all(t["minutes"] == round(t["tripduration"] / 60) for t in trips)


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_a_limit_outside_one_to_a_hundred_is_a_validation_error(client, limit):
    response = client.get("/api/trips/from/graham-conselyea/", {"limit": limit})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


def test_an_unknown_station_is_a_json_404_with_close_matches(client):
    response = client.get("/api/trips/from/graham-conselya/")

    assert response.status_code == 404
    assert "graham-ave-conselyea-st" in response.json()["detail"]


def test_a_slug_with_odd_characters_is_a_validation_error_not_a_500(client):
    assert client.get("/api/trips/from/Graham%20Ave/").status_code == 422
    assert client.get("/api/trips/stations/", {"q": "x" * 101}).status_code == 422
