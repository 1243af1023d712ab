"""Party finder pages: browse a city, create, view, count me in (+1/−1), delete."""

import uuid
from dataclasses import replace

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from access.throttles import throttled_page
from common.pages import refusals_as_pages
from parties import services
from parties.forms import CityForm, PartyForm, PeopleForm
from parties.store import get_store, parse_id


@require_safe
def index(request):
    form = CityForm(request.GET or None)
    if form.is_valid():
        return redirect("parties:city", city=form.cleaned_data["city"])
    context = {"form": form, "cities": get_store().cities()}
    # A city the rules refuse is the request's fault, as on the new-party form.
    return render(request, "parties/index.html", context, status=400 if form.errors else 200)


@require_safe
@refusals_as_pages
def city(request, city):
    # The name as the form and the API take it: "/parties/Berlin%20/" is Berlin's page, and
    # "/parties/%FF%FE/" no city's (it showed an empty list and a "New" form that refused it).
    name = services.city_name(raw=city)
    if name != city:
        return redirect("parties:city", city=name)
    parties = get_store().in_city(name)
    return render(request, "parties/city.html", {"city": city, "parties": parties})


@require_http_methods(["GET", "HEAD", "POST"])
@throttled_page
def new(request):
    if request.method == "POST":
        form = PartyForm(request.POST)
        if form.is_valid():
            party = services.create_party(**form.cleaned_data)
            messages.success(request, f"{party.name} is on the map.")
            return redirect("parties:city", city=party.city)
    else:
        form = PartyForm(initial={"form_key": uuid.uuid4(), "city": request.GET.get("city", ""), "people": 0})
    return render(request, "parties/new.html", {"form": form}, status=400 if form.errors else 200)


def _party(city, party_id):
    return get_store().get(city, parse_id(party_id))


@require_safe
@refusals_as_pages
def detail(request, city, party_id):
    return render(request, "parties/detail.html", {"party": _party(city, party_id)})


@require_POST
@throttled_page
@refusals_as_pages
def people(request, city, party_id):
    party = _party(city, party_id)
    form = PeopleForm(request.POST)
    if not form.is_valid():
        return _detail(request, party, error=form.reason(), status=400)
    change = services.change_people(city=city, party_id=party.id, **form.cleaned_data)
    if change.refused:
        return _detail(request, party, error=change.refused, status=400)
    if change.applied:
        return redirect("parties:detail", city=city, party_id=party.id)
    conflict = (
        f"The count changed to {change.people} while you were looking "
        f"(you saw {form.cleaned_data['prev']}); your click was not counted. Try again."
    )
    return _detail(request, party, people=change.people, conflict=conflict, status=409)


def _detail(request, party, *, status, people=None, **context):
    if people is not None:
        party = replace(party, people=people)
    return render(request, "parties/detail.html", {"party": party, **context}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@throttled_page
@refusals_as_pages
def delete(request, city, party_id):
    party = _party(city, party_id)
    if request.method == "POST":
        get_store().delete(city, party.id)
        messages.success(request, f"{party.name} was deleted.")
        return redirect("parties:city", city=city)
    return render(request, "parties/delete.html", {"party": party})
