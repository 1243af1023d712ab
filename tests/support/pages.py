"""Every page of the site, for tests that walk them all (tests/config/test_pages_fit.py)."""

import datetime

from django.core.management import call_command

from catalog.models import Author
from counter.models import Counter
from parties.store import get_store

GRAHAM = "/trips/from/graham-conselyea/"
# Before any data: the pages that then show how to add some (long commands in code blocks).
EMPTY_PAGES = ["/trips/", "/trips/stations/", "/catalog/", "/parties/Nowhere/", "/bank/"]


def every_page() -> list[str]:
    """The demo data (added here), then one URL of each kind of page: each app's pages with
    real rows in them, the 404 pages, the API docs, /healthz and the admin's login."""
    call_command("populate", verbosity=0)
    # The widest things a visitor can put on a page: a huge count, a long unbroken name.
    Counter.objects.create(name="a-named-counter", value=123_456_789_012)
    today = datetime.date.today()
    party = get_store().create(city="Berlin", name="Afterparty" * 10, date=today, people=10**9)
    party_page = f"/parties/Berlin/{party.id}/"
    return [
        "/", "/counter/", "/counter/a-named-counter/",
        "/trips/", "/trips/stations/", "/trips/stations/?q=graham", GRAHAM,
        "/trips/from/nowhere-near-anything/",
        "/bank/",
        "/parties/", "/parties/Berlin/", party_page, f"{party_page}delete/", "/parties/new/",
        "/catalog/", *[f"/catalog/authors/{pk}/" for pk in Author.objects.values_list("pk", flat=True)],
        "/api/docs", "/healthz", "/admin/login/", "/no-such-page/",
    ]


def horizontal_overflow(page) -> dict:
    """How wide the page is against the window it has; document.documentElement.scrollWidth
    above innerWidth means the page scrolls sideways."""
    return page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
