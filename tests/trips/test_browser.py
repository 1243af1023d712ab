import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(databases="__all__", transaction=True)]


def test_a_visitor_searches_a_station_and_sees_its_trips_and_chart(live_server, page):
    call_command("populate", only=["trips"], verbosity=0)

    page.goto(f"{live_server.url}/trips/stations/")
    page.fill("#q", "conselyea")
    page.click("button[type=submit]")
    page.click("text=Graham Ave & Conselyea St")

    assert page.locator("h1").inner_text() == "10 Trips from the 'Graham Ave & Conselyea St' Station"
    assert page.locator("#trips tbody tr").count() == 10
    assert page.locator("#per-hour rect").count() == 24
