"""Fuzz the JSON API with schemathesis (every check), as an anonymous and as a token client.

Starts the app on a free port against throwaway SQLite files (migrated, with the demo data
and a superuser whose token the later runs send), runs schemathesis anonymously and with the
token, each within a time budget, and stops the server. Exit status 0 when nothing was found.

    .venv/bin/python .ci/fuzz.py                       # make fuzz: a long run
    .venv/bin/python .ci/fuzz.py --max-examples 5 --max-time 60   # CI's short version
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(workdir: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.endswith("DATABASE_URL")}
    env.update(
        DJANGO_DEBUG="false", DJANGO_SECRET_KEY="fuzz-only-not-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1", DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{workdir}/default.db", BANK_DATABASE_URL=f"sqlite:///{workdir}/bank.db",
        # Throttles would answer 429 to the fuzzer's burst; their tests are in tests/access.
        API_ANON_RATE="off", API_USER_RATE="off", DJANGO_LOG_LEVEL="CRITICAL",
    )
    return env


def manage(*args, env, capture=False) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True,
        capture_output=True, text=True,
    )
    return result.stdout.strip() if capture else ""


def prepare(env) -> str:
    """Migrated databases with demo data; the token of a new superuser."""
    manage("migrate_all", "-v0", env=env)
    manage("populate", "-v0", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    code = ("from django.contrib.auth.models import User; "
            "User.objects.create_superuser('fuzz', 'f@x.io', None)")
    manage("shell", "-v0", "-c", code, env=env)
    return manage("create_api_token", "fuzz", "--name", "fuzz", "-v0", env=env, capture=True)


def serve(env, port) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", "--insecure",
         f"127.0.0.1:{port}"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ping/", timeout=1).close()  # noqa: S310
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def fuzz(port, args, headers=()) -> int:
    command = [
        str(BIN / "schemathesis"), "run", f"http://127.0.0.1:{port}/api/openapi.json",
        "--checks", "all", "--max-examples", str(args.max_examples), "--max-time", str(args.max_time),
        "--request-timeout", "10", "--generation-database", "none", "--workers", "1",
        "--suppress-health-check", "all",
    ]
    for header in headers:
        command += ["-H", header]
    return subprocess.run(command, cwd=ROOT).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=100, help="per operation and phase (100)")
    parser.add_argument("--max-time", type=int, default=600, help="seconds for each of the two runs (600)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as workdir:
        env = environment(Path(workdir))
        token = prepare(env)
        port = free_port()
        server = serve(env, port)
        try:
            anonymous = fuzz(port, args)
            auth = [f"Authorization: Bearer {token}"]
            authenticated = fuzz(port, args, auth)
        finally:
            server.terminate()
            server.wait(timeout=30)
    sys.exit(anonymous or authenticated)


if __name__ == "__main__":
    main()
