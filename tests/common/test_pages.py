"""A page view's refusal (common.errors) answered the one way: the 404 page, or refused.html
with the status of its kind."""

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from common.errors import Busy, Conflict, Invalid, NotFound
from common.pages import refusals_as_pages


def _view_raising(error):
    @refusals_as_pages
    def view(request):
        if error:
            raise error
        return HttpResponse("fine")

    return view


def test_a_view_that_refuses_nothing_answers_as_it_would():
    assert _view_raising(None)(RequestFactory().get("/")).content == b"fine"


def test_not_found_is_the_404_page_with_the_message():
    with pytest.raises(Http404, match="No party 7 in Berlin."):
        _view_raising(NotFound("No party 7 in Berlin."))(RequestFactory().get("/"))


@pytest.mark.parametrize(("error", "status"), [
    (Invalid("Name a city.", field="city"), 400),
    (Conflict("The count changed first."), 409),
    (Busy("Busy; try again in 2 s.", retry_after=2), 503),
])
def test_other_refusals_are_a_page_with_the_message_and_the_status_of_their_kind(error, status):
    response = _view_raising(error)(RequestFactory().get("/"))

    assert response.status_code == status
    assert str(error) in response.content.decode()
    assert response.get("Retry-After") == ("2" if status == 503 else None)
