from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.databases import alias_for, describe
from config.health import check_all

TUTORIALS = [
    ("counter", "Counter", "A button whose clicks are counted in the database (django-hello-world)."),
    ("trips", "Citi Bike trips", "Snowflake's \u201cSnowflake as a backend for Django\u201d quickstart."),
    ("bank", "Bank", "CockroachDB's Django tutorial: customers, products, orders, transfers."),
    ("parties", "Party finder", "The Astra DB / Cassandra partyfinder sample."),
    ("catalog", "Catalog", "Neon's authors-and-books schema migration guide."),
]


@require_GET
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
@require_GET
def healthz(request):
    """Each alias ok/down for anyone; engines and driver errors (hosts, ports) only for
    staff signed in, since they map the network for an attacker."""
    report = check_all()
    status = 200 if report["status"] == "ok" else 503
    if not request.user.is_staff:
        report = public_health(report)
    return JsonResponse(report, status=status)


def public_health(report: dict) -> dict:
    def brief(entry):
        return {"status": "ok" if entry.get("ok") else "down"}

    public = {"status": report["status"]}
    for key, value in report.items():
        if key == "databases":
            public[key] = {alias: brief(entry) for alias, entry in value.items()}
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
