"""The pages, on whichever store serves parties (SQL, or Cassandra with --emulated-cassandra)."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.django_db(databases="__all__"), pytest.mark.cassandra]


def detail_url(party):
    return reverse("parties:detail", kwargs={"city": party.city, "party_id": party.id})


def people_url(party):
    return reverse("parties:people", kwargs={"city": party.city, "party_id": party.id})


def test_the_index_offers_a_browse_city_form_that_leads_to_the_city(client):
    page = client.get(reverse("parties:index"))
    assert page.status_code == 200
    assert "Browse city" in page.content.decode()
    assert '<link rel="stylesheet"' in page.content.decode()  # through base.html

    response = client.get(reverse("parties:index"), {"city": "  New   York "})

    assert response.status_code == 302
    assert response["Location"] == reverse("parties:city", kwargs={"city": "New York"})


def test_browsing_a_city_the_rules_refuse_is_a_400_showing_why_on_the_form(client):
    response = client.get(reverse("parties:index"), {"city": "new"})

    assert response.status_code == 400
    assert "is reserved for the new-party form" in response.content.decode()
    assert "Browse city" in response.content.decode()


def test_a_city_lists_its_parties_newest_first_with_dates_and_links(client, city, make_party):
    old = make_party(name="Old one", date=datetime.date(2024, 5, 1))
    new = make_party(name="New one", date=datetime.date(2025, 5, 1))

    html = client.get(reverse("parties:city", kwargs={"city": city})).content.decode()

    assert html.index("New one") < html.index("Old one")
    assert "2025-05-01" in html and "2024-05-01" in html
    assert detail_url(new) in html and detail_url(old) in html
    assert 'href="/parties/new/?city=' in html and reverse("parties:index") in html


def test_an_empty_city_says_nothing_turned_up(client, city):
    assert "Nothing turned up." in client.get(reverse("parties:city", kwargs={"city": city})).content.decode()


def test_the_new_form_is_prefilled_with_the_city(client, city):
    html = client.get(reverse("parties:new"), {"city": city}).content.decode()

    assert f'value="{city}"' in html


def test_creating_a_party_stores_it_and_redirects_to_its_city(client, store, city):
    response = client.post(
        reverse("parties:new"), {"city": city, "name": "Block party", "date": "2025-09-01", "people": "4"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("parties:city", kwargs={"city": city})
    [party] = store.in_city(city)
    assert (party.name, party.date, party.people) == ("Block party", datetime.date(2025, 9, 1), 4)
    assert "Block party is on the map." in client.get(response["Location"]).content.decode()


def _new_party_form(client, city, **values):
    """What the new-party page's form sends, its hidden key included."""
    html = client.get(reverse("parties:new"), {"city": city}).content.decode()
    [form_key] = re.findall(r'<input type="hidden" name="form_key" value="([^"]+)"', html)
    return {"form_key": form_key, "city": city, "name": "Block party", "date": "2025-09-01",
            "people": "4", **values}


def test_the_form_sent_twice_makes_one_party_and_both_answers_lead_to_it(client, store, city):
    form = _new_party_form(client, city)

    first, second = client.post(reverse("parties:new"), form), client.post(reverse("parties:new"), form)

    [party] = store.in_city(city)
    assert (party.name, party.people) == ("Block party", 4)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("parties:city", kwargs={"city": city})


def test_the_form_sent_again_with_another_name_makes_a_second_party(client, store, city):
    form = _new_party_form(client, city)
    client.post(reverse("parties:new"), form)

    client.post(reverse("parties:new"), {**form, "name": "After party"})

    parties = store.in_city(city)
    assert sorted(p.name for p in parties) == ["After party", "Block party"]
    assert parties[0].id != parties[1].id


def test_the_same_form_key_in_another_city_makes_a_party_there_with_an_id_of_its_own(client, store, city):
    form = _new_party_form(client, city)
    client.post(reverse("parties:new"), form)

    client.post(reverse("parties:new"), {**form, "city": f"{city} North"})

    [here], [there] = store.in_city(city), store.in_city(f"{city} North")
    assert here.name == there.name == "Block party"
    assert here.id != there.id


