"""The SQL store's own guarantees: the database itself refuses a negative count, and the
admin. Skipped when parties is on Cassandra."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from parties.models import Party
from tests.support.parties import needs_sql

pytestmark = [pytest.mark.django_db(databases="__all__"), needs_sql]


def test_the_database_refuses_a_negative_count_even_past_the_store(make_party):
    party = make_party(people=0)

    with pytest.raises(IntegrityError), transaction.atomic(using=Party.objects.db):
        Party.objects.filter(id=party.id).update(people=-1)

    assert Party.objects.get(id=party.id).people == 0


def test_the_admin_lists_searches_and_filters_parties_by_city(client, make_party, city):
    make_party(name="Rooftop techno", date=datetime.date(2025, 7, 12))
    make_party(name="Boat party", city=f"{city} North")
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))

    listing = client.get("/admin/parties/party/", {"q": "rooftop"}).content.decode()
    filtered = client.get("/admin/parties/party/", {"city": f"{city} North"}).content.decode()

    assert "Rooftop techno" in listing and "Boat party" not in listing
    assert "Boat party" in filtered and "Rooftop techno" not in filtered


@pytest.mark.parametrize(("city", "name", "people", "field"), [
    ("Foo/Bar", "Slash party", 1, "city"), ("  ", "Blank city", 1, "city"),
    ("Berlin", "   ", 1, "name"), ("Berlin", "Too many", 2**31, "people"),
])
def test_the_admin_refuses_a_party_the_pages_could_not_show(client, city, name, people, field):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))

    response = client.post("/admin/parties/party/add/",
                           {"city": city, "name": name, "date": "2027-01-01", "people": people})

    assert response.status_code == 200  # the form again, with the error
    assert field in response.context["adminform"].form.errors
    assert not Party.objects.exists()
    assert client.get("/parties/").status_code == 200


def test_the_admin_saves_a_party_with_the_pages_spelling_of_its_city(client):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))

    client.post("/admin/parties/party/add/",
                {"city": "  New   York ", "name": " Roof ", "date": "2027-01-01", "people": 3})

    assert list(Party.objects.values_list("city", "name", "people")) == [("New York", "Roof", 3)]


def test_a_day_too_big_for_a_date_in_the_admin_drill_down_is_a_bad_filter_not_a_500(client):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))

    drill_down = {"date__year": "2025", "date__month": "7", "date__day": "9" * 20}
    response = client.get("/admin/parties/party/", drill_down)

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
