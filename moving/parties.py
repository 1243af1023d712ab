"""parties across SQL and Cassandra: through parties.store, since the two engines' models
differ (a Django model with a UUID key on SQL; PRIMARY KEY ((city), id) on Cassandra).

A Cassandra scan comes back in token order, not key order, so the checksum here does not
depend on order: the sum of each party's SHA-256 (modulo 2**256), beside the count.
"""

import hashlib
import io
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.core.management import call_command
from django.db import connections

from parties.store import PartyRecord, SqlStore

BATCH = 500


@dataclass
class Fingerprint:
    rows: int = 0
    total: int = 0

    def add(self, record: PartyRecord) -> None:
        fields = (str(record.id), record.city, record.name, record.date.isoformat(), str(record.people))
        line = "\t".join(fields)
        self.rows += 1
        self.total = (self.total + int.from_bytes(hashlib.sha256(line.encode()).digest())) % 2**256

    def hexdigest(self) -> str:
        return f"{self.total:064x}"


def store_for(endpoint):
    if endpoint.cassandra:
        from parties.cassandra_store import CassandraStore

        return CassandraStore(endpoint.alias)
    return SqlStore(endpoint.alias)


def fingerprint(store) -> Fingerprint:
    result = Fingerprint()
    for record in store.every():
        result.add(record)
    return result


def copy(source, target, on_rows) -> Fingerprint:
    """Every party of `source` written to `target` with its id, BATCH at a time."""
    sent, records = Fingerprint(), source.every()
    while batch := list(islice(records, BATCH)):
        for record in batch:
            sent.add(record)
        target.put_many(batch)
        on_rows(len(batch))
    return sent


def sync_cassandra(alias: str) -> None:
    """The keyspace and the party table on `alias`, as `sync_cassandra --database` makes them."""
    if "django_cassandra_engine" in settings.INSTALLED_APPS:
        call_command("sync_cassandra", database=alias, stdout=io.StringIO())
        return
    # Parties was on SQL when the settings loaded, so the command is not installed: the
    # same two steps it takes.
    from cassandra.cqlengine import management

    from parties.cassandra_models import PartyByCity

    connection = connections[alias]
    connection.connect()
    keyspace = connection.settings_dict["NAME"]
    replication = connection.settings_dict["OPTIONS"].get("replication", {})
    management.create_keyspace_simple(keyspace, replication.get("replication_factor", 1), connections=[alias])
    management.sync_table(PartyByCity, keyspaces=[keyspace], connections=[alias])
