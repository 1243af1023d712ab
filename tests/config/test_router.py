"""The router, end to end: two real SQLite files, migrations and writes on each."""

import sqlite3

import pytest

from config.routers import AppDatabaseRouter
from tests.support.manage import clean_environment, manage


def tables(path):
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


@pytest.fixture
def two_files(tmp_path):
    default, counter = tmp_path / "default.db", tmp_path / "counter.db"
    env = clean_environment(
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{default}",
        COUNTER_DATABASE_URL=f"sqlite:///{counter}",
    )
    result = manage("migrate_all", "-v0", env=env)
    assert result.returncode == 0, result.stderr
    return default, counter, env


def test_an_app_with_its_own_url_is_migrated_there_and_only_there(two_files):
    default, counter, _ = two_files

    assert "counter_counter" in tables(counter)
    assert "counter_counter" not in tables(default)
    assert {"auth_user", "django_session", "django_content_type"} <= tables(default)
    assert not {"auth_user", "django_session", "django_content_type"} & tables(counter)


def test_reads_and_writes_of_that_app_go_to_its_file(two_files):
    default, counter, env = two_files

    result = manage(
        "shell", "-v0", "-c",
        "from counter.models import Counter; Counter.objects.click('routed'); "
        "print(Counter.objects.get(name='routed').value)",
        env=env,
    )

    assert result.stdout.strip() == "1", result.stderr
    with sqlite3.connect(counter) as db:
        assert db.execute("SELECT value FROM counter_counter WHERE name = 'routed'").fetchone() == (1,)


def test_populate_writes_each_app_to_its_alias(two_files):
    default, counter, env = two_files

    result = manage("populate", "--only", "counter", env=env)

    assert result.returncode == 0, result.stderr
    with sqlite3.connect(counter) as db:
        assert db.execute("SELECT name FROM counter_counter").fetchall() == [("hello-world-button",)]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_without_its_own_url_an_app_lives_on_default(settings):
    settings.DATABASES = {"default": settings.DATABASES["default"]}
    router = AppDatabaseRouter()

    assert router.allow_migrate("default", "counter")
    assert not router.allow_migrate("counter", "counter")


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_auth_and_sessions_never_leave_default(settings):
    settings.DATABASES = {**settings.DATABASES, "counter": settings.DATABASES["default"]}
    router = AppDatabaseRouter()

    assert router.allow_migrate("counter", "counter")
    assert not router.allow_migrate("default", "counter")
    for app in ("auth", "admin", "sessions", "contenttypes"):
        assert router.allow_migrate("default", app)
        assert not router.allow_migrate("counter", app)
