"""Authors and books beyond fetch-and-render, for the API and the pages: keyword-only,
refusing with common.errors (config.api and common.pages answer them)."""

from django.db import IntegrityError, router, transaction
from django.db.models import Prefetch, QuerySet

from catalog.models import BOOK_ORDER, Author, Book
from common.errors import NotFound


def with_books() -> QuerySet:
    """Authors, each with `books` in the catalog's order, in one extra query."""
    return Author.objects.prefetch_related(
        Prefetch("book_set", queryset=Book.objects.order_by(*BOOK_ORDER), to_attr="books")
    )


def author(*, pk: int) -> Author:
    """One author with their books, or NotFound."""
    found = with_books().filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No author with id {pk}.")
    return found


def books_of(*, author_id: int) -> QuerySet:
    """An author's books in the catalog's order, or NotFound when there is no such author."""
    if not Author.objects.filter(pk=author_id).exists():
        raise NotFound(f"No author with id {author_id}.")
    return Book.objects.filter(author_id=author_id).order_by(*BOOK_ORDER)


def create_book(*, title: str, author_id: int) -> Book:
    """A new book of an existing author, or NotFound."""
    unknown = NotFound(f"No author with id {author_id}.")
    if not Author.objects.filter(pk=author_id).exists():
        raise unknown
    try:
        with transaction.atomic(using=router.db_for_write(Book)):
            return Book.objects.create(title=title, author_id=author_id)
    except IntegrityError:
        # The author was deleted between the check and the insert (engines with FKs).
        raise unknown from None
