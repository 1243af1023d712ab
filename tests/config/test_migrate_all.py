"""`migrate_all` (and so `make serve`) stops at a database it cannot reach with one line
naming the alias and its variable, never a traceback or the password."""

import socket

import pytest

from tests.support.manage import clean_environment, manage


def _postgres_answers():
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


CASES = {
    "postgres refused": ("bank", "BANK_DATABASE_URL", "postgres://postgres:S3cretpw@127.0.0.1:1/bank",
                         "migrate failed: OperationalError"),
    "postgres missing database": ("bank", "BANK_DATABASE_URL",
                                  "postgres://postgres:S3cretpw@127.0.0.1:5432/hC_no_such_database",
                                  'database "hC_no_such_database" does not exist'),
    "cassandra refused": ("parties", "PARTIES_DATABASE_URL",
                          "cassandra://cuser:S3cretpw@127.0.0.1:1/ks?connect_timeout=1",
                          "sync_cassandra failed: NoHostAvailable"),
}


@pytest.mark.parametrize("alias, variable, url, problem", CASES.values(), ids=CASES.keys())
def test_an_unreachable_or_missing_database_is_one_line_naming_it(tmp_path, alias, variable, url, problem):
    if "5432" in url and not _postgres_answers():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
                            **{variable: url})

    result = manage("migrate_all", "-v0", env=env, timeout=60)

    assert result.returncode == 1
    assert result.stderr.startswith(f"CommandError: {alias} ({variable}): "), result.stderr
    assert problem in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "S3cretpw" not in result.stderr + result.stdout
