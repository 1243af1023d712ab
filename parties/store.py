"""Where parties live: one small interface, an SQL and a Cassandra implementation.

`get_store()` picks the implementation from the engine of the alias the router gives
parties, so views and the API never know which database serves them.
"""

import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import Protocol

from django.db import IntegrityError, connections, router, transaction

from common.databases import is_cassandra
from common.errors import Invalid, NotFound
from common.text import has_nul
from parties.models import Party

# Cassandra's int is 32-bit; the same ceiling on SQL keeps both stores alike.
MAX_PEOPLE = 2**31 - 1


class PartyNotFound(NotFound):
    """No party with this id in this city."""


class PartyExists(Exception):  # noqa: N818 (an answer the caller acts on, as LookupError is)
    """create() was given an id another party already has (`party`, the one stored)."""

    def __init__(self, party: "PartyRecord"):
        super().__init__(f"A party {party.id} exists already.")
        self.party = party


class InvalidChange(Invalid):
    """A people change that can never apply (its message is the reason)."""


@dataclass(frozen=True)
class PartyRecord:
    id: uuid.UUID
    city: str
    name: str
    date: date
    people: int


@dataclass(frozen=True)
class Change:
    """The outcome of a compare-and-set: `people` is the count after it (applied) or
    the count someone else left there (not applied)."""

    applied: bool
    people: int
    refused: str = ""  # why a change that could never apply was not (parties.services)


class PartyStore(Protocol):
    vendor: str

    def in_city(self, city: str) -> list[PartyRecord]: ...

    def cities(self) -> list[str]: ...

    def get(self, city: str, party_id: uuid.UUID) -> PartyRecord: ...

    # With `party_id`, the party takes that id, or PartyExists when one has it already.
    def create(self, *, city: str, name: str, date: date, people: int,
               party_id: uuid.UUID | None = None) -> PartyRecord: ...

    def delete(self, city: str, party_id: uuid.UUID) -> None: ...

    def change_people(self, city: str, party_id: uuid.UUID, *, prev: int, delta: int) -> Change: ...

    # For `manage.py move_app parties` (moving/parties.py): every party, in no set order;
    # parties written with the ids they have; every party removed.
    def every(self) -> Iterator[PartyRecord]: ...

    def put_many(self, records: list[PartyRecord]) -> None: ...

    def clear(self) -> None: ...


def new_count(prev: int, delta: int) -> int:
    """The count `delta` turns `prev` into, or InvalidChange saying why it never could."""
    if delta not in (1, -1):
        raise InvalidChange(f"delta must be +1 or -1, not {delta}.", field="delta")
    if prev < 0:
        raise InvalidChange(f"prev must be 0 or more, not {prev}.", field="prev")
    if prev + delta < 0:
        raise InvalidChange("The count cannot go below 0.", field="delta")
    if prev + delta > MAX_PEOPLE:
        raise InvalidChange(f"The count cannot go above {MAX_PEOPLE}.", field="delta")
    return prev + delta


def newest_first(records):
    return sorted(records, key=lambda p: (-p.date.toordinal(), p.name, str(p.id)))


def parse_id(raw) -> uuid.UUID:
    """The UUID in `raw`, or PartyNotFound: a malformed id names no party."""
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise PartyNotFound(f"{raw!r} is not a party id.") from None


class SqlStore:
    """Party rows through the Django ORM on whichever relational alias serves parties."""

    def __init__(self, alias: str):
        self.alias = alias
        self.vendor = connections[alias].vendor

    def _in(self, city):
        parties = Party.objects.using(self.alias)
        # No stored city holds NUL (forms and the API refuse it), and PostgreSQL refuses
        # NUL even in a WHERE clause: such a city, from a URL, simply has no parties.
        return parties.none() if has_nul(city) else parties.filter(city=city)

    def in_city(self, city):
        return [_record(p) for p in self._in(city).order_by("-date", "name", "id")]

    def cities(self):
        """Every city with a party, alphabetically."""
        cities = Party.objects.using(self.alias).order_by("city").values_list("city", flat=True)
        return list(cities.distinct())

    def get(self, city, party_id):
        party = self._in(city).filter(id=party_id).first()
        if party is None:
            raise PartyNotFound(f"No party {party_id} in {city}.")
        return _record(party)

    def create(self, *, city, name, date, people, party_id=None):
        parties = Party.objects.using(self.alias)
        fields = {"city": city, "name": name, "date": date, "people": people}
        if party_id is None:
            return _record(parties.create(**fields))
        try:
            with transaction.atomic(using=self.alias):  # a savepoint when the caller has a transaction
                return _record(parties.create(id=party_id, **fields))
        except IntegrityError:
            taken = parties.filter(id=party_id).first()
            if taken is None:
                raise  # another constraint than the id's
            raise PartyExists(_record(taken)) from None

    def delete(self, city, party_id):
        deleted, _ = self._in(city).filter(id=party_id).delete()
        if not deleted:
            raise PartyNotFound(f"No party {party_id} in {city}.")

    def change_people(self, city, party_id, *, prev, delta):
        after = new_count(prev, delta)
        # One conditional UPDATE: the database applies it only while the row still
        # holds `prev`, so of many writers holding the same `prev` exactly one wins.
        changed = self._in(city).filter(id=party_id, people=prev).update(people=after)
        if changed == 1:
            return Change(applied=True, people=after)
        return Change(applied=False, people=self.get(city, party_id).people)

    def every(self):
        parties = Party.objects.using(self.alias).order_by("id")
        return (_record(p) for p in parties.iterator(chunk_size=2_000))

    def put_many(self, records):
        Party.objects.using(self.alias).bulk_create([Party(**asdict(r)) for r in records], batch_size=500)

    def clear(self):
        Party.objects.using(self.alias).all().delete()


def _record(party) -> PartyRecord:
    return PartyRecord(id=party.id, city=party.city, name=party.name, date=party.date, people=party.people)


def get_store() -> PartyStore:
    alias = router.db_for_write(Party)
    if is_cassandra(connections[alias].settings_dict):
        from parties.cassandra_store import CassandraStore

        return CassandraStore(alias)
    return SqlStore(alias)
