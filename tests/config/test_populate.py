import pytest
from django.core.management import CommandError, call_command
from django.db import connections, router

from catalog.demo import AUTHORS
from catalog.models import Author
from config.models import DemoRow
from counter.models import Counter
from tests.support.manage import clean_environment, manage
from tests.support.threads import run_in_threads

pytestmark = pytest.mark.django_db(databases="__all__")


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("populate", *args, stdout=out)
    return out.getvalue()


def test_populate_twice_adds_nothing_the_second_time_and_says_so():
    first = run("--only", "counter")
    second = run("--only", "counter")

    assert "counter: counters: added 1, already there 0" in first
    assert "counter: demo data was added to this database before; not adding it again" in second
    assert "Nothing to add" in second
    assert Counter.objects.count() == 1


def test_a_dry_run_reports_what_it_would_add_and_writes_nothing():
    out = run("--only", "counter", "--dry-run")

    assert "counter: counters: would add 1" in out
    assert not Counter.objects.exists()


def test_an_unknown_app_is_a_command_error_listing_the_apps():
    with pytest.raises(CommandError, match=r"Unknown app nope for --only; choose from: counter, catalog"):
        call_command("populate", "--only", "nope")


def test_verbosity_zero_prints_nothing():
    from io import StringIO

    out = StringIO()
    call_command("populate", "--only", "counter", verbosity=0, stdout=out)

    assert out.getvalue() == ""
    assert Counter.objects.count() == 1


def test_migrate_all_dry_run_lists_each_alias():
    from io import StringIO

    out = StringIO()
    call_command("migrate_all", "--dry-run", stdout=out)

    assert "default: migrate --database default" in out.getvalue()


@pytest.mark.concurrency
@pytest.mark.django_db(databases="__all__", transaction=True)
def test_populate_runs_at_once_add_the_demo_once_and_each_ends_with_a_sentence():
    if connections[router.db_for_write(Author)].vendor == "snowflake":
        pytest.skip("fakesnow serves one in-process DuckDB, not a concurrent warehouse")

    outputs = run_in_threads(lambda _: run("--only", "catalog"), 4)

    assert Author.objects.count() == len(AUTHORS)
    assert sum("catalog: authors: added 3" in out for out in outputs) == 1
    assert DemoRow.objects.filter(model="catalog.author").count() == len(AUTHORS)


def test_populate_before_migrate_says_in_one_line_to_run_migrate_all_and_nothing_else(tmp_path):
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")

    result = manage("populate", env=env)

    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("CommandError: Nothing done for counter, catalog, bank, parties, trips: "
                           "the database is behind its migrations (config.0001_demo_ledger, ")
    assert line.endswith("run `python manage.py migrate_all` first.")


def test_an_app_behind_is_named_with_its_migrate_and_the_others_get_their_demo_data(tmp_path):
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
                            COUNTER_DATABASE_URL=f"sqlite:///{tmp_path}/counter.sqlite3")
    assert manage("migrate", "-v0", env=env).returncode == 0

    result = manage("populate", "--only", "counter", "--only", "catalog", env=env)

    assert result.returncode == 1
    assert "catalog: authors: added 3" in result.stdout and "Added 10 objects." in result.stdout
    assert result.stderr.strip() == (
        "CommandError: Nothing done for counter: the database is behind its migrations (counter.0001_initial "
        "not applied); run `python manage.py migrate counter --database counter` first.")


@pytest.mark.django_db(databases=[])
def test_a_database_that_does_not_answer_is_named_as_unreachable_not_sent_to_migrate_all(tmp_path):
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
                            CATALOG_DATABASE_URL="postgres://postgres:S3cretpw@127.0.0.1:1/catalog")
    manage("migrate", "-v0", env=env)

    result = manage("populate", "--only", "catalog", "-v0", env=env, timeout=60)

    assert result.returncode == 1
    unreachable = "CommandError: catalog: cannot connect to the 'catalog' database"
    assert result.stderr.startswith(unreachable), result.stderr
    assert "migrate_all" not in result.stderr and "check_databases" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "S3cretpw" not in result.stderr
