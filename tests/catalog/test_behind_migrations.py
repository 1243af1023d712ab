"""The guide's own step, `migrate catalog 0001`, leaves the code ahead of the schema: every
page, endpoint, /healthz and populate say which `migrate` to run (on any engine)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connections, router
from django.db.migrations.executor import MigrationExecutor

from catalog.models import Author
from config.schema import migrate_command

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def _migrate(alias, target):
    MigrationExecutor(connections[alias]).migrate([target])


@pytest.fixture
def catalog_at_0001():
    """The guide's authors, then `migrate catalog 0001` (it drops country, keeps the rows)."""
    alias = router.db_for_write(Author)
    Author.objects.create(name="J.R.R. Tolkien")
    _migrate(alias, ("catalog", "0001_initial"))
    yield alias
    _migrate(alias, ("catalog", "0002_author_country"))


def test_pages_and_endpoints_answer_503_naming_the_migrate_to_run(client, catalog_at_0001):
    command = migrate_command(catalog_at_0001, "catalog")

    page = client.get("/catalog/")
    endpoint = client.get("/api/catalog/authors/")

    assert page.status_code == 503 and endpoint.status_code == 503
    assert "behind its migrations" in page.content.decode() and command in page.content.decode()
    assert "catalog.0002_author_country not applied" in endpoint.json()["detail"]
    assert command in endpoint.json()["detail"] and "try again later" not in endpoint.json()["detail"]
    assert endpoint["Retry-After"]


def test_healthz_lists_the_unapplied_migration_under_the_catalogs_alias(admin_client, catalog_at_0001):
    # Per-alias details are for staff (the access policy); the public sees "degraded".
    response = admin_client.get("/healthz")

    report = response.json()
    assert response.status_code == 503 and report["status"] == "degraded"
    assert report["databases"][catalog_at_0001]["unapplied_migrations"] == ["catalog.0002_author_country"]
    assert report["databases"][catalog_at_0001]["ok"] is True


def test_populate_and_its_removal_say_what_to_run_first_and_change_nothing(catalog_at_0001):
    for args in ((), ("--remove",)):
        with pytest.raises(CommandError) as failure:
            call_command("populate", *args, only=["catalog"], verbosity=0)

        assert migrate_command(catalog_at_0001, "catalog") in str(failure.value)
    with connections[catalog_at_0001].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM catalog_author")
        assert cursor.fetchone()[0] == 1


def test_after_migrating_forward_everything_answers_again(client, admin_client, catalog_at_0001):
    _migrate(catalog_at_0001, ("catalog", "0002_author_country"))

    assert client.get("/catalog/").status_code == 200
    assert [a["country"] for a in client.get("/api/catalog/authors/").json()] == [""]
    report = admin_client.get("/healthz").json()
    assert report["databases"][catalog_at_0001]["unapplied_migrations"] == []


@pytest.mark.parametrize("args", [(), ("--remove",)])
def test_populate_of_an_app_behind_its_migrations_prints_no_summary_claiming_it_was_looked_at(
        catalog_at_0001, args):
    out = StringIO()

    with pytest.raises(CommandError, match="behind its migrations"):
        call_command("populate", *args, only=["catalog"], stdout=out)

    assert out.getvalue() == ""
