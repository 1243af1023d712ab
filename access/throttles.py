"""Rate limits per client through Django's cache (Redis in production, shared by workers).

ninja's SimpleRateThrottle keeps a list of timestamps with a get-then-set, which loses
counts under concurrency and keeps request state on a shared instance. These count in
fixed windows with the cache's atomic `add` + `incr` instead, and read the rate from
settings on every request, so `off` and test overrides take effect at once. A Redis that
is down is no way around them: each process counts in its own memory meanwhile.
"""

import functools
import ipaddress
import math
import threading

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.shortcuts import render
from ninja.throttling import SimpleRateThrottle

OFF = {"off", "none", "0", ""}


# While the shared cache (Redis) fails, config.cache drops its writes: each process then
# counts in its own memory, a limit per worker rather than none.
LOCAL = LocMemCache("access.throttles", {})


def _count_locally(key: str, period: int) -> int:
    LOCAL.add(key, 0, timeout=period + 1)
    return LOCAL.incr(key)


class WindowThrottle(SimpleRateThrottle):
    setting = ""  # the settings name holding "N/period" or "off"

    def __init__(self):
        self.rate = None
        self._state = threading.local()

    def get_rate(self):
        rate = str(getattr(settings, self.setting, "off")).strip().lower()
        return None if rate in OFF else rate

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def get_ident(self, request):
        # ninja takes the API_PROXY_COUNT-th entry of X-Forwarded-For as written; some proxies
        # add the client's port (a new one per connection), and a client may reach the server
        # around its proxy with any text there. One address, one key; no address, the proxy's.
        return ip_address(super().get_ident(request)) or request.META.get("REMOTE_ADDR")

    def allow_request(self, request) -> bool:
        self._state.wait = None
        rate = self.get_rate()
        ident = self.ident(request)
        if rate is None or ident is None:
            return True
        allowed, period = self.parse_rate(rate)
        now = self.timer()
        window = int(now // period)
        key = f"throttle:{self.scope}:{ident}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr, or the shared cache is down
            count = 1 if cache.add(key, 1, timeout=period + 1) else _count_locally(key, period)
        if count <= allowed:
            return True
        self._state.wait = (window + 1) * period - now
        return False

    def wait(self):
        wait = getattr(self._state, "wait", None)
        return None if wait is None else max(1, math.ceil(wait))


def ip_address(text: str | None) -> str | None:
    """The IP address in "1.2.3.4", "1.2.3.4:5678" or "[2001:db8::1]:443", in one spelling."""
    text = (text or "").strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


class AnonWriteThrottle(WindowThrottle):
    """Writes with no credentials, per client address (see API_PROXY_COUNT)."""

    scope = "anon"
    setting = "API_ANON_RATE"

    def ident(self, request):
        if getattr(request, "auth", None) is not None:
            return None
        return self.get_ident(request)


class UserWriteThrottle(WindowThrottle):
    """Writes with a token or session, per user."""

    scope = "user"
    setting = "API_USER_RATE"

    def ident(self, request):
        user = getattr(request, "auth", None)
        return None if user is None else str(user.pk)


class PageThrottle(WindowThrottle):
    """HTML forms anyone may post (the counter button, the party finder's forms), per
    client address, at the anonymous rate."""

    scope = "page"
    setting = "API_ANON_RATE"

    def ident(self, request):
        return self.get_ident(request)


PAGE_THROTTLE = PageThrottle()


def throttled_page(view):
    """A POST over the rate gets the 429 page with Retry-After instead of `view`."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not PAGE_THROTTLE.allow_request(request):
            wait = PAGE_THROTTLE.wait()
            response = render(request, "429.html", {"wait": wait}, status=429)
            response["Retry-After"] = str(wait)
            return response
        return view(request, *args, **kwargs)

    return wrapper


def client_address(request) -> str | None:
    """The client's address as throttles see it (API_PROXY_COUNT); django-axes uses it too."""
    return PAGE_THROTTLE.get_ident(request)
