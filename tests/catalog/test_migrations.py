"""The guide's schema change, replayed on the catalog's own alias.

Runs on whatever engine catalog is on: SQLite, PostgreSQL (CATALOG_DATABASE_URL or
DATABASE_URL) or Snowflake through fakesnow (`--fakesnow catalog`). No CockroachDB server
can run here; with CATALOG_DATABASE_URL=cockroachdb://... the same tests run against it.
"""

import pytest
from django.core.management import call_command
from django.db import connections, router
from django.db.migrations.executor import MigrationExecutor

from catalog.models import Author

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

INITIAL = ("catalog", "0001_initial")
COUNTRY = ("catalog", "0002_author_country")


def _migrate(alias, target):
    """Migrate catalog on `alias` to `target`; the historical apps at that state."""
    executor = MigrationExecutor(connections[alias])
    executor.migrate([target])
    executor.loader.build_graph()  # the applied set changed; re-read it
    return executor.loader.project_state([target]).apps


def _columns(alias, table):
    connection = connections[alias]
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return {column.name.lower() for column in description}


@pytest.fixture
def alias():
    alias = router.db_for_write(Author)
    yield alias
    # Whatever happened, leave the schema at the latest migration for the next test.
    _migrate(alias, COUNTRY)


def test_adding_country_keeps_every_existing_author_with_an_empty_country(alias):
    old = _migrate(alias, INITIAL)
    assert "country" not in _columns(alias, "catalog_author")
    OldAuthor, OldBook = old.get_model("catalog", "Author"), old.get_model("catalog", "Book")
    tolkien = OldAuthor.objects.using(alias).create(name="J.R.R. Tolkien", bio="Middle-earth.")
    OldAuthor.objects.using(alias).create(name="J.K. Rowling", bio="")
    OldBook.objects.using(alias).create(title="The Two Towers", author=tolkien)

    new = _migrate(alias, COUNTRY)

    NewAuthor, NewBook = new.get_model("catalog", "Author"), new.get_model("catalog", "Book")
    rows = NewAuthor.objects.using(alias).order_by("name").values_list("name", "bio", "country")
    assert list(rows) == [("J.K. Rowling", "", ""), ("J.R.R. Tolkien", "Middle-earth.", "")]
    assert NewBook.objects.using(alias).get().author.name == "J.R.R. Tolkien"
    # The current models see the same rows and can fill the new column.
    Author.objects.filter(name="J.K. Rowling").update(country="United Kingdom")
    assert Author.objects.get(name="J.K. Rowling").country == "United Kingdom"


def test_migrating_back_drops_only_the_country_column(alias):
    _migrate(alias, COUNTRY)
    author = Author.objects.create(name="George R.R. Martin", bio="Westeros.", country="United States")
    author.book_set.create(title="A Game of Thrones")

    old = _migrate(alias, INITIAL)

    assert "country" not in _columns(alias, "catalog_author")
    OldAuthor = old.get_model("catalog", "Author")
    rows = OldAuthor.objects.using(alias).values_list("name", "bio")
    assert list(rows) == [("George R.R. Martin", "Westeros.")]
    assert old.get_model("catalog", "Book").objects.using(alias).get().title == "A Game of Thrones"

    _migrate(alias, COUNTRY)
    assert Author.objects.get().country == ""


def test_the_models_need_no_migration_beyond_the_two_of_the_guide():
    # Exits with status 1 when the models and migrations disagree.
    call_command("makemigrations", "catalog", "--check", "--dry-run", verbosity=0)
