"""The guide's settings crashed when DATABASE_URL was unset; ours must not."""

from tests.support.manage import clean_environment, manage


def test_manage_py_check_runs_with_no_database_url_set():
    result = manage("check", "catalog", env=clean_environment(DJANGO_DEBUG="true"))

    assert result.returncode == 0, result.stderr
