from django.db import connections, models, router, transaction
from django.db.models import F

from common.errors import Conflict
from counter.batching import ClickBatcher

DEFAULT_NAME = "hello-world-button"
NAME_MAX_LENGTH = 100
# The column is a signed 64-bit integer. SQLite turns `value + n` past it into a REAL, so a
# click there would store a float (and every later click would add nothing): the UPDATE
# itself refuses to pass this maximum, on every engine.
MAX_VALUE = 2**63 - 1
# Engines whose UPDATE can return the new value (SQLite since 3.35).
RETURNING_VENDORS = frozenset({"postgresql", "cockroachdb", "sqlite"})
# Concurrent clicks on one name in this process share one statement (counter/batching.py).
_batcher = ClickBatcher()


class CounterManager(models.Manager):
    # On the manager rather than a queryset: a click builds no QuerySet (one per call, a
    # tenth of a click's Python time).
    def __init__(self):
        super().__init__()
        self._statements = {}  # vendor -> the click's UPDATE, built once

    def click(self, name: str) -> int:
        """Add one click to `name` (creating it at first) and return the value after it.

        The increment is a single `UPDATE ... SET value = value + n`, so concurrent
        clicks never overwrite each other the way read-modify-write does.
        """
        db = router.db_for_write(self.model)
        connection = connections[db]
        if connection.vendor not in RETURNING_VENDORS:
            return self._click_then_read(db, name)
        if connection.in_atomic_block:
            # Inside the caller's transaction the click is its own statement, undone with it.
            return self._add(db, name, 1)
        return _batcher.click((db, name), lambda clicks: self._add(db, name, clicks))

    def _add(self, db: str, name: str, clicks: int) -> int:
        value = self._increment_returning(db, name, clicks)
        if value is None:
            # First click: the unique name settles a race between two creators.
            self.using(db).get_or_create(name=name)
            value = self._increment_returning(db, name, clicks)
        if value is None:
            raise _full(name)
        return value

    def _increment_returning(self, db: str, name: str, clicks: int) -> int | None:
        # One statement in autocommit: one round trip to the server, no BEGIN/COMMIT, and
        # the row lock is held only while the statement runs.
        connection = connections[db]
        sql = self._statements.get(connection.vendor)
        if sql is None:
            sql = self._statements[connection.vendor] = self._increment_sql(connection.ops)
        with connection.cursor() as cursor:
            cursor.execute(sql, [clicks, name, MAX_VALUE - clicks])
            row = cursor.fetchone()
        return None if row is None else row[0]

    def _increment_sql(self, ops) -> str:
        quote = ops.quote_name
        table = quote(self.model._meta.db_table)
        value, key = (quote(self.model._meta.get_field(f).column) for f in ("value", "name"))
        return (f"UPDATE {table} SET {value} = {value} + %s "  # noqa: S608 - names from the model
                f"WHERE {key} = %s AND {value} <= %s RETURNING {value}")

    def _click_then_read(self, db: str, name: str) -> int:
        counters = self.using(db).filter(name=name)
        below_max = counters.filter(value__lt=MAX_VALUE)
        with transaction.atomic(using=db):
            clicked = below_max.update(value=F("value") + 1)
            if not clicked:
                self.using(db).get_or_create(name=name)
                clicked = below_max.update(value=F("value") + 1)
            # Our UPDATE holds the row (or, on SQLite, the database) until commit, so
            # this reads exactly the value this click produced.
            value = counters.values_list("value", flat=True).get()
        if not clicked:
            # Raised after the block, which changed nothing: without savepoints (Snowflake)
            # an error inside it would spoil a caller's transaction.
            raise _full(name)
        return value


def _full(name: str) -> Conflict:
    return Conflict(f"The counter {name!r} is at its maximum, {MAX_VALUE}; this click was not counted.")


class Counter(models.Model):
    name = models.SlugField(max_length=NAME_MAX_LENGTH, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    objects = CounterManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}: {self.value}"
