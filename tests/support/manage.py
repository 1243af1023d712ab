"""Run manage.py in a fresh process, for behaviour that is decided when settings load."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_VARIABLES = re.findall(
    r"^#? ?([A-Z][A-Z_]+)=", (ROOT / ".env.example").read_text(), flags=re.MULTILINE
)


def clean_environment(**overrides):
    """The current environment with every variable the settings read blanked, plus `overrides`.

    Blank rather than removed: a variable that is set, even to "", wins over a developer's
    .env, and the settings read "" as unset. DEBUG is off unless an override turns it on.
    """
    env = {**os.environ, **dict.fromkeys(SETTINGS_VARIABLES, ""), "DJANGO_DEBUG": "false"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser fixture for this process only
    env.update(overrides)
    return env


def manage(*args, env, timeout=120, cwd=ROOT):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )


def project_copy(tmp_path):
    """A copy of the project (its own config/ and manage.py, the rest linked) whose root may
    hold a .env of a test's own; the real checkout's .env is never touched."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(ROOT / "config", project / "config", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", project)
    for app in ("common", "access", "counter", "trips", "bank", "parties", "catalog", "templates", "static"):
        (project / app).symlink_to(ROOT / app)
    return project
