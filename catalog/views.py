from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from catalog.models import AUTHOR_ORDER, BOOK_ORDER, Author, Book

AUTHORS_PER_PAGE = 25


def _with_books():
    return Author.objects.prefetch_related(
        Prefetch("book_set", queryset=Book.objects.order_by(*BOOK_ORDER), to_attr="books")
    )


@require_safe
def index(request):
    """Every author with their books, a page of authors at a time."""
    paginator = Paginator(_with_books().order_by(*AUTHOR_ORDER), AUTHORS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))  # junk or out of range -> a real page
    return render(request, "catalog/index.html", {"page": page, "authors": page.object_list})


@require_safe
def author_detail(request, pk):
    author = get_object_or_404(_with_books(), pk=pk)
    return render(request, "catalog/author_detail.html", {"author": author})
