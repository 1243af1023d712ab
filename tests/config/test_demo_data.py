"""Demo data that knows its place: added once to empty apps, removable exactly."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from bank.models import Account, Customer, Product, Transfer
from catalog.models import Author, Book
from config.demo import database_key
from config.models import DemoRow, DemoSeed
from counter.models import Counter
from parties.models import Party

pytestmark = pytest.mark.django_db(databases="__all__")


def populate(*args):
    out = StringIO()
    call_command("populate", *args, stdout=out)
    return out.getvalue()


def test_populate_adds_demo_data_only_to_empty_apps():
    Author.objects.create(name="Ursula K. Le Guin")

    out = populate("--only", "catalog", "--only", "counter")

    assert "catalog: has data of its own; demo data not added." in out
    assert "counter: counters: added 1, already there 0" in out
    assert list(Author.objects.values_list("name", flat=True)) == ["Ursula K. Le Guin"]
    assert not DemoSeed.objects.filter(app="catalog").exists()


def test_a_deleted_demo_row_never_comes_back():
    populate("--only", "parties")
    Party.objects.filter(name="Rooftop techno").delete()

    out = populate("--only", "parties")

    assert "parties: demo data was added to this database before; not adding it again" in out
    assert not Party.objects.filter(name="Rooftop techno").exists()


def test_a_dry_run_records_nothing_in_the_ledger():
    populate("--only", "bank", "--dry-run")

    assert not Customer.objects.exists() and not DemoSeed.objects.exists()
    assert "bank: customers: added 3" in populate("--only", "bank")


def test_remove_takes_out_exactly_the_demo_rows_of_one_app():
    populate("--only", "bank", "--only", "counter")
    mine = Customer.objects.create(name="Mine")
    Account.objects.create(customer=mine, balance=Decimal(5))

    out = populate("--remove", "--only", "bank")

    assert "bank: removed 12 demo rows." in out
    assert list(Customer.objects.values_list("name", flat=True)) == ["Mine"]
    assert Account.objects.count() == 1 and not Product.objects.exists()
    assert Counter.objects.count() == 1  # counter was not asked for
    assert not DemoRow.objects.filter(seed__app="bank").exists()
    assert "not adding it again" in populate("--only", "bank")


def test_remove_keeps_demo_rows_that_the_users_own_rows_still_use():
    populate("--only", "bank", "--only", "catalog")
    carl_accounts = list(Account.objects.filter(customer__name="Carl").order_by("balance"))
    Transfer.objects.create(source=carl_accounts[1], destination=carl_accounts[0], amount=Decimal(1))
    tolkien = Author.objects.get(name="J.R.R. Tolkien")
    Book.objects.create(author=tolkien, title="The Hobbit")

    out = populate("--remove")

    assert "bank: removed 9 demo rows; kept 3 that rows of your own still use." in out
    assert set(Customer.objects.values_list("name", flat=True)) == {"Carl"}
    assert Account.objects.count() == 2 and Transfer.objects.count() == 1
    assert list(Author.objects.values_list("name", flat=True)) == ["J.R.R. Tolkien"]
    assert list(Book.objects.values_list("title", flat=True)) == ["The Hobbit"]
    assert "catalog: removed 9 demo rows; kept 1 that rows of your own still use." in out


def test_remove_with_nothing_seeded_says_so():
    out = populate("--remove", "--only", "counter")

    assert "counter: no demo data to remove." in out


def test_the_ledger_tells_databases_apart_and_never_stores_credentials():
    neon = {"ENGINE": "django.db.backends.postgresql", "HOST": "ep-1.neon.tech", "PORT": 5432,
            "NAME": "neondb", "USER": "alex", "PASSWORD": "AbC123dEf"}

    key = database_key(neon)

    assert "AbC123dEf" not in key and "alex" not in key
    assert key != database_key({**neon, "NAME": "other"}) != database_key({**neon, "HOST": "localhost"})
    assert key == database_key({**neon, "PASSWORD": "rotated"})
