"""CSRF for API endpoints that are open to the public but act for a logged-in session.

django-ninja checks CSRF only on endpoints whose authentication is the session. An
endpoint without authentication that still reads ``request.user`` (a complaint filed
by a staff member is attributed to them) must check it itself, or another site could
make a logged-in browser file in its user's name.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _

from psephos.core.errors import PermissionDenied


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"


def _view(request: HttpRequest) -> HttpResponse:  # the check needs a view to run against
    return HttpResponse()


def session_csrf_check(request: HttpRequest) -> None:
    """Raise ``CsrfFailed`` when a session-authenticated request lacks a valid CSRF token.

    A request without a logged-in session (an anonymous citizen, a bearer token) is
    not checked: it acts for nobody.
    """
    if not request.user.is_authenticated:
        return
    middleware = CsrfViewMiddleware(lambda _request: HttpResponseForbidden())
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    middleware.process_request(request)
    if middleware.process_view(request, _view, (), {}) is not None:
        raise CsrfFailed(
            _(
                "You are logged in, so this filing would be made in your name: send the "
                "CSRF token with it (or log out to file as a member of the public)."
            ),
            data={"header": "X-CSRFToken"},
        )
