import json

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from common.databases import alias_for, describe
from config.health_page import sections
from tests.support.manage import clean_environment, manage

pytestmark = pytest.mark.django_db(databases="__all__")

PROBE = """
from django.test import Client
client = Client()
for path in ("/healthz", "/", "/counter/", "/catalog/"):
    response = client.get(path)
    print(path, response.status_code, response.content.decode() if path == "/healthz" else "")
"""


def test_healthz_reports_every_alias_ok_and_details_only_to_staff(client):
    response = client.get(reverse("healthz"))
    client.force_login(User.objects.create_superuser("staff", "s@example.com", "pw"))
    staff = client.get(reverse("healthz")).json()

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["databases"]) == set(settings.DATABASES)
    assert body["databases"]["default"] == {"status": "ok"}
    engine = describe(settings.DATABASES["default"])["vendor"]
    assert staff["databases"]["default"] == {
        "engine": engine, "ok": True, "error": None, "unapplied_migrations": [],
    }


def test_healthz_answers_a_head_probe_with_the_same_status(client):
    response = client.head(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b""


def test_check_databases_prints_a_table_of_answering_aliases(capsys):
    call_command("check_databases")

    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["alias", "engine", "host", "database", "apps", "status"]
    assert f"All {len(settings.DATABASES)} databases answer." in out


@pytest.fixture
def one_alias_down(tmp_path):
    env = clean_environment(
        DJANGO_DEBUG="true",
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path}/default.db",
        CATALOG_DATABASE_URL="postgres://alex:pgsecret@127.0.0.1:1/catalog",
    )
    assert manage("migrate", "-v0", env=env).returncode == 0
    return env


def test_a_dead_alias_makes_healthz_degraded_without_breaking_other_pages(one_alias_down):
    result = manage("shell", "-v0", "-c", PROBE, env=one_alias_down)

    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    status, body = lines["/healthz"].split(" ", 1)
    report = json.loads(body)
    assert status == "503", result.stderr
    assert report["status"] == "degraded"
    assert report["databases"]["default"] == {"status": "ok"}
    assert report["databases"]["catalog"] == {"status": "down"}  # no host, port or driver text
    assert lines["/"].strip() == "200" and lines["/counter/"].strip() == "200"
    assert lines["/catalog/"].strip() == "503"  # the dead alias's own page says so, no 500
    assert "pgsecret" not in result.stdout + result.stderr


def test_check_databases_exits_1_naming_the_dead_alias(one_alias_down):
    result = manage("check_databases", env=one_alias_down)

    assert result.returncode == 1
    assert "catalog  PostgreSQL  127.0.0.1" in result.stdout
    assert "Not answering: catalog." in result.stderr
    assert "pgsecret" not in result.stdout + result.stderr


def test_check_databases_quietly_still_says_why_the_dead_alias_fails(one_alias_down):
    result = manage("check_databases", "-v0", env=one_alias_down)

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("CommandError: Not answering: catalog (") and "127.0.0.1" in line
    assert "pgsecret" not in line


def test_the_home_page_lists_each_app_with_its_engine_but_no_credentials(client):
    response = client.get(reverse("home"))

    page = response.content.decode()
    assert response.status_code == 200
    for title in ("Counter", "Citi Bike trips", "Bank", "Party finder", "Catalog"):
        assert title in page
    for label in ("counter", "trips", "bank", "parties", "catalog"):
        where = describe(settings.DATABASES[alias_for(label, settings.DATABASES)])
        assert f'<td data-label="Engine">{where["vendor"]}</td>' in page
    assert all(db.get("PASSWORD", "") not in page for db in settings.DATABASES.values() if db.get("PASSWORD"))


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def test_healthz_is_a_page_for_a_browser_with_each_alias_and_its_status(client):
    client.force_login(User.objects.create_superuser("staff", "s@example.com", "pw"))
    response = client.get(reverse("healthz"), HTTP_ACCEPT=BROWSER_ACCEPT)

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert '<span id="health-status" class="health-ok">ok</span>' in page
    for alias in settings.DATABASES:
        assert f'<th scope="row"><code>{alias}</code></th>' in page
    assert '<td class="value-yes">yes</td>' in page


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, text/html;q=0.5"])
def test_healthz_is_json_for_anything_that_does_not_prefer_html(client, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    response = client.get(reverse("healthz"), **headers)

    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"


def test_healthz_tells_caches_that_its_answer_depends_on_accept(client):
    for accept in ("*/*", BROWSER_ACCEPT):
        response = client.get(reverse("healthz"), HTTP_ACCEPT=accept)
        assert "Accept" in response["Vary"]
        assert "no-cache" in response["Cache-Control"]


def test_the_health_page_shows_whatever_the_report_holds():
    # Aliases as dicts or plain strings, and keys the page has never heard of, all show.
    report = {
        "status": "degraded",
        "databases": {"default": {"engine": "SQLite", "ok": True}, "catalog": {"ok": False, "error": "boom"}},
        "cache": {"backend": "redis", "ok": True},
        "migrations": {"catalog": ["0002_author_country"], "default": []},
        "note": None,
    }

    parts = {part["title"]: part for part in sections(report)}

    assert parts["databases"]["columns"] == ["engine", "ok", "error"]
    assert parts["databases"]["rows"] == [
        ("default", ["SQLite", "yes", "—"]), ("catalog", ["—", "no", "boom"]),
    ]
    assert parts["cache"]["rows"] == [("backend", ["redis"]), ("ok", ["yes"])]
    assert parts["migrations"]["rows"] == [("catalog", ["0002_author_country"]), ("default", ["—"])]
    assert parts["note"]["text"] == "—"
    assert sections({"status": "ok", "databases": {"default": "ok"}})[0]["rows"] == [("default", ["ok"])]


HTML_PROBE = """
from django.test import Client
client = Client()
from django.contrib.auth.models import User  # /healthz details are for staff
client.force_login(User.objects.update_or_create(username="staff", defaults={"is_staff": True})[0])
response = client.get("/healthz", HTTP_ACCEPT="text/html")
print(response.status_code)
print(response.content.decode())
"""


def test_a_dead_alias_makes_the_health_page_a_503_naming_it_without_secrets(one_alias_down):
    result = manage("shell", "-v0", "-c", HTML_PROBE, env=one_alias_down)

    status, page = result.stdout.split("\n", 1)
    assert status == "503", result.stderr
    assert '<span id="health-status" class="health-degraded">degraded</span>' in page
    catalog_row = page.split('<th scope="row"><code>catalog</code></th>')[1].split("</tr>")[0]
    assert "PostgreSQL" in catalog_row and '<td class="value-no">no</td>' in catalog_row
    assert "OperationalError" in catalog_row
    assert "pgsecret" not in result.stdout + result.stderr