@pytest.mark.parametrize("form_key", [None, "", "not-a-uuid"], ids=["missing", "empty", "mangled"])
def test_a_form_without_a_usable_key_still_makes_the_party(client, store, city, form_key):
    form = {"city": city, "name": "Block party", "date": "2025-09-01", "people": "4"}
    if form_key is not None:
        form["form_key"] = form_key

    assert client.post(reverse("parties:new"), form).status_code == 302
    assert [p.name for p in store.in_city(city)] == ["Block party"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "01/09/2025", "Enter a valid date."),
        ("date", "2025-02-30", "Enter a valid date."),
        ("people", "-1", "greater than or equal to 0"),
        ("people", "lots", "Enter a whole number."),
        ("name", "   ", "This field is required."),
        ("city", "a/b", "cannot contain"),
        ("city", "new", "reserved for the new-party form"),
        ("city", "..", "cannot be a city"),
        ("city", " . ", "cannot be a city"),
    ],
)
def test_a_bad_field_re_renders_the_form_with_the_error_and_stores_nothing(
    client, store, city, field, value, message
):
    data = {"city": city, "name": "Block party", "date": "2025-09-01", "people": "4", field: value}

    response = client.post(reverse("parties:new"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'class="errorlist' in response.content.decode()
    assert store.in_city(city) == []


def test_the_detail_page_shows_the_party_with_plus_and_minus(client, make_party):
    party = make_party(name="Garden party", date=datetime.date(2025, 6, 1), people=2)

    html = client.get(detail_url(party)).content.decode()

    assert "Garden party" in html and "2025-06-01" in html
    assert '<span id="people">2</span>' in html
    assert 'id="plus"' in html and 'id="minus"' in html
    assert reverse("parties:city", kwargs={"city": party.city}) in html


def test_minus_is_hidden_at_zero(client, make_party):
    html = client.get(detail_url(make_party(people=0))).content.decode()

    assert 'id="plus"' in html and 'id="minus"' not in html


@pytest.mark.parametrize("party_id", ["not-a-uuid", "1234", "6f1c2f0e-8d0a-4c3e-9b7a-2a5d1e9c4b10"])
def test_unknown_or_malformed_party_ids_are_a_404_page(client, city, party_id):
    for url in (
        reverse("parties:detail", kwargs={"city": city, "party_id": party_id}),
        reverse("parties:delete", kwargs={"city": city, "party_id": party_id}),
    ):
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("parties:people", kwargs={"city": city, "party_id": party_id}), {"prev": 0, "delta": 1}
    )
    assert response.status_code == 404


def test_plus_one_applies_and_redirects_to_the_detail_page(client, store, make_party):
    party = make_party(people=2)

    response = client.post(people_url(party), {"prev": 2, "delta": 1})

    assert response.status_code == 302
    assert response["Location"] == detail_url(party)
    assert store.get(party.city, party.id).people == 3


def test_a_stale_click_says_the_count_changed_and_shows_the_new_value(client, store, make_party):
    party = make_party(people=2)
    client.post(people_url(party), {"prev": 2, "delta": 1})

    response = client.post(people_url(party), {"prev": 2, "delta": 1})

    html = response.content.decode()
    assert response.status_code == 409
    assert "The count changed to 3" in html
    assert '<span id="people">3</span>' in html
    assert '<input type="hidden" name="prev" value="3">' in html  # the next click uses the new value
    assert store.get(party.city, party.id).people == 3


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"prev": 2, "delta": 2}, "delta must be +1 or -1, not 2."),
        ({"prev": 2, "delta": "x"}, "Enter a whole number."),
        ({"prev": 2}, "This field is required."),
        ({"prev": -3, "delta": 1}, "greater than or equal to 0"),
        ({"prev": 0, "delta": -1}, "The count cannot go below 0."),
    ],
)
def test_bad_deltas_are_a_400_with_the_reason_and_change_nothing(client, store, make_party, data, reason):
    party = make_party(people=2)

    response = client.post(people_url(party), data)

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert store.get(party.city, party.id).people == 2


