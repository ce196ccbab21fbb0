"""Two-factor login for staff: a commission operator's session acts only after a TOTP code.

Staff accounts (PEC, TEC and CEC operators) use the same authenticator and pages as
observation admins (``/observation/2fa/``). With ``PSEPHOS_STAFF_TWO_FACTOR`` on, a
staff session that has not passed the code is sent there from every staff page
(``/staff/``, the voter lists under ``/voters/<election>/``) and from any change it
tries to make (a POST anywhere, pages or the session-authenticated API); public pages
stay readable. Bearer-token API calls are separate credentials and are not affected.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from psephos.accounts.enums import Role
from psephos.core.middleware import API_PREFIX
from psephos.observation.access import session_two_factor_ok
from psephos.observation.selectors import totp_confirmed

STAFF_ROLES = frozenset({Role.PEC_OPERATOR, Role.TEC_OPERATOR, Role.CEC_OPERATOR})
STAFF_PAGES = ("/staff/",)
# Reached before the code is given: the code's own pages, leaving, the language switch.
EXEMPT = ("/observation/2fa/", "/logout/", "/login/", "/i18n/", "/static/")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _staff_page(path: str) -> bool:
    if path.startswith(STAFF_PAGES):
        return True
    parts = path.strip("/").split("/")  # /voters/<election>/stations/<code>/…
    return len(parts) >= 3 and parts[0] == "voters" and parts[2] == "stations"


class StaffTwoFactorMiddleware:
    """Send an unverified staff session to the authenticator check (or refuse its API write)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        path = request.path_info
        if (
            getattr(settings, "PSEPHOS_STAFF_TWO_FACTOR", False)
            and user is not None
            and user.is_authenticated
            and getattr(user, "role", Role.READER) in STAFF_ROLES
            and not path.startswith(EXEMPT)
            and (request.method not in SAFE_METHODS or _staff_page(path))
            and not session_two_factor_ok(request.session, user)
        ):
            return self._refuse(request, user)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, user: object) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            message = _("Staff sessions must pass two-factor login first (/observation/2fa/).")
            body = {"error": {"code": "two_factor_required", "message": message, "data": {}}}
            return JsonResponse(body, status=403)
        target = (
            "observation:two_factor"
            if totp_confirmed(user=user)
            else "observation:two_factor_setup"
        )
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(target)}?{query}")
