"""The one JSON API: every app mounts its router under /api/<app>/.

Every error is JSON with a readable `detail`; validation errors name the field.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from access import policy
from common.databases import error_summary
from common.errors import Busy, Conflict, DomainError, Invalid, NotFound, OutcomeUnknown
from common.schemas import Detail, ValidationDetail
from config.apiparser import BodyRefused, StrictJsonParser
from config.dberrors import classify, is_database_error
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
    parser=StrictJsonParser(),
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


# The one place a service's refusal (common.errors) becomes a status.
DOMAIN_STATUS = ((NotFound, 404), (Conflict, 409), (Invalid, 422), (Busy, 503), (OutcomeUnknown, 503))


@api.exception_handler(DomainError)
def domain_error(request, exc):
    status = next((code for kind, code in DOMAIN_STATUS if isinstance(exc, kind)), 400)
    body = {"detail": str(exc)}
    if isinstance(exc, Invalid):
        # The same shape as a schema's 422, so one client handler reads both.
        body["errors"] = [{"field": exc.field, "message": str(exc)}]
    response = api.create_response(request, body, status=status)
    if isinstance(exc, Busy):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(HttpError)
def http_error(request, exc):
    # ninja turns any parser exception into a bare 400; ours carries its own status and text.
    cause = exc.__cause__
    if isinstance(cause, BodyRefused) and cause.field:
        errors = [{"field": cause.field, "message": str(cause)}]
        body = {"detail": f"{cause.field}: {cause}", "errors": errors}
        return api.create_response(request, body, status=cause.status)
    if isinstance(cause, BodyRefused):
        return api.create_response(request, {"detail": str(cause)}, status=cause.status)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Throttled)
def throttled(request, exc):
    # ninja adds Retry-After (whole seconds) to this response.
    detail = f"Too many writes from this client; try again in {exc.wait or 1} s."
    return api.create_response(request, {"detail": detail}, status=429)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    detail = ("Authentication required: send Authorization: Bearer <token> "
              "(manage.py create_api_token) or sign in; unknown and revoked tokens are refused.")
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Exception)
def server_error(request, exc):
    """Anything unexpected: logged with its traceback, and still JSON for the client. The
    Cassandra driver's transient errors are no Django DatabaseError: they are handled here."""
    if is_database_error(exc):
        return database_error(request, exc)
    logger.exception("Unhandled error on %s %s", request.method, request.path)
    return api.create_response(request, {"detail": "Server error; it has been logged."}, status=500)


@api.exception_handler(RequestDataTooBig)
def body_too_big(request, exc):
    return api.create_response(request, {"detail": "The request body is too large."}, status=413)


@csrf_exempt  # it changes nothing; a POST without the slash must see the JSON, not a CSRF page
def unknown_endpoint(request):
    """Any /api/ URL no endpoint matches: JSON, and it resolves, so CommonMiddleware's
    APPEND_SLASH never redirects (or, under DEBUG, raises on) a POST that lacks the slash."""
    hint = "" if request.path.endswith("/") else f" Did you mean {request.path}/ ?"
    if request.path == "/api/":
        hint = " The endpoints are listed at /api/docs."
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
        policy.apply(prefix, router)
        api.add_router(f"/{prefix}/", router)
        _document_errors(router)


def _document_errors(router):
    """Every operation lists the errors any of them can give, with their JSON shape: 400
    (refused text, see config.middleware), 422 when it takes parameters, 413/415 when it
    takes a body, 503 when the database is down."""
    for path, path_view in router.path_operations.items():
        for operation in path_view.operations:
            extra = {400: Detail}
            if operation.models:
                extra[422] = ValidationDetail
            if "{" in path:
                extra[404] = Detail  # whatever the path names may not exist
            if operation.methods[0] in ("POST", "PUT", "PATCH"):
                extra.update({413: Detail, 415: Detail})
            if operation.methods[0] not in policy.SAFE_METHODS:
                extra[409] = Detail  # data the database refuses (config.dberrors)
            if not path.endswith("/ping/"):
                extra[503] = Detail
            for code, model in operation._create_response_model_multiple(extra).items():
                operation.response_models.setdefault(code, model)


_mount()


@api.get("/ping/", tags=["project"], summary="A plain JSON answer that touches no database")
def ping(request):
    return {"status": "ok"}
