import pytest

from tests.support.pages import (
    ADMIN_PAGES,
    EMPTY_PAGES,
    GRAHAM,
    every_page,
    horizontal_overflow,
    log_in_to_the_admin,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(databases="__all__", transaction=True)]

SCREENS = pytest.mark.parametrize("page", [390, 1280], indirect=True, ids=["phone-390", "desktop-1280"])


def _open(page, url):
    response = page.goto(url)
    if "/api/docs" in url:
        page.wait_for_selector(".opblock")  # Swagger UI has drawn the operations
    return response


def _too_wide(page, base_url, paths) -> dict:
    width = page.viewport_size["width"]
    wide = {}
    for path in paths:
        response = _open(page, f"{base_url}{path}")
        assert response.status < 500, f"{path} answered {response.status}"
        size = horizontal_overflow(page)
        # innerWidth grows past the phone's width when a page lacks a viewport meta tag.
        if size["scroll"] > size["inner"] or size["inner"] != width:
            wide[path] = size
    return wide


@SCREENS
def test_no_page_scrolls_sideways_on_a_phone_or_a_desktop(live_server, page):
    empty = _too_wide(page, live_server.url, EMPTY_PAGES)
    full = _too_wide(page, live_server.url, every_page())
    log_in_to_the_admin(page, live_server.url)
    admin = _too_wide(page, live_server.url, ADMIN_PAGES)

    assert (empty, full, admin) == ({}, {}, {}), f"pages wider than {page.viewport_size['width']} px"


@pytest.mark.parametrize("page", [390], indirect=True)
def test_the_station_chart_is_readable_on_a_phone(live_server, page):
    every_page()
    _open(page, f"{live_server.url}{GRAHAM}")

    chart = page.locator("#per-hour")
    assert chart.bounding_box()["width"] <= 390
    assert chart.locator("text.axis-title").all_text_contents() == ["Hour of day (New York time)", "Trips"]
    assert chart.locator("text.hour-label").all_text_contents()[:3] == ["00:00", "03:00", "06:00"]
    assert chart.locator("text.count-label").first.text_content() == "0"
    # Scaled down to the phone, the labels are still at least 8 CSS pixels tall.
    assert chart.locator("text.hour-label").first.bounding_box()["height"] >= 8
