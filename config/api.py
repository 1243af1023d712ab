"""The one JSON API: every app mounts its router under /api/<app>/.

Every error is JSON with a readable `detail`; validation errors name the field.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from config.databases import error_summary

logger = logging.getLogger(__name__)

api = NinjaAPI(
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
    from django.conf import settings

    from config.middleware import apps_of
    from config.schema import first_behind

    migrate = first_behind(apps_of(request))
    logger.error("Database error on %s: %s", request.path, migrate or error_summary(exc, settings.DATABASES))
    body = {"detail": migrate or "The database could not complete this request; try again later."}
    response = api.create_response(request, body, status=503)
    response["Retry-After"] = "60" if migrate else "5"
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
