from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from access.throttles import throttled_page
from common.errors import NotFound
from common.pages import refusals_as_pages
from counter.models import DEFAULT_NAME, NAME_MAX_LENGTH, Counter


@require_http_methods(["GET", "HEAD", "POST"])
@throttled_page
@refusals_as_pages
def counter(request, name=DEFAULT_NAME):
    if len(name) > NAME_MAX_LENGTH:
        # The slug converter has no length limit; PostgreSQL would refuse the INSERT and
        # SQLite would store a name the model does not allow.
        raise NotFound(f"A counter name has at most {NAME_MAX_LENGTH} characters.")
    if request.method == "POST":
        Counter.objects.click(name)
        # POST/redirect/GET: refreshing the page afterwards does not click again.
        return redirect(request.path)
    value = Counter.objects.filter(name=name).values_list("value", flat=True).first() or 0
    return render(request, "counter/counter.html", {"name": name, "value": value})
