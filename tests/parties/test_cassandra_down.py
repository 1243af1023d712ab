"""Cassandra down (nothing listens where PARTIES_DATABASE_URL points): the driver's own
errors, which are no Django DatabaseError, answer 503 with Retry-After like a SQL database's
refused connection, on pages and in the API alike; the hosts stay out of public answers."""

import json

import pytest

from config.dberrors import classify, is_database_error
from tests.support.manage import clean_environment, manage

REQUESTS = """
import json
from django.test import Client
client = Client()
answers = {}
for path in ("/parties/", "/parties/Berlin/", "/api/parties/Berlin/"):
    response = client.get(path)
    answers[path] = [response.status_code, response.get("Retry-After"), response.content.decode()]
print(json.dumps(answers))
"""


def test_pages_and_the_api_answer_503_with_retry_after_when_no_cassandra_host_answers(tmp_path):
    env = clean_environment(
        DJANGO_DEBUG="true", DJANGO_ALLOWED_HOSTS="testserver", DJANGO_LOG_LEVEL="CRITICAL",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        PARTIES_DATABASE_URL="cassandra://cuser:c4sspw@127.0.0.1:1/ks?connect_timeout=1",
    )

    result = manage("shell", "-v0", "-c", REQUESTS, env=env, timeout=60)

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    for path, (status, retry_after, body) in answers.items():
        assert (status, retry_after) == (503, "2"), (path, body)
        assert "127.0.0.1" not in body and "NoHostAvailable" not in body and "c4sspw" not in body
    detail = json.loads(answers["/api/parties/Berlin/"][2])["detail"]
    assert detail.startswith("The database is busy or unreachable")


def _driver_errors():
    import cassandra
    from cassandra.cluster import NoHostAvailable

    return [
        NoHostAvailable("Unable to connect to any servers", {"127.0.0.1:9042": ConnectionRefusedError(111)}),
        cassandra.OperationTimedOut("timed out", "127.0.0.1:9042"),
        cassandra.Unavailable("Too few replicas", consistency=6, required_replicas=2, alive_replicas=1),
        cassandra.ReadTimeout("Timed out", consistency=6, required_responses=2, received_responses=1),
        cassandra.WriteTimeout("Timed out", consistency=6, required_responses=2, received_responses=1,
                               write_type=0),
    ]


@pytest.mark.parametrize("index", range(5), ids=["no host", "op timed out", "unavailable", "read", "write"])
def test_the_drivers_transient_errors_are_503s(index):
    error = _driver_errors()[index]

    assert is_database_error(error)
    assert (classify(error).status, classify(error).retry_after) == (503, 2)


def test_other_exceptions_are_no_database_errors():
    assert not is_database_error(ValueError("x")) and not is_database_error(KeyError("x"))
