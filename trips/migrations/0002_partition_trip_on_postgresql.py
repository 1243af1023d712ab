"""On PostgreSQL, make trip a table partitioned by trip_id range (see trips/pgpartitions.py).

Other engines keep the plain table: nothing changes in Django's model state.
"""

from django.db import migrations

from trips import pgpartitions


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("trips", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run(pgpartitions.FORWARD), _run(pgpartitions.BACKWARD), elidable=False),
    ]
