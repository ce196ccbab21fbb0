"""The one place where pages turn a domain error into HTML.

A view (of any app) lets a ``DomainError`` through; this middleware renders it with
``web/error.html`` and the error's HTTP status (404, 403, 409, 422, …). The API has its
own handler (``psephos.api.urls``) and is skipped here. A view that shows an error
inline beside its form catches the error itself and never reaches this path.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from psephos.core.errors import DomainError
from psephos.core.middleware import API_PREFIX

from .views import render_domain_error


class DomainErrorMiddleware:
    """Render a ``DomainError`` raised by a page as the error page with its status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError) and not request.path_info.startswith(API_PREFIX):
            return render_domain_error(request, exception)
        return None
