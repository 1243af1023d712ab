"""config.middleware on requests Django would otherwise answer with a traceback in the log."""

import logging

import pytest


@pytest.mark.parametrize("path, json", [("/", False), ("/counter/", False), ("/api/ping/", True)])
def test_a_host_not_allowed_is_a_400_logged_in_one_line_without_a_traceback(client, caplog, path, json):
    with caplog.at_level(logging.INFO, logger="django.security"):
        response = client.get(path, HTTP_HOST="scanner.example")

    assert response.status_code == 400
    assert ("scanner.example" in response.json()["detail"]) if json else b"Bad Request" in response.content
    records = [r for r in caplog.records if r.name.startswith("django.security")]
    assert len(records) == 1 and "scanner.example" in records[0].getMessage()
    assert records[0].exc_info is None
