"""Passwords and tokens never show: every URL shape, through every output we can provoke."""

import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from common.databases import error_summary, mask_url
from config.databases import build_databases
from tests.support.access import make_user, session_client
from tests.support.manage import clean_environment, manage

SECRET = "Hunter2xyz"

# (URL, what must not appear); each password holds SECRET around a character that ends a
# URL part when unquoted, so a naive parser would show the rest of it.
SHAPES = {
    "plain": f"postgres://alex:{SECRET}@127.0.0.1:1/db",
    "unquoted slash": f"postgres://alex:{SECRET}/x{SECRET}@127.0.0.1:1/db",
    "unquoted hash": f"postgres://alex:{SECRET}#x{SECRET}@127.0.0.1:1/db",
    "unquoted question mark": f"postgres://alex:{SECRET}?x{SECRET}@127.0.0.1:1/db",
    "unquoted at": f"postgres://alex:{SECRET}@x{SECRET}@127.0.0.1:1/db",
    "unquoted at then slash": f"postgres://alex:{SECRET}@x/y{SECRET}@127.0.0.1:1/db",
    "unquoted colon": f"postgres://alex:{SECRET}:x{SECRET}@127.0.0.1:1/db",
    "percent-encoded": f"postgres://alex:{SECRET}%2Fx%23{SECRET}@127.0.0.1:1/db",
    "query-string password": f"postgres://alex@127.0.0.1:1/db?password={SECRET}&sslmode=disable",
    "digits then slash": "postgres://alex:1234/5678@127.0.0.1:1/db",
    "astra token": f"astra://token:AstraCS:{SECRET}:{SECRET}@/ks?secure_bundle=/nonexistent.zip",
}


def _leaks(text, url):
    secret = "5678" if "5678" in url else SECRET
    return secret in text


@pytest.mark.parametrize("shape", SHAPES)
def test_mask_url_hides_the_password_of_every_shape(shape):
    assert not _leaks(mask_url(SHAPES[shape]), SHAPES[shape])


@pytest.mark.parametrize("shape", SHAPES)
def test_start_up_errors_and_parsed_settings_never_hold_the_password_in_view(shape):
    url = SHAPES[shape]
    variable = "PARTIES_DATABASE_URL" if url.startswith("astra") else "CATALOG_DATABASE_URL"
    try:
        databases = build_databases({variable: url})
    except ImproperlyConfigured as exc:
        assert not _leaks(str(exc), url)
        return
    alias = databases["parties" if variable.startswith("PARTIES") else "catalog"]
    shown = {k: v for k, v in alias.items() if k not in ("PASSWORD", "OPTIONS")}
    assert not _leaks(repr(shown), url)
    if alias.get("PASSWORD"):  # a driver message that quotes the password is redacted
        assert not _leaks(error_summary(RuntimeError(f"failed for {alias['PASSWORD']}"), databases), url)


@pytest.mark.parametrize("shape", ["unquoted slash", "unquoted hash", "astra token"])
def test_a_server_that_cannot_start_says_why_without_the_password(shape):
    url = SHAPES[shape]
    variable = "PARTIES_DATABASE_URL" if url.startswith("astra") else "CATALOG_DATABASE_URL"

    result = manage("check", env=clean_environment(DJANGO_DEBUG="true", **{variable: url}))

    assert result.returncode != 0
    assert variable in result.stderr
    assert not _leaks(result.stdout + result.stderr, url)


PROBE = """
import logging, sys
logging.basicConfig(stream=sys.stderr, level=logging.DEBUG, force=True)
from django.test import Client
from django.contrib.auth.models import User
staff = Client()
staff.force_login(User.objects.create_superuser("s", "s@x.io", "pw"))
for path in ("/healthz", "/", "/catalog/", "/api/catalog/authors/"):
    print(path, Client().get(path).content.decode())
    print(path, staff.get(path).content.decode())
"""


