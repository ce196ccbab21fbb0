"""Page middleware that token-authenticated API requests skip.

A request to ``/api/`` that sends ``Authorization: Bearer …`` and no session cookie is
authenticated by its token alone: it cannot be logged in by a session, carries no CSRF
cookie that an API view reads (django-ninja checks CSRF itself, and only for session
authentication) and never shows a message. For such a request the CSRF,
authentication and messages middleware have nothing to do, yet cost about a sixth of
an election-day mark's time in Django; these subclasses skip them and run exactly as
Django's for every other request (pages, API calls with a session cookie). The
session middleware still runs (an empty session, as before) and so does
``LocaleMiddleware``: the API answers in the requested language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.http import HttpRequest, HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.deprecation import MiddlewareMixin

API_PREFIX = "/api/"


def token_api_request(request: HttpRequest) -> bool:
    """Return whether the request is an API call with a bearer token and no session cookie."""
    return (
        request.path_info.startswith(API_PREFIX)
        and request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class _PagesOnly(MiddlewareMixin):
    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if token_api_request(request):
            return self.get_response(request)
        return super().__call__(request)


class PagesCsrfViewMiddleware(_PagesOnly, CsrfViewMiddleware):
    """Django's ``CsrfViewMiddleware``, skipped by token-authenticated API requests.

    Its view check still runs for them: API views are exempt (django-ninja checks CSRF
    itself when a session authenticates), and any other view refuses an unsafe method
    without a CSRF cookie, as it does today.
    """


class PagesAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's ``AuthenticationMiddleware``; a token-authenticated API request starts anonymous.

    Anonymous is what the session would give it (it has no session cookie) until the
    token authenticates it.
    """

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if token_api_request(request):
            request.user = AnonymousUser()
            return self.get_response(request)
        return super().__call__(request)


class PagesMessageMiddleware(_PagesOnly, MessageMiddleware):
    """Django's ``MessageMiddleware``, skipped by token-authenticated API requests."""


class PublicReadsMiddleware:
    """Mark an anonymous GET or HEAD as a public read: its ORM reads may use the replica.

    Anonymous means no session cookie and no ``Authorization`` header: the decision is
    made from the request alone, before anything is read. A logged-in reader, a token
    and every other method stay on the primary (``psephos.core.routing``). A response
    served from the replica says so, with the replica's replay time, in
    ``X-Psephos-Read: replica; as-of=<ISO time>``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from .routing import public_reads, replica_as_of, replica_configured

        if (
            not replica_configured()
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
        ):
            return self.get_response(request)
        with public_reads():
            response = self.get_response(request)
            as_of = replica_as_of()
        response["X-Psephos-Read"] = "replica" + (f"; as-of={as_of.isoformat()}" if as_of else "")
        return response
