"""Every page answers HEAD as it answers GET, without the body: monitors, load balancers and
`curl -I` probe pages that way (a 405 there reads as the site being broken)."""

import datetime

import pytest

from parties.store import get_store

pytestmark = pytest.mark.django_db(databases="__all__")

PAGES = ["/", "/counter/", "/counter/other/", "/bank/", "/catalog/", "/trips/", "/parties/",
         "/parties/Berlin/", "/parties/new/"]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_answers_head_with_the_status_and_headers_of_get_and_no_body(client, path):
    got, head = client.get(path), client.head(path)

    assert head.status_code == got.status_code == 200
    assert head["Content-Type"] == got["Content-Type"] and head.content == b""


@pytest.mark.parametrize("page", ["", "delete/"])
def test_a_partys_pages_answer_head_too(client, page):
    party = get_store().create(city="Headcity", name="Probe", date=datetime.date(2030, 1, 1), people=0)

    assert client.head(f"/parties/Headcity/{party.id}/{page}").status_code == 200
