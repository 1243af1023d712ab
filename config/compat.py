"""The seed tutorials' own URLs, answered with a redirect to where each thing lives here.

A reader following a tutorial types (or curls) its paths; each one gets a permanent
redirect: 308 for API calls, so a POST stays a POST with its body, and 301 for pages.
The table of old and new paths is in each app's README, beside the tutorial's step.
"""

import json
from urllib.parse import quote

from django.http import HttpResponsePermanentRedirect
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt


class PermanentRedirect308(HttpResponsePermanentRedirect):
    status_code = 308


def _target(request, template, kwargs):
    location = template.format(**{name: quote(str(value), safe="") for name, value in kwargs.items()})
    query = request.META.get("QUERY_STRING", "")
    return f"{location}?{query}" if query else location


def api(template):
    """A 308 to `template` (filled from the URL's parameters), query string kept."""

    @csrf_exempt  # it only redirects; the POST is answered (and checked) at its target
    def view(request, **kwargs):
        target = _target(request, template, kwargs)
        # A body for curl without -L, which prints it instead of following.
        body = json.dumps({"detail": f"Moved to {target} (curl -L follows it).", "location": target})
        return PermanentRedirect308(target, content=body, content_type="application/json")

    return view


def page(template):
    """A 301 to `template`, query string kept."""

    def view(request, **kwargs):
        return HttpResponsePermanentRedirect(_target(request, template, kwargs))

    return view


# CockroachDB's "Build a Python App with CockroachDB and Django": its JSON API at the root.
# The tutorial's ids were integers; ours are UUIDs, so any id segment is passed on as is
# and the API answers it (a 404 naming it when it is no UUID).
COCKROACHDB = [
    path("ping/", api("/api/bank/ping/")),
    path("customer/", api("/api/bank/customer/")),
    path("customer/<str:id>/", api("/api/bank/customer/{id}/")),
    path("product/", api("/api/bank/product/")),
    path("product/<str:id>/", api("/api/bank/product/{id}/")),
    path("order/", api("/api/bank/order/")),
    path("order/<str:id>/", api("/api/bank/order/{id}/")),
]

# Neon's "Schema migration with Neon Postgres and Django": two JSON endpoints under /catalog/.
# (/catalog/authors/<id>/ is this project's author page, so it is not redirected.)
NEON = [
    path("catalog/authors/", api("/api/catalog/authors/")),
    path("catalog/books/<int:author_id>/", api("/api/catalog/books/{author_id}/")),
]

# Astra DB's partyfinder sample: its pages under /partyfinder/ (detail and delete had no
# trailing slash there).
PARTYFINDER = [
    path("partyfinder/", page("/parties/")),
    path("partyfinder/list/<str:city>/", page("/parties/{city}/")),
    path("partyfinder/new/", page("/parties/new/")),
    re_path(r"^partyfinder/detail/(?P<city>[^/]+)/(?P<party_id>[^/]+)/?$",
            page("/parties/{city}/{party_id}/")),
    re_path(r"^partyfinder/delete/(?P<city>[^/]+)/(?P<party_id>[^/]+)/?$",
            page("/parties/{city}/{party_id}/delete/")),
]

urlpatterns = COCKROACHDB + NEON + PARTYFINDER
