import pytest
from django.urls import reverse

from catalog.models import Author, Book
from catalog.views import AUTHORS_PER_PAGE

pytestmark = pytest.mark.django_db(databases="__all__")


def _tolkien():
    author = Author.objects.create(name="J.R.R. Tolkien", bio="Middle-earth.", country="United Kingdom")
    for title in ["The Fellowship of the Ring", "The Two Towers"]:
        Book.objects.create(author=author, title=title)
    return author


def test_the_catalog_lists_each_author_with_their_books(client):
    _tolkien()
    Author.objects.create(name="J.K. Rowling")

    html = client.get(reverse("catalog:index")).content.decode()

    assert "J.R.R. Tolkien" in html and "United Kingdom" in html
    assert html.index("The Fellowship of the Ring") < html.index("The Two Towers")
    assert "J.K. Rowling" in html and "No books yet" in html
    assert 'class="site-header"' in html  # through the base template


def test_an_empty_catalog_says_how_to_add_the_demo_data(client):
    html = client.get(reverse("catalog:index")).content.decode()

    assert "populate --only catalog" in html


def test_the_catalog_pages_its_authors_and_survives_a_junk_page_number(client):
    for i in range(AUTHORS_PER_PAGE + 1):
        Author.objects.create(name=f"Author {i:02}")

    first = client.get(reverse("catalog:index")).content.decode()
    second = client.get(reverse("catalog:index"), {"page": 2}).content.decode()

    assert "Author 00" in first and f"Author {AUTHORS_PER_PAGE:02}" not in first
    assert f"Author {AUTHORS_PER_PAGE:02}" in second and "Author 00" not in second
    assert client.get(reverse("catalog:index"), {"page": "junk"}).status_code == 200
    assert client.get(reverse("catalog:index"), {"page": 999}).status_code == 200


def test_an_author_page_shows_the_bio_country_and_books(client):
    author = _tolkien()

    response = client.get(reverse("catalog:author_detail", args=[author.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Middle-earth." in html and "United Kingdom" in html and "The Two Towers" in html
    assert f"/api/catalog/books/{author.pk}/" in html


@pytest.mark.parametrize("pk", [424242, 99999999999999999999999])
def test_an_unknown_author_is_a_404_page(client, pk):
    response = client.get(f"/catalog/authors/{pk}/")

    assert response.status_code == 404


def test_the_author_name_is_escaped(client):
    author = Author.objects.create(name="<script>alert(1)</script>")

    html = client.get(reverse("catalog:author_detail", args=[author.pk])).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_pages_refuse_writes(client):
    assert client.post(reverse("catalog:index")).status_code == 405
