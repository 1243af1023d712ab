"""The pages' one way to answer a service's refusal (common.errors), as config.api is the API's.

A view lets the refusal go and `@refusals_as_pages` answers it: NotFound is the site's 404
page with the message; any other refusal is `refused.html` with the message and its status.
Pages use 400 where the API says 422: a page's bad input is a form to correct, as Django's
form views answer it.
"""

import functools

from django.http import Http404
from django.shortcuts import render

from common.errors import Busy, Conflict, DomainError, Invalid, NotFound, OutcomeUnknown

PAGE_STATUS = ((Conflict, 409), (Invalid, 400), (Busy, 503), (OutcomeUnknown, 503))


def refusals_as_pages(view):
    @functools.wraps(view)
    def answered(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc)) from None
        except DomainError as exc:
            return refused(request, exc)

    return answered


def refused(request, exc: DomainError, *, template: str = "refused.html", **context):
    status = next((code for kind, code in PAGE_STATUS if isinstance(exc, kind)), 400)
    response = render(request, template, {"detail": str(exc), **context}, status=status)
    if isinstance(exc, Busy):
        response["Retry-After"] = str(exc.retry_after)
    return response
