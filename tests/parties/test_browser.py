"""A real Chromium against the live server: the flow a person clicks through."""

import datetime

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


def test_after_a_conflict_entering_the_address_again_leads_back_to_the_party(
    live_server, page, chromium, store, city
):
    party = store.create(city=city, name="Revisited", date=datetime.date(2025, 8, 1), people=1)
    detail_url = f"{live_server.url}{reverse('parties:detail', kwargs={'city': city, 'party_id': party.id})}"
    page.goto(detail_url)
    store.change_people(city, party.id, prev=1, delta=1)  # someone else counted in first
    page.click("#plus")
    assert "changed to 2" in page.text_content("#conflict")

    response = page.goto(page.url)  # Enter in the address bar: a GET of the form's address

    assert response.status == 405
    page.click(f'main a[href$="/{party.id}/"]')
    assert page.text_content("#people") == "2"


def test_a_create_sent_again_after_its_answer_was_lost_makes_one_party(
    live_server, page, chromium, store, city
):
    # A double-click, or a click again after a slow answer: the first request reaches the
    # server and creates the party, but the browser drops its answer and sends the form again.
    posts = []

    def first_answer_lost(route):
        posts.append(route.request.method)
        if len(posts) == 1:
            route.fetch()  # the server gets it; the page never sees the answer
            route.abort("aborted")
        else:
            route.continue_()

    page.goto(f"{live_server.url}{reverse('parties:new')}?city={city}")
    page.fill("#id_name", "Impatient party")
    page.fill("#id_date", "2025-08-01")
    page.route("**/parties/new/", first_answer_lost)
    page.click("#create")
    assert [p.name for p in store.in_city(city)] == ["Impatient party"]  # the page still shows the form

    page.click("#create")

    page.wait_for_url(f"**{reverse('parties:city', kwargs={'city': city})}")
    assert posts == ["POST", "POST"]
    assert [p.name for p in store.in_city(city)] == ["Impatient party"]
    assert "Impatient party is on the map." in page.text_content("main")
