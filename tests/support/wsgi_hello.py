"""A WSGI app that answers at once, for tests of gunicorn's own process handling (signals,
workers) under gunicorn.conf.py, where booting Django in every worker would only add time."""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
