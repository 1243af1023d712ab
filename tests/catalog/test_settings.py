"""The guide's settings crashed when DATABASE_URL was unset; ours must not."""

import subprocess
import sys

from django.conf import settings

from config.databases import build_databases


def test_without_any_database_url_the_catalog_lives_in_the_default_sqlite_file():
    databases = build_databases({})

    assert set(databases) == {"default"}
    assert databases["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert databases["default"]["NAME"] == str(settings.BASE_DIR / "db.sqlite3")


def test_a_neon_pooled_url_keeps_sslmode_and_gets_its_own_catalog_alias():
    url = "postgresql://alex:AbC123dEf@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require"

    catalog = build_databases({"CATALOG_DATABASE_URL": url})["catalog"]

    assert catalog["OPTIONS"]["sslmode"] == "require"
    assert catalog["DISABLE_SERVER_SIDE_CURSORS"] is True  # PgBouncer in transaction mode


def test_manage_py_check_runs_with_no_database_url_set():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "true"}

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "catalog"], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 0, result.stderr
