"""The Cassandra store against the table itself.

Runs with --emulated-cassandra (mockylla, adapted in tests/support/cassandra.py) or against
a real cluster when PARTIES_DATABASE_URL is cassandra://... or astra://...; skipped
otherwise. The emulator runs one statement at a time, so real Paxos contention is only
exercised on a real cluster; what it does check is that the statements cqlengine and the
store send are the right ones, that rows really land, and that [applied] is obeyed.
"""

import datetime

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connections

from tests.support.cassandra import emulator
from tests.support.parties import needs_cassandra

pytestmark = [pytest.mark.django_db(databases="__all__"), pytest.mark.cassandra, needs_cassandra]

needs_emulator = pytest.mark.skipif(
    emulator() is None,
    reason="reads the statements the emulator recorded; a real cluster does not report them",
)


def cql(statement, *params):
    from parties.cassandra_models import PartyByCity

    table = PartyByCity.column_family_name(include_keyspace=True)
    session = connections["parties"].connection.session
    return [dict(row) for row in session.execute(statement.format(table=table), params)]


def stored(city):
    return cql("SELECT city, id, name, date, people FROM {table} WHERE city = %s", city)


def test_a_created_party_is_a_row_in_the_party_table(store, city, make_party):
    party = make_party(name="Rooftop", date=datetime.date(2025, 7, 12), people=12)

    [row] = stored(city)

    assert (row["city"], row["id"], row["name"], row["people"]) == (city, party.id, "Rooftop", 12)
    assert str(row["date"]) == "2025-07-12"


def test_an_applied_change_is_written_to_the_row(store, city, make_party):
    party = make_party(people=3)

    assert store.change_people(city, party.id, prev=3, delta=1).applied

    assert stored(city)[0]["people"] == 4


def test_a_change_someone_made_behind_our_back_wins_over_a_stale_prev(store, city, make_party):
    party = make_party(people=3)
    cql("UPDATE {table} SET people = %s WHERE city = %s AND id = %s", 10, city, party.id)

    change = store.change_people(city, party.id, prev=3, delta=1)

    assert (change.applied, change.people) == (False, 10)
    assert stored(city)[0]["people"] == 10


def test_deleting_removes_the_row(store, city, make_party):
    party = make_party()

    store.delete(city, party.id)

    assert stored(city) == []


def test_sync_cassandra_creates_the_table_keyed_by_city_then_id(store):
    from parties.cassandra_models import PartyByCity

    call_command("sync_cassandra", database="parties", verbosity=0)  # idempotent

    cluster = connections["parties"].connection.cluster
    table = cluster.metadata.keyspaces[PartyByCity._get_keyspace()].tables["party"]
    assert [c.name for c in table.partition_key] == ["city"]
    assert [c.name for c in table.clustering_key] == ["id"]
    assert {"name", "date", "people"} <= set(table.columns)


def test_the_health_check_sees_the_cluster_answer():
    from config.health import check_alias

    assert check_alias("parties") == {
        "engine": "Cassandra", "ok": True, "error": None, "unapplied_migrations": [],
    }


def test_populate_adds_the_demo_parties_once(store):
    from parties.demo import DEMO

    call_command("populate", only=["parties"], verbosity=0)
    call_command("populate", only=["parties"], verbosity=0)

    for demo_city in {city for city, *_ in DEMO}:
        names = sorted(p.name for p in store.in_city(demo_city))
        assert names == sorted(name for city, name, *_ in DEMO if city == demo_city)


def test_the_sql_model_is_not_in_the_admin_on_cassandra():
    from parties.models import Party

    assert not admin.site.is_registered(Party)


@needs_emulator
def test_every_statement_names_the_city_and_runs_at_local_quorum(store, city, make_party):
    from cassandra import ConsistencyLevel

    session = connections["parties"].connection.session
    session.executed.clear()
    party = make_party(people=1)
    store.in_city(city)
    store.get(city, party.id)
    store.change_people(city, party.id, prev=1, delta=1)
    store.delete(city, party.id)

    assert len(session.executed) >= 5
    for statement, consistency, _ in session.executed:
        assert "ALLOW FILTERING" not in statement.upper()
        assert f"'{city}'" in statement or statement.startswith("INSERT INTO")
        assert consistency == ConsistencyLevel.LOCAL_QUORUM, statement


@needs_emulator
def test_count_me_in_is_a_lightweight_transaction_at_local_serial(store, city, make_party):
    from cassandra import ConsistencyLevel

    session = connections["parties"].connection.session
    party = make_party(people=1)
    session.executed.clear()

    store.change_people(city, party.id, prev=1, delta=1)

    [(statement, consistency, serial)] = session.executed
    assert statement.startswith("UPDATE ") and statement.endswith(" IF people = 1")
    assert "SET people = 2 WHERE city = " in statement
    assert (consistency, serial) == (ConsistencyLevel.LOCAL_QUORUM, ConsistencyLevel.LOCAL_SERIAL)


@needs_emulator
def test_the_emulator_refuses_statements_it_would_silently_drop():
    from tests.support.cassandra import EmulationLimit

    session = connections["parties"].connection.session
    with pytest.raises(EmulationLimit):
        session.execute("ALTER KEYSPACE nowhere WITH durable_writes = false")
