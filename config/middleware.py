import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.encoding import escape_uri_path
from django.views.defaults import bad_request

from common.databases import APPS, error_summary
from common.text import unstorable
from config.dberrors import classify, is_database_error
from config.schema import MIGRATE_RETRY_AFTER, first_behind

logger = logging.getLogger(__name__)
security_logger = logging.getLogger("django.security.DisallowedHost")


class DatabaseUnavailableMiddleware:
    """A page whose database fails answers with what to do: 503 with Retry-After only when
    a retry can cure it (config.dberrors), 4xx for data the database refuses, 500 else.

    Other apps' pages are unaffected: each app only touches its own alias. The JSON API
    has its own handler for the same errors (config.api). The driver's error (hosts, ports,
    roles, database names) is shown to staff only, as on /healthz; the log always has it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_error(exception):
            return None
        error = classify(exception)
        reason = error_summary(exception, settings.DATABASES)
        migrate = behind_for(request, error)
        if migrate:
            logger.error("Database behind its migrations on %s: %s", request.path, migrate)
            response = render(request, "503.html", {"migrate": migrate}, status=503)
            response["Retry-After"] = str(MIGRATE_RETRY_AFTER)
            return response
        logger.log(logging.ERROR if error.status >= 500 else logging.WARNING,
                   "Database error on %s (%d): %s", request.path, error.status, reason,
                   exc_info=exception if error.status >= 500 else None)
        template = "503.html" if error.retry_after else "database_error.html"
        context = {"reason": reason if is_staff(request) else "", "error": error}
        response = render(request, template, context, status=error.status)
        if error.retry_after:
            response["Retry-After"] = str(error.retry_after)
        return response


def is_staff(request) -> bool:
    """Is a staff user signed in? False when that cannot be known: no auth middleware ran,
    or the database holding sessions and users is the one that failed."""
    try:
        return bool(request.user.is_staff)
    except Exception:  # noqa: BLE001 - any failure to know means "not staff"
        return False


def apps_of(request) -> list[str]:
    """The app a page or /api/<app>/ endpoint belongs to, as a list (empty: unknown)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.app_name in APPS:
        return [match.app_name]
    parts = request.path.split("/")
    if len(parts) > 2 and parts[1] == "api" and parts[2] in APPS:
        return [parts[2]]
    return []


def behind_for(request, error) -> str | None:
    """For an error no retry cures (a missing table or column is one), whether the request's
    database is behind its migrations, as the sentence naming the `migrate` to run."""
    return first_behind(apps_of(request)) if error.kind == "server" else None


class JsonMethodNotAllowedMiddleware:
    """ninja answers a wrong method with a plain-text 405; the API promises JSON. A page's
    405 is Django's empty body, which a browser shows as its own "HTTP ERROR 405": that is
    what a visit to a form's address gives (parties' people/, left in the address bar by a
    409 conflict page), so it gets the site's page linking one level up (the party)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405:
            return response
        allow = response.get("Allow", "")
        if not request.path.startswith("/api/"):
            return response if response.content else _method_not_allowed_page(request, allow)
        detail = f"{request.method} is not allowed here; use {allow or 'another method'}."
        return JsonResponse({"detail": detail}, status=405, headers={"Allow": allow})


def _method_not_allowed_page(request, allow):
    up = escape_uri_path(request.path).rstrip("/").rpartition("/")[0] + "/"
    context = {"method": request.method, "up": up if not up.startswith("//") else "/"}
    page = render(request, "405.html", context, status=405)
    page["Allow"] = allow
    return page


class DisallowedHostMiddleware:
    """A request whose Host is not allowed is a 400 logged in one line: JSON on /api/, as every
    API error is, Django's 400 page elsewhere. Django's own handling logs each one with its
    traceback, which is all a scanner probing the server by its address fills the log with.

    First in MIDDLEWARE, so it answers before any other middleware asks for the host.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.get_host()
        except DisallowedHost as exc:
            security_logger.error("%s", exc)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(exc)}, status=400)
            return bad_request(request, exc)
        return self.get_response(request)


class RefuseUnstorableTextMiddleware:
    """NUL or a lone surrogate in the path or query string is a 400 before any view runs:
    PostgreSQL refuses NUL in text and no driver can encode a surrogate, so a search for
    one would otherwise be a 500 on one engine and an empty page on another."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        texts = [request.path, *request.GET.keys()]
        texts += [value for values in request.GET.lists() for value in values[1]]
        if not any(unstorable(text) for text in texts):
            return self.get_response(request)
        detail = "NUL characters and lone surrogates are not accepted in the path or query string."
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": detail}, status=400)
        return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
