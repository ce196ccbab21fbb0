"""API authentication: a session cookie (with CSRF) or ``Authorization: Bearer <token>``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from psephos.accounts.models import User
from psephos.accounts.selectors import api_token_user
from psephos.accounts.services.tokens import TOKEN_PREFIX


class BearerToken(HttpBearer):
    """Authenticate with an API token issued by ``psephos api_token``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(raw=token)
        if user is not None:
            request.user = user
        return user


# Token first: a client that sends a token needs no CSRF cookie.
STAFF_AUTH = [BearerToken(), django_auth]


@dataclass(frozen=True, slots=True)
class UncheckedToken:
    """A bearer token that nobody has looked up yet; see ``DeferredBearerToken``."""

    raw: str


class DeferredBearerToken(HttpBearer):
    """Accept a well-formed bearer token without looking it up, for one endpoint.

    The endpoint gets ``request.auth`` as an ``UncheckedToken`` and must either act
    through a statement that checks the token itself or call ``token_user_or_401``
    before doing anything else. It lets election-day marks check the token inside the
    mark's own statement (one database round trip, ``voters.api.mark``).
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if token.startswith(TOKEN_PREFIX) and len(token) <= 200:
            return UncheckedToken(token)
        return None


def token_user_or_401(request: HttpRequest) -> User:
    """Authenticate as ``STAFF_AUTH`` would have, for an endpoint with ``DEFERRED_STAFF_AUTH``.

    Look up the request's unchecked token and set its user; failing that, the session
    (django-ninja checks its CSRF token); failing both, raise ``AuthenticationError``
    (401). Return the user.
    """
    auth = request.auth  # type: ignore[attr-defined]
    if not isinstance(auth, UncheckedToken):
        return request.user  # type: ignore[return-value]
    user = api_token_user(raw=auth.raw)
    if user is not None:
        request.user = user
        return user
    if not django_auth(request):
        raise AuthenticationError
    return request.user  # type: ignore[return-value]


# A well-formed token is looked up by the endpoint (``token_user_or_401``).
DEFERRED_STAFF_AUTH = [DeferredBearerToken(), django_auth]
