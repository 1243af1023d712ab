"""The Makefile's local-settings promise: `.env` appears when missing, and is never overwritten."""

import shutil
import subprocess

import pytest

from tests.support.manage import ROOT

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
