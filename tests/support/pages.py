"""Every page of the site, for tests that walk them all (tests/config/test_pages_fit.py)."""

import datetime

from django.contrib.auth.models import User
from django.core.management import call_command

from catalog.models import Author
from counter.models import Counter
from parties.store import get_store

GRAHAM = "/trips/from/graham-conselyea/"
# Before any data: the pages that then show how to add some (long commands in code blocks).
# Behind the admin's login (with the demo data in).
ADMIN_PAGES = ["/admin/", "/admin/trips/trip/", "/admin/bank/order/", "/admin/parties/party/add/"]
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


def log_in_to_the_admin(page, base_url):
    User.objects.create_superuser("walker", "walker@example.com", "walker-password-1")
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", "walker")
    page.fill("#id_password", "walker-password-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def horizontal_overflow(page) -> dict:
    """How wide the page is against the window it has; document.documentElement.scrollWidth
    above innerWidth means the page scrolls sideways."""
    return page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
