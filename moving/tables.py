"""An app's tables, generically: every concrete model Django knows for it (many-to-many
through tables and any table a later migration adds included), parents before children."""

from django.apps import apps
from django.db import DatabaseError, connections


def models_of(app: str) -> list:
    """The app's tables in an order where every foreign key points to an earlier one."""
    models = [
        m for m in apps.get_app_config(app).get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    ordered, placed = [], set()
    while len(ordered) < len(models):
        progress = False
        for model in models:
            if model in placed:
                continue
            parents = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
            if all(p in placed or p is model or p not in models for p in parents):
                ordered.append(model)
                placed.add(model)
                progress = True
        if not progress:  # a cycle of foreign keys: keep Django's order for the rest
            ordered += [m for m in models if m not in placed]
            break
    return ordered


def table_names(alias: str) -> set[str]:
    with connections[alias].cursor() as cursor:
        return set(connections[alias].introspection.table_names(cursor))


def count(alias: str, model) -> int:
    connection = connections[alias]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a model's table name)
        return cursor.fetchone()[0]


def occupied(alias: str, models) -> dict[str, int]:
    """{table: rows} of the app's tables that exist on `alias` and hold rows."""
    try:
        present = {name.lower() for name in table_names(alias)}
    except DatabaseError:
        return {}
    found = {}
    for model in models:
        if model._meta.db_table.lower() in present:
            rows = count(alias, model)
            if rows:
                found[model._meta.db_table] = rows
    return found


def delete_all(alias: str, models) -> None:
    """Empty the app's tables on `alias` (children first), in the caller's transaction."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        for model in reversed(models):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
