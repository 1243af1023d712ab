"""SERIALIZABLE for every bank transaction, wherever the bank lives.

CockroachDB only runs SERIALIZABLE; a bank alias of its own on PostgreSQL is set to it in
its connection options (config.databases); a bank sharing a PostgreSQL `default` is not,
so the retry helper asks for it per transaction.
"""


def make_serializable(connection):
    # SET TRANSACTION takes no snapshot, so it must be (and is) the first statement.
    if connection.vendor != "postgresql" or connection.settings_dict["ENGINE"] == "django_cockroachdb":
        return
    from psycopg2.extensions import ISOLATION_LEVEL_SERIALIZABLE

    if connection.settings_dict["OPTIONS"].get("isolation_level") != ISOLATION_LEVEL_SERIALIZABLE:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
