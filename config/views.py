from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.cache import patch_vary_headers
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from common.databases import alias_for, describe
from config.health import check_all, check_cache
from config.health_page import sections

TUTORIALS = [
    ("counter", "Counter", "A button whose clicks are counted in the database (django-hello-world)."),
    ("trips", "Citi Bike trips", "Snowflake's \u201cSnowflake as a backend for Django\u201d quickstart."),
    ("bank", "Bank", "CockroachDB's Django tutorial: customers, products, orders, transfers."),
    ("parties", "Party finder", "The Astra DB / Cassandra partyfinder sample."),
    ("catalog", "Catalog", "Neon's authors-and-books schema migration guide."),
]


@require_safe
def home(request):
    """The five apps and where each one's data lives; reads settings only, so an alias
    that is down cannot break this page."""
    apps = []
    for label, title, blurb in TUTORIALS:
        alias = alias_for(label, settings.DATABASES)
        apps.append({
            "label": label, "title": title, "blurb": blurb, "alias": alias,
            "url": f"{label}:index", **describe(settings.DATABASES[alias]),
        })
    # Hosts and database names help an attacker more than a visitor: staff only.
    return render(request, "home.html", {"apps": apps, "show_where": request.user.is_staff})


@never_cache
@require_safe  # monitors and load balancers often probe with HEAD
def healthz(request):
    """JSON for monitors and curl; a page for a browser, whose Accept header prefers HTML
    (`*/*` or no Accept at all means JSON). Same status either way."""
    report = check_all()
    status = 200 if report["status"] == "ok" else 503
    # Reported, but no reason for a load balancer to take this server out: pages render
    # without the cache.
    report["cache"] = check_cache()
    if not request.user.is_staff:
        # Engines, hosts, ports and driver errors map the network for an attacker: staff only.
        report = public_health(report)
    if request.get_preferred_type(["application/json", "text/html"]) == "text/html":
        context = {"status": report["status"], "sections": sections(report)}
        response = render(request, "healthz.html", context, status=status)
    else:
        response = JsonResponse(report, status=status)
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
def favicon(request):
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (admin, JSON).
    return redirect(static("favicon.ico"))


def public_health(report: dict) -> dict:
    def brief(entry):
        return {"status": "ok" if entry.get("ok") else "down"}

    public = {"status": report["status"]}
    for key, value in report.items():
        if key == "databases":
            public[key] = {alias: brief(entry) for alias, entry in value.items()}
        elif key == "cache":
            # Which cache and whether it answers, as monitors expect; never its error text.
            public[key] = {"backend": value["backend"], "ok": value["ok"]}
        elif isinstance(value, dict) and "ok" in value:
            public[key] = brief(value)
    return public


def server_error(request):
    """Django's last resort: JSON under /api/, the plain page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error; it has been logged."}, status=500)
    return defaults.server_error(request)


def bad_request(request, exception):
    """A request Django refuses before any view (a host not in ALLOWED_HOSTS, ...)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exception) or "Forbidden."}, status=403)
    return defaults.permission_denied(request, exception)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (the cookie expired or was cleared, a sign-in
    in another tab rotated the token): the site's own page. Django's has an inline <style>,
    which the Content-Security-Policy blocks, and it speaks of the browser being hijacked."""
    return render(request, "403_csrf.html", {"reason": reason if settings.DEBUG else ""}, status=403)
