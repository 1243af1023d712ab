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
