"""The API convention every app follows: errors are JSON with a readable detail."""

import pytest

pytestmark = pytest.mark.django_db(databases="__all__")


def test_the_plain_json_endpoint_answers_without_a_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/api/ping/")

    assert response.json() == {"status": "ok"}


def test_the_schema_and_the_docs_are_served(client):
    assert client.get("/api/openapi.json").json()["info"]["title"] == "Django database tutorials"
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content  # Swagger UI comes from our own static files


def test_an_unknown_api_url_is_a_json_404(client):
    response = client.get("/api/nothing/here/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No endpoint at /api/nothing/here/."}


def test_the_api_root_is_a_json_404_pointing_at_the_docs(client):
    response = client.get("/api/")

    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No endpoint at /api/. The endpoints are listed at /api/docs."}


def test_a_post_without_the_trailing_slash_is_a_json_404_that_names_the_right_url(client):
    response = client.post("/api/counter/x/click", content_type="application/json")

    assert response.status_code == 404
    assert "Did you mean /api/counter/x/click/ ?" in response.json()["detail"]


def test_a_wrong_method_is_a_json_405_with_the_allowed_ones(client):
    response = client.put("/api/counter/x/click/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "PUT is not allowed here" in response.json()["detail"]


def test_malformed_json_is_a_json_400(api_client):
    response = api_client.post("/api/catalog/authors/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_body_over_the_upload_limit_is_a_json_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api_client.post("/api/catalog/authors/", '{"name": "' + "x" * 2000 + '"}',
                           content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
