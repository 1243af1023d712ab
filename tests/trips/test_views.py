import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from tests.support.trip_files import CLASSIC_HEADER, classic_line, load, write
from trips.models import Station, Trip

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def demo():
    call_command("populate", only=["trips"], verbosity=0)


def test_the_welcome_page_says_exactly_which_command_loads_data_when_empty(client):
    page = client.get(reverse("trips:index")).content.decode()

    assert "Hello there! Welcome to the django-snowflake Quickstart!" in page
    assert "python manage.py populate --only trips" in page
    assert "python manage.py load_trips" in page


def test_the_welcome_page_counts_trips_and_links_the_busiest_stations(client, demo):
    page = client.get(reverse("trips:index")).content.decode()

    assert "600 trips" in page
    assert "May 15, 2017" in page
    busiest = Station.objects.first()
    assert f'href="/trips/from/{busiest.slug}/"' in page


def test_the_quickstarts_graham_avenue_page_lists_ten_trips_newest_first_in_minutes(client, demo):
    response = client.get("/trips/from/graham-conselyea/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "10 Trips from the 'Graham Ave &amp; Conselyea St' Station" in page
    assert "<th>Start Station</th><th>End Station</th><th class=\"num\">Trip Duration (mins)</th>" in page
    newest = Trip.objects.filter(start_station_name="Graham Ave & Conselyea St").order_by("-starttime")[:10]
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 10
    for row, trip in zip(rows, newest, strict=True):
        assert f'<td class="num">{round(trip.tripduration / 60)}</td>' in row


def test_every_station_has_a_page_with_an_svg_chart_of_trips_per_hour(client, demo):
    station = Station.objects.get(name="Lorimer St & Broadway")

    page = client.get(reverse("trips:station", args=[station.slug])).content.decode()

    assert '<svg id="per-hour"' in page
    assert page.count("<rect ") == 24
    busiest_hour = max(range(24), key=lambda h: station.per_hour()[h])
    assert f"{busiest_hour}:00–{busiest_hour}:59: {station.per_hour()[busiest_hour]} trips" in page
    assert "<script" not in page  # drawn on the server, nothing fetched from a CDN


def test_an_unknown_station_is_a_404_page_suggesting_close_matches(client, demo):
    response = client.get("/trips/from/graham-conselya/")

    assert response.status_code == 404
    assert 'href="/trips/from/graham-ave-conselyea-st/"' in response.content.decode()


def test_a_slug_of_a_thousand_words_is_a_404_page_too(client, demo):
    words = [f"{a}{b}{c}" for a in "abcdefghij" for b in "abcdefghij" for c in "abcdefghij"]

    response = client.get(f"/trips/from/graham-conselyea-{'-'.join(words)}/")

    assert response.status_code == 404
    assert "<h1>No station" in response.content.decode()
    assert client.get(f"/api/trips/from/{'-'.join(words)}/").status_code in (404, 422)


def test_the_stations_page_searches_by_name(client, demo):
    page = client.get(reverse("trips:stations"), {"q": "graham"}).content.decode()

    assert "Graham Ave &amp; Conselyea St" in page and "Graham Ave &amp; Grand St" in page
    assert "Lorimer St" not in page
    assert "No station matches" in client.get(reverse("trips:stations"), {"q": "zzz"}).content.decode()


def test_the_admin_lists_trips_read_only(client, demo):
    admin = User.objects.create_superuser("admin", "a@example.com", "pw-for-tests-only")
    client.force_login(admin)

    listing = client.get("/admin/trips/trip/", {"q": "Conselyea", "usertype__exact": "Subscriber"})
    assert listing.status_code == 200
    assert "Graham Ave &amp; Conselyea St" in listing.content.decode()
    assert client.get("/admin/trips/trip/add/").status_code == 403
    trip = Trip.objects.first()
    detail = client.get(f"/admin/trips/trip/{trip.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()


def test_a_cached_station_page_shows_a_new_load_within_a_cache_check(client, demo, settings, tmp_path):
    import time

    from tests.support.trip_files import CLASSIC_HEADER, GRAHAM, classic_line, load, write

    settings.TRIPS_PAGE_CACHE_SECONDS = 0.05
    before = client.get("/trips/from/graham-conselyea/").content.decode()
    assert "2030-01-01" not in before

    load(write(tmp_path / "new.csv", CLASSIC_HEADER, [
        classic_line(3000, "2030-01-01 10:00:00", "2030-01-01 10:50:00", start_name=GRAHAM),
    ]))
    time.sleep(0.06)

    after = client.get("/trips/from/graham-conselyea/").content.decode()
    assert "2030-01-01 10:00" in after and '<td class="num">50</td>' in after


def test_the_station_chart_labels_its_count_axis_and_hours(client, demo):
    page = client.get("/trips/from/graham-conselyea/").content.decode()
    chart = page.split('<svg id="per-hour"')[1].split("</svg>")[0]

    assert ">Trips</text>" in chart and ">Hour of day (New York time)</text>" in chart
    assert '<text class="count-label"' in chart and '>0</text>' in chart
    assert [f">{h:02d}:00</text>" in chart for h in range(0, 24, 3)] == [True] * 8


def test_a_station_with_fewer_than_ten_trips_heads_its_page_with_how_many_it_shows(client, tmp_path):
    load(write(tmp_path / "two.csv", CLASSIC_HEADER, [
        classic_line(start="2018-12-01 08:00:00", stop="2018-12-01 08:10:00"),
        classic_line(start="2018-12-02 09:00:00", stop="2018-12-02 09:10:00"),
    ]))
    station = Station.objects.get(name="Grove St PATH")

    page = client.get(reverse("trips:station", args=[station.slug])).content.decode()

    assert "<h1>2 Trips from the 'Grove St PATH' Station</h1>" in page
    assert "10 Trips" not in page


def test_after_a_real_file_without_graham_avenue_every_station_link_on_the_welcome_page_answers(
    client, tmp_path
):
    load(write(tmp_path / "jc.csv", CLASSIC_HEADER, [classic_line()]))

    page = client.get(reverse("trips:index")).content.decode()
    links = set(re.findall(r'href="(/trips/from/[^"]+)"', page))

    assert links == {"/trips/from/grove-st-path/"}
    assert all(client.get(link).status_code == 200 for link in links)