def test_mutations_need_post_and_the_csrf_token(make_party, store):
    party = make_party(people=2)
    strict = Client(enforce_csrf_checks=True)

    assert strict.get(people_url(party), {"prev": 2, "delta": 1}).status_code == 405
    assert strict.post(people_url(party), {"prev": 2, "delta": 1}).status_code == 403
    delete_url = reverse("parties:delete", kwargs={"city": party.city, "party_id": party.id})
    assert strict.post(delete_url).status_code == 403
    assert (
        strict.post(reverse("parties:new"), {"city": "X", "name": "Y", "date": "2025-01-01"}).status_code
        == 403
    )
    assert store.get(party.city, party.id).people == 2


def test_the_forms_carry_the_csrf_token(client, make_party):
    party = make_party(people=1)
    delete_url = reverse("parties:delete", kwargs={"city": party.city, "party_id": party.id})

    for url in (detail_url(party), delete_url, reverse("parties:new")):
        assert "csrfmiddlewaretoken" in client.get(url).content.decode()


def test_deleting_asks_first_then_deletes_on_post(client, store, make_party):
    party = make_party(name="Doomed")
    delete_url = reverse("parties:delete", kwargs={"city": party.city, "party_id": party.id})

    confirm = client.get(delete_url)
    assert confirm.status_code == 200
    assert "Delete Doomed?" in confirm.content.decode()
    assert store.get(party.city, party.id)

    response = client.post(delete_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("parties:city", kwargs={"city": party.city})
    assert store.in_city(party.city) == []
    assert "Doomed was deleted." in client.get(response["Location"]).content.decode()


def test_the_whole_flow_through_links(client, city):
    html = client.get(reverse("parties:city", kwargs={"city": city})).content.decode()
    new_url = re.search(r'href="(/parties/new/\?city=[^"]+)"', html).group(1)
    assert client.get(new_url).status_code == 200
    client.post(reverse("parties:new"), {"city": city, "name": "Flow", "date": "2025-01-02", "people": 0})

    html = client.get(reverse("parties:city", kwargs={"city": city})).content.decode()
    party_url = re.search(r'href="(/parties/[^"]+/[0-9a-f-]{36}/)"', html).group(1)

    assert "Flow" in client.get(party_url).content.decode()


def test_a_city_with_nul_in_the_url_is_a_400_and_changes_nothing(client, make_party):
    party = make_party(people=1)
    key = {"city": "Ber\u0000lin", "party_id": party.id}

    response = client.get(reverse("parties:city", kwargs={"city": key["city"]}))

    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert client.get(reverse("parties:detail", kwargs=key)).status_code == 400
    assert client.get(reverse("parties:delete", kwargs=key)).status_code == 400
    assert client.post(reverse("parties:delete", kwargs=key)).status_code == 400
    assert client.post(reverse("parties:people", kwargs=key), {"prev": 1, "delta": 1}).status_code == 400
    assert client.get(detail_url(party)).status_code == 200


def test_a_city_address_spaced_differently_redirects_to_the_city_the_api_lists(client, make_party):
    party = make_party(name="Spaced")

    response = client.get(f"/parties/%20{party.city}%20/")

    assert response.status_code == 302
    assert response["Location"] == reverse("parties:city", kwargs={"city": party.city})
    assert "Spaced" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("path, reason", [
    ("/parties/%FF%FE/", "percent-escapes"), ("/parties/a%25b/", "percent-escapes"),
    ("/parties/%20/", "Name a city."),
])
def test_a_city_address_that_is_no_city_name_is_a_400_saying_why(client, path, reason):
    response = client.get(path)

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert "/parties/new/?city=" not in response.content.decode()


def test_opening_the_people_address_a_conflict_left_in_the_address_bar_is_a_page_back_to_the_party(
    client, make_party, store
):
    party = make_party(people=2)

    response = client.get(people_url(party))

    assert response.status_code == 405  # a visit counts nobody in
    assert response["Allow"] == "POST"
    assert f'href="{detail_url(party)}"' in response.content.decode()
    assert "site-header" in response.content.decode()  # the site's page, not the browser's own error
    assert store.get(party.city, party.id).people == 2
