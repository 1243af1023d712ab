from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from counter.models import DEFAULT_NAME, Counter


@require_http_methods(["GET", "POST"])
def counter(request, name=DEFAULT_NAME):
    if request.method == "POST":
        Counter.objects.click(name)
        # POST/redirect/GET: refreshing the page afterwards does not click again.
        return redirect(request.path)
    value = Counter.objects.filter(name=name).values_list("value", flat=True).first() or 0
    return render(request, "counter/counter.html", {"name": name, "value": value})
