import pytest

from counter.models import Counter

pytestmark = pytest.mark.django_db(databases="__all__")


def test_reading_a_counter_returns_its_name_and_value(client):
    Counter.objects.create(name="hello-world-button", value=7)

    response = client.get("/api/counter/hello-world-button/")

    assert response.status_code == 200
    assert response.json() == {"name": "hello-world-button", "value": 7}


def test_reading_an_unknown_counter_is_a_json_404(client):
    response = client.get("/api/counter/nobody/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "nobody" in response.json()["detail"]


def test_the_first_click_creates_the_counter_and_returns_one(client):
    response = client.post("/api/counter/fresh/click/")

    assert response.status_code == 200
    assert response.json() == {"name": "fresh", "value": 1}


def test_each_click_returns_the_value_after_that_click(client):
    values = [client.post("/api/counter/again/click/").json()["value"] for _ in range(3)]

    assert values == [1, 2, 3]
    assert Counter.objects.get(name="again").value == 3


@pytest.mark.parametrize("name", ["has%20space", "semi;colon", "x" * 101])
def test_a_name_that_is_not_a_short_slug_is_a_validation_error_naming_the_field(client, name):
    response = client.post(f"/api/counter/{name}/click/")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert not Counter.objects.exists()


def test_reading_with_post_only_endpoint_is_method_not_allowed(client):
    assert client.get("/api/counter/x/click/").status_code == 405


def test_the_openapi_schema_lists_the_counter_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    assert "/api/counter/{name}/" in paths
    assert "/api/counter/{name}/click/" in paths


def test_a_click_on_a_counter_at_its_maximum_is_a_409_and_the_value_stays_an_integer(client):
    Counter.objects.create(name="full", value=2**63 - 1)

    response = client.post("/api/counter/full/click/")

    assert response.status_code == 409
    assert "maximum" in response.json()["detail"]
    assert client.get("/api/counter/full/").json() == {"name": "full", "value": 2**63 - 1}
