"""Run manage.py in a fresh process, for behaviour that is decided when settings load."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATABASE_VARIABLES = ("DATABASE_URL", "TRIPS_DATABASE_URL", "BANK_DATABASE_URL",
                      "PARTIES_DATABASE_URL", "CATALOG_DATABASE_URL", "COUNTER_DATABASE_URL")


def clean_environment(**overrides):
    """The current environment without any database or Django variables, plus `overrides`."""
    env = {k: v for k, v in os.environ.items()
           if k not in DATABASE_VARIABLES and not k.startswith("DJANGO_")}
    env.update(overrides)
    return env


def manage(*args, env, timeout=120, cwd=ROOT):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )
