from io import StringIO

import pytest
from django.core.management import call_command

from catalog.demo import AUTHORS
from catalog.models import Author, Book

pytestmark = pytest.mark.django_db(databases="__all__")


def _populate(*args):
    out = StringIO()
    call_command("populate", "--only", "catalog", *args, stdout=out)
    return out.getvalue()


def _catalog():
    return sorted(Book.objects.values_list("author__name", "author__bio", "title"))


def test_populate_adds_the_guides_three_authors_and_seven_books(client):
    output = _populate()

    assert sorted(Author.objects.values_list("name", flat=True)) == [
        "George R.R. Martin", "J.K. Rowling", "J.R.R. Tolkien",
    ]
    assert Book.objects.count() == 7
    tolkien = Author.objects.get(name="J.R.R. Tolkien")
    assert tolkien.bio == "The creator of Middle-earth and author of The Lord of the Rings."
    assert tolkien.country == ""
    titles = [b["title"] for b in client.get(f"/api/catalog/books/{tolkien.pk}/").json()]
    assert titles == ["The Fellowship of the Ring", "The Two Towers", "The Return of the King"]
    assert "catalog: authors: added 3, already there 0" in output
    assert "catalog: books: added 7, already there 0" in output


def test_populating_twice_adds_nothing_and_says_so():
    _populate()
    before = _catalog()

    output = _populate()

    assert _catalog() == before
    assert Author.objects.count() == 3 and Book.objects.count() == 7
    assert "catalog: demo data was added to this database before; not adding it again" in output
    assert "Nothing to add" in output


def test_a_dry_run_reports_what_it_would_add_and_writes_nothing():
    output = _populate("--dry-run")

    assert not Author.objects.exists() and not Book.objects.exists()
    assert "catalog: authors: would add 3, already there 0" in output
    assert "catalog: books: would add 7, already there 0" in output


def test_populate_leaves_a_catalog_with_data_of_its_own_alone():
    tolkien = Author.objects.create(name="J.R.R. Tolkien", bio="Edited by hand.", country="United Kingdom")
    Book.objects.create(author=tolkien, title="The Two Towers")

    output = _populate()

    assert "catalog: has data of its own; demo data not added." in output
    tolkien.refresh_from_db()
    assert (tolkien.bio, tolkien.country) == ("Edited by hand.", "United Kingdom")
    assert Author.objects.count() == 1 and Book.objects.count() == 1


def test_the_demo_data_fits_the_columns():
    for name, bio, titles in AUTHORS:
        assert len(name) <= 100 and all(len(t) <= 200 for t in titles) and bio
