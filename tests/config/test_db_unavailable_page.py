"""The page a failed database answers names the driver's error (host, port, role, database)
to staff only, as /healthz does; everyone else reads a generic sentence."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import DatabaseError, connections
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from config.middleware import DatabaseUnavailableMiddleware
from tests.support.manage import clean_environment, manage

SECRET_BITS = ("127.0.0.1", "port 1", "internal_catalog_prod", "catalog_admin", "OperationalError", "pgpw")


@pytest.fixture(scope="module")
def refused(django_db_blocker):
    """A real refused connection from PostgreSQL's driver (nothing listens on port 1)."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings_dict = {**connections["default"].settings_dict, "ENGINE": "django.db.backends.postgresql",
                     "HOST": "127.0.0.1", "PORT": 1, "NAME": "internal_catalog_prod", "USER": "catalog_admin",
                     "PASSWORD": "pgpw", "OPTIONS": {"connect_timeout": 2}}
    with django_db_blocker.unblock(), pytest.raises(DatabaseError) as caught:
        DatabaseWrapper(settings_dict, alias="unreachable").ensure_connection()
    return caught.value


def _page(user, error):
    request = RequestFactory().get("/catalog/")
    request.user = user
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    return middleware.process_exception(request, error)


def _unknown_user():
    def fail():
        raise DatabaseError("the sessions' database is down too")

    return SimpleLazyObject(fail)


USERS = {"anonymous": AnonymousUser, "signed-in": lambda: User(username="alex"), "unknown": _unknown_user}


@pytest.mark.parametrize("user", USERS)
def test_everyone_but_staff_reads_no_host_role_or_database_name(refused, user):
    response = _page(USERS[user](), refused)

    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert not [bit for bit in SECRET_BITS if bit in body], body
    assert "try again in a moment" in body


def test_staff_read_the_drivers_error_without_the_password(refused):
    response = _page(User(username="admin", is_staff=True), refused)

    body = response.content.decode()
    assert response.status_code == 503
    assert "OperationalError" in body and "127.0.0.1" in body and "check_databases" in body


@pytest.mark.django_db(databases="__all__")  # is the database behind its migrations? (it is not)
def test_a_server_error_page_is_generic_too_for_the_public():
    error = DatabaseError('relation "secret_internal_table" does not exist')

    public = _page(AnonymousUser(), error).content.decode()
    staff = _page(User(username="admin", is_staff=True), error).content.decode()

    assert "secret_internal_table" not in public and "server's fault" in public
    assert "secret_internal_table" in staff


def test_production_settings_keep_the_catalog_host_out_of_the_public_503(tmp_path):
    env = clean_environment(
        DJANGO_DEBUG="true", DJANGO_ALLOWED_HOSTS="testserver", DJANGO_LOG_LEVEL="CRITICAL",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        CATALOG_DATABASE_URL="postgres://catalog_admin:pgpw@127.0.0.1:1/internal_catalog_prod",
    )
    code = ("import json; from django.test import Client; r = Client().get('/catalog/'); "
            "print(json.dumps([r.status_code, r.get('Retry-After'), r.content.decode()]))")

    result = manage("shell", "-v0", "-c", code, env=env, timeout=60)

    assert result.returncode == 0, result.stderr
    status, retry_after, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert (status, retry_after) == (503, "2")
    assert not [bit for bit in SECRET_BITS if bit in body], body
