"""manage.py answers a database error that no command of ours handled (a command run before
`migrate_all`, a database that is down) with one line saying what to do, never a traceback."""

import pytest

from tests.support.manage import clean_environment, manage
from tests.support.servers import postgres_url

BEFORE_MIGRATE = {
    "createsuperuser": ("createsuperuser", "--noinput", "--username", "ada", "--email", "ada@example.com"),
    "create_api_token": ("create_api_token", "ada"),
    "axes_reset_username": ("axes_reset_username", "ada"),
}


@pytest.mark.parametrize("command", BEFORE_MIGRATE.values(), ids=BEFORE_MIGRATE.keys())
def test_a_command_run_before_migrate_names_the_migrate_to_run_in_one_line(tmp_path, command):
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")

    result = manage(*command, env=env)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: The 'default' database is behind its migrations (contenttypes.0001")
    assert line.endswith("not applied): run `python manage.py migrate`.")


def test_a_database_that_is_down_is_one_line_without_its_password(tmp_path):
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL="postgres://ada:s3cretpw@127.0.0.1:1/nowhere")

    result = manage("create_api_token", "ada", env=env)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "s3cretpw" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: OperationalError: connection to server at") and "--traceback" in line


def test_traceback_still_shows_where_a_database_error_came_from(tmp_path):
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")

    result = manage("create_api_token", "ada", "--traceback", env=env)

    assert result.returncode == 1
    assert "Traceback" in result.stderr and "no such table: auth_user" in result.stderr


CLOSE_THEN_QUERY = (
    "from django.db import connection; connection.ensure_connection(); "
    "connection.connection.close(); connection.cursor()"
)


@pytest.mark.skipif(postgres_url() is None, reason="needs PostgreSQL (make test-postgres): "
                    "SQLite has no InterfaceError for a closed connection")
def test_a_connection_already_closed_is_one_line_as_other_database_errors_are(tmp_path):
    # psycopg2's "connection already closed" reaches manage.py as Django's InterfaceError,
    # PEP 249's sibling of DatabaseError rather than a kind of it.
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL=_maintenance_database(postgres_url()))

    result = manage("shell", "-c", CLOSE_THEN_QUERY, env=env)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: InterfaceError: connection already closed") and "--traceback" in line


def _maintenance_database(url):
    """The server's `postgres` database: the test needs a connection, not tables."""
    return url.rsplit("/", 1)[0] + "/postgres"
