"""API authentication: a session cookie (with CSRF) or ``Authorization: Bearer <token>``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from psephos.accounts.selectors import api_token_user


class BearerToken(HttpBearer):
    """Authenticate with an API token issued by ``psephos api_token``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(raw=token)
        if user is not None:
            request.user = user
        return user


# Token first: a client that sends a token needs no CSRF cookie.
STAFF_AUTH = [BearerToken(), django_auth]
