from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from trips import chart, pagecache, selectors
from trips.models import Station, Trip


def index(request):
    return render(request, "trips/index.html", selectors.overview())


def station(request, slug):
    if len(messages.get_messages(request)):
        # Someone's pending messages belong in their page only: no shared copy.
        context = _station_context(slug)
        html = context and render_to_string("trips/station.html", context, request)
    else:
        # The page depends on nothing but the data: render it once per data version.
        html = pagecache.get_or_build(f"station:{slug}", partial(_station_html, slug))
    if html is None:
        context = {
            "slug": slug, "matches": selectors.close_matches(slug),
            "stale": not Station.objects.exists() and Trip.objects.exists(),
        }
        return render(request, "trips/station_missing.html", context, status=404)
    return HttpResponse(html)


def _station_context(slug) -> dict | None:
    found = selectors.find_station(slug)
    if found is None:
        return None
    return {
        "section": "trips", "station": found, "trips": selectors.recent_trips(found, 10),
        "chart": chart.hour_chart(found.per_hour()),
    }


def _station_html(slug) -> str | None:
    context = _station_context(slug)
    return context and render_to_string("trips/station.html", context)


def stations(request):
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.search_stations(q), 100).get_page(request.GET.get("page"))
    return render(request, "trips/stations.html", {"q": q, "page": page})
