"""Amounts move from DECIMAL(18, 2) columns to BIGINT columns of whole cents (bank.money).

Each amount is read as the database holds it (an SQLite REAL included) and converted only
if it is exact: at most two decimals and at most 999,999,999,999.99. If any row is not,
the migration changes nothing and names those rows; fix or delete them, then migrate again.
Reversible: the cents go back into the DECIMAL columns exactly.
"""

from django.core.management.base import CommandError
from django.db import migrations, models

import bank.money

# (model, field, the checks it had as a DECIMAL, the checks it has in cents)
FIELDS = [
    ("product", "price", [("bank_product_price_positive", "gt")]),
    ("order", "subtotal", [("bank_order_subtotal_nonneg", "gte")]),
    ("account", "balance", [("bank_account_balance_nonneg", "gte")]),
    ("transfer", "amount", [("bank_transfer_amount_positive", "gt")]),
]
CHUNK = 2000
SHOWN = 20


def _rows(cursor, table, column):
    """(id, value) of every row, a chunk at a time, in id order."""
    last = None
    while True:
        where = "" if last is None else "WHERE id > %s "
        cursor.execute(f"SELECT id, {column} FROM {table} {where}ORDER BY id LIMIT {CHUNK}",  # noqa: S608
                       [] if last is None else [last])
        chunk = cursor.fetchall()
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def _convert(apps, schema_editor, source, target, convert):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    problems = []
    for model_name, field, _ in FIELDS:
        table = apps.get_model("bank", model_name)._meta.db_table
        src, dst = quote(source(field)), quote(target(field))
        with connection.cursor() as reader, connection.cursor() as writer:
            for chunk in _rows(reader, quote(table), src):
                converted = []
                for pk, value in chunk:
                    try:
                        converted.append((convert(value), pk))
                    except ValueError as exc:
                        problems.append(f"{table} id {pk}: {field} {value!r} ({exc})")
                writer.executemany(f"UPDATE {quote(table)} SET {dst} = %s WHERE id = %s", converted)  # noqa: S608
    if problems:
        more = f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
        raise CommandError(
            f"bank.0003_money_in_cents: {len(problems)} amount(s) cannot be stored exactly as cents "
            f"(at most two decimals, at most {bank.money.LIMIT}); nothing was changed. Fix or delete "
            f"these rows, then migrate again: {'; '.join(problems[:SHOWN])}{more}")


def to_cents(apps, schema_editor):
    _convert(apps, schema_editor, source=lambda f: f, target=lambda f: f"{f}_cents",
             convert=bank.money.to_cents)


def to_decimal(apps, schema_editor):
    _convert(apps, schema_editor, source=lambda f: f"{f}_cents", target=lambda f: f,
             convert=bank.money.from_cents)


def _defaults(field):
    return {"default": 0} if field == "balance" else {}


def _operations():
    add, drop_old_checks, nullable, remove, rename, final, checks = [], [], [], [], [], [], []
    for model, field, old_checks in FIELDS:
        add.append(migrations.AddField(model, f"{field}_new", models.BigIntegerField(
            null=True, db_column=f"{field}_cents")))
        for name, _ in old_checks:
            drop_old_checks.append(migrations.RemoveConstraint(model, name))
        # Nullable while both columns exist, so the reverse can re-add the DECIMAL column.
        nullable.append(migrations.AlterField(model, field, models.DecimalField(
            max_digits=18, decimal_places=2, null=True, **_defaults(field))))
        remove.append(migrations.RemoveField(model, field))
        rename.append(migrations.RenameField(model, f"{field}_new", field))
        final.append(migrations.AlterField(model, field, bank.money.MoneyField(
            db_column=f"{field}_cents", **({"default": bank.money.from_cents(0)} if field == "balance" else {}))))
        for name, lookup in old_checks:
            checks.append(migrations.AddConstraint(model, models.CheckConstraint(
                condition=models.Q((f"{field}__{lookup}", 0)), name=name)))
        checks.append(migrations.AddConstraint(model, models.CheckConstraint(
            condition=models.Q((f"{field}__lte", bank.money.MAX)), name=f"bank_{model}_{field}_max")))
    convert = [migrations.RunPython(to_cents, to_decimal)]
    return [*add, *drop_old_checks, *nullable, *convert, *remove, *rename, *final, *checks]


class Migration(migrations.Migration):

    dependencies = [
        ("bank", "0002_list_order_indexes"),
    ]

    operations = _operations()
