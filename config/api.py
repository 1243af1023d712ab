"""The one JSON API: every app mounts its router under /api/<app>/.

Every error is JSON with a readable `detail`; validation errors name the field.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError, ValidationError

from config.databases import error_summary
from config.dberrors import classify
from config.schema import MIGRATE_RETRY_AFTER

logger = logging.getLogger(__name__)


class SiteSwagger(Swagger):
    """ninja's Swagger UI in the site's layout (templates/api/docs.html): site header and a
    way back, a phone viewport, scripts from static files only."""

    template = "api/docs.html"


api = NinjaAPI(
    docs=SiteSwagger(),
    title="Django database tutorials",
    version="1.0",
    description="JSON endpoints of the trips, bank, parties, catalog and counter apps.",
    urls_namespace="api",
)


def _field(loc):
    # ninja locations look like ("body", "payload", "price"); the request part and the
    # parameter name say nothing to a client.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    errors = [{"field": _field(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return api.create_response(request, {"detail": summary, "errors": errors}, status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def body_too_big(request, exc):
    return api.create_response(request, {"detail": "The request body is too large."}, status=413)


@csrf_exempt  # it changes nothing; a POST without the slash must see the JSON, not a CSRF page
def unknown_endpoint(request):
    """Any /api/ URL no endpoint matches: JSON, and it resolves, so CommonMiddleware's
    APPEND_SLASH never redirects (or, under DEBUG, raises on) a POST that lacks the slash."""
    hint = "" if request.path.endswith("/") else f" Did you mean {request.path}/ ?"
    return JsonResponse({"detail": f"No endpoint at {request.path}.{hint}"}, status=404)


@api.exception_handler(DatabaseError)
def database_error(request, exc):
    """Only an error a retry can cure is a 503 with Retry-After (config.dberrors), and a
    database behind its migrations: a 503 naming the `migrate` that cures it."""
    from django.conf import settings

    from config.middleware import behind_for

    error = classify(exc)
    migrate = behind_for(request, error)
    if migrate:
        logger.error("Database behind its migrations on %s: %s", request.path, migrate)
        response = api.create_response(request, {"detail": migrate}, status=503)
        response["Retry-After"] = str(MIGRATE_RETRY_AFTER)
        return response
    level = logging.ERROR if error.status >= 500 else logging.WARNING
    logger.log(level, "Database error on %s (%d): %s", request.path, error.status,
               error_summary(exc, settings.DATABASES),
               exc_info=exc if error.status >= 500 else None)
    response = api.create_response(request, {"detail": error.detail}, status=error.status)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def _mount():
    from bank.api import router as bank
    from catalog.api import router as catalog
    from counter.api import router as counter
    from parties.api import router as parties
    from trips.api import router as trips

    for prefix, router in (
        ("counter", counter), ("trips", trips), ("bank", bank),
        ("parties", parties), ("catalog", catalog),
    ):
        api.add_router(f"/{prefix}/", router)


_mount()


@api.get("/ping/", tags=["project"], summary="A plain JSON answer that touches no database")
def ping(request):
    return {"status": "ok"}
