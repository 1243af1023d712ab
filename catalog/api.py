"""The guide's two JSON endpoints, returning real JSON objects rather than its list
holding one string of serializer output, plus validated POSTs to add authors and books."""

from datetime import datetime
from typing import Annotated

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field, StringConstraints

from catalog import services
from catalog.models import AUTHOR_ORDER, Author
from common.schemas import Detail, strict_int
from common.text import NO_NUL, NOT_BLANK

router = Router(tags=["catalog"])

MAX_LIMIT = 100
MAX_BIO = 10_000
BIGINT_MAX = 2**63 - 1


def _text(min_length: int, max_length: int):
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length,
                          # NUL is a 422 here, not the database error PostgreSQL would raise.
                          pattern=NOT_BLANK if min_length else NO_NUL),
    ]


Name = _text(1, 100)
Bio = _text(0, MAX_BIO)
Country = _text(0, 100)
Title = _text(1, 200)
AuthorId = strict_int(ge=1, le=BIGINT_MAX)


class AuthorOut(Schema):
    id: int
    name: str
    bio: str
    country: str
    created_at: datetime


class BookOut(Schema):
    id: int
    title: str
    author_id: int
    created_at: datetime


class AuthorIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Name
    bio: Bio = ""
    country: Country = ""


class BookIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Title
    author_id: AuthorId


class Page(Schema):
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description=f"How many (1 to {MAX_LIMIT})")
    offset: int = Field(0, ge=0, le=BIGINT_MAX, description="How many to skip")


def _paginate(request, response, queryset, page):
    """One page of `queryset`; the total and the neighbouring pages go in headers, so the
    body stays the plain JSON array the guide meant to return."""
    total = queryset.count()
    response["X-Total-Count"] = str(total)
    links = []
    if page.offset + page.limit < total:
        links.append((page.offset + page.limit, "next"))
    if page.offset > 0:
        links.append((max(page.offset - page.limit, 0), "prev"))
    if links:
        base = request.build_absolute_uri(request.path)
        response["Link"] = ", ".join(
            f'<{base}?limit={page.limit}&offset={offset}>; rel="{rel}"' for offset, rel in links
        )
    return list(queryset[page.offset : page.offset + page.limit])


@router.get("/authors/", response=list[AuthorOut], summary="Authors by name, a page at a time")
def list_authors(request, response: HttpResponse, page: Query[Page]):
    return _paginate(request, response, Author.objects.order_by(*AUTHOR_ORDER), page)


@router.get("/books/{author_id}/", response=list[BookOut], summary="One author's books, a page at a time")
def list_books_by_author(request, response: HttpResponse, author_id: int, page: Query[Page]):
    return _paginate(request, response, services.books_of(author_id=author_id), page)


@router.post("/authors/", response={201: AuthorOut}, summary="Add an author")
def create_author(request, payload: AuthorIn):
    return Status(201, Author.objects.create(**payload.dict()))


@router.post("/books/", response={201: BookOut, 404: Detail}, summary="Add a book to an existing author")
def create_book(request, payload: BookIn):
    return Status(201, services.create_book(**payload.dict()))
