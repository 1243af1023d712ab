"""Demo data that knows its place: added once where an app is empty, removable exactly.

Each app's `<app>.demo` module has `seed(*, dry_run, track)`, calling `track(obj)` for
every row it creates; it may also have `is_empty()` and `remove(rows)` when the generic
ones below do not fit (parties on Cassandra, trips with its own ledger). The ledger
(`config.models`) remembers per database that the demo was added and which rows it added.
"""

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.admin.utils import NestedObjects
from django.db import IntegrityError, connections, transaction

from common.databases import alias_for, is_cassandra
from config.models import DemoRow, DemoSeed


def database_key(settings_dict: dict) -> str:
    """A database's identity for the ledger: engine, host, port, name (never credentials)."""
    keys = ("ENGINE", "ACCOUNT", "HOST", "PORT", "NAME", "SCHEMA")
    return ":".join(str(settings_dict.get(key) or "") for key in keys)


def database_of(app_label: str) -> str:
    """Which database an app's rows are in, as `database_key` names it."""
    return database_key(connections[alias_for(app_label, settings.DATABASES)].settings_dict)


def seeded(app_label: str) -> DemoSeed | None:
    return DemoSeed.objects.filter(app=app_label, database=database_of(app_label)).first()


def is_empty_sql(app_label: str) -> bool:
    alias = alias_for(app_label, settings.DATABASES)
    return not any(m.objects.using(alias).exists() for m in apps.get_app_config(app_label).get_models())


@dataclass
class Tracker:
    """Collects (model, key) of the rows a seed creates, in creation order."""

    rows: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, obj, *, model: str | None = None, key: str | None = None) -> None:
        label = model or obj._meta.label_lower
        self.rows.append((label, key if key is not None else str(obj.pk)))


def claim(app_label: str) -> DemoSeed | None:
    """The ledger's entry for seeding `app_label` now, or None when another `populate` has
    taken it: made before the rows, so of two runs at once only one adds them."""
    try:
        with transaction.atomic(using="default"):
            return DemoSeed.objects.create(app=app_label, database=database_of(app_label))
    except IntegrityError:
        return None


def record(seed: DemoSeed, rows: list[tuple[str, str]]) -> None:
    DemoRow.objects.bulk_create([DemoRow(seed=seed, model=m, key=k) for m, k in rows])


def remove_sql(app_label: str, rows: list[DemoRow]) -> tuple[list[DemoRow], list[DemoRow]]:
    """Delete the demo rows, newest first, unless deleting one would take (or is refused
    by) a row that is not demo. Returns (removed, kept)."""
    alias = alias_for(app_label, settings.DATABASES)
    demo = {(r.model, r.key) for r in rows}
    removed, kept = [], []
    for row in reversed(rows):
        model = apps.get_model(row.model)
        obj = model.objects.using(alias).filter(pk=row.key).first()
        if obj is None:  # the user deleted it already
            removed.append(row)
            continue
        collector = NestedObjects(using=alias)
        collector.collect([obj])
        taken = {(o._meta.label_lower, str(o.pk)) for objs in collector.data.values() for o in objs}
        if collector.protected or not taken <= demo:
            kept.append(row)
            continue
        obj.delete(using=alias)
        removed.append(row)
    return removed, kept


def remove(app_label: str, module, seed: DemoSeed) -> tuple[int, int]:
    """Remove `app_label`'s demo rows; the ledger forgets every one not kept (removed now, or
    gone before, as load_trips' removal of the demo trips) but keeps the seed, so `populate`
    never adds them again. Returns (removed now, kept)."""
    rows = list(seed.rows.order_by("id"))
    remover: Callable = getattr(module, "remove", None) or (lambda rows: remove_sql(app_label, rows))
    alias = alias_for(app_label, settings.DATABASES)
    relational = not is_cassandra(connections[alias].settings_dict)
    with transaction.atomic(using=alias) if relational else nullcontext():
        removed, kept = remover(rows)
    kept_keys = {r.pk for r in kept}
    DemoRow.objects.filter(pk__in=[r.pk for r in rows if r.pk not in kept_keys]).delete()
    return len(removed), len(kept)

