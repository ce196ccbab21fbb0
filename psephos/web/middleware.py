"""The one place where pages turn a domain error into HTML.

A view (of any app) lets a ``DomainError`` through; this middleware renders it with
``web/error.html`` and the error's HTTP status (404, 403, 409, 422, …). The API has its
own handler (``psephos.api.urls``) and is skipped here. A view that shows an error
inline beside its form catches the error itself and never reaches this path.

Every multipart request is parsed by ``core.uploads.UploadParser``, which refuses a file
whose cleaned name is empty instead of dropping it. A page's body is parsed here, before
the CSRF check reads it, so that the refusal is this error page (422) and not Django's
bare "Bad Request"; the API parses its own and answers through its handler.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from psephos.core.errors import DomainError
from psephos.core.middleware import API_PREFIX
from psephos.core.uploads import UploadNameEmpty, UploadParser

from .views import render_domain_error


class DomainErrorMiddleware:
    """Render a ``DomainError`` raised by a page as the error page with its status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.content_type == "multipart/form-data":
            # django-stubs type the attribute as a parser instance; Django takes the class.
            request.multipart_parser_class = UploadParser  # type: ignore[assignment]
            if not request.path_info.startswith(API_PREFIX):
                try:
                    request.POST  # noqa: B018 (parse now, before the CSRF check reads it)
                except UploadNameEmpty as exc:
                    return render_domain_error(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError) and not request.path_info.startswith(API_PREFIX):
            return render_domain_error(request, exception)
        return None


class LanguageSwitchMiddleware:
    """Answer a page's language switch, a GET of the page with ``?language=kk`` alone.

    The reader's choice goes to the language cookie and the reader back to the page
    (303, never stored by a cache), as the static snapshot's web server does
    (``deploy/nginx/psephos-snapshot.conf``): the switch is a GET form without a CSRF
    token, so a public page sets no cookie for an anonymous reader until they choose a
    language. Any other query, and the API (``?lang=``), pass through.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        choice = request.GET.getlist("language")
        if (
            request.method not in ("GET", "HEAD")
            or len(request.GET) != 1
            or len(choice) != 1
            or choice[0] not in self.codes
            or request.path_info.startswith(API_PREFIX)
        ):
            return self.get_response(request)
        response = HttpResponse(status=303, headers={"Location": request.path})
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            choice[0],
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        response["Cache-Control"] = "no-store"
        return response
