"""A real Chromium against the live server: the flow a person clicks through."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db(databases="__all__", transaction=True), pytest.mark.browser]


def test_two_tabs_clicking_plus_one_on_the_same_count_the_second_is_told_it_changed(
    live_server, page, chromium, store, city
):
    page.goto(f"{live_server.url}{reverse('parties:new')}?city={city}")
    page.fill("#id_name", "Browser party")
    page.fill("#id_date", "2025-08-01")
    page.click("#create")
    page.click('#parties a:has-text("Browser party")')
    detail_url = page.url

    page.click("#plus")
    assert page.text_content("#people") == "1"
    page.click("#plus")
    assert page.text_content("#people") == "2"

    other = page.context.new_page()
    other.goto(detail_url)
    page.goto(detail_url)
    page.click("#plus")
    assert page.text_content("#people") == "3"

    other.click("#plus")

    assert "The count changed to 3" in other.text_content("#conflict")
    assert other.text_content("#people") == "3"
    [party] = store.in_city(city)
    assert party.people == 3
    other.click("#plus")  # the page now holds the new count, so this click counts
    assert other.text_content("#people") == "4"
    assert store.get(city, party.id).people == 4
