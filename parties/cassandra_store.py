"""The Cassandra/Astra implementation of the party store (see parties.store).

Every statement names the partition (city), so none needs ALLOW FILTERING. Reads and
writes run at LOCAL_QUORUM (Astra refuses ONE); the compare-and-set is a lightweight
transaction whose Paxos round runs at LOCAL_SERIAL.
"""

from dataclasses import dataclass

from cassandra import ConsistencyLevel
from cassandra.cqlengine.query import ModelQuerySet
from cassandra.query import SimpleStatement
from django.db import connections

from parties.cassandra_models import PartyByCity
from parties.store import Change, PartyExists, PartyNotFound, PartyRecord, new_count, newest_first

CONSISTENCY = ConsistencyLevel.LOCAL_QUORUM
SERIAL_CONSISTENCY = ConsistencyLevel.LOCAL_SERIAL
# Writes in flight at once when parties move here (moving/parties.py).
BATCH_ROWS = 50
INSERT = "INSERT INTO {table} (city, id, name, date, people) VALUES (?, ?, ?, ?, ?)"
# A lightweight transaction: an INSERT with an id taken would overwrite that party.
INSERT_NEW = INSERT + " IF NOT EXISTS"
CAS = "UPDATE {table} SET people = ? WHERE city = ? AND id = ? IF people = ?"


class CassandraStore:
    vendor = "cassandra"

    def __init__(self, alias: str):
        self.alias = alias

    def _rows(self, **key):
        # cqlengine's own queryset: django_cassandra_engine's adds ALLOW FILTERING to all.
        return ModelQuerySet(PartyByCity).filter(**key).consistency(CONSISTENCY)

    def in_city(self, city):
        return newest_first(_record(row) for row in self._rows(city=city))

    def cities(self):
        """Every city with a party: DISTINCT over the partition key needs no filtering."""
        rows = ModelQuerySet(PartyByCity).distinct(["city"]).consistency(CONSISTENCY)
        return sorted({row.city for row in rows})

    def get(self, city, party_id):
        rows = list(self._rows(city=city, id=party_id))
        if not rows:
            raise PartyNotFound(f"No party {party_id} in {city}.")
        return _record(rows[0])

    def create(self, *, city, name, date, people, party_id=None):
        if party_id is None:
            row = PartyByCity(city=city, name=name, date=date, people=people)
            row.consistency(CONSISTENCY).save()
            return _record(row)
        result = self._session().execute(self._prepared(INSERT_NEW), (city, party_id, name, date, people))
        row = dict(_as_dict(result.one()))
        if not row.pop("[applied]", False):  # Cassandra answers with the row that has the id
            raise PartyExists(_record(_Row(**row)))
        return PartyRecord(id=party_id, city=city, name=name, date=date, people=people)

    def delete(self, city, party_id):
        self.get(city, party_id)
        self._rows(city=city, id=party_id).delete()

    def change_people(self, city, party_id, *, prev, delta):
        after = new_count(prev, delta)
        result = self._session().execute(self._statement(), (after, city, party_id, prev))
        row = _as_dict(result.one())
        if row.get("[applied]"):
            return Change(applied=True, people=after)
        # Not applied: Cassandra returns the current value of the column it compared,
        # or nothing beside [applied] when the row does not exist at all.
        if row.get("people") is None:
            raise PartyNotFound(f"No party {party_id} in {city}.")
        return Change(applied=False, people=row["people"])

    def every(self):
        # A full scan of this alias's keyspace, paged by the driver.
        scan = SimpleStatement(f"SELECT city, id, name, date, people FROM {self._table()}",  # noqa: S608
                               fetch_size=1_000, consistency_level=CONSISTENCY)
        return (_record(_Row(**_as_dict(row))) for row in self._session().execute(scan))

    def put_many(self, records):
        # Prepared INSERTs, BATCH_ROWS in flight at a time: rows of many cities spread over
        # the cluster, which one BATCH statement (one coordinator) would not do.
        session, insert = self._session(), self._prepared(INSERT)
        rows = [(r.city, r.id, r.name, r.date, r.people) for r in records]
        for start in range(0, len(rows), BATCH_ROWS):
            futures = [session.execute_async(insert, row) for row in rows[start:start + BATCH_ROWS]]
            for future in futures:
                future.result()  # raises the first failure

    def clear(self):
        self._session().execute(f"TRUNCATE {self._table()}")

    def _table(self):
        keyspace = connections[self.alias].settings_dict["NAME"]
        return f"{keyspace}.{PartyByCity.column_family_name(include_keyspace=False)}"

    def _session(self):
        return connections[self.alias].connection.session

    def _statement(self):
        return self._prepared(CAS)

    def _prepared(self, cql):
        table = self._table()
        key = (id(self._session()), table, cql)
        if key not in _prepared:
            statement = self._session().prepare(cql.format(table=table))
            statement.consistency_level = CONSISTENCY
            statement.serial_consistency_level = SERIAL_CONSISTENCY
            _prepared[key] = statement
        return _prepared[key]


# Prepared once per session and table: preparing is a round trip to every node.
_prepared: dict = {}


def _as_dict(row) -> dict:
    if row is None:
        return {}
    if isinstance(row, dict):
        return row
    return row._asdict() if hasattr(row, "_asdict") else dict(zip(row._fields, row, strict=True))


@dataclass
class _Row:
    city: str
    id: object
    name: str
    date: object
    people: int


def _record(row) -> PartyRecord:
    return PartyRecord(id=row.id, city=row.city, name=row.name, date=_date(row.date), people=row.people)


def _date(value):
    # cqlengine hands back cassandra.util.Date for a date column.
    return value.date() if hasattr(value, "date") and callable(value.date) else value
