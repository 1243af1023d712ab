from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from config.databases import alias_for, describe
from config.health import check_all, check_cache
from config.health_page import sections

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
    return render(request, "home.html", {"apps": apps})


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
