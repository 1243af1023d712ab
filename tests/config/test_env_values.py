"""Values a variable's type accepts but the project cannot use stop start-up with one line
naming the variable, never a traceback at start-up or a 500 on every request later."""

import subprocess
import sys

import pytest

from tests.support.manage import ROOT, clean_environment, manage

REFUSED = {
    "DJANGO_LOG_LEVEL=loud": ("DJANGO_LOG_LEVEL", "loud", "is not a log level"),
    "DJANGO_TIME_ZONE=utc": ("DJANGO_TIME_ZONE", "utc", "did you mean 'UTC'?"),
    "DJANGO_TIME_ZONE=Europe/berlin": ("DJANGO_TIME_ZONE", "Europe/berlin", "did you mean 'Europe/Berlin'?"),
    "DJANGO_TIME_ZONE=Nowhere/Atall": ("DJANGO_TIME_ZONE", "Nowhere/Atall", "is not a time zone"),
    "AXES_COOLOFF_MINUTES huge": ("AXES_COOLOFF_MINUTES", "99999999999999", "must be between 1 and"),
    "DJANGO_ALLOWED_HOSTS with a URL": ("DJANGO_ALLOWED_HOSTS", "127.0.0.1 https://tutorials.example.com/",
                                        "is a URL; give the host name alone (tutorials.example.com)"),
    "AXES_FAILURE_LIMIT=0": ("AXES_FAILURE_LIMIT", "0", "must be at least 1"),
    "API_PROXY_COUNT=-1": ("API_PROXY_COUNT", "-1", "must be at least 0"),
    "BANK_RETRY_ATTEMPTS=0": ("BANK_RETRY_ATTEMPTS", "0", "must be at least 1"),
    "API_ANON_RATE=5/0s": ("API_ANON_RATE", "5/0s", "must be at least 1"),
    "API_USER_RATE=0/min": ("API_USER_RATE", "0/min", "must be at least 1"),
    "REDIS_URL without a scheme": ("REDIS_URL", "127.0.0.1:6379", "not a Redis URL"),
    "REDIS_URL bad option": ("REDIS_URL", "redis://:r3dispw@127.0.0.1:6379/0?socket_timeout=abc",
                             "Invalid value for 'socket_timeout'"),
    "REDIS_URL bad port": ("REDIS_URL", "redis://127.0.0.1:abc/0", "cannot parse it"),
}


@pytest.mark.parametrize("name, value, problem", REFUSED.values(), ids=REFUSED.keys())
def test_an_unusable_value_stops_start_up_in_one_line_naming_it(tmp_path, name, value, problem):
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
                            **{name: value})

    result = manage("check", env=env)

    assert result.returncode != 0
    assert result.stderr.startswith(f"Error: {name}=") and problem in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "r3dispw" not in result.stderr


def test_usable_values_are_taken_as_meant(tmp_path):
    env = clean_environment(
        DJANGO_DEBUG="false", DJANGO_SECRET_KEY="k" * 50,
        DJANGO_ALLOWED_HOSTS="a.example.com 127.0.0.1, b.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", DJANGO_LOG_LEVEL="warning",
        DJANGO_TIME_ZONE="Europe/Berlin", AXES_COOLOFF_MINUTES="525600", API_ANON_RATE="5/10s",
        REDIS_URL="redis://127.0.0.1:1/11?socket_timeout=0.5",
    )
    code = ("from django.conf import settings as s; print(s.ALLOWED_HOSTS, s.LOGGING['root']['level'], "
            "s.TIME_ZONE, s.AXES_COOLOFF_TIME.days, s.API_ANON_RATE)")

    result = manage("shell", "-v0", "-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("]")[0] == "['a.example.com', '127.0.0.1', 'b.example.com'"
    assert result.stdout.split("]")[1].split() == ["WARNING", "Europe/Berlin", "365", "5/10s"]


SERVING = {
    "WEB_CONCURRENCY=2.5": ({"WEB_CONCURRENCY": "2.5"},
                            "Error: WEB_CONCURRENCY='2.5' is not a whole number."),
    "WEB_THREADS=0": ({"WEB_THREADS": "0"}, "Error: WEB_THREADS='0' must be at least 1."),
    "HOST port too big": ({"HOST": "127.0.0.1:99999"}, "Error: HOST='127.0.0.1:99999': the port must be"),
    "HOST port not a number": ({"HOST": "127.0.0.1:http"}, "Error: HOST='127.0.0.1:http': the port must be"),
}


@pytest.mark.parametrize("variables, error", SERVING.values(), ids=SERVING.keys())
def test_gunicorn_config_refuses_a_bad_serving_value_in_one_line(variables, error):
    result = subprocess.run([sys.executable, str(ROOT / "gunicorn.conf.py")],
                            env=clean_environment(**variables), cwd=ROOT,
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 1
    assert result.stderr.startswith(error) and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_gunicorn_refuses_a_port_out_of_range_in_one_line():
    env = clean_environment(HOST="127.0.0.1:99999", WEB_CONCURRENCY="1")
    result = subprocess.run([sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)

    assert result.returncode != 0
    assert result.stderr.strip() == \
        "Error: HOST='127.0.0.1:99999': the port must be a number from 1 to 65535."


def test_make_serve_refuses_a_fractional_web_concurrency_before_gunicorn_reads_it(tmp_path):
    env = clean_environment(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", WEB_CONCURRENCY="2.5")

    result = subprocess.run(["make", "--no-print-directory", "serve", f"VENV={sys.prefix}"],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)

    ours = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert result.returncode != 0
    assert ours == ["Error: WEB_CONCURRENCY='2.5' is not a whole number."], result.stderr
    assert not (tmp_path / "db.sqlite3").exists()