@pytest.mark.parametrize("shape", ["plain", "percent-encoded", "query-string password", "unquoted colon"])
def test_a_dead_database_leaks_no_password_in_check_databases_healthz_pages_or_logs(tmp_path, shape):
    url = SHAPES[shape]
    env = clean_environment(DJANGO_DEBUG="true", DJANGO_ALLOWED_HOSTS="testserver", DJANGO_LOG_LEVEL="DEBUG",
                            DATABASE_URL=f"sqlite:///{tmp_path}/default.db", CATALOG_DATABASE_URL=url)
    assert manage("migrate", "-v0", env=env).returncode == 0

    check = manage("check_databases", env=env)
    probe = manage("shell", "-v0", "-c", PROBE, env=env)

    assert check.returncode == 1 and "catalog" in check.stderr
    output = check.stdout + check.stderr + probe.stdout + probe.stderr
    assert '/healthz {"status": "degraded"' in probe.stdout, probe.stderr
    assert "127.0.0.1" in probe.stdout  # staff see the host, so the probe reached the details
    assert not _leaks(output, url)


@pytest.mark.django_db(databases="__all__")
def test_public_healthz_says_ok_or_down_per_alias_and_staff_see_the_details():
    public = Client().get("/healthz").json()
    staff = session_client(make_user("staff", superuser=True)).get("/healthz").json()

    assert set(public["databases"]["default"]) == {"status"}
    assert public["databases"]["default"]["status"] == "ok"
    assert set(public["cache"]) == {"backend", "ok"}  # which cache, never its error text
    assert staff["databases"]["default"]["engine"]
    assert "error" in staff["databases"]["default"]


@pytest.mark.django_db(databases="__all__")
def test_the_home_page_shows_hosts_and_database_names_only_to_staff():
    public = Client().get("/").content.decode()
    staff = session_client(make_user("staff", superuser=True)).get("/").content.decode()

    assert "<th>Host</th>" not in public and "<th>Engine</th>" in public
    assert "<th>Host</th>" in staff and "<th>Database</th>" in staff


def test_a_dead_database_on_public_healthz_shows_no_host_port_or_driver_text(tmp_path):
    env = clean_environment(DJANGO_DEBUG="true", DJANGO_ALLOWED_HOSTS="testserver", DATABASE_URL=f"sqlite:///{tmp_path}/default.db",
                            CATALOG_DATABASE_URL=SHAPES["plain"])
    manage("migrate", "-v0", env=env)
    code = "from django.test import Client; print(Client().get('/healthz').content.decode())"

    report = json.loads(manage("shell", "-v0", "-c", code, env=env).stdout)

    assert report["databases"]["catalog"] == {"status": "down"}
    assert "127.0.0.1" not in json.dumps(report) and "Operational" not in json.dumps(report)


def test_a_malformed_authorization_header_is_not_logged(caplog, db, settings):
    settings.DEBUG = True
    with caplog.at_level(logging.DEBUG):
        Client().post("/api/catalog/authors/", "{}", content_type="application/json",
                      headers={"Authorization": f"Token {SECRET}"})

    assert SECRET not in caplog.text


def test_the_debug_error_page_masks_passwords_in_settings_environment_and_local_variables(settings):
    import sys

    from django.test import RequestFactory
    from django.views.debug import technical_500_response

    url = SHAPES["plain"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://:{SECRET}@127.0.0.1:6379/0"}}
    request = RequestFactory().get("/", CATALOG_DATABASE_URL=url, REDIS_URL=f"rediss://u:{SECRET}@h:1/0")
    try:
        dsn = f"dbname=db user=alex password={SECRET} host=127.0.0.1"  # noqa: F841 (a local on the page)
        catalog_url = url  # noqa: F841
        raise RuntimeError("connection failed")
    except RuntimeError:
        page = technical_500_response(request, *sys.exc_info()).content.decode()

    assert "connection failed" in page and "CATALOG_DATABASE_URL" in page and "catalog_url" in page
    assert SECRET not in page
