import pytest
from django.core.management import call_command

from catalog.demo import AUTHORS
from catalog.models import Author

pytestmark = [pytest.mark.browser, pytest.mark.django_db(databases="__all__", transaction=True)]


def test_a_reader_goes_from_the_catalog_to_an_authors_books(live_server, page):
    call_command("populate", "--only", "catalog", verbosity=0)

    page.goto(f"{live_server.url}/catalog/")
    assert page.locator("#authors tbody tr").count() == len(AUTHORS)
    with page.expect_navigation():
        page.click("text=J.R.R. Tolkien")

    assert page.text_content("#author-name") == "J.R.R. Tolkien"
    assert page.locator("#books li").all_text_contents() == [
        "The Fellowship of the Ring", "The Two Towers", "The Return of the King",
    ]
    assert page.url.endswith(f"/catalog/authors/{Author.objects.get(name='J.R.R. Tolkien').pk}/")
