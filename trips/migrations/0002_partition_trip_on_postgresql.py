"""On PostgreSQL, make trip a table partitioned by trip_id range (see trips/load/partitions.py).

Other engines keep the plain table: nothing changes in Django's model state. The SQL is
written out here, frozen: a migration must not change when the loader's code does.
"""

from django.db import migrations

# The station page's index, the same on every partition so ATTACH adopts it as it is.
STATION_INDEX = "(start_station_name, starttime DESC)"
# The identity sequence keeps the name Django gave it, whichever table it was made for.
RENAME_SEQUENCE = (
    "DO $$ BEGIN EXECUTE format('ALTER SEQUENCE %s RENAME TO trip_trip_id_seq', "
    "pg_get_serial_sequence('trip', 'trip_id')); END $$"
)
FORWARD = [
    # Byte order for station names: the station index builds in about half the time it
    # takes under a libc collation such as C.UTF-8, and equality is the same.
    'ALTER TABLE trip ALTER start_station_name TYPE varchar(100) COLLATE "C"',
    "ALTER TABLE trip RENAME TO trip_default",
    "ALTER TABLE trip_default RENAME CONSTRAINT trip_pkey TO trip_default_pkey",
    "ALTER INDEX trip_station_recent RENAME TO trip_default_station_recent",
    "CREATE TABLE trip (LIKE trip_default INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS) "
    "PARTITION BY RANGE (trip_id)",
    "ALTER TABLE trip ADD CONSTRAINT trip_pkey PRIMARY KEY (trip_id)",
    f"CREATE INDEX trip_station_recent ON trip {STATION_INDEX}",
    "SELECT setval(pg_get_serial_sequence('trip', 'trip_id'), "
    "coalesce((SELECT max(trip_id) FROM trip_default), 0) + 1, false)",
    "ALTER TABLE trip_default ALTER trip_id DROP IDENTITY",
    "ALTER TABLE trip ATTACH PARTITION trip_default DEFAULT",
    RENAME_SEQUENCE,
]
BACKWARD = [
    "CREATE TABLE trip_plain (LIKE trip INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS)",
    "INSERT INTO trip_plain SELECT * FROM trip ORDER BY trip_id",
    "SELECT setval(pg_get_serial_sequence('trip_plain', 'trip_id'), "
    "coalesce((SELECT max(trip_id) FROM trip_plain), 0) + 1, false)",
    "DROP TABLE trip",
    "ALTER TABLE trip_plain RENAME TO trip",
    'ALTER TABLE trip ALTER start_station_name TYPE varchar(100) COLLATE "default"',
    "ALTER TABLE trip ADD CONSTRAINT trip_pkey PRIMARY KEY (trip_id)",
    f"CREATE INDEX trip_station_recent ON trip {STATION_INDEX}",
    RENAME_SEQUENCE,
]


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
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
