"""Everything the project reads from the environment goes through this module.

`.env` in the project root is loaded once, whatever the current directory, and real
environment variables always win over it.
"""

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from common.masking import mask_url

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    # README, "Deploy": .env is readable only by the service user, so a manage.py command
    # run as anyone else cannot open it; say so in one line instead of a traceback.
    try:
        load_dotenv(path, override=False)
    except PermissionError:
        raise ImproperlyConfigured(f"cannot read {path}: permission denied; run this as the user "
                                   "that owns it (sudo -u USER ...).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(f"cannot read {path}: {exc}; save it as UTF-8 text.") from None


_load_dotenv(BASE_DIR / ".env")

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


def get_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number, within [minimum, maximum] when given (a value a setting cannot use,
    such as 0 retries or a timedelta that overflows, would fail later on every request)."""
    raw = get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        bounds = (f"between {minimum} and {maximum}" if minimum is not None and maximum is not None
                  else f"at least {minimum}" if minimum is not None else f"at most {maximum}")
        raise ImproperlyConfigured(f"{name}={raw!r} must be {bounds}.")
    return value


RATE = re.compile(r"^(\d+)/(\d*)(s|sec|m|min|h|hour|d|day)$")


def get_rate(name: str, default: str) -> str:
    """A throttle rate such as 120/min or 10/5s (at least 1 per at least 1 unit), or "off"."""
    value = (get(name) or default).lower()
    if value == "off":
        return value
    match = RATE.match(value)
    if not match:
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate; use N/s, N/min, N/hour, N/day or off.")
    count, multiplier = int(match[1]), match[2]
    if count < 1 or multiplier and int(multiplier) < 1:
        raise ImproperlyConfigured(
            f"{name}={value!r}: both numbers of a rate must be at least 1 (off turns it off).")
    return value


LIST_SEPARATOR = re.compile(r"[,\s]+")


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    """Items separated by commas, whitespace or both ("a.com, b.com" or "a.com b.com")."""
    raw = get(name)
    if raw is None:
        return list(default or [])
    return [item for item in LIST_SEPARATOR.split(raw) if item]


def get_hosts(name: str, default: list[str] | None = None) -> list[str]:
    """Host names as ALLOWED_HOSTS takes them. A URL there (https://host/, the form
    DJANGO_CSRF_TRUSTED_ORIGINS wants) matches no request: every one would be a 400."""
    hosts = get_list(name, default)
    for host in hosts:
        if "/" in host:
            bare = host.split("://")[-1].split("/")[0]
            raise ImproperlyConfigured(
                f"{name}={get(name)!r}: {host!r} is a URL; give the host name alone ({bare}).")
    return hosts


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def get_log_level(name: str, default: str) -> str:
    """One of logging's level names, in any case."""
    value = (get(name) or default).upper()
    if value not in LOG_LEVELS:
        raise ImproperlyConfigured(
            f"{name}={get(name)!r} is not a log level; use one of: {', '.join(LOG_LEVELS)}.")
    return value


ZONEINFO_ROOT = Path("/usr/share/zoneinfo")


def get_time_zone(name: str, default: str) -> str:
    """An IANA time zone name zoneinfo knows, spelled as it spells it (Europe/Berlin, UTC)."""
    import zoneinfo

    value = get(name) or default
    try:
        zoneinfo.ZoneInfo(value)
        # Django's own start-up check (which raises with a traceback) looks for the file.
        known = not ZONEINFO_ROOT.exists() or ZONEINFO_ROOT.joinpath(*value.split("/")).is_file()
    except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):
        known = False
    if known:
        return value
    spelled = {zone.lower(): zone for zone in zoneinfo.available_timezones()}.get(value.lower())
    hint = f"did you mean {spelled!r}?" if spelled else "use a name such as UTC or Europe/Berlin."
    raise ImproperlyConfigured(f"{name}={value!r} is not a time zone zoneinfo knows; {hint}")


REDIS_SCHEMES = ("redis", "rediss", "unix")


def get_redis_url(name: str) -> str | None:
    """A URL redis-py accepts (redis://, rediss:// or unix://), checked now rather than by
    the first request that uses the cache."""
    value = get(name)
    if value is None:
        return None
    from redis.connection import parse_url

    def fail(problem):
        return ImproperlyConfigured(f"{name}={mask_url(value)!r}: {problem}.")

    scheme = value.partition("://")[0].lower() if "://" in value else ""
    if scheme not in REDIS_SCHEMES:
        raise fail(f"not a Redis URL; use {', '.join(s + '://' for s in REDIS_SCHEMES)} "
                   "(e.g. redis://127.0.0.1:6379/0)")
    try:
        parse_url(value)
    except ValueError as exc:
        raise fail(f"cannot parse it ({mask_url(str(exc))})") from None
    return value


def require(name: str, why: str) -> str:
    value = get(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set {why}.")
    return value
