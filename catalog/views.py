from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from catalog import services
from catalog.models import AUTHOR_ORDER
from common.pages import refusals_as_pages

AUTHORS_PER_PAGE = 25


@require_safe
def index(request):
    """Every author with their books, a page of authors at a time."""
    paginator = Paginator(services.with_books().order_by(*AUTHOR_ORDER), AUTHORS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))  # junk or out of range -> a real page
    return render(request, "catalog/index.html", {"page": page, "authors": page.object_list})


@require_safe
@refusals_as_pages
def author_detail(request, pk):
    return render(request, "catalog/author_detail.html", {"author": services.author(pk=pk)})
