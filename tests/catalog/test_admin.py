import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from catalog.models import Author, Book

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    return client


def test_authors_are_searched_by_name_and_filtered_by_country(admin_client):
    Author.objects.create(name="J.R.R. Tolkien", country="United Kingdom")
    Author.objects.create(name="George R.R. Martin", country="United States")
    url = reverse("admin:catalog_author_changelist")

    searched = admin_client.get(url, {"q": "tolkien"}).content.decode()
    filtered = admin_client.get(url, {"country": "United States"}).content.decode()

    assert "J.R.R. Tolkien" in searched and "George R.R. Martin" not in searched
    assert "George R.R. Martin" in filtered and "J.R.R. Tolkien" not in filtered


def test_an_author_and_a_book_are_added_together_through_the_inline(admin_client):
    form = {
        "name": "Ursula K. Le Guin", "bio": "", "country": "United States",
        "book_set-TOTAL_FORMS": "1", "book_set-INITIAL_FORMS": "0",
        "book_set-MIN_NUM_FORMS": "0", "book_set-MAX_NUM_FORMS": "1000",
        "book_set-0-title": "A Wizard of Earthsea",
    }

    response = admin_client.post(reverse("admin:catalog_author_add"), form)

    assert response.status_code == 302, response.content.decode()[:2000]
    author = Author.objects.get()
    assert [b.title for b in author.book_set.all()] == ["A Wizard of Earthsea"]


def test_the_author_change_page_shows_the_book_inline(admin_client):
    author = Author.objects.create(name="J.K. Rowling")
    Book.objects.create(author=author, title="Harry Potter and the Chamber of Secrets")

    html = admin_client.get(reverse("admin:catalog_author_change", args=[author.pk])).content.decode()

    assert "Harry Potter and the Chamber of Secrets" in html


def test_a_too_long_name_is_a_form_error_not_a_crash(admin_client):
    form = {
        "name": "x" * 101, "bio": "", "country": "",
        "book_set-TOTAL_FORMS": "0", "book_set-INITIAL_FORMS": "0",
        "book_set-MIN_NUM_FORMS": "0", "book_set-MAX_NUM_FORMS": "1000",
    }

    response = admin_client.post(reverse("admin:catalog_author_add"), form)

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Author.objects.exists()


def test_books_are_searched_by_title_or_author(admin_client):
    author = Author.objects.create(name="George R.R. Martin")
    Book.objects.create(author=author, title="A Clash of Kings")

    html = admin_client.get(reverse("admin:catalog_book_changelist"), {"q": "martin"}).content.decode()

    assert "A Clash of Kings" in html
