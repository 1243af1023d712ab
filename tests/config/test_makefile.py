"""The Makefile's local-settings promise: `.env` appears when missing, and is never overwritten."""

import shutil
import subprocess
import sys

import pytest

from tests.support.manage import ROOT, clean_environment

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args, cwd):
    return subprocess.run(["make", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.fixture
def project(tmp_path):
    for name in ("Makefile", ".env.example", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_make_creates_env_from_the_example_with_debug_on(project):
    result = make(".env", cwd=project)

    assert result.returncode == 0, result.stderr
    assert (project / ".env").read_text() == (project / ".env.example").read_text()
    assert "DJANGO_DEBUG=true" in (project / ".env").read_text().splitlines()


def test_make_never_overwrites_an_existing_env(project):
    (project / ".env").write_text("DATABASE_URL=sqlite:///mine.db\n")

    result = make(".env", cwd=project)

    assert result.returncode == 0
    assert (project / ".env").read_text() == "DATABASE_URL=sqlite:///mine.db\n"


@pytest.mark.parametrize("target", ["run", "install", "migrate", "populate"])
def test_run_install_migrate_and_populate_would_create_env_when_missing(project, target):
    planned = make("-n", target, cwd=project).stdout

    assert "cp .env.example .env" in planned.splitlines()


def test_make_help_names_host_and_how_to_change_it(project):
    out = make("help", cwd=project).stdout

    assert "HOST=127.0.0.1:8000 (make run HOST=0.0.0.0:8080)" in out
    assert "make run" in out


def test_make_run_refuses_a_host_port_out_of_range_in_one_line_before_migrating(tmp_path):
    env = clean_environment(DJANGO_DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    runtime = f"{sys.prefix}/.runtime-installed"  # installed already: never pip from a test

    result = subprocess.run(["make", "--no-print-directory", "-o", runtime, "run", f"VENV={sys.prefix}",
                             "HOST=127.0.0.1:99999"], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=120)

    ours = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert result.returncode != 0
    assert ours == ["Error: HOST='127.0.0.1:99999': the port must be a number from 1 to 65535."], ours
    assert not (tmp_path / "db.sqlite3").exists()
