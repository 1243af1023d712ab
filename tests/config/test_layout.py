import re
from decimal import Decimal
from pathlib import Path

import pytest

from bank.models import Account, Customer
from counter.models import DEFAULT_NAME, Counter
from trips.models import Station

pytestmark = pytest.mark.django_db(databases="__all__")

NAV_CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>')


def current_app(page: str) -> list[tuple[str, str]]:
    return NAV_CURRENT.findall(page)


@pytest.mark.parametrize(("path", "link", "label"), [
    ("/counter/", "/counter/", "Counter"),
    ("/counter/some-name/", "/counter/", "Counter"),
    ("/trips/", "/trips/", "Trips"),
    ("/trips/stations/", "/trips/", "Trips"),
    ("/bank/", "/bank/", "Bank"),
    ("/parties/", "/parties/", "Parties"),
    ("/parties/new/", "/parties/", "Parties"),
    ("/catalog/", "/catalog/", "Catalog"),
    ("/api/docs", "/api/docs", "API"),
])
def test_the_navigation_marks_the_app_the_page_belongs_to(client, path, link, label):
    page = client.get(path).content.decode()

    assert current_app(page) == [(link, label)]


def test_a_cached_station_page_marks_trips_too(client):
    Station.objects.create(slug="a-b", short_slug="a-b", name="A & B", trips=1, hours=",".join(["0"] * 24))

    for _ in range(2):  # built, then served from the page cache
        assert current_app(client.get("/trips/from/a-b/").content.decode()) == [("/trips/", "Trips")]


def test_the_home_page_and_healthz_mark_no_app(client):
    assert current_app(client.get("/").content.decode()) == []
    assert current_app(client.get("/healthz", HTTP_ACCEPT="text/html").content.decode()) == []


def test_every_page_links_the_favicon_which_is_served(client, settings):
    # Serve static files from the source folders, as runserver does (tests run with DEBUG off).
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    page = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)

    svg = client.get(icon)
    assert svg.status_code == 200 and b"<svg" in b"".join(svg.streaming_content)
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 302
    ico = client.get(redirect["Location"])
    assert ico.status_code == 200 and b"".join(ico.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_big_numbers_have_thousands_separators(client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("staff", "s@example.com", "pw"))  # the bank's figures
    Counter.objects.create(name=DEFAULT_NAME, value=1234567)
    customer = Customer.objects.create(name="Carl")
    Account.objects.create(customer=customer, balance=Decimal("1234.50"))
    hours = ",".join(["0"] * 23 + ["12345"])
    Station.objects.create(slug="big-one", short_slug="big-one", name="Big One", trips=12345, hours=hours)

    assert "Hello World! (1,234,567x)" in client.get("/counter/").content.decode()
    bank = client.get("/bank/").content.decode()
    assert '<td class="num" data-label="Money in accounts">1,234.50</td>' in bank
    station = client.get("/trips/from/big-one/").content.decode()
    assert "12,345 trips start here." in station
    assert "23:00–23:59: 12,345 trips" in station
    assert '<td class="num">12,345</td>' in client.get("/trips/stations/").content.decode()


def test_no_template_hard_codes_an_api_link():
    # Links are reversed by name ({% url %}), so a moved route cannot leave a dead link behind.
    root = Path(__file__).resolve().parents[2]
    templates = [p for p in root.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    assert templates
    assert [str(p.relative_to(root)) for p in templates if 'href="/api' in p.read_text()] == []
