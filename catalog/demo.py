"""Demo data for `manage.py populate`: the guide's three authors and seven books.

The guide's command bulk-created them on every run, so a second run doubled them; here
each author is found by name and each book by author and title, and only what is
missing is added. No bulk_create: on Snowflake it returns no ids, so the guide's books
would point at authors without a primary key.
"""

from catalog.models import Author, Book

AUTHORS = [
    (
        "J.R.R. Tolkien",
        "The creator of Middle-earth and author of The Lord of the Rings.",
        ["The Fellowship of the Ring", "The Two Towers", "The Return of the King"],
    ),
    (
        "George R.R. Martin",
        "The author of the epic fantasy series A Song of Ice and Fire.",
        ["A Game of Thrones", "A Clash of Kings"],
    ),
    (
        "J.K. Rowling",
        "The creator of the Harry Potter series.",
        ["Harry Potter and the Philosopher's Stone", "Harry Potter and the Chamber of Secrets"],
    ),
]


def seed(*, dry_run: bool, track=lambda obj, **key: None) -> dict[str, tuple[int, int]]:
    counts = {"authors": [0, 0], "books": [0, 0]}
    for name, bio, titles in AUTHORS:
        author = Author.objects.filter(name=name).order_by("id").first()
        counts["authors"][0 if author is None else 1] += 1
        if author is None and not dry_run:
            author = Author.objects.create(name=name, bio=bio)
            track(author)
        created, existing = _seed_books(author, titles, dry_run=dry_run, track=track)
        counts["books"][0] += created
        counts["books"][1] += existing
    return {what: tuple(pair) for what, pair in counts.items()}


def _seed_books(author, titles, *, dry_run, track):
    """(added or would add, already there) for one author's books."""
    there = set()
    if author is not None:
        there = set(author.book_set.filter(title__in=titles).values_list("title", flat=True))
    missing = [title for title in titles if title not in there]
    if missing and not dry_run:
        # One by one keeps created_at in the guide's order, which the pages and API sort by.
        for title in missing:
            track(Book.objects.create(author=author, title=title))
    return len(missing), len(there)
