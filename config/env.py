"""Everything the project reads from the environment goes through this module.

`.env` in the project root is loaded once, whatever the current directory, and real
environment variables always win over it.
"""

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

load_dotenv(BASE_DIR / ".env", override=False)

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off"}


def get(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value.strip()


def get_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    allowed = ", ".join(sorted(TRUE_VALUES | FALSE_VALUES))
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use one of: {allowed}.")


def get_int(name: str, default: int) -> int:
    raw = get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


RATE = re.compile(r"^\d+/(\d*)(s|sec|m|min|h|hour|d|day)$")


def get_rate(name: str, default: str) -> str:
    """A throttle rate such as 120/min, or "off"."""
    value = (get(name) or default).lower()
    if value == "off" or RATE.match(value):
        return value
    raise ImproperlyConfigured(f"{name}={value!r} is not a rate; use N/s, N/min, N/hour, N/day or off.")


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def require(name: str, why: str) -> str:
    value = get(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set {why}.")
    return value
