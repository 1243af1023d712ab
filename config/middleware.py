import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render

from config.databases import APPS, error_summary
from config.schema import first_behind

logger = logging.getLogger(__name__)
security_logger = logging.getLogger("django.security.DisallowedHost")


class DatabaseUnavailableMiddleware:
    """A page whose database is down, or not migrated, answers 503 with what to do.

    Other apps' pages are unaffected: each app only touches its own alias. The JSON API
    has its own handler for the same errors (config.api).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError):
            return None
        # Tables missing or behind raise OperationalError on SQLite but ProgrammingError
        # on PostgreSQL: ask the migrations first, so both name the `migrate` to run.
        migrate = first_behind(apps_of(request))
        if migrate is None and not isinstance(exception, OperationalError | InterfaceError):
            return None
        reason = error_summary(exception, settings.DATABASES)
        logger.error("Database unavailable on %s: %s", request.path, migrate or reason)
        context = {"reason": reason, "migrate": migrate}
        response = render(request, "503.html", context, status=503)
        response["Retry-After"] = "60" if migrate else "5"
        return response


def apps_of(request) -> list[str]:
    """The app a page or /api/<app>/ endpoint belongs to, as a list (empty: unknown)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.app_name in APPS:
        return [match.app_name]
    parts = request.path.split("/")
    if len(parts) > 2 and parts[1] == "api" and parts[2] in APPS:
        return [parts[2]]
    return []


class JsonMethodNotAllowedMiddleware:
    """ninja answers a wrong method with a plain-text 405; the API promises JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith("/api/"):
            return response
        detail = f"{request.method} is not allowed here; use {response.get('Allow', 'another method')}."
        return JsonResponse({"detail": detail}, status=405, headers={"Allow": response.get("Allow", "")})


class JsonDisallowedHostMiddleware:
    """A request to /api/ whose Host is not allowed gets JSON, as every API error does.

    First in MIDDLEWARE, so it answers before any other middleware asks for the host.
    Pages keep Django's own 400 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                request.get_host()
            except DisallowedHost as exc:
                security_logger.error("%s", exc)
                return JsonResponse({"detail": str(exc)}, status=400)
        return self.get_response(request)
