import pytest

from catalog.models import Author, Book

pytestmark = pytest.mark.django_db(databases="__all__")

JSON = "application/json"


def _author(name, **fields):
    return Author.objects.create(name=name, **fields)


def test_authors_are_a_plain_json_array_of_objects_not_a_double_encoded_string(client):
    author = _author("J.R.R. Tolkien", bio="Middle-earth.", country="United Kingdom")

    response = client.get("/api/catalog/authors/")

    assert response.status_code == 200
    [body] = response.json()
    assert set(body) == {"id", "name", "bio", "country", "created_at"}
    assert body["id"] == author.pk
    assert [body["name"], body["bio"], body["country"]] == [
        "J.R.R. Tolkien", "Middle-earth.", "United Kingdom",
    ]
    assert body["created_at"].startswith(str(author.created_at.year))


def test_authors_come_ordered_by_name_and_page_by_limit_and_offset(client):
    for name in ["Charlie", "Alice", "Bob", "Alice"]:
        _author(name)

    first = client.get("/api/catalog/authors/?limit=2")
    second = client.get("/api/catalog/authors/?limit=2&offset=2")

    assert [a["name"] for a in first.json()] == ["Alice", "Alice"]
    assert first.json()[0]["id"] < first.json()[1]["id"]
    assert [a["name"] for a in second.json()] == ["Bob", "Charlie"]
    assert first["X-Total-Count"] == "4"
    assert 'offset=2>; rel="next"' in first["Link"]
    assert 'offset=0>; rel="prev"' in second["Link"]
    assert "next" not in second["Link"]
    assert client.get("/api/catalog/authors/?offset=10").json() == []
    assert client.get(f"/api/catalog/authors/?offset={2**63 - 1}").json() == []


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "limit=abc", "offset=1e99"])
def test_a_bad_page_is_a_422_naming_the_parameter(client, query):
    response = client.get(f"/api/catalog/authors/?{query}")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == query.split("=")[0]


def test_an_authors_books_list_only_theirs_in_the_order_they_were_added(client):
    tolkien, martin = _author("J.R.R. Tolkien"), _author("George R.R. Martin")
    for title in ["The Two Towers", "The Return of the King"]:
        Book.objects.create(author=tolkien, title=title)
    Book.objects.create(author=martin, title="A Game of Thrones")

    response = client.get(f"/api/catalog/books/{tolkien.pk}/")

    assert response.status_code == 200
    books = response.json()
    assert [b["title"] for b in books] == ["The Two Towers", "The Return of the King"]
    assert set(books[0]) == {"id", "title", "author_id", "created_at"}
    assert {b["author_id"] for b in books} == {tolkien.pk}


def test_an_author_without_books_is_an_empty_list(client):
    assert client.get(f"/api/catalog/books/{_author('Nobody Yet').pk}/").json() == []


@pytest.mark.parametrize("author_id", ["424242", "0", "-1", "99999999999999999999999"])
def test_books_of_an_unknown_author_are_a_json_404(client, author_id):
    response = client.get(f"/api/catalog/books/{author_id}/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith(JSON)
    assert author_id in response.json()["detail"]


def test_books_of_a_non_numeric_author_id_is_a_422(client):
    response = client.get("/api/catalog/books/tolkien/")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "author_id"


def test_posting_an_author_creates_it_and_answers_201_with_the_object(client):
    body = {"name": "  Ursula K. Le Guin ", "bio": "Earthsea.", "country": "United States"}

    response = client.post("/api/catalog/authors/", body, content_type=JSON)

    assert response.status_code == 201
    created = response.json()
    author = Author.objects.get()
    assert created["id"] == author.pk
    assert (author.name, author.bio, author.country) == ("Ursula K. Le Guin", "Earthsea.", "United States")
    assert created["name"] == "Ursula K. Le Guin"


def test_an_author_needs_only_a_name(client):
    response = client.post("/api/catalog/authors/", {"name": "Terry Pratchett"}, content_type=JSON)

    assert response.status_code == 201
    assert (response.json()["bio"], response.json()["country"]) == ("", "")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": 42}, "name"),
        ({"name": None}, "name"),
        ({"name": "Ok", "country": "x" * 101}, "country"),
        ({"name": "Ok", "bio": "x" * 10_001}, "bio"),
        ({"name": "Nul\x00byte"}, "name"),
        ({"name": "Ok", "nationality": "UK"}, "nationality"),
    ],
)
def test_a_bad_author_is_a_422_naming_the_field_and_stores_nothing(client, body, field):
    response = client.post("/api/catalog/authors/", body, content_type=JSON)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not Author.objects.exists()


def test_a_hundred_character_name_is_accepted_whatever_the_alphabet(client):
    name = "é" * 99 + "字"

    response = client.post("/api/catalog/authors/", {"name": name}, content_type=JSON)

    assert response.status_code == 201
    assert Author.objects.get().name == name


@pytest.mark.parametrize("url", ["/api/catalog/authors/", "/api/catalog/books/"])
@pytest.mark.parametrize(("raw", "status"), [("{not json", 400), ("[1, 2]", 422), ('"Tolkien"', 422)])
def test_a_body_that_is_not_a_json_object_is_a_json_4xx(client, url, raw, status):
    response = client.post(url, raw, content_type=JSON)

    assert response.status_code == status
    assert response["Content-Type"].startswith(JSON)
    assert response.json()["detail"]
    assert not Author.objects.exists()


def test_posting_a_book_for_an_existing_author_answers_201_with_the_object(client):
    author = _author("J.K. Rowling")

    response = client.post(
        "/api/catalog/books/", {"title": "Harry Potter and the Chamber of Secrets", "author_id": author.pk},
        content_type=JSON,
    )

    assert response.status_code == 201
    book = Book.objects.get()
    assert response.json()["id"] == book.pk
    assert (response.json()["title"], response.json()["author_id"]) == (book.title, author.pk)
    assert client.get(f"/api/catalog/books/{author.pk}/").json()[0]["id"] == book.pk


def test_a_book_for_an_author_that_does_not_exist_is_a_404_and_stores_nothing(client):
    response = client.post("/api/catalog/books/", {"title": "Orphan", "author_id": 424242}, content_type=JSON)

    assert response.status_code == 404
    assert response.json()["detail"] == "No author with id 424242."
    assert not Book.objects.exists()


@pytest.mark.parametrize(
    "author_id", [0, -5, 2**63, 10**30, "1", True, 1.5, None],
)
def test_an_author_id_that_is_not_a_positive_bigint_is_a_422_and_stores_nothing(client, author_id):
    _author("Someone")  # id 1 may exist; "1" and True must still be refused as non-integers

    response = client.post(
        "/api/catalog/books/", {"title": "Orphan", "author_id": author_id}, content_type=JSON
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "author_id"
    assert not Book.objects.exists()


@pytest.mark.parametrize("title", ["", "  ", "x" * 201, None, ["list"]])
def test_a_bad_title_is_a_422_and_stores_nothing(client, title):
    author = _author("Someone")

    response = client.post("/api/catalog/books/", {"title": title, "author_id": author.pk}, content_type=JSON)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "title"
    assert not Book.objects.exists()


def test_the_openapi_schema_lists_the_catalog_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    assert {"get", "post"} <= set(paths["/api/catalog/authors/"])
    assert "/api/catalog/books/{author_id}/" in paths
    assert "post" in paths["/api/catalog/books/"]


def test_the_schema_says_adding_a_book_to_an_unknown_author_is_a_404(client):
    responses = client.get("/api/openapi.json").json()["paths"]["/api/catalog/books/"]["post"]["responses"]

    assert "404" in responses
